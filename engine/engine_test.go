package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/engine/state"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/providers/providertest"
	"github.com/zclconf/go-cty/cty"
)

// fixture is one configuration directory with a fake provider and a local
// state file.
type fixture struct {
	t    *testing.T
	dir  string
	fake *providertest.Fake
	eng  *engine.Engine
}

func newFixture(t *testing.T, src string) *fixture {
	t.Helper()
	f := &fixture{t: t, dir: t.TempDir(), fake: &providertest.Fake{RequireConfigure: true}}
	f.eng = &engine.Engine{Providers: providers.NewRegistry(f.fake), Version: "0.1.0"}
	f.write(src)
	return f
}

// write replaces the configuration (and makes a fresh engine, as a new
// process would).
func (f *fixture) write(src string) {
	f.t.Helper()
	if err := os.WriteFile(filepath.Join(f.dir, "main.upd.hcl"), []byte(src), 0o644); err != nil {
		f.t.Fatal(err)
	}
	f.eng = &engine.Engine{Providers: providers.NewRegistry(f.fake), Version: "0.1.0"}
}

func (f *fixture) load() *config.Config {
	f.t.Helper()
	cfg, diags := f.eng.Load(f.dir)
	mustOK(f.t, diags)
	return cfg
}

func opts() engine.PlanOptions {
	return engine.PlanOptions{Refresh: true, Lock: true, Parallelism: 10}
}

func (f *fixture) plan(o engine.PlanOptions, vars ...string) *plan.Plan {
	f.t.Helper()
	p, diags := f.eng.Plan(context.Background(), f.load(), inputs(vars...), o)
	mustOK(f.t, diags)
	return p
}

func (f *fixture) apply(o engine.PlanOptions, vars ...string) *state.State {
	f.t.Helper()
	cfg := f.load()
	p, diags := f.eng.Plan(context.Background(), cfg, inputs(vars...), o)
	mustOK(f.t, diags)
	st, diags := f.eng.Apply(context.Background(), cfg, p, o)
	mustOK(f.t, diags)
	return st
}

func inputs(vars ...string) engine.Inputs {
	var in engine.Inputs
	for _, v := range vars {
		in.Args = append(in.Args, config.VarArg{Value: v})
	}
	return in
}

func mustOK(t *testing.T, diags hcl.Diagnostics) {
	t.Helper()
	if diags.HasErrors() {
		t.Fatalf("unexpected errors: %s", diags.Error())
	}
}

func actions(p *plan.Plan) map[string]string {
	out := map[string]string{}
	for _, c := range p.Changes {
		out[c.Addr.String()] = c.Action.String()
	}
	return out
}

func must(t *testing.T, a string) addr.Instance {
	t.Helper()
	i, diags := addr.ParseInstance(a)
	mustOK(t, diags)
	return i
}

const twoThings = `
variable "zone" {
  type    = string
  default = "eu"
}

fake_thing "a" {
  name  = "alpha"
  value = "one"
  zone  = var.zone
}

fake_thing "b" {
  name  = "beta-${fake_thing.a.id}"
  value = fake_thing.a.value
}

output "b_name" {
  value = fake_thing.b.name
}
`

