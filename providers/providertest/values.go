package providertest

import (
	"fmt"
	"strings"

	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// diffObjects lists the top-level attributes and blocks in which got
// differs from want (both of rt's implied type), hiding sensitive values.
func diffObjects(rt *schema.ResourceType, want, got cty.Value) []string {
	want, _ = want.UnmarkDeep()
	got, _ = got.UnmarkDeep()
	if want.IsNull() || got.IsNull() {
		if want.IsNull() != got.IsNull() {
			return []string{fmt.Sprintf("want %s, got %s", nullOr(want), nullOr(got))}
		}
		return nil
	}
	var out []string
	for _, a := range rt.Block.Attributes {
		w, g := want.GetAttr(a.Name), got.GetAttr(a.Name)
		if same(w, g) {
			continue
		}
		if a.Sensitive {
			out = append(out, fmt.Sprintf("attribute %q differs (sensitive, not shown)", a.Name))
		} else {
			out = append(out, fmt.Sprintf("attribute %q: want %s, got %s", a.Name, w.GoString(), g.GoString()))
		}
	}
	for _, nb := range rt.Block.BlockTypes {
		if !same(want.GetAttr(nb.TypeName), got.GetAttr(nb.TypeName)) {
			out = append(out, fmt.Sprintf("block %q differs", nb.TypeName))
		}
	}
	return out
}

func nullOr(v cty.Value) string {
	if v.IsNull() {
		return "null"
	}
	return "an object"
}

// same reports whether two values are equal, unknowns included (an unknown
// equals an unknown of the same type).
func same(a, b cty.Value) bool {
	if a.RawEquals(b) {
		return true
	}
	if !a.IsWhollyKnown() || !b.IsWhollyKnown() {
		return false
	}
	eq := a.Equals(b)
	return eq.IsKnown() && eq.True()
}

// forceNewChanged lists the force-new attributes and blocks whose planned
// value differs from prior.
func forceNewChanged(rt *schema.ResourceType, prior, planned cty.Value) []string {
	if prior.IsNull() || planned.IsNull() {
		return nil
	}
	var out []string
	for _, a := range rt.Block.Attributes {
		if a.ForceNew && !same(prior.GetAttr(a.Name), planned.GetAttr(a.Name)) {
			out = append(out, a.Name)
		}
	}
	for _, nb := range rt.Block.BlockTypes {
		if nb.ForceNew && !same(prior.GetAttr(nb.TypeName), planned.GetAttr(nb.TypeName)) {
			out = append(out, nb.TypeName)
		}
	}
	return out
}

func paths(ps []cty.Path) string {
	var parts []string
	for _, p := range ps {
		var b strings.Builder
		for i, step := range p {
			switch s := step.(type) {
			case cty.GetAttrStep:
				if i > 0 {
					b.WriteByte('.')
				}
				b.WriteString(s.Name)
			case cty.IndexStep:
				b.WriteString("[" + s.Key.GoString() + "]")
			}
		}
		parts = append(parts, b.String())
	}
	return strings.Join(parts, ", ")
}
