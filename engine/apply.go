package engine

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/eval"
	"github.com/updplan/updplan/engine/graph"
	"github.com/updplan/updplan/engine/lang"
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/engine/state"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// Apply applies p (made just now, or read from a saved plan file, which is
// refused when the state or configuration moved on). It returns the new
// state, even after errors.
func (e *Engine) Apply(ctx context.Context, cfg *config.Config, p *plan.Plan, opts PlanOptions) (*state.State, hcl.Diagnostics) {
	if opts.Operation == "" {
		opts.Operation = "apply"
	}
	e.planVars = p.Variables
	be, done, diags := e.openLocked(ctx, cfg, opts)
	if diags.HasErrors() {
		return nil, diags
	}
	defer done()
	st, d := e.apply(ctx, cfg, p, opts, be)
	return st, e.scrub(append(diags, d...))
}

// checkApplyable refuses a plan made with errors or for other files.
func checkApplyable(cfg *config.Config, p *plan.Plan) *hcl.Diagnostic {
	if p.Errored {
		return errorDiag("Plan has errors", "This plan was made with errors and cannot be applied. Fix the errors and plan again.", nil)
	}
	if p.ConfigDigest != cfg.Digest {
		return errorDiag("Saved plan does not match the configuration",
			"The configuration files changed since this plan was made, so applying it could do something nobody reviewed. Run updplan plan again and apply the new plan.", nil)
	}
	return nil
}

// apply applies p on the backend be, whose lock the caller holds.
func (e *Engine) apply(ctx context.Context, cfg *config.Config, p *plan.Plan, opts PlanOptions, be state.Backend) (*state.State, hcl.Diagnostics) {
	if opts.Parallelism < 1 {
		opts.Parallelism = 10
	}
	if d := checkApplyable(cfg, p); d != nil {
		return nil, hcl.Diagnostics{d}
	}
	for name, v := range p.Variables {
		if p.SensitiveVariables[name] {
			e.addSecrets(v)
		}
	}
	var diags hcl.Diagnostics
	cur, err := be.Read(ctx, e.StateTypes())
	if err != nil {
		return nil, append(diags, errorDiag("Failed to read state", fmt.Sprintf("%s. Nothing was changed.", err), nil))
	}
	if d := staleness(p, cur); d != nil {
		return cur, append(diags, d)
	}

	// Apply on top of the refreshed state the plan was made from: objects
	// found gone or changed outside updplan are recorded as they are.
	working := cur.DeepCopy()
	if working == nil {
		working = state.New()
	}
	base := working.Serial
	if p.PriorState != nil {
		refreshed := p.PriorState.DeepCopy()
		refreshed.Lineage, refreshed.Serial, refreshed.Version = working.Lineage, working.Serial, state.FormatVersion
		if refreshed.Outputs == nil {
			refreshed.Outputs = map[string]*state.Output{}
		}
		if refreshed.Resources == nil {
			refreshed.Resources = map[addr.Instance]*state.Resource{}
		}
		working = refreshed
	}
	if p.Mode == plan.RefreshOnlyMode {
		working.Serial = base + 1
		working.UpdplanVersion = e.Version
		if err := be.Write(ctx, working); err != nil {
			return cur, append(diags, errorDiag("Failed to write state", err.Error(), nil))
		}
		return working, diags
	}

	// Moves first: they only rename objects in state.
	for _, ch := range p.Changes {
		if ch.PrevAddr != (addr.Instance{}) {
			if r := working.Get(ch.PrevAddr); r != nil {
				working.Remove(ch.PrevAddr)
				nr := *r
				nr.Addr = ch.Addr
				working.Set(&nr)
			}
		}
	}
	journal, err := be.OpenJournal(ctx, working)
	if err != nil {
		return cur, append(diags, errorDiag("Cannot start the state journal", fmt.Sprintf("%s. Nothing was changed.", err), nil))
	}
	ap := &applier{
		e: e, cfg: cfg, p: p, opts: opts, working: working, journal: journal,
		sem:     make(chan struct{}, opts.Parallelism),
		changes: map[addr.Instance]*plan.ResourceChange{},
	}
	for _, ch := range p.Changes {
		ap.changes[ch.Addr] = ch
	}
	diags = append(diags, ap.run(ctx)...)
	if err := journal.Close(); err != nil {
		diags = append(diags, errorDiag("Failed to sync the state journal", err.Error(), nil))
	}
	working.Serial = base + 1
	working.UpdplanVersion = e.Version
	writeStart := time.Now()
	err = be.Write(context.WithoutCancel(ctx), working)
	logPhase(ctx, "state written", writeStart, "backend", be.Describe(), "serial", working.Serial, "ok", err == nil)
	if err != nil {
		diags = append(diags, errorDiag("Failed to write state",
			fmt.Sprintf("%s. What was applied is in the journal beside the state and will be recovered by the next run.", err), nil))
	}
	if ctx.Err() != nil {
		// One report for the interrupt, not one per object.
		diags = slices.DeleteFunc(diags, func(d *hcl.Diagnostic) bool { return d.Summary == "Interrupted" })
		total := 0
		for _, ch := range p.Changes {
			if ch.Action != plan.NoOp {
				total++
			}
		}
		started, finished := int(ap.started.Load()), int(ap.finished.Load())
		diags = append(diags, errorDiag("Interrupted",
			fmt.Sprintf("Interrupted: %d objects not started, %d finished. The changes already started were finished and recorded in state; the rest were not started. Run updplan plan to see what is left.",
				max(total-started, 0), finished), nil))
	}
	return working, sortDiags(diags)
}