func TestLifecycle(t *testing.T) {
	f := newFixture(t, twoThings)

	p := f.plan(opts())
	if got := actions(p); got["fake_thing.a"] != "create" || got["fake_thing.b"] != "create" {
		t.Fatalf("first plan: %v", got)
	}
	if b := p.Change(must(t, "fake_thing.b")); b.After.GetAttr("name").IsKnown() {
		t.Errorf("b.name should be known after apply, got %#v", b.After.GetAttr("name"))
	}
	st := f.apply(opts())
	if len(st.Resources) != 2 || st.Serial != 1 {
		t.Fatalf("state after first apply: %d resources, serial %d", len(st.Resources), st.Serial)
	}
	aID := st.Get(must(t, "fake_thing.a")).Value.GetAttr("id").AsString()
	if got := st.Get(must(t, "fake_thing.b")).Value.GetAttr("name").AsString(); got != "beta-"+aID {
		t.Errorf("b.name = %q, want beta-%s", got, aID)
	}
	if got := st.Outputs["b_name"].Value.AsString(); got != "beta-"+aID {
		t.Errorf("output b_name = %q", got)
	}
	if deps := st.Get(must(t, "fake_thing.b")).Dependencies; len(deps) != 1 || deps[0].String() != "fake_thing.a" {
		t.Errorf("b's dependencies = %v", deps)
	}

	// A second plan changes nothing.
	p = f.plan(opts())
	if p.Applyable() {
		t.Fatalf("no-op plan is applyable: %v", actions(p))
	}

	// An in-place change, then a change that forces replacement.
	f.write(strings.Replace(twoThings, `"one"`, `"two"`, 1))
	p = f.plan(opts())
	if got := actions(p); got["fake_thing.a"] != "update" || got["fake_thing.b"] != "update" {
		t.Fatalf("update plan: %v", got)
	}
	f.apply(opts())
	p = f.plan(opts(), "zone=us")
	a := p.Change(must(t, "fake_thing.a"))
	if a.Action != plan.DeleteThenCreate || len(a.ReplacePaths) != 1 {
		t.Fatalf("zone change: action %v, replace paths %v", a.Action, a.ReplacePaths)
	}
	st = f.apply(opts(), "zone=us")
	if got := st.Get(must(t, "fake_thing.a")).Value.GetAttr("zone").AsString(); got != "us" {
		t.Errorf("zone = %q", got)
	}
	newID := st.Get(must(t, "fake_thing.a")).Value.GetAttr("id").AsString()
	if newID == aID {
		t.Errorf("replacement kept the id %s", aID)
	}
	if got := st.Get(must(t, "fake_thing.b")).Value.GetAttr("name").AsString(); got != "beta-"+newID {
		t.Errorf("b did not follow the new id: %q", got)
	}

	// Removing b deletes it.
	f.write(strings.SplitN(twoThings, `fake_thing "b"`, 2)[0])
	p = f.plan(opts(), "zone=us")
	if got := actions(p); got["fake_thing.b"] != "delete" {
		t.Fatalf("removal plan: %v", got)
	}
	st = f.apply(opts(), "zone=us")
	if st.Get(must(t, "fake_thing.b")) != nil || len(f.fake.Objects()) != 1 {
		t.Errorf("b still exists: state %v, objects %d", st.Addrs(), len(f.fake.Objects()))
	}
}

// TestApplyHooksReplaceHalves: a replacement reaches the hooks as its two
// provider calls, a delete and then a create, each once, so that the
// command line announces and counts it as one destroyed and one added.
func TestApplyHooksReplaceHalves(t *testing.T) {
	f := newFixture(t, twoThings)
	f.apply(opts())

	var mu sync.Mutex
	var seen []string
	o := opts()
	o.Hooks.ApplyStart = func(c *plan.ResourceChange) {
		mu.Lock()
		defer mu.Unlock()
		if c.Addr.String() == "fake_thing.a" {
			seen = append(seen, "start "+c.Action.String())
		}
	}
	o.Hooks.ApplyComplete = func(c *plan.ResourceChange, _ time.Duration, _ cty.Value, _ hcl.Diagnostics) {
		mu.Lock()
		defer mu.Unlock()
		if c.Addr.String() == "fake_thing.a" {
			seen = append(seen, "complete "+c.Action.String())
		}
	}
	if a := f.plan(o, "zone=us").Change(must(t, "fake_thing.a")); a.Action != plan.DeleteThenCreate {
		t.Fatalf("zone change: action %v, want a replacement", a.Action)
	}
	f.apply(o, "zone=us")
	want := []string{"start delete", "complete delete", "start create", "complete create"}
	if diff := cmp.Diff(want, seen); diff != "" {
		t.Errorf("hooks of a replacement (-want +got):\n%s", diff)
	}
}

