package providertest

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/providers"
	"github.com/zclconf/go-cty/cty"
)

func thingAddr(name string) addr.Instance {
	return addr.Instance{Resource: addr.Resource{Type: "fake_thing", Name: name}}
}

// createThing plans and applies a create through f. It reports a failed
// plan with Errorf (not Fatal: it runs in goroutines too) and returns the
// plan's response then.
func createThing(t *testing.T, f *Fake, a addr.Instance, config cty.Value) providers.ApplyResponse {
	t.Helper()
	ctx := context.Background()
	rt := FakeSchema.ResourceType("fake_thing")
	null := cty.NullVal(rt.Block.ImpliedType())
	plan := f.Plan(ctx, providers.PlanRequest{TypeName: "fake_thing", Addr: a, Prior: null, Config: config, Proposed: providers.ProposedNew(rt, null, config)})
	if plan.Diagnostics.HasErrors() {
		t.Errorf("plan: %s", plan.Diagnostics.Error())
		return providers.ApplyResponse{NewState: null, Diagnostics: plan.Diagnostics}
	}
	return f.Apply(ctx, providers.ApplyRequest{TypeName: "fake_thing", Addr: a, Prior: null, Planned: plan.Planned, Config: config, Progress: providers.NoProgress})
}

func TestFakeIDsCallsAndCounters(t *testing.T) {
	f := configured(t, &Fake{})
	a, b := thingAddr("a"), thingAddr("b")
	ra := createThing(t, f, a, thing("a", "", ""))
	rb := createThing(t, f, b, thing("b", "", ""))
	if ra.Diagnostics.HasErrors() || rb.Diagnostics.HasErrors() {
		t.Fatal(ra.Diagnostics, rb.Diagnostics)
	}
	if got := []string{ra.NewState.GetAttr("id").AsString(), rb.NewState.GetAttr("id").AsString()}; !cmp.Equal(got, []string{"Ffake_thing-1", "Ffake_thing-2"}) {
		t.Errorf("ids = %v", got)
	}
	if !ra.NewState.GetAttr("serial").RawEquals(cty.NumberIntVal(1)) {
		t.Errorf("serial = %#v; want 1", ra.NewState.GetAttr("serial"))
	}
	f.Read(context.Background(), providers.ReadRequest{TypeName: "fake_thing", Addr: a, Prior: ra.NewState})
	f.ReadMany(context.Background(), []providers.ReadRequest{{TypeName: "fake_thing", Addr: a, Prior: ra.NewState}})
	want := []Call{
		{Method: "Configure"},
		{Method: "Plan", Type: "fake_thing", Addr: a},
		{Method: "Apply", Type: "fake_thing", Addr: a, Action: "create"},
		{Method: "Plan", Type: "fake_thing", Addr: b},
		{Method: "Apply", Type: "fake_thing", Addr: b, Action: "create"},
		{Method: "Read", Type: "fake_thing", Addr: a},
		{Method: "ReadMany"},
	}
	if diff := cmp.Diff(want, f.Calls(), cmp.AllowUnexported(addr.Key{})); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if got := []int{f.Plans(), f.Applies(), f.Reads(), f.BatchReads()}; !cmp.Equal(got, []int{2, 2, 1, 1}) {
		t.Errorf("plans, applies, reads, batch reads = %v", got)
	}
	if n := len(f.Objects()); n != 2 {
		t.Errorf("%d objects; want 2", n)
	}
}