// staleness refuses a plan made against another state.
func staleness(p *plan.Plan, cur *state.State) *hcl.Diagnostic {
	prev := p.PrevRunState
	switch {
	case prev == nil && cur == nil:
		return nil
	case prev == nil || prev.Lineage == "":
		if cur != nil && !cur.Empty() {
			return errorDiag("Saved plan is stale", "The plan was made when there was no state, but a state has been written since. Run updplan plan again.", nil)
		}
		return nil
	case cur == nil:
		return errorDiag("Saved plan does not match the given state", "The plan was made against a state that no longer exists. Run updplan plan again.", nil)
	case prev.Lineage != cur.Lineage:
		return errorDiag("Saved plan does not match the given state",
			fmt.Sprintf("The plan was made against the state with lineage %s, but the state now has lineage %s. Run updplan plan again.", prev.Lineage, cur.Lineage), nil)
	case prev.Serial != cur.Serial:
		return errorDiag("Saved plan is stale",
			fmt.Sprintf("The state changed since the plan was made (serial %d, now %d): another run applied changes. Run updplan plan again and review the new plan.", prev.Serial, cur.Serial), nil)
	}
	return nil
}

// applier holds one apply run.
type applier struct {
	e       *Engine
	cfg     *config.Config
	p       *plan.Plan
	opts    PlanOptions
	journal state.Journal
	sem     chan struct{}
	changes map[addr.Instance]*plan.ResourceChange

	mu      sync.Mutex // guards working
	working *state.State

	// started and finished count the provider Apply calls, for the
	// report of an interrupted run.
	started, finished atomic.Int64
}