func TestDriftAlwaysReported(t *testing.T) {
	f := newFixture(t, twoThings)
	st := f.apply(opts())
	a := st.Get(must(t, "fake_thing.a"))
	changed := a.Value.AsValueMap()
	changed["value"] = cty.StringVal("edited by hand")
	f.fake.SetObject(a.Addr, cty.ObjectVal(changed))

	p, diags := f.eng.Drift(context.Background(), f.load(), engine.Inputs{}, opts())
	mustOK(t, diags)
	if len(p.Drift) != 1 || p.Drift[0].Action != plan.Update || p.Drift[0].After.GetAttr("value").AsString() != "edited by hand" {
		t.Fatalf("drift = %+v", p.Drift)
	}
	if len(p.Changes) != 0 {
		t.Errorf("drift planned changes: %v", actions(p))
	}
	// Drift never writes state.
	cur, _ := state.NewLocal(filepath.Join(f.dir, engine.DefaultStateFile)).Read(context.Background(), f.eng.StateTypes())
	if cur.Serial != st.Serial {
		t.Errorf("drift wrote state: serial %d -> %d", st.Serial, cur.Serial)
	}

	// A normal plan shows the drift and reverts it.
	p = f.plan(opts())
	if len(p.Drift) != 1 || actions(p)["fake_thing.a"] != "update" {
		t.Fatalf("plan after drift: drift %d, actions %v", len(p.Drift), actions(p))
	}
	// The state it read is kept as read (the refreshed one shares what did
	// not change).
	if got := p.PrevRunState.Get(a.Addr).Value.GetAttr("value"); !got.RawEquals(a.Value.GetAttr("value")) {
		t.Errorf("the plan changed the state it read: value %#v", got)
	}
	if got := p.PriorState.Get(a.Addr).Value.GetAttr("value").AsString(); got != "edited by hand" {
		t.Errorf("refreshed value %q", got)
	}

	// A deleted object is drift too, and gets created again.
	f.fake.DeleteObject(must(t, "fake_thing.b"))
	p = f.plan(opts())
	var deleted bool
	for _, d := range p.Drift {
		deleted = deleted || (d.Addr.String() == "fake_thing.b" && d.Action == plan.Delete)
	}
	if !deleted || actions(p)["fake_thing.b"] != "create" {
		t.Fatalf("deleted object: drift %+v, actions %v", p.Drift, actions(p))
	}

	// -refresh-only adopts the real values.
	o := opts()
	o.Mode = plan.RefreshOnlyMode
	st = f.apply(o)
	if st.Get(must(t, "fake_thing.b")) != nil || st.Get(must(t, "fake_thing.a")).Value.GetAttr("value").AsString() != "edited by hand" {
		t.Errorf("refresh-only apply did not adopt: %v", st.Addrs())
	}
}

func TestSavedPlanRefusedWhenStale(t *testing.T) {
	f := newFixture(t, twoThings)
	cfg := f.load()
	stalePlan, diags := f.eng.Plan(context.Background(), cfg, engine.Inputs{}, opts())
	mustOK(t, diags)
	f.apply(opts()) // someone else applies first
	_, diags = f.eng.Apply(context.Background(), cfg, stalePlan, opts())
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Saved plan is stale") {
		t.Fatalf("stale plan applied: %v", diags)
	}

	p, diags := f.eng.Plan(context.Background(), f.load(), engine.Inputs{}, opts())
	mustOK(t, diags)
	f.write(strings.Replace(twoThings, `"alpha"`, `"alpha2"`, 1))
	_, diags = f.eng.Apply(context.Background(), f.load(), p, opts())
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "does not match the configuration") {
		t.Fatalf("plan for another configuration applied: %v", diags)
	}
}

