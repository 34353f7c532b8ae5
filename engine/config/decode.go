package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/schema"
)

// Top-level keywords that are not resource types.
var keywords = []string{"updplan", "variable", "locals", "output", "provider", "data", "import", "moved"}

// decoder accumulates one configuration from its files.
type decoder struct {
	loader *Loader
	cfg    *Config
	diags  hcl.Diagnostics

	types     map[string]*schema.ResourceType
	data      map[string]*schema.ResourceType
	providers map[string]*schema.Provider
	root      *hcl.BodySchema

	localRanges map[string]hcl.Range
	importTo    map[addr.Instance]hcl.Range
	movedFrom   map[addr.Instance]hcl.Range
}

// index builds the lookup tables and the root schema from the loader's
// provider schemas.
func (d *decoder) index() {
	d.types = map[string]*schema.ResourceType{}
	d.data = map[string]*schema.ResourceType{}
	d.providers = map[string]*schema.Provider{}
	d.localRanges = map[string]hcl.Range{}
	d.importTo = map[addr.Instance]hcl.Range{}
	d.movedFrom = map[addr.Instance]hcl.Range{}
	d.root = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
		{Type: "updplan"},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "output", LabelNames: []string{"name"}},
		{Type: "provider", LabelNames: []string{"name"}},
		{Type: "data", LabelNames: []string{"type", "name"}},
		{Type: "import"},
		{Type: "moved"},
	}}
	for _, p := range d.loader.Schemas {
		if p == nil {
			continue
		}
		d.providers[p.Name] = p
		for _, ds := range p.DataSources {
			if _, dup := d.data[ds.Name]; !dup {
				d.data[ds.Name] = ds
			}
		}
		for _, rt := range p.ResourceTypes {
			if rt == nil || isKeyword(rt.Name) {
				continue
			}
			if _, dup := d.types[rt.Name]; dup {
				continue
			}
			d.types[rt.Name] = rt
			d.root.Blocks = append(d.root.Blocks, hcl.BlockHeaderSchema{Type: rt.Name, LabelNames: []string{"name"}})
		}
	}
}

func isKeyword(s string) bool {
	for _, k := range keywords {
		if k == s {
			return true
		}
	}
	return false
}

func (d *decoder) typeNames() []string {
	names := make([]string, 0, len(d.types))
	for n := range d.types {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (d *decoder) providerNames() []string {
	names := make([]string, 0, len(d.providers))
	for n := range d.providers {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// file decodes the top-level blocks of one file.
func (d *decoder) file(body hcl.Body) {
	content, diags := body.Content(d.root)
	for _, diag := range diags {
		if diag.Summary == "Unsupported block type" && !strings.Contains(diag.Detail, "Did you mean") {
			diag.Detail += fmt.Sprintf(" A top-level block is one of %s, or a resource type: %s. Fix the block type.",
				quotedList(keywords), quotedList(d.typeNames()))
		}
	}
	d.diags = append(d.diags, diags...)
	for _, b := range content.Blocks {
		switch b.Type {
		case "updplan":
			d.settings(b)
		case "variable":
			d.variable(b)
		case "locals":
			d.locals(b)
		case "output":
			d.output(b)
		case "provider":
			d.provider(b)
		case "data":
			d.dataBlock(b)
		case "import":
			d.importBlock(b)
		case "moved":
			d.moved(b)
		default:
			if rt := d.types[b.Type]; rt != nil {
				d.resource(b, rt)
			}
		}
	}
}

// finish runs the checks that need every file: import and moved blocks
// against the declared resources.
func (d *decoder) finish() {
	for _, m := range d.cfg.Moved {
		if m.From.Key != addr.NoKey || m.From.Resource == m.To.Resource {
			continue
		}
		if r, ok := d.cfg.Resources[m.From.Resource]; ok {
			d.diags = append(d.diags, errorAt(d.movedFrom[m.From], "Moved object still declared",
				fmt.Sprintf("This moved block moves %s away, but that resource is still declared at %s. Remove or rename that resource block, or remove the moved block.",
					m.From.Resource, r.DeclRange.String())))
		}
	}
	for _, imp := range d.cfg.Imports {
		if _, ok := d.cfg.Resources[imp.To.Resource]; !ok {
			d.diags = append(d.diags, errorAt(imp.ToRange, "Import target not declared",
				fmt.Sprintf("The import block adopts an object as %s, but there is no %s block named %q. Add the resource block the object should be managed by, or fix the address.",
					imp.To, imp.To.Resource.Type, imp.To.Resource.Name)))
		}
	}
}