func (ap *applier) run(ctx context.Context) hcl.Diagnostics {
	var diags hcl.Diagnostics
	types := map[string]bool{}
	for _, ch := range ap.p.Changes {
		types[ch.Type] = true
	}
	vars := map[string]cty.Value{}
	for name, v := range ap.p.Variables {
		if ap.p.SensitiveVariables[name] {
			v = v.Mark(lang.Sensitive)
		}
		vars[name] = v
	}
	for name, v := range ap.cfg.Variables {
		if _, ok := vars[name]; !ok {
			vars[name] = cty.UnknownVal(v.Type)
		}
	}
	ev := eval.New(ap.cfg, vars)
	if d := ap.e.configureProviders(ctx, ev, types, providers.AccessWrite); d.HasErrors() {
		return d
	}

	// 1. Deletes (and the delete half of replacements), dependents first.
	failed, d := ap.deletes(ctx, func(ch *plan.ResourceChange) bool {
		return ch.Action == plan.Delete || ch.Action == plan.DeleteThenCreate
	})
	diags = append(diags, d...)
	if ap.p.Mode == plan.DestroyMode {
		ap.mu.Lock()
		for k := range ap.working.Outputs {
			delete(ap.working.Outputs, k)
		}
		ap.mu.Unlock()
		return diags
	}

	// 2. Creates and updates, in dependency order, re-planned with the
	//    values known now.
	cg, d := ap.e.buildGraph(ap.cfg)
	diags = append(diags, d...)
	if d.HasErrors() {
		return diags
	}
	ev.Traversals = cg.bodyTravs
	cg.readData = &dataReader{e: ap.e}
	diags = append(diags, ap.e.walk(ctx, ev, cg, func(ctx context.Context, r *config.Resource, rt *schema.ResourceType, insts []eval.Instance, known bool) (cty.Value, hcl.Diagnostics) {
		return ap.applyResource(ctx, ev, r, rt, insts, failed)
	})...)

	// 3. Old objects of create_before_destroy replacements.
	_, d = ap.deletes(ctx, func(ch *plan.ResourceChange) bool { return ch.Action == plan.CreateThenDelete })
	diags = append(diags, d...)

	// Outputs, from the values known now.
	if !diags.HasErrors() {
		ap.mu.Lock()
		for name, o := range ap.cfg.Outputs {
			v, ok := ev.Output(name)
			if !ok || !v.IsWhollyKnown() {
				continue
			}
			plain, _ := v.UnmarkDeep()
			ap.working.Outputs[name] = &state.Output{Value: plain, Sensitive: o.Sensitive || v.ContainsMarked()}
		}
		for name := range ap.working.Outputs {
			if _, ok := ap.cfg.Outputs[name]; !ok {
				delete(ap.working.Outputs, name)
			}
		}
		ap.mu.Unlock()
	}
	return diags
}

// deletes runs the selected delete changes, an object before the objects it
// depends on. It returns the addresses that failed.
func (ap *applier) deletes(ctx context.Context, pick func(*plan.ResourceChange) bool) (map[addr.Instance]bool, hcl.Diagnostics) {
	var list []*plan.ResourceChange
	for _, ch := range ap.p.Changes {
		if pick(ch) {
			list = append(list, ch)
		}
	}
	failed := map[addr.Instance]bool{}
	if len(list) == 0 {
		return failed, nil
	}
	g := graph.New(func(a, b addr.Instance) bool { return a.Less(b) }, addr.Instance.String)
	byRes := map[addr.Resource][]addr.Instance{}
	for _, ch := range list {
		g.Add(ch.Addr)
		byRes[ch.Addr.Resource] = append(byRes[ch.Addr.Resource], ch.Addr)
	}
	// X must be deleted after every object that depends on X.
	for _, ch := range list {
		deps := ch.Dependencies
		if r := ap.working.Get(ch.Addr); r != nil && len(r.Dependencies) > 0 {
			deps = r.Dependencies
		}
		for _, dep := range deps {
			for _, target := range byRes[dep] {
				if target != ch.Addr {
					g.Connect(target, ch.Addr)
				}
			}
		}
	}
	var dc diagCollector
	var fmu sync.Mutex
	results := g.Walk(ctx, ap.opts.Parallelism, func(ctx context.Context, a addr.Instance) error {
		ch := ap.changes[a]
		if d := ap.deleteOne(ctx, ch); d.HasErrors() {
			dc.add(d)
			return errVisitFailed
		}
		return nil
	})
	for a, err := range results {
		if err != nil {
			fmu.Lock()
			failed[a] = true
			fmu.Unlock()
		}
	}
	return failed, dc.diags
}