func TestProviderErrorFailsDependentsOnly(t *testing.T) {
	f := newFixture(t, twoThings+`
fake_thing "c" {
  name = "independent"
}
`)
	f.fake.FailApply = map[string]string{"fake_thing.a": "the server said no"}
	cfg := f.load()
	p, diags := f.eng.Plan(context.Background(), cfg, engine.Inputs{}, opts())
	mustOK(t, diags)
	st, diags := f.eng.Apply(context.Background(), cfg, p, opts())
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "the server said no") {
		t.Fatalf("want the provider's error, got %v", diags)
	}
	if strings.Count(diags.Error(), "the server said no") != 1 {
		t.Errorf("the error is repeated: %s", diags.Error())
	}
	if st.Get(must(t, "fake_thing.c")) == nil {
		t.Errorf("the independent object was not applied")
	}
	if st.Get(must(t, "fake_thing.a")) != nil || st.Get(must(t, "fake_thing.b")) != nil {
		t.Errorf("failed or dependent objects recorded: %v", st.Addrs())
	}
	// State on disk records what succeeded.
	cur, err := state.NewLocal(filepath.Join(f.dir, engine.DefaultStateFile)).Read(context.Background(), f.eng.StateTypes())
	if err != nil || cur.Get(must(t, "fake_thing.c")) == nil {
		t.Fatalf("state on disk: %v, %v", cur, err)
	}
	f.fake.FailApply = nil
	st = f.apply(opts())
	if len(st.Resources) != 3 || len(f.fake.Objects()) != 3 {
		t.Errorf("second apply did not converge: %v, %d objects", st.Addrs(), len(f.fake.Objects()))
	}
}

func TestConcurrentAppliesLock(t *testing.T) {
	f := newFixture(t, twoThings)
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	f.fake.ApplyFunc = func(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
		select {
		case started <- struct{}{}:
		default:
		}
		<-release
		return f.fake.DefaultApply(ctx, req)
	}
	cfg := f.load()
	p, diags := f.eng.Plan(context.Background(), cfg, engine.Inputs{}, opts())
	mustOK(t, diags)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, diags := f.eng.Apply(context.Background(), cfg, p, opts())
		mustOK(t, diags)
	}()
	<-started
	other := &engine.Engine{Providers: providers.NewRegistry(&providertest.Fake{}), Version: "0.1.0"}
	o := opts()
	o.LockTimeout = 50 * time.Millisecond
	_, diags = other.Plan(context.Background(), cfg, engine.Inputs{}, o)
	close(release)
	wg.Wait()
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Error acquiring the state lock") || !strings.Contains(diags.Error(), "Operation: apply") {
		t.Fatalf("second run: %v", diags)
	}
}

func TestCountForEachAndOutputs(t *testing.T) {
	f := newFixture(t, `
variable "names" {
  type    = set(string)
  default = ["x", "y"]
}
variable "secret" {
  type      = string
  default   = "hunter2"
  sensitive = true
}
fake_thing "n" {
  count = 2
  name  = "n${count.index}"
}
fake_thing "e" {
  for_each = var.names
  name     = "e-${each.key}"
  secret   = var.secret
}
fake_group "g" {
  name    = "group"
  members = [for t in fake_thing.n : t.id]
}
output "ids" {
  value = { for k, v in fake_thing.e : k => v.id }
}
output "secret" {
  value     = var.secret
  sensitive = true
}
`)
	st := f.apply(opts())
	want := []string{`fake_group.g`, `fake_thing.e["x"]`, `fake_thing.e["y"]`, `fake_thing.n[0]`, `fake_thing.n[1]`}
	if got := addr.Join(st.Addrs()); got != strings.Join(want, ", ") {
		t.Fatalf("state = %s", got)
	}
	if n := st.Get(must(t, "fake_group.g")).Value.GetAttr("members").LengthInt(); n != 2 {
		t.Errorf("members = %d", n)
	}
	if !st.Outputs["secret"].Sensitive || st.Outputs["ids"].Value.LengthInt() != 2 {
		t.Errorf("outputs = %+v", st.Outputs)
	}
	e := st.Get(must(t, `fake_thing.e["x"]`))
	if len(e.SensitivePaths) == 0 {
		t.Errorf("secret attribute not recorded as sensitive")
	}
	// Shrinking count deletes the extra instance.
	f.write(strings.Replace(mustRead(t, f.dir), "count = 2", "count = 1", 1))
	p := f.plan(opts())
	if got := actions(p)["fake_thing.n[1]"]; got != "delete" {
		t.Errorf("n[1]: %s", got)
	}
	if c := p.Change(must(t, "fake_thing.n[1]")); c.Reason != plan.DeleteBecauseCountIndex {
		t.Errorf("reason %q", c.Reason)
	}
}