func TestFakePlan(t *testing.T) {
	f := configured(t, &Fake{})
	ctx := context.Background()
	rt := FakeSchema.ResourceType("fake_thing")
	a := thingAddr("a")
	prior := createThing(t, f, a, thing("a", "v", "z1")).NewState
	plan := func(config cty.Value) providers.PlanResponse {
		return f.Plan(ctx, providers.PlanRequest{TypeName: "fake_thing", Addr: a, Prior: prior, Config: config, Proposed: providers.ProposedNew(rt, prior, config)})
	}
	t.Run("no change", func(t *testing.T) {
		resp := plan(thing("a", "v", "z1"))
		if !resp.Planned.RawEquals(prior) || len(resp.RequiresReplace) != 0 {
			t.Errorf("planned %#v, replace %v; want the prior, no replace", resp.Planned, resp.RequiresReplace)
		}
	})
	t.Run("update", func(t *testing.T) {
		resp := plan(thing("a", "w", "z1"))
		if resp.Planned.GetAttr("serial").IsKnown() || !resp.Planned.GetAttr("id").RawEquals(prior.GetAttr("id")) || len(resp.RequiresReplace) != 0 {
			t.Errorf("planned %#v; want serial unknown, id kept, no replace", resp.Planned)
		}
	})
	t.Run("zone change replaces", func(t *testing.T) {
		resp := plan(thing("a", "v", "z2"))
		if len(resp.RequiresReplace) != 1 || resp.Planned.GetAttr("id").IsKnown() {
			t.Errorf("planned %#v, replace %v; want id unknown, zone replaced", resp.Planned, resp.RequiresReplace)
		}
	})
}

func TestFakeFailuresAndDrift(t *testing.T) {
	f := configured(t, &Fake{FailApply: map[string]string{`fake_thing.bad`: "disk full"}})
	resp := createThing(t, f, thingAddr("bad"), thing("bad", "", ""))
	if !resp.Diagnostics.HasErrors() || !strings.Contains(resp.Diagnostics.Error(), "disk full") || !resp.NewState.IsNull() {
		t.Errorf("injected failure: diags %v, state %#v", resp.Diagnostics, resp.NewState)
	}
	if len(f.Objects()) != 0 {
		t.Errorf("a failed create left an object")
	}

	a := thingAddr("a")
	state := createThing(t, f, a, thing("a", "v", "")).NewState
	drifted := thing("a", "changed by hand", "")
	f.SetObject(a, drifted)
	read := f.Read(context.Background(), providers.ReadRequest{TypeName: "fake_thing", Addr: a, Prior: state})
	if got := read.NewState.GetAttr("value"); !got.RawEquals(cty.StringVal("changed by hand")) {
		t.Errorf("after SetObject read value %#v", got)
	}
	if !read.NewState.GetAttr("id").RawEquals(state.GetAttr("id")) {
		t.Errorf("SetObject changed the id")
	}
	if !f.DeleteObject(a) || f.DeleteObject(a) {
		t.Errorf("DeleteObject should report true once, then false")
	}
	read = f.Read(context.Background(), providers.ReadRequest{TypeName: "fake_thing", Addr: a, Prior: state})
	if !read.NewState.IsNull() || read.Diagnostics.HasErrors() {
		t.Errorf("read of a deleted object: %#v, %v", read.NewState, read.Diagnostics)
	}
}

func TestFakeRequireConfigure(t *testing.T) {
	f := &Fake{RequireConfigure: true}
	resp := f.Read(context.Background(), providers.ReadRequest{TypeName: "fake_thing", Addr: thingAddr("a")})
	if !resp.Diagnostics.HasErrors() || !strings.Contains(resp.Diagnostics.Error(), "before Configure") {
		t.Errorf("diags = %v; want an error about Configure", resp.Diagnostics)
	}
}

func TestFakeConcurrentUse(t *testing.T) {
	f := configured(t, &Fake{})
	done := make(chan struct{})
	for i := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			a := addr.Instance{Resource: addr.Resource{Type: "fake_thing", Name: "c"}, Key: addr.IntKey(i)}
			createThing(t, f, a, thing("c", "", ""))
			f.Calls()
		}()
	}
	for range 8 {
		<-done
	}
	seen := map[string]bool{}
	for _, o := range f.Objects() {
		if seen[o.ID] {
			t.Errorf("duplicate id %s", o.ID)
		}
		seen[o.ID] = true
	}
	if len(seen) != 8 {
		t.Errorf("%d objects; want 8", len(seen))
	}
}