func (ap *applier) deleteOne(ctx context.Context, ch *plan.ResourceChange) hcl.Diagnostics {
	p, d := ap.e.providerFor(ch.Type, nil)
	if d != nil {
		return hcl.Diagnostics{d}
	}
	// The old object of a create_before_destroy replacement is no longer
	// in state (its address holds the new one): delete what the plan saw.
	deposed := ch.Action == plan.CreateThenDelete
	ap.mu.Lock()
	cur := ap.working.Get(ch.Addr)
	ap.mu.Unlock()
	if deposed {
		cur = &state.Resource{Addr: ch.Addr, Type: ch.Type, Provider: ch.Provider, Value: ch.Before}
	}
	if cur == nil || cur.Value.IsNull() {
		return nil // already gone
	}
	if ctx.Err() != nil {
		return hcl.Diagnostics{notStarted(ch.Addr)}
	}
	hc := replaceHalf(ch, plan.Delete)
	if h := ap.opts.Hooks.ApplyStart; h != nil {
		h(hc)
	}
	start := time.Now()
	ap.started.Add(1)
	defer ap.finished.Add(1)
	resp := p.Apply(context.WithoutCancel(ctx), providers.ApplyRequest{
		TypeName: ch.Type, Addr: ch.Addr, Prior: cur.Value,
		Planned: cty.NullVal(cur.Value.Type()), Config: cty.NullVal(cur.Value.Type()),
		PlannedPrivate: cur.Private, Progress: ap.progress(),
	})
	logCall(ctx, "apply (delete)", p.Name(), ch.Type, ch.Addr, start, resp.Diagnostics)
	var diags hcl.Diagnostics
	for _, d := range resp.Diagnostics {
		if d.Subject == nil && d.Severity == hcl.DiagError {
			c := *d // a copy: the provider may share it between objects
			c.Detail = fmt.Sprintf("While deleting %s: %s", ch.Addr, d.Detail)
			d = &c
		}
		diags = append(diags, d)
	}
	if !resp.Diagnostics.HasErrors() && resp.NewState.IsNull() && !deposed {
		ap.mu.Lock()
		ap.working.Remove(ch.Addr)
		err := ap.journal.Remove(ch.Addr)
		ap.mu.Unlock()
		if err != nil {
			diags = append(diags, errorDiag("Failed to record a change in the state journal", err.Error(), nil))
		}
	} else if !resp.Diagnostics.HasErrors() && !resp.NewState.IsNull() {
		diags = append(diags, providerBug(p.Name(), "Provider did not delete the object", fmt.Sprintf("Deleting %s returned an object instead of nothing.", ch.Addr), nil))
	}
	if h := ap.opts.Hooks.ApplyComplete; h != nil {
		h(hc, time.Since(start), cty.NullVal(cur.Value.Type()), diags)
	}
	return diags
}

// replaceHalf is the change the hooks see for one provider call: a
// replacement is applied as two calls, the delete of the old object and the
// create of the new one, and each is reported as that half (Delete with no
// After, Create with no Before), as Terraform does, so that a replaced
// object is announced once per call and counted as one destroyed and one
// added. Any other change is reported as planned.
func replaceHalf(ch *plan.ResourceChange, half plan.Action) *plan.ResourceChange {
	if !ch.Action.IsReplace() {
		return ch
	}
	c := *ch
	c.Action = half
	switch half {
	case plan.Delete:
		c.After = cty.NullVal(ch.Before.Type())
		c.Config = cty.NullVal(ch.Before.Type())
		c.AfterSensitive = nil
	case plan.Create:
		c.Before = cty.NullVal(ch.After.Type())
		c.BeforeSensitive = nil
	}
	return &c
}

func (ap *applier) progress() providers.ProgressFunc {
	if ap.opts.Hooks.ApplyProgress != nil {
		return ap.opts.Hooks.ApplyProgress
	}
	return providers.NoProgress
}

// applyResource applies the changes of every instance of one resource
// block, in parallel, and returns the value references see.
func (ap *applier) applyResource(ctx context.Context, ev *eval.Evaluator, r *config.Resource, rt *schema.ResourceType, insts []eval.Instance, failed map[addr.Instance]bool) (cty.Value, hcl.Diagnostics) {
	vals := make([]cty.Value, len(insts)) // in instance order
	var mu sync.Mutex
	var diags hcl.Diagnostics
	var wg sync.WaitGroup
	for i, in := range insts {
		ch := ap.changes[in.Addr]
		if ch != nil && ch.ImportID != "" {
			var d hcl.Diagnostics
			ap.adopt(ch, rt, &d)
			mu.Lock()
			diags = append(diags, d...)
			mu.Unlock()
		}
		if ch == nil || ch.Action == plan.NoOp || ch.Action == plan.Delete || failed[in.Addr] {
			ap.mu.Lock()
			res := ap.working.Get(in.Addr)
			ap.mu.Unlock()
			v := cty.UnknownVal(rt.Block.ImpliedType())
			if failed[in.Addr] {
				mu.Lock()
				diags = append(diags, errorDiag("Replacement not finished", fmt.Sprintf("%s was not created again because deleting its old object failed.", in.Addr), nil))
				mu.Unlock()
			} else if res != nil {
				v = stateValue(&rt.Block, res)
			}
			mu.Lock()
			vals[i] = v
			mu.Unlock()
			continue
		}
		if ctx.Err() != nil {
			// Interrupted: the rest is not started. Apply reports it
			// once, with the counts; the walk skips the dependents.
			wg.Wait()
			return cty.DynamicVal, append(diags, errorDiag("Interrupted", "Interrupted before this object was started.", nil))
		}
		wg.Add(1)
		ap.sem <- struct{}{}
		go func(i int, in eval.Instance, ch *plan.ResourceChange) {
			defer wg.Done()
			defer func() { <-ap.sem }()
			v, d := ap.applyInstance(ctx, ev, r, rt, in, ch)
			mu.Lock()
			vals[i] = v
			diags = append(diags, d...)
			mu.Unlock()
		}(i, in, ch)
	}
	wg.Wait()
	return eval.RefValue(r, vals, insts), diags
}