func mustRead(t *testing.T, dir string) string {
	b, err := os.ReadFile(filepath.Join(dir, "main.upd.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestTargetReplaceDestroy(t *testing.T) {
	f := newFixture(t, twoThings+`
fake_thing "c" {
  name = "other"
}
`)
	o := opts()
	o.Targets = []addr.Instance{must(t, "fake_thing.b")}
	p := f.plan(o)
	got := actions(p)
	if got["fake_thing.a"] != "create" || got["fake_thing.b"] != "create" || got["fake_thing.c"] != "" {
		t.Fatalf("targeted plan: %v", got)
	}
	f.apply(opts())

	o = opts()
	o.Replace = []addr.Instance{must(t, "fake_thing.c")}
	p = f.plan(o)
	if c := p.Change(must(t, "fake_thing.c")); c.Action != plan.DeleteThenCreate || c.Reason != plan.ReplaceByRequest {
		t.Fatalf("-replace: %v %v", c.Action, c.Reason)
	}

	o = opts()
	o.Mode = plan.DestroyMode
	st := f.apply(o)
	if len(st.Resources) != 0 || len(f.fake.Objects()) != 0 || len(st.Outputs) != 0 {
		t.Fatalf("after destroy: %v, %d objects", st.Addrs(), len(f.fake.Objects()))
	}
	// b (which depends on a) was deleted before a.
	var order []string
	for _, c := range f.fake.Calls() {
		if c.Method == "Apply" && c.Action == "delete" {
			order = append(order, c.Addr.String())
		}
	}
	ai, bi := -1, -1
	for i, a := range order {
		switch a {
		case "fake_thing.a":
			ai = i
		case "fake_thing.b":
			bi = i
		}
	}
	if bi < 0 || ai < 0 || bi > ai {
		t.Errorf("delete order %v: b must go before a", order)
	}
}

func TestPreventDestroy(t *testing.T) {
	f := newFixture(t, `
fake_thing "keep" {
  name = "k"
  zone = "eu"
  lifecycle {
    prevent_destroy = true
  }
}
`)
	f.apply(opts())
	f.write(strings.Replace(mustRead(t, f.dir), `"eu"`, `"us"`, 1))
	_, diags := f.eng.Plan(context.Background(), f.load(), engine.Inputs{}, opts())
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "cannot be destroyed") {
		t.Fatalf("prevent_destroy ignored: %v", diags)
	}
}

func TestImportAndMoved(t *testing.T) {
	f := newFixture(t, `
fake_thing "old" {
  name = "n"
}
`)
	st := f.apply(opts())
	id := st.Get(must(t, "fake_thing.old")).Value.GetAttr("id").AsString()
	f.write(`
fake_thing "new" {
  name = "n"
}
moved {
  from = fake_thing.old
  to   = fake_thing.new
}
`)
	p := f.plan(opts())
	c := p.Change(must(t, "fake_thing.new"))
	if c == nil || c.Action != plan.NoOp || c.PrevAddr.String() != "fake_thing.old" || !p.Applyable() {
		t.Fatalf("moved: %+v", c)
	}
	st = f.apply(opts())
	if st.Get(must(t, "fake_thing.new")) == nil || st.Get(must(t, "fake_thing.old")) != nil {
		t.Fatalf("moved state: %v", st.Addrs())
	}

	// An import block adopts an object made outside updplan.
	f.fake.SetObject(must(t, "fake_thing.outside"), cty.ObjectVal(map[string]cty.Value{
		"name": cty.StringVal("made by hand"), "value": cty.NullVal(cty.String), "tags": cty.NullVal(cty.Set(cty.String)),
		"secret": cty.NullVal(cty.String), "zone": cty.NullVal(cty.String), "id": cty.StringVal("hand-1"), "serial": cty.NumberIntVal(1),
	}))
	f.write(mustRead(t, f.dir) + `
fake_thing "adopted" {
  name = "made by hand"
}
import {
  to = fake_thing.adopted
  id = "hand-1"
}
`)
	p = f.plan(opts())
	c = p.Change(must(t, "fake_thing.adopted"))
	if c == nil || c.ImportID != "hand-1" || c.Action != plan.NoOp {
		t.Fatalf("import: %+v", c)
	}
	st = f.apply(opts())
	if got := st.Get(must(t, "fake_thing.adopted")); got == nil || got.Value.GetAttr("id").AsString() != "hand-1" {
		t.Fatalf("imported state: %v", st.Addrs())
	}
	_ = id
}

func TestProviderNotAvailable(t *testing.T) {
	f := newFixture(t, `
share "pkgsrc" {
  server = "SITESRV"
  name   = "PackageSrc"
  path   = "D:/ITMU/PkgSource"
  access {
    principal = "Administrators"
    rights    = "full"
  }
}
`)
	cfg := f.load()
	mustOK(t, f.eng.Validate(context.Background(), cfg, engine.Inputs{}))
	_, diags := f.eng.Plan(context.Background(), cfg, engine.Inputs{}, opts())
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "share provider, which is not part of this build") {
		t.Fatalf("want a missing-provider diagnostic, got %v", diags)
	}
}

