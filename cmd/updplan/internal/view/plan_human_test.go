package view

import (
	"bytes"
	"strings"
	"testing"

	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/engine/state"
	"github.com/zclconf/go-cty/cty"
)

func renderPlan(t *testing.T, p *plan.Plan, color bool) string {
	t.Helper()
	var out bytes.Buffer
	h := &Human{Out: &out, Err: &out, Color: color, Width: 78}
	h.Plan(p, testSchemas{})
	if strings.Contains(out.String(), secret) {
		t.Errorf("the plan shows a sensitive value:\n%s", out.String())
	}
	return out.String()
}

func TestHumanPlan(t *testing.T) {
	noDrift := mixedPlan()
	noDrift.Drift = nil

	onlyDrift := mixedPlan()
	onlyDrift.Changes = nil
	onlyDrift.Outputs = nil

	refreshOnly := mixedPlan()
	refreshOnly.Mode = plan.RefreshOnlyMode
	refreshOnly.Changes = nil
	refreshOnly.Outputs = nil

	refreshOnlyClean := &plan.Plan{Mode: plan.RefreshOnlyMode}

	destroy := mixedPlan()
	destroy.Mode = plan.DestroyMode
	destroy.Drift = nil
	destroy.Outputs = nil
	var destroyChanges []*plan.ResourceChange
	for _, r := range destroy.PriorState.Sorted() {
		destroyChanges = append(destroyChanges, &plan.ResourceChange{Addr: r.Addr, Type: r.Type, Provider: r.Provider, Action: plan.Delete, Before: r.Value, After: cty.NullVal(r.Value.Type())})
	}
	destroy.Changes = destroyChanges

	errored := mixedPlan()
	errored.Errored = true
	errored.Drift = nil

	onlyOutputs := &plan.Plan{Outputs: []*plan.OutputChange{{Name: "share_unc", Action: plan.Update, Before: cty.StringVal("a"), After: cty.StringVal("b")}}}

	for name, p := range map[string]*plan.Plan{
		"plan_mixed":              mixedPlan(),
		"plan_no_drift":           noDrift,
		"plan_only_drift":         onlyDrift,
		"plan_refresh_only":       refreshOnly,
		"plan_refresh_only_clean": refreshOnlyClean,
		"plan_destroy":            destroy,
		"plan_destroy_empty":      {Mode: plan.DestroyMode, PriorState: state.New()},
		"plan_no_changes":         {},
		"plan_only_outputs":       onlyOutputs,
		"plan_errored":            errored,
		"plan_errored_empty":      {Errored: true},
	} {
		t.Run(name, func(t *testing.T) {
			checkGolden(t, name, []byte(renderPlan(t, p, false)))
		})
	}
	t.Run("plan_mixed_color", func(t *testing.T) {
		checkGolden(t, "plan_mixed_color", []byte(renderPlan(t, mixedPlan(), true)))
	})
}

// Drift is shown even when the plan changes nothing else (Terraform hides it
// then).
func TestHumanPlanShowsDriftAlways(t *testing.T) {
	p := mixedPlan()
	p.Changes = nil
	p.Outputs = nil
	out := renderPlan(t, p, false)
	for _, want := range []string{
		"Objects have changed outside of updplan",
		"# share.pkgsrc has changed",
		`~ description = "Inventory tool source" -> "changed by hand"`,
		"# collection.retired has been deleted",
		"No changes. Your site matches the configuration.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
