package providertest

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// Case is one resource type's walk through the conformance suite. Configs
// are objects of the type's implied type with defaults applied, wholly
// known.
type Case struct {
	// Name names the subtest; Type when empty.
	Name string
	Type string
	// Create is the configuration of the object the suite creates.
	Create cty.Value
	// Update changes only attributes that are updated in place; null skips
	// the update steps.
	Update cty.Value
	// Replace changes an attribute that forces a replacement; null skips
	// the replace step. It is planned, never applied.
	Replace cty.Value
	// Vanish deletes the object behind the provider's back (a share removed
	// by hand); nil skips the vanish step.
	Vanish func(ctx context.Context, state cty.Value) error
}

// T is what the suite needs of a test; *testing.T through Run, a recorder in
// the suite's own tests.
type T interface {
	Helper()
	Logf(format string, args ...any)
	Errorf(format string, args ...any)
	// Fatalf reports and stops the current (sub)test.
	Fatalf(format string, args ...any)
	// Run runs f as a subtest and reports whether it passed.
	Run(name string, f func(T)) bool
}

type testingT struct{ *testing.T }

func (t testingT) Run(name string, f func(T)) bool {
	return t.T.Run(name, func(t *testing.T) { f(testingT{t}) })
}

// Run is the conformance suite: every provider passes it. p must be
// configured. For each case, after every step the answers are checked with
// providers.CheckPlanned and providers.CheckApplied:
//
//  1. plan a create, apply it, read it back unchanged;
//  2. plan the same configuration again: a no-op (planned equals prior);
//  3. plan Update: in place; apply it; read it back;
//  4. plan Replace: requires a replacement;
//  5. delete; read gives null without error;
//  6. create, Vanish, read gives null without error;
//  7. Importer: create, import by the IDAttribute's value into a fresh
//     address, compare with Read;
//  8. BatchReader: ReadMany of live and gone objects equals Read of each;
//  9. concurrent Reads agree (run with -race).
//
// It also checks the schema with CheckSchema. Steps that do not apply are
// logged, never skipped silently.
func Run(t *testing.T, p providers.Provider, cases ...Case) {
	t.Helper()
	RunT(testingT{t}, p, cases...)
}

// RunT is Run for any T.
func RunT(t T, p providers.Provider, cases ...Case) {
	t.Helper()
	sch := p.Schema()
	t.Run("schema", func(t T) {
		for _, problem := range CheckSchema(sch) {
			t.Errorf("schema: %s", problem)
		}
		if sch.Name != p.Name() {
			t.Errorf("schema: provider %q has a schema named %q", p.Name(), sch.Name)
		}
	})
	if len(cases) == 0 {
		t.Logf("no cases given: only the schema of %s was checked", p.Name())
	}
	covered := map[string]bool{}
	for _, c := range cases {
		covered[c.Type] = true
		name := c.Name
		if name == "" {
			name = c.Type
		}
		t.Run(name, func(t T) {
			rt := sch.ResourceType(c.Type)
			if rt == nil {
				t.Fatalf("provider %s has no resource type %q", p.Name(), c.Type)
			}
			s := &suite{t: t, p: p, rt: rt, ctx: context.Background()}
			s.run(c)
		})
	}
	for _, rt := range sch.ResourceTypes {
		if len(cases) > 0 && !covered[rt.Name] {
			t.Logf("resource type %s has no case: not checked beyond its schema", rt.Name)
		}
	}
}

type suite struct {
	t   T
	p   providers.Provider
	rt  *schema.ResourceType
	ctx context.Context
}

// object is what the suite knows of one object: its state and private data.
type object struct {
	addr    addr.Instance
	state   cty.Value
	private []byte
}

func (s *suite) addr(name string) addr.Instance {
	return addr.Instance{Resource: addr.Resource{Type: s.rt.Name, Name: name}}
}

func (s *suite) null() cty.Value { return cty.NullVal(s.rt.Block.ImpliedType()) }

