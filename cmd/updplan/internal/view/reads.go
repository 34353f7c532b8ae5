package view

import (
	"fmt"
	"sort"
	"strings"

	"github.com/updplan/updplan/engine/plan"
	"github.com/zclconf/go-cty/cty"
)

// reads lists the data sources the plan read, with their results:
//
//	<= data.compliance.pilot: clients = 4, reported = 4, ...
func (h *Human) reads(r *renderer, reads []*plan.DataRead) {
	r.b.WriteString("Data sources read:\n")
	for _, rd := range reads {
		if !rd.Value.IsWhollyKnown() {
			fmt.Fprintf(&r.b, " <= %s: (known after apply; read during apply)\n", rd)
			continue
		}
		fmt.Fprintf(&r.b, " <= %s: %s\n", rd, readSummary(rd.Value))
	}
	r.b.WriteString("\n")
}

// readSummary renders a data source value's attributes in name order:
// strings quoted, numbers as numbers, collections by their size.
func readSummary(v cty.Value) string {
	if v.IsNull() || !v.Type().IsObjectType() {
		return "null"
	}
	names := make([]string, 0, len(v.Type().AttributeTypes()))
	for n := range v.Type().AttributeTypes() {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, 0, len(names))
	for _, n := range names {
		a := v.GetAttr(n)
		switch {
		case a.IsMarked():
			parts = append(parts, n+" = (sensitive)")
		case a.IsNull():
			continue
		case a.Type() == cty.String:
			parts = append(parts, fmt.Sprintf("%s = %q", n, a.AsString()))
		case a.Type() == cty.Number:
			f, _ := a.AsBigFloat().Float64()
			parts = append(parts, fmt.Sprintf("%s = %s", n, strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".")))
		case a.Type() == cty.Bool:
			parts = append(parts, fmt.Sprintf("%s = %t", n, a.True()))
		case a.CanIterateElements():
			parts = append(parts, fmt.Sprintf("%s = (%d)", n, a.LengthInt()))
		}
	}
	return strings.Join(parts, ", ")
}
