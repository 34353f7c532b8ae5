package view

import (
	"io"
	"testing"

	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/plan"
)

// bigPlan repeats the changes of mixedPlan under count keys, n times.
func bigPlan(n int) *plan.Plan {
	p := mixedPlan()
	var changes, drift []*plan.ResourceChange
	for i := range n {
		for _, c := range mixedPlan().Changes {
			c.Addr = addr.Resource{Type: c.Addr.Resource.Type, Name: c.Addr.Resource.Name}.Instance(addr.IntKey(i))
			changes = append(changes, c)
		}
		for _, c := range mixedPlan().Drift {
			c.Addr = addr.Resource{Type: c.Addr.Resource.Type, Name: c.Addr.Resource.Name}.Instance(addr.IntKey(i))
			drift = append(drift, c)
		}
	}
	p.Changes, p.Drift = changes, drift
	return p
}

func BenchmarkHumanPlan(b *testing.B) {
	p := bigPlan(125) // 1,000 changes
	h := &Human{Out: io.Discard, Err: io.Discard, Width: 100}
	for b.Loop() {
		h.Plan(p, testSchemas{})
	}
}

func BenchmarkWritePlanJSON(b *testing.B) {
	p := bigPlan(125)
	for b.Loop() {
		if err := WritePlanJSON(io.Discard, PlanJSONInput{Plan: p, Schemas: testSchemas{}, Version: "0.1.0"}); err != nil {
			b.Fatal(err)
		}
	}
}