func TestCycleNamesEveryObject(t *testing.T) {
	f := newFixture(t, `
fake_thing "a" {
  name = fake_thing.c.name
}
fake_thing "b" {
  name = fake_thing.a.name
}
fake_thing "c" {
  name = fake_thing.b.name
}
`)
	diags := f.eng.Validate(context.Background(), f.load(), engine.Inputs{})
	if !diags.HasErrors() {
		t.Fatal("cycle not reported")
	}
	msg := diags.Error()
	for _, n := range []string{"fake_thing.a", "fake_thing.b", "fake_thing.c"} {
		if !strings.Contains(msg, n) {
			t.Errorf("cycle message %q does not name %s", msg, n)
		}
	}
}

func TestProviderBreakingContractIsBlamed(t *testing.T) {
	f := newFixture(t, twoThings)
	f.fake.PlanFunc = func(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
		resp := f.fake.DefaultPlan(ctx, req)
		if !resp.Planned.IsNull() {
			m := resp.Planned.AsValueMap()
			m["name"] = cty.StringVal("not what was asked")
			resp.Planned = cty.ObjectVal(m)
		}
		return resp
	}
	_, diags := f.eng.Plan(context.Background(), f.load(), engine.Inputs{}, opts())
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "bug in the fake provider") {
		t.Fatalf("provider not blamed: %v", diags)
	}
}

func TestApplyRecordsObjectsGoneOutside(t *testing.T) {
	f := newFixture(t, twoThings)
	f.apply(opts())
	f.fake.DeleteObject(must(t, "fake_thing.b"))
	f.write(strings.SplitN(twoThings, `fake_thing "b"`, 2)[0]) // b no longer configured
	p := f.plan(opts())
	if got := actions(p); got["fake_thing.b"] != "" || len(p.Drift) != 1 {
		t.Fatalf("b is gone: want drift only, got actions %v, drift %d", got, len(p.Drift))
	}
	st := f.apply(opts())
	if st.Get(must(t, "fake_thing.b")) != nil {
		t.Fatalf("an object deleted outside updplan stays in state: %v", st.Addrs())
	}
}

func TestTargetInstance(t *testing.T) {
	f := newFixture(t, `
fake_thing "n" {
  count = 3
  name  = "n${count.index}"
}
`)
	o := opts()
	o.Targets = []addr.Instance{must(t, "fake_thing.n[1]")}
	got := actions(f.plan(o))
	if len(got) != 1 || got["fake_thing.n[1]"] != "create" {
		t.Fatalf("-target=fake_thing.n[1] planned %v", got)
	}
	st := f.apply(o)
	if addr.Join(st.Addrs()) != "fake_thing.n[1]" {
		t.Fatalf("state after targeted apply: %v", st.Addrs())
	}
}

