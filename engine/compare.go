package engine

import (
	"fmt"

	"github.com/zclconf/go-cty/cty"
)

// knownDifferences lists where final differs from a known value of
// reviewed: the reviewed plan's unknowns may have become anything, but
// nothing a person reviewed may change between plan and apply.
func knownDifferences(path cty.Path, reviewed, final cty.Value) []string {
	if !reviewed.IsKnown() {
		return nil
	}
	where := "the object"
	if len(path) > 0 {
		where = pathString(path)
	}
	if !final.IsKnown() {
		return []string{fmt.Sprintf("%s was known in the reviewed plan but is unknown now", where)}
	}
	if reviewed.IsNull() || final.IsNull() {
		if reviewed.IsNull() != final.IsNull() {
			return []string{fmt.Sprintf("%s changed between plan and apply", where)}
		}
		return nil
	}
	ty := reviewed.Type()
	switch {
	case ty.IsObjectType() && final.Type().IsObjectType():
		var out []string
		for name := range ty.AttributeTypes() {
			if !final.Type().HasAttribute(name) {
				continue
			}
			out = append(out, knownDifferences(path.GetAttr(name), reviewed.GetAttr(name), final.GetAttr(name))...)
		}
		return out
	case (ty.IsListType() || ty.IsTupleType()) && reviewed.LengthInt() == final.LengthInt():
		var out []string
		for i := 0; i < reviewed.LengthInt(); i++ {
			k := cty.NumberIntVal(int64(i))
			out = append(out, knownDifferences(path.Index(k), reviewed.Index(k), final.Index(k))...)
		}
		return out
	}
	if !reviewed.IsWhollyKnown() {
		return nil // a set or map with unknown parts: nothing comparable
	}
	if !valuesEqual(reviewed, final) {
		return []string{fmt.Sprintf("%s changed between plan and apply", where)}
	}
	return nil
}

// pathString renders an attribute path as in configuration: a.b[0].
func pathString(p cty.Path) string {
	s := ""
	for _, step := range p {
		switch st := step.(type) {
		case cty.GetAttrStep:
			if s != "" {
				s += "."
			}
			s += st.Name
		case cty.IndexStep:
			switch st.Key.Type() {
			case cty.Number:
				s += "[" + st.Key.AsBigFloat().Text('f', 0) + "]"
			case cty.String:
				s += fmt.Sprintf("[%q]", st.Key.AsString())
			default:
				s += "[...]"
			}
		}
	}
	return s
}
