package engine_test

import (
	"context"
	"fmt"
	"github.com/updplan/updplan/providers"
	"strings"
	"sync"
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

const manyThings = `
fake_thing "n" {
  count = 30
  name  = "thing-${count.index}"
  value = "v"
}
`

// TestApplyInterruptedReportedOnce: an interrupted apply (Ctrl-C) says so
// once, with the counts, instead of one provider error per object that
// was not started.
func TestApplyInterruptedReportedOnce(t *testing.T) {
	f := newFixture(t, manyThings)
	cfg := f.load()
	o := opts()
	o.Parallelism = 2
	p, diags := f.eng.Plan(context.Background(), cfg, engine.Inputs{}, o)
	mustOK(t, diags)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	applies := 0
	// As a database provider: a call on a cancelled context fails.
	f.fake.PlanFunc = func(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
		if err := ctx.Err(); err != nil {
			return providers.PlanResponse{Diagnostics: hcl.Diagnostics{providers.Errorf("Site database error", "Could not read: %s. Check the file.", err)}}
		}
		return f.fake.DefaultPlan(ctx, req)
	}
	f.fake.ApplyFunc = func(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		mu.Lock()
		applies++
		if applies == 5 {
			cancel()
		}
		mu.Unlock()
		return f.fake.DefaultApply(ctx, req)
	}
	st, diags := f.eng.Apply(ctx, cfg, p, o)
	if len(diags) != 1 || diags[0].Summary != "Interrupted" {
		t.Fatalf("want one diagnostic \"Interrupted\", got %d:\n%s", len(diags), diags.Error())
	}
	var notStarted, finished int
	if _, err := fmt.Sscanf(diags[0].Detail, "Interrupted: %d objects not started, %d finished.", &notStarted, &finished); err != nil {
		t.Fatalf("detail %q: %v", diags[0].Detail, err)
	}
	if notStarted+finished != 30 || finished != applies || len(st.Resources) != finished {
		t.Errorf("%d not started + %d finished, want 30 in all; %d applies, %d objects in state", notStarted, finished, applies, len(st.Resources))
	}
}

// TestRefreshRepeatedErrorOnce: an error a provider gives for every object
// (here the same diagnostic value, as a provider whose database is
// unusable does) is reported once, naming how many objects had it — not
// once per object with a chain of "While reading" growing each time.
func TestRefreshRepeatedErrorOnce(t *testing.T) {
	f := newFixture(t, manyThings)
	f.apply(opts())
	shared := providers.Error("Site database schema out of date", "The site database has schema version 1; this updplan needs version 3. Run `updplan init` to upgrade it.")
	f.fake.ReadFunc = func(ctx context.Context, req providers.ReadRequest) providers.ReadResponse {
		return providers.ReadResponse{Diagnostics: hcl.Diagnostics{shared}}
	}
	_, diags := f.eng.Plan(context.Background(), f.load(), engine.Inputs{}, opts())
	if len(diags) != 1 {
		t.Fatalf("want one diagnostic, got %d:\n%s", len(diags), diags.Error())
	}
	want := "While reading fake_thing.n[0] and 29 other objects: The site database has schema version 1; this updplan needs version 3. Run `updplan init` to upgrade it."
	if diags[0].Detail != want {
		t.Errorf("detail:\n%s\nwant:\n%s", diags[0].Detail, want)
	}
	if strings.Contains(shared.Detail, "While") {
		t.Errorf("the provider's diagnostic was changed in place: %s", shared.Detail)
	}
}

// TestValidateDoesNotExpandHugeCount: validate checks a resource with
// count = 1000000 through its first instances, not one by one (it took 44 s
// and 5.7 GB), and still finds a duplicate in a small count.
func TestValidateDoesNotExpandHugeCount(t *testing.T) {
	f := newFixture(t, `
fake_thing "n" {
  count = 1000000
  name  = "thing-${count.index}"
  value = "v"
}
`)
	cfg := f.load()
	allocs := testing.AllocsPerRun(1, func() {
		mustOK(t, f.eng.Validate(context.Background(), cfg, engine.Inputs{}))
	})
	if allocs > 200000 {
		t.Errorf("validate of count = 1000000 made %.0f allocations: it expands the count", allocs)
	}
}