func (s *suite) run(c Case) {
	t := s.t
	t.Helper()
	for what, v := range map[string]cty.Value{"Create": c.Create, "Update": c.Update, "Replace": c.Replace} {
		if v == cty.NilVal {
			continue
		}
		if !v.Type().Equals(s.rt.Block.ImpliedType()) {
			t.Fatalf("case %s config is not of the implied type of %s: %s", what, s.rt.Name, v.Type().FriendlyName())
		}
		if !v.IsNull() && !v.IsWhollyKnown() {
			t.Fatalf("case %s config must be wholly known", what)
		}
	}
	if c.Create == cty.NilVal || c.Create.IsNull() {
		t.Fatalf("case has no Create config")
	}

	obj := s.create("create", s.addr("conformance"), c.Create)
	s.readBack("read after create", obj)

	planned, replace := s.plan("plan without changes", obj, c.Create)
	if d := diffObjects(s.rt, obj.state, planned); len(d) > 0 || len(replace) > 0 {
		for _, p := range d {
			t.Errorf("plan without changes: not a no-op: %s", p)
		}
		if len(replace) > 0 {
			t.Errorf("plan without changes: requires a replacement of %s", paths(replace))
		}
	}

	if nullish(c.Update) {
		t.Logf("no Update config: update in place not checked")
	} else {
		planned, replace := s.plan("plan update", obj, c.Update)
		if len(replace) > 0 {
			t.Errorf("plan update: requires a replacement of %s; Update must change only in-place attributes", paths(replace))
		}
		if fn := forceNewChanged(s.rt, obj.state, planned); len(fn) > 0 {
			t.Errorf("plan update: changes force-new attributes %v; Update must change only in-place attributes", fn)
		}
		if d := diffObjects(s.rt, obj.state, planned); len(d) == 0 {
			t.Errorf("plan update: planned equals prior; Update must change something")
		}
		obj = s.apply("apply update", obj, planned, c.Update)
		s.readBack("read after update", obj)
	}

	if nullish(c.Replace) {
		t.Logf("no Replace config: replacement not checked")
	} else {
		planned, replace := s.plan("plan replace", obj, c.Replace)
		if len(replace) == 0 && len(forceNewChanged(s.rt, obj.state, planned)) == 0 {
			t.Errorf("plan replace: neither RequiresReplace nor a changed force-new attribute")
		}
	}

	gone := s.delete("delete", obj)
	s.readGone("read after delete", gone)

	if c.Vanish == nil {
		t.Logf("no Vanish func: reading an object deleted behind the provider's back not checked")
	} else {
		obj := s.create("create for vanish", s.addr("conformance"), c.Create)
		if err := c.Vanish(s.ctx, obj.state); err != nil {
			t.Fatalf("vanish: %v", err)
		}
		s.readGone("read after vanish", obj)
	}

	live := s.create("create again", s.addr("conformance"), c.Create)
	s.importStep(live)
	s.batchStep(live, gone)
	s.concurrentReads(live)
	s.delete("final delete", live)
}

func nullish(v cty.Value) bool { return v == cty.NilVal || v.IsNull() }

// diags reports diagnostics; it returns false when there were errors.
func (s *suite) diags(step string, diags hcl.Diagnostics) bool {
	s.t.Helper()
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			s.t.Errorf("%s: error diagnostic: %s: %s", step, d.Summary, d.Detail)
		} else {
			s.t.Logf("%s: warning: %s: %s", step, d.Summary, d.Detail)
		}
	}
	return !diags.HasErrors()
}

func (s *suite) plan(step string, prior object, config cty.Value) (cty.Value, []cty.Path) {
	s.t.Helper()
	resp := s.p.Plan(s.ctx, providers.PlanRequest{
		TypeName: s.rt.Name, Addr: prior.addr, Prior: prior.state, Config: config,
		Proposed: providers.ProposedNew(s.rt, prior.state, config), PriorPrivate: prior.private,
	})
	if !s.diags(step, resp.Diagnostics) {
		s.t.Fatalf("%s failed", step)
	}
	problems := providers.CheckPlanned(s.rt, config, resp.Planned)
	for _, p := range problems {
		s.t.Errorf("%s: %s", step, p)
	}
	if len(problems) > 0 {
		s.t.Fatalf("%s: the planned value breaks the contract", step)
	}
	return resp.Planned, resp.RequiresReplace
}

func (s *suite) apply(step string, prior object, planned, config cty.Value) object {
	s.t.Helper()
	resp := s.p.Apply(s.ctx, providers.ApplyRequest{
		TypeName: s.rt.Name, Addr: prior.addr, Prior: prior.state, Planned: planned, Config: config,
		Progress: providers.NoProgress,
	})
	if !s.diags(step, resp.Diagnostics) {
		s.t.Fatalf("%s failed", step)
	}
	problems := providers.CheckApplied(s.rt, planned, resp.NewState)
	for _, p := range problems {
		s.t.Errorf("%s: %s", step, p)
	}
	if len(problems) > 0 {
		s.t.Fatalf("%s: the applied value breaks the contract", step)
	}
	return object{addr: prior.addr, state: resp.NewState, private: resp.Private}
}

func (s *suite) create(step string, a addr.Instance, config cty.Value) object {
	s.t.Helper()
	empty := object{addr: a, state: s.null()}
	planned, _ := s.plan("plan "+step, empty, config)
	if planned.IsNull() {
		s.t.Fatalf("plan %s: planned null for a create", step)
	}
	return s.apply("apply "+step, empty, planned, config)
}

func (s *suite) delete(step string, obj object) object {
	s.t.Helper()
	resp := s.p.Apply(s.ctx, providers.ApplyRequest{
		TypeName: s.rt.Name, Addr: obj.addr, Prior: obj.state, Planned: s.null(), Config: s.null(),
		PlannedPrivate: obj.private, Progress: providers.NoProgress,
	})
	if !s.diags(step, resp.Diagnostics) {
		s.t.Fatalf("%s failed", step)
	}
	if resp.NewState == cty.NilVal || !resp.NewState.IsNull() {
		s.t.Fatalf("%s: the new state is not null", step)
	}
	return obj
}

