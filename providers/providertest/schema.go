package providertest

import (
	"fmt"
	"regexp"

	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

var identifier = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// CheckSchema returns the mistakes in a provider's schema: names that are
// empty, not lower_snake_case or used twice; attributes that are not
// exactly one of required, optional or computed-only, without a type or
// documentation; defaults on anything but optional attributes or of the
// wrong type; force-new computed-only attributes; nested blocks with
// impossible item counts; resource types of another provider, or whose
// IDAttribute does not exist.
func CheckSchema(p *schema.Provider) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if !identifier.MatchString(p.Name) {
		add("provider name %q is not lower_snake_case", p.Name)
	}
	out = append(out, checkBlock("provider "+p.Name, &p.Config)...)
	seen := map[string]bool{}
	for _, rt := range p.ResourceTypes {
		where := "resource type " + rt.Name
		if !identifier.MatchString(rt.Name) {
			add("resource type name %q is not lower_snake_case", rt.Name)
		}
		if seen[rt.Name] {
			add("%s is declared twice", where)
		}
		seen[rt.Name] = true
		if rt.Provider != p.Name {
			add("%s says its provider is %q, not %q", where, rt.Provider, p.Name)
		}
		if rt.Doc == "" {
			add("%s has no Doc", where)
		}
		if rt.IDAttribute != "" {
			if a := rt.Block.Attribute(rt.IDAttribute); a == nil {
				add("%s: IDAttribute %q is not an attribute", where, rt.IDAttribute)
			} else if a.Type != cty.String {
				add("%s: IDAttribute %q is not a string", where, rt.IDAttribute)
			}
		}
		out = append(out, checkBlock(where, &rt.Block)...)
	}
	return out
}

func checkBlock(where string, b *schema.Block) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, where+": "+fmt.Sprintf(format, args...)) }
	names := map[string]bool{}
	name := func(n string) {
		if !identifier.MatchString(n) {
			add("name %q is not lower_snake_case", n)
		}
		if names[n] {
			add("name %q is used twice", n)
		}
		names[n] = true
	}
	for _, a := range b.Attributes {
		name(a.Name)
		kinds := 0
		for _, k := range []bool{a.Required, a.Optional, a.Computed && !a.Optional} {
			if k {
				kinds++
			}
		}
		if kinds != 1 || (a.Required && a.Computed) {
			add("attribute %q must be exactly one of required, optional or computed", a.Name)
		}
		if a.Type == cty.NilType {
			add("attribute %q has no type", a.Name)
		}
		if a.Doc == "" {
			add("attribute %q has no Doc", a.Name)
		}
		if a.Default != cty.NilVal {
			if !a.Optional {
				add("attribute %q has a default but is not optional", a.Name)
			} else if a.Type != cty.NilType && !a.Default.Type().Equals(a.Type) {
				add("attribute %q has a default of type %s, not %s", a.Name, a.Default.Type().FriendlyName(), a.Type.FriendlyName())
			}
		}
		if a.ForceNew && a.Computed && !a.Optional {
			add("attribute %q is computed only and cannot force a replacement", a.Name)
		}
	}
	for _, nb := range b.BlockTypes {
		name(nb.TypeName)
		if nb.MinItems < 0 || (nb.MaxItems > 0 && nb.MaxItems < nb.MinItems) {
			add("block %q allows between %d and %d items", nb.TypeName, nb.MinItems, nb.MaxItems)
		}
		if nb.Nesting == schema.NestingSingle && nb.MaxItems > 1 {
			add("block %q is single but allows %d items", nb.TypeName, nb.MaxItems)
		}
		out = append(out, checkBlock(where+" block "+nb.TypeName, &nb.Block)...)
	}
	return out
}