func TestCreateBeforeDestroy(t *testing.T) {
	src := `
fake_thing "x" {
  name = "x"
  zone = "eu"
  lifecycle {
    create_before_destroy = true
  }
}
`
	f := newFixture(t, src)
	st := f.apply(opts())
	oldID := st.Get(must(t, "fake_thing.x")).Value.GetAttr("id").AsString()
	f.write(strings.Replace(src, `"eu"`, `"us"`, 1))
	p := f.plan(opts())
	if c := p.Change(must(t, "fake_thing.x")); c.Action != plan.CreateThenDelete {
		t.Fatalf("action %v", c.Action)
	}
	st = f.apply(opts())
	got := st.Get(must(t, "fake_thing.x"))
	if got == nil || got.Value.GetAttr("id").AsString() == oldID || got.Value.GetAttr("zone").AsString() != "us" {
		t.Fatalf("after replacement: %v", st.Addrs())
	}
	objs := f.fake.Objects()
	if len(objs) != 1 || objs[0].ID != got.Value.GetAttr("id").AsString() {
		t.Fatalf("objects after create_before_destroy: %+v", objs)
	}
}

func TestInconsistentFinalPlanBlamed(t *testing.T) {
	f := newFixture(t, twoThings)
	f.apply(opts())
	f.write(strings.Replace(twoThings, `"one"`, `"two"`, 1))
	cfg := f.load()
	p, diags := f.eng.Plan(context.Background(), cfg, engine.Inputs{}, opts())
	mustOK(t, diags)
	if c := p.Change(must(t, "fake_thing.a")); c.Action != plan.Update || !c.After.GetAttr("id").IsKnown() {
		t.Fatalf("want an update that knows the id: %v", c.Action)
	}
	// At apply time the provider plans another value for an attribute the
	// reviewed plan knew.
	f.fake.PlanFunc = func(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
		resp := f.fake.DefaultPlan(ctx, req)
		if req.Addr.String() == "fake_thing.a" && !resp.Planned.IsNull() {
			m := resp.Planned.AsValueMap()
			m["id"] = cty.StringVal("another-id")
			resp.Planned = cty.ObjectVal(m)
		}
		return resp
	}
	applies := f.fake.Applies()
	_, diags = f.eng.Apply(context.Background(), cfg, p, opts())
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "inconsistent final plan") || !strings.Contains(diags.Error(), "bug in the fake provider") {
		t.Fatalf("want the provider blamed for an inconsistent final plan, got %v", diags)
	}
	if f.fake.Applies() != applies {
		t.Errorf("an inconsistent change was applied")
	}
}

func TestImportIDMustBeKnownString(t *testing.T) {
	f := newFixture(t, `
fake_thing "adopted" {
  name = "n"
}
import {
  to = fake_thing.adopted
  id = 42 == 42
}
`)
	_, diags := f.eng.Plan(context.Background(), f.load(), engine.Inputs{}, opts())
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Invalid import id") {
		t.Fatalf("want Invalid import id, got %v", diags)
	}
}

// steadyFake is the fake provider declaring that it plans unchanged
// objects as they are (providers.SteadyPlanner).
type steadyFake struct{ *providertest.Fake }

func (steadyFake) PlansSteady(string) bool { return true }

func TestSteadyPlannerSkipsUnchangedObjects(t *testing.T) {
	f := newFixture(t, twoThings)
	f.apply(opts())
	f.eng = &engine.Engine{Providers: providers.NewRegistry(steadyFake{f.fake}), Version: "0.1.0"}

	before := f.fake.Plans()
	p := f.plan(opts())
	if got := actions(p); got["fake_thing.a"] != "no-op" || got["fake_thing.b"] != "no-op" {
		t.Fatalf("actions = %v, want both no-op", got)
	}
	if n := f.fake.Plans() - before; n != 0 {
		t.Errorf("a no-op plan asked a steady provider %d times; want 0", n)
	}

	// A changed object, and one replaced by request, are still planned by
	// the provider.
	before = f.fake.Plans()
	o := opts()
	o.Replace = []addr.Instance{must(t, "fake_thing.b")}
	p = f.plan(o, "zone=us")
	if got := actions(p); got["fake_thing.a"] == "no-op" || got["fake_thing.b"] != "replace" {
		t.Fatalf("actions = %v, want a changed and b replaced", got)
	}
	if n := f.fake.Plans() - before; n < 2 {
		t.Errorf("the provider planned %d objects; want a and b planned", n)
	}
}