func (s *suite) read(step string, obj object) cty.Value {
	s.t.Helper()
	resp := s.p.Read(s.ctx, providers.ReadRequest{TypeName: s.rt.Name, Addr: obj.addr, Prior: obj.state, Private: obj.private})
	if !s.diags(step, resp.Diagnostics) {
		s.t.Fatalf("%s failed", step)
	}
	if resp.NewState == cty.NilVal || !resp.NewState.Type().Equals(s.rt.Block.ImpliedType()) {
		s.t.Fatalf("%s: the value read is not of the implied type of %s", step, s.rt.Name)
	}
	if !resp.NewState.IsWhollyKnown() {
		s.t.Fatalf("%s: the value read is not wholly known", step)
	}
	return resp.NewState
}

func (s *suite) readBack(step string, obj object) {
	s.t.Helper()
	got := s.read(step, obj)
	if got.IsNull() {
		s.t.Fatalf("%s: the object is gone", step)
	}
	for _, p := range diffObjects(s.rt, obj.state, got) {
		s.t.Errorf("%s: differs from the applied value: %s", step, p)
	}
}

func (s *suite) readGone(step string, obj object) {
	s.t.Helper()
	if got := s.read(step, obj); !got.IsNull() {
		s.t.Errorf("%s: the object is still there; Read must return null for a deleted object", step)
	}
}

func (s *suite) importStep(live object) {
	t := s.t
	imp, ok := s.p.(providers.Importer)
	if !ok {
		t.Logf("provider does not implement providers.Importer: import not checked")
		return
	}
	if s.rt.IDAttribute == "" {
		t.Logf("%s has no IDAttribute: import not checked", s.rt.Name)
		return
	}
	idv := live.state.GetAttr(s.rt.IDAttribute)
	if idv.IsNull() || idv.Type() != cty.String {
		t.Errorf("import: the id attribute %q is null or not a string", s.rt.IDAttribute)
		return
	}
	resp := imp.Import(s.ctx, providers.ImportRequest{TypeName: s.rt.Name, Addr: s.addr("conformance_import"), ID: idv.AsString()})
	if !s.diags("import", resp.Diagnostics) {
		return
	}
	if resp.State == cty.NilVal || resp.State.IsNull() {
		t.Errorf("import: null state for id %q of a live object", idv.AsString())
		return
	}
	want := s.read("read for import", live)
	for _, p := range diffObjects(s.rt, want, resp.State) {
		t.Errorf("import: differs from Read: %s", p)
	}
	resp = imp.Import(s.ctx, providers.ImportRequest{TypeName: s.rt.Name, Addr: s.addr("conformance_missing"), ID: "no-such-" + idv.AsString()})
	if !resp.Diagnostics.HasErrors() {
		t.Errorf("import of an id that does not exist: no error diagnostic")
	}
	if resp.State != cty.NilVal && !resp.State.IsNull() {
		t.Errorf("import of an id that does not exist: a state that is not null")
	}
}

func (s *suite) batchStep(live, gone object) {
	t := s.t
	br, ok := s.p.(providers.BatchReader)
	if !ok {
		t.Logf("provider does not implement providers.BatchReader: batch reads not checked")
		return
	}
	objs := []object{live, gone, live}
	reqs := make([]providers.ReadRequest, len(objs))
	for i, o := range objs {
		reqs[i] = providers.ReadRequest{TypeName: s.rt.Name, Addr: o.addr, Prior: o.state, Private: o.private}
	}
	resps := br.ReadMany(s.ctx, reqs)
	if len(resps) != len(reqs) {
		t.Fatalf("ReadMany: %d responses to %d requests", len(resps), len(reqs))
	}
	for i, o := range objs {
		step := fmt.Sprintf("ReadMany[%d]", i)
		if !s.diags(step, resps[i].Diagnostics) {
			continue
		}
		want := s.read("Read for "+step, o)
		if resps[i].NewState == cty.NilVal || !resps[i].NewState.Type().Equals(want.Type()) {
			t.Errorf("%s: not of the implied type", step)
			continue
		}
		for _, p := range diffObjects(s.rt, want, resps[i].NewState) {
			t.Errorf("%s: differs from Read: %s", step, p)
		}
	}
}

func (s *suite) concurrentReads(live object) {
	const n = 8
	results := make([]providers.ReadResponse, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = s.p.Read(s.ctx, providers.ReadRequest{TypeName: s.rt.Name, Addr: live.addr, Prior: live.state, Private: live.private})
		}()
	}
	wg.Wait()
	for i, r := range results {
		step := fmt.Sprintf("concurrent read %d", i)
		if !s.diags(step, r.Diagnostics) {
			continue
		}
		if r.NewState == cty.NilVal || r.NewState.IsNull() {
			s.t.Errorf("%s: the object is gone", step)
			continue
		}
		for _, p := range diffObjects(s.rt, live.state, r.NewState) {
			s.t.Errorf("%s: %s", step, p)
		}
	}
}