// applyInstance re-plans one change with the values known now, checks the
// final plan against the reviewed one, applies it and records the result.
func (ap *applier) applyInstance(ctx context.Context, ev *eval.Evaluator, r *config.Resource, rt *schema.ResourceType, in eval.Instance, ch *plan.ResourceChange) (cty.Value, hcl.Diagnostics) {
	ty := rt.Block.ImpliedType()
	unknown := cty.UnknownVal(ty)
	p, d := ap.e.providerFor(rt.Name, rangePtr(r.DeclRange))
	if d != nil {
		return unknown, hcl.Diagnostics{d}
	}
	cfgVal, body, diags := ev.DecodeInstance(r, rt, in.Scope)
	if diags.HasErrors() {
		return unknown, diags
	}
	// Preconditions again, with the values known now: one that was unknown
	// at plan (a data source read during apply) is decided here, before
	// the object is touched.
	if d := ev.CheckConditions(r.Preconditions, in.Scope, "Resource precondition failed"); d.HasErrors() {
		return unknown, append(diags, d...)
	}
	cfgPlain, marks := eval.UnmarkDeep(cfgVal)
	prior := cty.NullVal(ty)
	var priorPrivate []byte
	ap.mu.Lock()
	if res := ap.working.Get(in.Addr); res != nil && ch.Action != plan.CreateThenDelete {
		prior, priorPrivate = res.Value, res.Private
	}
	ap.mu.Unlock()
	cfgPlain = ignoreChanges(r.Lifecycle, rt, prior, cfgPlain)
	if ctx.Err() != nil {
		return unknown, hcl.Diagnostics{notStarted(in.Addr)}
	}
	// The final plan is not cut short by an interrupt: an object is
	// either applied in full or not started.
	resp := p.Plan(context.WithoutCancel(ctx), providers.PlanRequest{
		TypeName: rt.Name, Addr: in.Addr, Prior: prior, Config: cfgPlain,
		Proposed: providers.ProposedNew(rt, prior, cfgPlain), PriorPrivate: priorPrivate,
		Reviewed: ch.After,
	})
	diags = append(diags, locateProviderDiags(resp.Diagnostics, rt, body, r.DeclRange)...)
	if resp.Diagnostics.HasErrors() {
		return unknown, diags
	}
	if probs := providers.CheckPlanned(rt, cfgPlain, resp.Planned); len(probs) > 0 {
		return unknown, append(diags, providerBug(p.Name(), "Provider produced an invalid plan",
			fmt.Sprintf("The final plan for %s disagrees with the configuration: %s.", in.Addr, joinProblems(probs)), rangePtr(r.DeclRange)))
	}
	if probs := providers.CheckFinalPlan(rt, ch.After, storedForm(&rt.Block, resp.Planned)); len(probs) > 0 {
		return unknown, append(diags, providerBug(p.Name(), "Provider produced an inconsistent final plan",
			fmt.Sprintf("When applying %s, the final plan differs from the reviewed one: %s.", in.Addr, joinProblems(probs)), rangePtr(r.DeclRange)))
	}
	if ctx.Err() != nil {
		return unknown, hcl.Diagnostics{notStarted(in.Addr)}
	}
	hc := replaceHalf(ch, plan.Create)
	if h := ap.opts.Hooks.ApplyStart; h != nil {
		h(hc)
	}
	start := time.Now()
	ap.started.Add(1)
	defer ap.finished.Add(1)
	ar := p.Apply(context.WithoutCancel(ctx), providers.ApplyRequest{
		TypeName: rt.Name, Addr: in.Addr, Prior: prior, Planned: resp.Planned, Config: cfgPlain,
		PlannedPrivate: resp.PlannedPrivate, Progress: ap.progress(),
	})
	logCall(ctx, "apply", p.Name(), rt.Name, in.Addr, start, ar.Diagnostics)
	adiags := locateProviderDiags(ar.Diagnostics, rt, body, r.DeclRange)
	stored := storedForm(&rt.Block, ar.NewState) // what is kept: credurls.go
	var sensitive []cty.Path
	if !ar.NewState.IsNull() && ar.NewState != cty.NilVal {
		// A computed value unknown at plan (an id) is checked for the
		// configuration's secrets now that it is known (derived.go).
		sensitive = withDerived(&rt.Block, cfgPlain, marks, ar.NewState, eval.SensitivePaths(&rt.Block, marks))
		// After a failure the provider returns the object as it really is
		// (a catalog that reached some distribution points and not
		// others), which the plan need not describe.
		if probs := providers.CheckApplied(rt, resp.Planned, ar.NewState); len(probs) > 0 && !ar.Diagnostics.HasErrors() {
			adiags = append(adiags, providerBug(p.Name(), "Provider produced an inconsistent result after apply",
				fmt.Sprintf("After applying %s: %s. The object was recorded as the provider returned it.", in.Addr, joinProblems(probs)), rangePtr(r.DeclRange)))
		}
		if ar.NewState.IsWhollyKnown() {
			ap.record(ch, &state.Resource{
				Addr: in.Addr, Type: rt.Name, Provider: p.Name(), Value: stored,
				SensitivePaths: sensitive, Private: ar.Private,
				Dependencies: ch.Dependencies,
			}, &adiags)
		}
	}
	if h := ap.opts.Hooks.ApplyComplete; h != nil {
		applied := stored
		if applied == cty.NilVal || adiags.HasErrors() {
			applied = cty.NullVal(ty)
		} else {
			applied = markPaths(applied, sensitive) // never shown in "[id=...]"
		}
		h(hc, time.Since(start), applied, adiags)
	}
	diags = append(diags, adiags...)
	if adiags.HasErrors() || ar.NewState.IsNull() || ar.NewState == cty.NilVal {
		return unknown, diags
	}
	self := markPaths(stored, sensitive)
	sc := in.Scope
	sc.Self = self
	diags = append(diags, ev.CheckConditions(r.Postconditions, sc, "Resource postcondition failed")...)
	return self.MarkWithPaths(marks), diags
}

