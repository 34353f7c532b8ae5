package eval

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// dataFigures lists the values of the data sources an expression refers
// to, for the diagnostic of a failed condition, so that a refused plan
// says why with the figures: "data.compliance.pilot: clients = 10, ...".
func (ev *Evaluator) dataFigures(expr hcl.Expression) string {
	var out []string
	seen := map[string]bool{}
	for _, t := range expr.Variables() {
		if t.RootName() != "data" || len(t) < 3 {
			continue
		}
		typ, ok1 := t[1].(hcl.TraverseAttr)
		name, ok2 := t[2].(hcl.TraverseAttr)
		if !ok1 || !ok2 {
			continue
		}
		ev.mu.RLock()
		v, ok := ev.data[typ.Name][name.Name]
		ev.mu.RUnlock()
		key := typ.Name + "." + name.Name
		if idx, isIndex := indexStep(t); isIndex && ok {
			// data.TYPE.NAME[0] or ["key"] of a data block with count or
			// for_each: the figures of that instance.
			key += idxString(idx.Key)
			v, _ = idx.TraversalStep(v)
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		if !ok || v == cty.NilVal || v.IsNull() || !v.IsWhollyKnown() || !v.Type().IsObjectType() {
			continue
		}
		var names []string
		for n := range v.Type().AttributeTypes() {
			names = append(names, n)
		}
		sort.Strings(names)
		var parts []string
		for _, n := range names {
			a := v.GetAttr(n)
			if a.IsNull() || a.IsMarked() || !a.Type().IsPrimitiveType() {
				continue
			}
			switch a.Type() {
			case cty.String:
				parts = append(parts, fmt.Sprintf("%s = %q", n, a.AsString()))
			case cty.Number:
				f, _ := a.AsBigFloat().Float64()
				parts = append(parts, fmt.Sprintf("%s = %s", n, strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")))
			case cty.Bool:
				parts = append(parts, fmt.Sprintf("%s = %t", n, a.True()))
			}
		}
		if len(parts) == 0 {
			continue // all instances of a for_each block: an object of objects
		}
		out = append(out, fmt.Sprintf("data.%s: %s", key, strings.Join(parts, ", ")))
	}
	return strings.Join(out, "\n")
}

// indexStep is the index after data.TYPE.NAME in t, if any.
func indexStep(t hcl.Traversal) (hcl.TraverseIndex, bool) {
	if len(t) < 4 {
		return hcl.TraverseIndex{}, false
	}
	idx, ok := t[3].(hcl.TraverseIndex)
	return idx, ok
}

// idxString is an index as an address prints it: [0] or ["key"].
func idxString(k cty.Value) string {
	switch {
	case !k.IsKnown() || k.IsNull():
		return "[?]"
	case k.Type() == cty.String:
		return fmt.Sprintf("[%q]", k.AsString())
	case k.Type() == cty.Number:
		return "[" + k.AsBigFloat().Text('f', -1) + "]"
	}
	return "[?]"
}