// TestBadGraphReadsAndConfiguresNothing: a configuration whose graph is
// unsound (here a cycle) is reported before any provider is configured (a
// provider may create its database then) or any object read.
func TestBadGraphReadsAndConfiguresNothing(t *testing.T) {
	f := newFixture(t, twoThings)
	f.apply(opts())

	var mu sync.Mutex
	var seen []string
	o := opts()
	o.Hooks.RefreshStart = func(a addr.Instance) { mu.Lock(); seen = append(seen, "start "+a.String()); mu.Unlock() }
	f.plan(o)
	if len(seen) != 2 {
		t.Fatalf("refresh progress of a sound configuration = %v, want both objects", seen)
	}

	seen = nil
	configured := 0
	f.fake.ConfigureFunc = func(context.Context, providers.ConfigureRequest) hcl.Diagnostics {
		configured++
		return nil
	}
	f.write(strings.Replace(twoThings, `value = "one"`, `value = fake_thing.b.value`, 1))
	_, diags := f.eng.Plan(context.Background(), f.load(), engine.Inputs{}, o)
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Cycle") {
		t.Fatalf("diags = %v, want a cycle", diags)
	}
	if len(seen) != 0 || configured != 0 {
		t.Errorf("a configuration with a cycle configured the provider %d times and refreshed %v", configured, seen)
	}
}

// TestCycleReportedWhereItFirstCloses: with two references closing the
// same cycle, the diagnostic points at the first in the source, every run.
func TestCycleReportedWhereItFirstCloses(t *testing.T) {
	f := newFixture(t, `
fake_thing "a" {
  zone  = fake_thing.b.zone
  name  = fake_thing.b.name
  value = fake_thing.b.value
}
fake_thing "b" {
  name = fake_thing.a.name
}
`)
	for range 20 {
		diags := f.eng.Validate(context.Background(), f.load(), engine.Inputs{})
		var subject *hcl.Range
		for _, d := range diags {
			if strings.Contains(d.Summary, "Cycle") {
				subject = d.Subject
			}
		}
		if subject == nil {
			t.Fatalf("no cycle reported: %v", diags)
		}
		if subject.Start.Line != 3 {
			t.Fatalf("cycle reported at line %d, want 3 (the first reference in the source)", subject.Start.Line)
		}
	}
}

// TestApplyPlansAgainWithTheReviewedValue: while planning, providers see
// no reviewed value; when apply plans a change again, they see the one
// that was reviewed.
func TestApplyPlansAgainWithTheReviewedValue(t *testing.T) {
	f := newFixture(t, twoThings)
	var mu sync.Mutex
	reviewed := map[string]cty.Value{}
	f.fake.PlanFunc = func(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
		mu.Lock()
		reviewed[req.Addr.String()] = req.Reviewed
		mu.Unlock()
		return f.fake.DefaultPlan(ctx, req)
	}
	cfg := f.load()
	p, diags := f.eng.Plan(context.Background(), cfg, engine.Inputs{}, opts())
	mustOK(t, diags)
	for a, v := range reviewed {
		if v != cty.NilVal {
			t.Errorf("%s: a reviewed value while planning", a)
		}
	}
	if _, diags := f.eng.Apply(context.Background(), cfg, p, opts()); diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	for _, ch := range p.Changes {
		got := reviewed[ch.Addr.String()]
		if got == cty.NilVal || !got.RawEquals(ch.After) {
			t.Errorf("%s: apply planned again with %#v, want the reviewed %#v", ch.Addr, got, ch.After)
		}
	}
}