// adopt records an object an import block adopted, before its change (if
// any) is applied to it.
func (ap *applier) adopt(ch *plan.ResourceChange, rt *schema.ResourceType, diags *hcl.Diagnostics) {
	ap.mu.Lock()
	exists := ap.working.Get(ch.Addr) != nil
	ap.mu.Unlock()
	if exists || ch.Before.IsNull() {
		return
	}
	ap.record(ch, &state.Resource{
		Addr: ch.Addr, Type: ch.Type, Provider: ch.Provider, Value: ch.Before,
		SensitivePaths: eval.SensitivePaths(&rt.Block, nil), Dependencies: ch.Dependencies,
	}, diags)
}

// record stores an applied object in the working state and the journal.
func (ap *applier) record(ch *plan.ResourceChange, r *state.Resource, diags *hcl.Diagnostics) {
	ap.mu.Lock()
	defer ap.mu.Unlock()
	ap.working.Set(r)
	if err := ap.journal.Set(r); err != nil {
		*diags = append(*diags, errorDiag("Failed to record a change in the state journal", err.Error(), nil))
	}
}

// notStarted is the error of an object an interrupt kept from starting;
// apply drops these for one report with the counts.
func notStarted(a addr.Instance) *hcl.Diagnostic {
	return errorDiag("Interrupted", fmt.Sprintf("Interrupted before %s was started.", a), nil)
}
