package config

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
)

var dataMetaSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "count"}, {Name: "for_each"}, {Name: "depends_on"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "lifecycle"}},
}

// dataBlock decodes `data "TYPE" "NAME" { ... }`.
func (d *decoder) dataBlock(b *hcl.Block) {
	typ, name := b.Labels[0], b.Labels[1]
	ds := d.data[typ]
	if ds == nil {
		names := make([]string, 0, len(d.data))
		for n := range d.data {
			names = append(names, n)
		}
		sort.Strings(names)
		d.diags = append(d.diags, errorAt(b.LabelRanges[0], "Unknown data source",
			fmt.Sprintf("There is no data source %q.%s The data sources are %s; use one of them.", typ, didYouMean(typ, names), quotedList(names))))
		return
	}
	if diags := checkName(name, b.LabelRanges[1], "data source"); diags.HasErrors() {
		d.diags = append(d.diags, diags...)
		return
	}
	key := addr.Resource{Type: typ, Name: name}
	if prev, ok := d.cfg.Data[key]; ok {
		d.diags = append(d.diags, duplicate("Duplicate data block", fmt.Sprintf("A %s data block named %q", typ, name), prev.DeclRange, b.DefRange))
		return
	}
	meta, rest, diags := b.Body.PartialContent(dataMetaSchema)
	d.diags = append(d.diags, diags...)
	for _, mb := range meta.Blocks {
		d.diags = append(d.diags, errorAt(mb.DefRange, "Lifecycle not supported on data blocks",
			"A data block is only read, never changed: a lifecycle block means nothing on it. Remove it."))
	}
	dsrc := &DataSource{Addr: key, Config: rest, TypeRange: b.LabelRanges[0], DeclRange: b.DefRange}
	dsrc.Count, dsrc.ForEach = d.countAndForEach(meta, "read")
	if a, ok := meta.Attributes["depends_on"]; ok {
		dsrc.DependsOn = d.dependsOn(a.Expr)
	}
	d.cfg.Data[key] = dsrc
	d.diags = append(d.diags, checkBody(rest, &ds.Block, b.DefRange, fmt.Sprintf("data %q %q", typ, name), true)...)
}

// AsResource is the data block as a resource with the same address, count
// and for_each, for what expands both alike (eval.Expand, eval.RefValue).
func (ds *DataSource) AsResource() *Resource {
	return &Resource{Addr: ds.Addr, Count: ds.Count, ForEach: ds.ForEach, Config: ds.Config, DeclRange: ds.DeclRange}
}
