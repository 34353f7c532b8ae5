package engine

import (
	"sync"

	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// URLs with credentials (a catalog source https://user:pass@host/... or
// ...?sig=...) are attributes the schema marks CredentialURL. The
// provider plans and applies with the real URL, taken from the
// configuration; everything the engine keeps or hands on — the planned
// value, the plan's config, the state, what references and hooks see — has
// the stored form instead (schema.StoredURL: the redacted URL and a hash of
// the real one), so the credentials reach neither the state nor a plan
// file, and a change of credentials is still a change. A state written
// before holds the real URL: the next plan shows the update to the stored
// form, which the apply writes.

var credBlocks sync.Map // *schema.Block -> bool

// hasCredentialURL reports whether b or a nested block has a
// CredentialURL attribute.
func hasCredentialURL(b *schema.Block) bool {
	if v, ok := credBlocks.Load(b); ok {
		return v.(bool)
	}
	has := false
	for _, a := range b.Attributes {
		has = has || a.CredentialURL
	}
	for _, nb := range b.BlockTypes {
		has = has || hasCredentialURL(&nb.Block)
	}
	credBlocks.Store(b, has)
	return has
}

// storedForm returns v (a value of b's type) with each CredentialURL
// attribute in its stored form.
func storedForm(b *schema.Block, v cty.Value) cty.Value {
	if !hasCredentialURL(b) || v == cty.NilVal || v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() {
		return v
	}
	v, marks := v.UnmarkDeepWithPaths()
	attrs := v.AsValueMap()
	changed := false
	for _, a := range b.Attributes {
		if !a.CredentialURL {
			continue
		}
		s := attrs[a.Name]
		if s.Type() != cty.String || s.IsNull() || !s.IsKnown() {
			continue
		}
		if st := schema.StoredURL(s.AsString()); st != s.AsString() {
			attrs[a.Name] = cty.StringVal(st)
			changed = true
		}
	}
	for _, nb := range b.BlockTypes {
		if !hasCredentialURL(&nb.Block) {
			continue
		}
		cur := attrs[nb.TypeName]
		if cur.IsNull() || !cur.IsKnown() {
			continue
		}
		var nv cty.Value
		switch nb.Nesting {
		case schema.NestingSingle:
			nv = storedForm(&nb.Block, cur)
		default:
			nv = storedElements(&nb.Block, cur)
		}
		if !nv.RawEquals(cur) {
			attrs[nb.TypeName] = nv
			changed = true
		}
	}
	if !changed {
		return v.MarkWithPaths(marks)
	}
	return cty.ObjectVal(attrs).MarkWithPaths(marks)
}

// storedElements is storedForm of each element of a list, set or map of
// nested blocks.
func storedElements(b *schema.Block, coll cty.Value) cty.Value {
	ty := coll.Type()
	if coll.LengthInt() == 0 {
		return coll
	}
	switch {
	case ty.IsMapType() || ty.IsObjectType():
		m := map[string]cty.Value{}
		for it := coll.ElementIterator(); it.Next(); {
			k, e := it.Element()
			m[k.AsString()] = storedForm(b, e)
		}
		if ty.IsObjectType() {
			return cty.ObjectVal(m)
		}
		return cty.MapVal(m)
	default:
		var l []cty.Value
		for it := coll.ElementIterator(); it.Next(); {
			_, e := it.Element()
			l = append(l, storedForm(b, e))
		}
		switch {
		case ty.IsSetType():
			return cty.SetVal(l)
		case ty.IsListType():
			return cty.ListVal(l)
		}
		return cty.TupleVal(l)
	}
}
