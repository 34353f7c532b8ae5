package view

import (
	"sort"
	"strings"

	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// Placeholders shown instead of values.
const (
	knownAfterApply = "(known after apply)"
	sensitiveValue  = "(sensitive value)"
)

// sensitivity answers "is the value at this path sensitive?" from the
// resource type (attributes marked Sensitive) and explicit paths (from the
// plan, the state, or marks found on the values). A path is sensitive when
// it or any prefix of it is.
type sensitivity struct {
	blk   *schema.Block
	paths []cty.Path
}

func (s sensitivity) at(p cty.Path) bool {
	for _, q := range s.paths {
		if p.HasPrefix(q) {
			return true
		}
	}
	blk := s.blk
	for _, step := range p {
		if blk == nil {
			return false
		}
		ga, ok := step.(cty.GetAttrStep)
		if !ok {
			continue
		}
		if a := blk.Attribute(ga.Name); a != nil {
			return a.Sensitive
		}
		if nb := blk.BlockType(ga.Name); nb != nil {
			blk = &nb.Block
			continue
		}
		return false
	}
	return false
}

// inside reports whether the value at p is or holds anything sensitive: p
// itself, a sensitive path below it, or a sensitive attribute of the nested
// block at p. Renderers that print a value whole (one line, a drift report)
// hide it then.
func (s sensitivity) inside(p cty.Path) bool {
	if s.at(p) {
		return true
	}
	for _, q := range s.paths {
		if q.HasPrefix(p) {
			return true
		}
	}
	blk := s.blk
	for _, step := range p {
		ga, ok := step.(cty.GetAttrStep)
		if !ok || blk == nil {
			continue
		}
		nb := blk.BlockType(ga.Name)
		if nb == nil {
			return false
		}
		blk = &nb.Block
	}
	return len(p) > 0 && blk != nil && blk != s.blk && hasSensitive(blk)
}

func hasSensitive(blk *schema.Block) bool {
	for _, a := range blk.Attributes {
		if a.Sensitive {
			return true
		}
	}
	for _, nb := range blk.BlockTypes {
		if hasSensitive(&nb.Block) {
			return true
		}
	}
	return false
}

// unmark strips marks (sensitive values carried as cty marks) and returns
// the marked paths, so that marked values are treated as sensitive.
func unmark(v cty.Value) (cty.Value, []cty.Path) {
	if v == cty.NilVal {
		return cty.NullVal(cty.DynamicPseudoType), nil
	}
	if !v.ContainsMarked() {
		return v, nil
	}
	u, pvm := v.UnmarkDeepWithPaths()
	paths := make([]cty.Path, len(pvm))
	for i, pm := range pvm {
		paths[i] = pm.Path
	}
	return u, paths
}

// blockOf is the block of a resource type, or one derived from the value's
// object type when the type is unknown to the schemas.
func blockOf(s Schemas, typeName string, vals ...cty.Value) *schema.Block {
	if s != nil {
		if rt := s.ResourceType(typeName); rt != nil {
			return &rt.Block
		}
	}
	return impliedBlock(vals...)
}

func impliedBlock(vals ...cty.Value) *schema.Block {
	names := map[string]cty.Type{}
	for _, v := range vals {
		if v == cty.NilVal || !v.Type().IsObjectType() {
			continue
		}
		for n, ty := range v.Type().AttributeTypes() {
			names[n] = ty
		}
	}
	blk := &schema.Block{}
	for _, n := range sortedKeys(names) {
		blk.Attributes = append(blk.Attributes, &schema.Attribute{Name: n, Type: names[n], Optional: true})
	}
	return blk
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// attrOf returns the attribute of obj, or a null value when obj is null or
// has no such attribute.
func attrOf(obj cty.Value, name string) cty.Value {
	if obj == cty.NilVal || obj.IsNull() || !obj.IsKnown() || !obj.Type().IsObjectType() || !obj.Type().HasAttribute(name) {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	return obj.GetAttr(name)
}

// primitiveString renders a known, non-null primitive value in HCL syntax.
func primitiveString(v cty.Value) string {
	switch {
	case v.IsNull():
		return "null"
	case !v.IsKnown():
		return knownAfterApply
	}
	switch v.Type() {
	case cty.String:
		s := redactURL(v.AsString())
		if strings.Contains(s, "\n") {
			return heredoc(s)
		}
		return hclQuote(s)
	case cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case cty.Bool:
		if v.True() {
			return "true"
		}
		return "false"
	}
	return v.Type().FriendlyName()
}

// redactURL hides the password and the credential query parameters of a
// URL (a catalog source such as https://user:pass@host/... or a blob URL
// with ?sig=...), which are not marked sensitive but are secrets all the
// same: a state written before the engine stored such URLs without their
// credentials still holds them. Anything else is returned as it is.
func redactURL(s string) string { return schema.RedactURL(s) }

func heredoc(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return "<<-EOT\n" + s + "\nEOT"
}

// isPrimitiveCollection reports whether ty is a list, set or map of
// primitive values (rendered element by element).
func isPrimitiveCollection(ty cty.Type) bool {
	return (ty.IsListType() || ty.IsSetType() || ty.IsMapType()) && ty.ElementType().IsPrimitiveType()
}

// elements returns the elements of a known, non-null list, set or tuple.
func elements(v cty.Value) []cty.Value {
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	var out []cty.Value
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		out = append(out, e)
	}
	return out
}

// mapElements returns the entries of a known, non-null map or object.
func mapElements(v cty.Value) map[string]cty.Value {
	out := map[string]cty.Value{}
	if v.IsNull() || !v.IsKnown() {
		return out
	}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		out[k.AsString()] = e
	}
	return out
}
