package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine"
	"github.com/updplan/updplan/engine/plan"
	"github.com/zclconf/go-cty/cty"
)

// TestDriftPendingChanges: drift answers both questions, each apart: what
// changed outside updplan (Drift) and what the configuration declares but
// was never applied (Changes), also when the state is empty or adopted the
// real values with apply -refresh-only.
func TestDriftPendingChanges(t *testing.T) {
	drift := func(f *fixture) (drifted, pending map[string]string, diags hcl.Diagnostics) {
		t.Helper()
		p, diags := f.eng.Drift(context.Background(), f.load(), engine.Inputs{}, opts())
		if diags.HasErrors() {
			t.Fatal(diags.Error())
		}
		drifted, pending = map[string]string{}, map[string]string{}
		for _, c := range p.Drift {
			drifted[c.Addr.String()] = c.Action.String()
		}
		for _, c := range p.Changes {
			pending[c.Addr.String()] = c.Action.String()
		}
		return drifted, pending, diags
	}
	none := map[string]string{}

	// Nothing applied yet: no drift, everything pending, and a warning.
	f := newFixture(t, twoThings)
	d, pend, diags := drift(f)
	if diff := cmp.Diff(none, d); diff != "" {
		t.Errorf("empty state: drift (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"fake_thing.a": plan.Create.String(), "fake_thing.b": plan.Create.String()}, pend); diff != "" {
		t.Errorf("empty state: pending (-want +got):\n%s", diff)
	}
	if len(diags) != 1 || diags[0].Severity != hcl.DiagWarning || diags[0].Summary != "Empty state" || !strings.Contains(diags[0].Detail, "declares 2 resources") {
		t.Errorf("empty state: diagnostics %v, want one warning naming the 2 declared resources", diags)
	}

	// Applied: in sync.
	st := f.apply(opts())
	if d, pend, diags = drift(f); len(d)+len(pend)+len(diags) != 0 {
		t.Errorf("after apply: drift %v, pending %v, diagnostics %v", d, pend, diags)
	}

	// Changed by hand: drift only (undoing it is not a pending change).
	a := st.Get(must(t, "fake_thing.a"))
	edited := a.Value.AsValueMap()
	edited["value"] = cty.StringVal("edited by hand")
	f.fake.SetObject(a.Addr, cty.ObjectVal(edited))
	d, pend, _ = drift(f)
	if diff := cmp.Diff(map[string]string{"fake_thing.a": plan.Update.String()}, d); diff != "" {
		t.Errorf("hand edit: drift (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(none, pend); diff != "" {
		t.Errorf("hand edit: pending (-want +got):\n%s", diff)
	}

	// apply -refresh-only records the edit: no drift any more, but the
	// configuration still declares "one", so a is pending (and b, which
	// takes its value from a).
	o := opts()
	o.Mode = plan.RefreshOnlyMode
	f.apply(o)
	d, pend, _ = drift(f)
	if diff := cmp.Diff(none, d); diff != "" {
		t.Errorf("after refresh-only: drift (-want +got):\n%s", diff)
	}
	if pend["fake_thing.a"] != plan.Update.String() {
		t.Errorf("after refresh-only: pending %v, want fake_thing.a updated", pend)
	}

	// Drift and a configuration edit on one object: both answers.
	f.apply(opts())
	f.fake.SetObject(a.Addr, cty.ObjectVal(edited))
	f.write(strings.Replace(twoThings, `value = "one"`, `value = "two"`, 1))
	d, pend, _ = drift(f)
	if d["fake_thing.a"] != plan.Update.String() || pend["fake_thing.a"] != plan.Update.String() {
		t.Errorf("drift and edit: drift %v, pending %v; want fake_thing.a in both", d, pend)
	}
}
