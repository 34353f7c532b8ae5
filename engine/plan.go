package engine

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/eval"
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/engine/state"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// Plan refreshes and plans. The plan is returned even with errors (Errored
// set) so it can be shown.
func (e *Engine) Plan(ctx context.Context, cfg *config.Config, in Inputs, opts PlanOptions) (*plan.Plan, hcl.Diagnostics) {
	if opts.Operation == "" {
		opts.Operation = "plan"
	}
	run, diags := e.Lock(ctx, cfg, opts)
	if diags.HasErrors() {
		return nil, diags
	}
	defer run.Release()
	p, d := run.Plan(ctx, cfg, in, opts)
	return p, e.scrub(sortDiags(append(diags, d...)))
}

// Run is one backend opened and locked for a plan, the approval and the
// apply of that plan: `apply` and `destroy` without a plan file hold one
// lock from the refresh through the prompt to the last write, as
// Terraform does, so no other run can take the state in between.
type Run struct {
	e    *Engine
	be   state.Backend
	done func()
}

// Lock opens the configuration's backend and takes its lock (unless
// opts.Lock is false) for a Run; Release gives it back.
func (e *Engine) Lock(ctx context.Context, cfg *config.Config, opts PlanOptions) (*Run, hcl.Diagnostics) {
	diags := e.checkRequiredVersion(cfg)
	if diags.HasErrors() {
		return nil, diags
	}
	be, done, d := e.openLocked(ctx, cfg, opts)
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, diags
	}
	return &Run{e: e, be: be, done: done}, diags
}

// Plan refreshes and plans under the run's lock.
func (r *Run) Plan(ctx context.Context, cfg *config.Config, in Inputs, opts PlanOptions) (*plan.Plan, hcl.Diagnostics) {
	p, d := r.e.plan(ctx, cfg, in, opts, r.e.readState(ctx, r.be))
	return p, r.e.scrub(sortDiags(d))
}

// Apply applies p under the run's lock.
func (r *Run) Apply(ctx context.Context, cfg *config.Config, p *plan.Plan, opts PlanOptions) (*state.State, hcl.Diagnostics) {
	st, d := r.e.apply(ctx, cfg, p, opts, r.be)
	return st, r.e.scrub(d)
}

// Settle is called instead of Apply when the plan p has nothing to
// apply: if the state it read had the journal of a killed apply replayed
// into it, the state is written with it, which folds the journal in (a
// kill after every change was journaled left a stale state file and the
// journal beside it for good).
func (r *Run) Settle(ctx context.Context, p *plan.Plan) hcl.Diagnostics {
	if p == nil || p.PrevRunState == nil || !p.PrevRunState.Replayed {
		return nil
	}
	st := p.PrevRunState.DeepCopy()
	st.UpdplanVersion = r.e.Version
	if err := r.be.Write(context.WithoutCancel(ctx), st); err != nil {
		return hcl.Diagnostics{errorDiag("Failed to write state",
			fmt.Sprintf("%s. The journal of the interrupted apply stays beside the state and is replayed by the next run.", err), nil)}
	}
	return nil
}

// Release releases the lock and closes the backend; it may be called
// more than once.
func (r *Run) Release() {
	if r.done != nil {
		r.done()
		r.done = nil
	}
}

// stateRead is a state being read in the background while the
// configuration is evaluated (they do not depend on each other).
type stateRead struct {
	done  chan struct{}
	st    *state.State
	diags hcl.Diagnostics
}

func (e *Engine) readState(ctx context.Context, be state.Backend) *stateRead {
	r := &stateRead{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		start := time.Now()
		st, err := be.Read(ctx, e.StateTypes())
		logPhase(ctx, "state read", start, "backend", be.Describe(), "ok", err == nil)
		if err != nil {
			r.diags = hcl.Diagnostics{errorDiag("Failed to read state", fmt.Sprintf("%s. Nothing was changed.", err), nil)}
		}
		r.st = st
	}()
	return r
}

// wait returns the state once it is read.
func (r *stateRead) wait() (*state.State, hcl.Diagnostics) {
	<-r.done
	return r.st, r.diags
}

// planner holds one planning run.
type planner struct {
	e      *Engine
	cfg    *config.Config
	opts   PlanOptions
	ev     *eval.Evaluator
	prior  *state.State // refreshed
	moved  map[addr.Instance]addr.Instance
	sem    chan struct{}
	impMap map[addr.Instance]*config.Import

	mu      sync.Mutex
	checks  map[addr.Resource]*plan.CheckResult
	changes []*plan.ResourceChange
	seen    map[addr.Instance]bool
	// objects and bodies feed the cross-object rules after the walk.
	objects []schema.Object
	bodies  []validatedBody
}

func (e *Engine) plan(ctx context.Context, cfg *config.Config, in Inputs, opts PlanOptions, read *stateRead) (*plan.Plan, hcl.Diagnostics) {
	if opts.Parallelism < 1 {
		opts.Parallelism = 10
	}
	vars, diags := e.variableValues(cfg, in, false)
	cg, graphDiags := e.buildGraph(cfg)
	prev, readDiags := read.wait()
	if readDiags.HasErrors() {
		return nil, append(diags, readDiags...)
	}
	p := &plan.Plan{
		Mode:               opts.Mode,
		Variables:          map[string]cty.Value{},
		SensitiveVariables: map[string]bool{},
		PrevRunState:       prev,
		ConfigDigest:       cfg.Digest,
		Targets:            opts.Targets,
		Replace:            opts.Replace,
		Timestamp:          time.Now().UTC(),
	}
	for name, v := range vars {
		plainV, _ := v.UnmarkDeep()
		p.Variables[name] = plainV
		if cfg.Variables[name].Sensitive {
			p.SensitiveVariables[name] = true
		}
	}
	diags = append(diags, graphDiags...)
	if diags.HasErrors() {
		// Nothing is configured or read on bad input: a provider may
		// create its database when configured.
		p.Errored = true
		return p, diags
	}
	ev := eval.New(cfg, vars)
	ev.Traversals = cg.bodyTravs

	// Providers of every type in configuration or state.
	types := map[string]bool{}
	for a := range cfg.Resources {
		types[a.Type] = true
	}
	if prev != nil {
		for _, r := range prev.Resources {
			types[r.Type] = true
		}
	}
	diags = append(diags, e.configureProviders(ctx, ev, types, providers.AccessRead)...)
	if diags.HasErrors() {
		p.Errored = true
		return p, diags
	}

	// Moved blocks rename objects in state before anything else.
	// Moves and the refresh replace the resources they change.
	working := prev.Copy()
	if working == nil {
		working = &state.State{Resources: map[addr.Instance]*state.Resource{}, Outputs: map[string]*state.Output{}}
	}
	moved, d := applyMoves(cfg, working)
	diags = append(diags, d...)

	// Refresh: read every object in state; what changed is drift.
	if opts.Refresh {
		refreshed, drift, d := e.refresh(ctx, working, opts)
		diags = append(diags, d...)
		p.Drift = drift
		working = refreshed
	}
	p.PriorState = working
	if diags.HasErrors() {
		p.Errored = true
		return p, diags
	}

	n := len(cfg.Resources) // instances, as most resources have one
	// Most of what loading, decoding and the refresh allocated is garbage
	// by now, and the walk keeps most of what it makes. A collection here,
	// while nothing else runs, sets the collector's next target from the
	// data the walk needs, not from a mark taken in the middle of decoding
	// (which counts what is allocated while it runs): a lower peak for a
	// few milliseconds.
	runtime.GC()
	pl := &planner{
		e: e, cfg: cfg, opts: opts, ev: ev, prior: working, moved: moved,
		sem:     make(chan struct{}, opts.Parallelism),
		seen:    make(map[addr.Instance]bool, n),
		impMap:  map[addr.Instance]*config.Import{},
		changes: make([]*plan.ResourceChange, 0, n),
		objects: make([]schema.Object, 0, n),
		bodies:  make([]validatedBody, 0, n),
	}
	for _, im := range cfg.Imports {
		pl.impMap[im.To] = im
	}
	switch opts.Mode {
	case plan.RefreshOnlyMode:
		// Only drift; nothing to change.
	case plan.DestroyMode:
		diags = append(diags, pl.planDestroy()...)
	default:
		reads := &dataReader{e: e}
		cg.readData = reads
		diags = append(diags, pl.planNormal(ctx, cg)...)
		p.Reads = reads.sorted()
	}
	slices.SortFunc(pl.changes, func(a, b *plan.ResourceChange) int { return addr.Compare(a.Addr, b.Addr) })
	p.Changes = pl.changes
	p.Checks = pl.sortedChecks()
	p.Outputs = planOutputs(cfg, prev, ev, opts.Mode)
	if diags.HasErrors() {
		p.Errored = true
	}
	return p, diags
}

// planNormal walks the configuration, planning every instance, then plans
// the deletion of objects no longer configured.
func (pl *planner) planNormal(ctx context.Context, cg *configGraph) hcl.Diagnostics {
	targeted := pl.targetSet(cg)
	diags := pl.e.walk(ctx, pl.ev, cg, func(ctx context.Context, r *config.Resource, rt *schema.ResourceType, insts []eval.Instance, known bool) (cty.Value, hcl.Diagnostics) {
		if !known {
			expr := r.Count
			what := "count"
			if expr == nil {
				expr, what = r.ForEach, "for_each"
			}
			return cty.DynamicVal, hcl.Diagnostics{errorDiag("Invalid "+what+" argument",
				fmt.Sprintf("The %s of %s depends on values known only after apply, so updplan cannot tell how many instances to plan. Base it on variables, locals or attributes that are known when planning (for_each keys must be known; their values may be unknown).", what, r.Addr), rangePtr(expr.Range()))}
		}
		if targeted != nil && !targeted[r.Addr] {
			return pl.priorRefValue(r, rt, insts), nil
		}
		return pl.planResource(ctx, cg, r, rt, insts)
	})
	inv := pl.e.inventory(ctx)
	diags = append(diags, setRuleDiags(pl.objects, pl.bodies, inv.lookup)...)
	diags = append(diags, inv.diags...)
	// Objects in state that the configuration no longer has.
	for _, res := range pl.prior.Sorted() {
		if pl.seen[res.Addr] {
			continue
		}
		if targeted != nil && !targeted[res.Addr.Resource] && !pl.isTarget(res.Addr) {
			continue
		}
		reason := plan.DeleteBecauseNoResourceConf
		if r, ok := pl.cfg.Resources[res.Addr.Resource]; ok {
			switch {
			case r.Count != nil:
				reason = plan.DeleteBecauseCountIndex
			case r.ForEach != nil:
				reason = plan.DeleteBecauseEachKey
			}
			if r.Lifecycle.PreventDestroy {
				diags = append(diags, preventDestroyDiag(res.Addr, r.DeclRange))
				continue
			}
		}
		pl.changes = append(pl.changes, deleteChange(res, reason))
	}
	return diags
}

// planDestroy plans the deletion of every object in state.
func (pl *planner) planDestroy() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, res := range pl.prior.Sorted() {
		if len(pl.opts.Targets) > 0 && !pl.isTarget(res.Addr) {
			continue
		}
		if r, ok := pl.cfg.Resources[res.Addr.Resource]; ok && r.Lifecycle.PreventDestroy {
			diags = append(diags, preventDestroyDiag(res.Addr, r.DeclRange))
			continue
		}
		pl.changes = append(pl.changes, deleteChange(res, plan.ReasonNone))
	}
	return diags
}

func deleteChange(res *state.Resource, reason plan.Reason) *plan.ResourceChange {
	return &plan.ResourceChange{
		Addr: res.Addr, Type: res.Type, Provider: res.Provider,
		Action: plan.Delete, Reason: reason,
		Before: res.Value, After: cty.NullVal(res.Value.Type()), Config: cty.NullVal(res.Value.Type()),
		BeforeSensitive: res.SensitivePaths, Private: res.Private, Dependencies: res.Dependencies,
	}
}

func preventDestroyDiag(a addr.Instance, decl hcl.Range) *hcl.Diagnostic {
	return errorDiag("Instance cannot be destroyed",
		fmt.Sprintf("%s has lifecycle.prevent_destroy set, but the plan would destroy it. Remove prevent_destroy to allow it, or change the plan (e.g. with -target) so it keeps the object.", a), rangePtr(decl))
}

// targetSet returns the resources a targeted plan covers (targets and what
// they depend on), or nil when there are no targets.
func (pl *planner) targetSet(cg *configGraph) map[addr.Resource]bool {
	if len(pl.opts.Targets) == 0 {
		return nil
	}
	out := map[addr.Resource]bool{}
	var roots []node
	for _, t := range pl.opts.Targets {
		out[t.Resource] = true
		roots = append(roots, node{kind: resourceNode, res: t.Resource})
	}
	for _, n := range cg.g.Ancestors(roots...) {
		if n.kind == resourceNode {
			out[n.res] = true
		}
	}
	return out
}

// instanceInScope reports whether a targeted plan covers this instance:
// every instance of a resource it depends on, but only the named instances
// of a resource targeted by instance.
func (pl *planner) instanceInScope(a addr.Instance) bool {
	named := false
	for _, t := range pl.opts.Targets {
		if t.Resource != a.Resource {
			continue
		}
		if t.Key == addr.NoKey || t.Key == a.Key {
			return true
		}
		named = true
	}
	return !named
}

func (pl *planner) isTarget(a addr.Instance) bool {
	for _, t := range pl.opts.Targets {
		if t == a || (t.Key == addr.NoKey && t.Resource == a.Resource) {
			return true
		}
	}
	return false
}

// priorRefValue is what references see of a resource left out of a
// targeted plan: its objects as they are in state.
func (pl *planner) priorRefValue(r *config.Resource, rt *schema.ResourceType, insts []eval.Instance) cty.Value {
	vals := make([]cty.Value, len(insts))
	for i, in := range insts {
		pl.mu.Lock()
		pl.seen[in.Addr] = true
		pl.mu.Unlock()
		if res := pl.prior.Get(in.Addr); res != nil {
			vals[i] = stateValue(&rt.Block, res)
		} else {
			vals[i] = cty.UnknownVal(rt.Block.ImpliedType())
		}
	}
	return eval.RefValue(r, vals, insts)
}

// planResource plans every instance of one resource block, in parallel.
func (pl *planner) planResource(ctx context.Context, cg *configGraph, r *config.Resource, rt *schema.ResourceType, insts []eval.Instance) (cty.Value, hcl.Diagnostics) {
	p, d := pl.e.providerFor(rt.Name, rangePtr(r.DeclRange))
	if d != nil {
		return cty.DynamicVal, hcl.Diagnostics{d}
	}
	vals := make([]cty.Value, len(insts)) // in instance order
	var mu sync.Mutex
	var diags hcl.Diagnostics
	var wg sync.WaitGroup
	for i, in := range insts {
		pl.mu.Lock()
		pl.seen[in.Addr] = true
		pl.mu.Unlock()
		if !pl.instanceInScope(in.Addr) {
			v := cty.UnknownVal(rt.Block.ImpliedType())
			if res := pl.prior.Get(in.Addr); res != nil {
				v = stateValue(&rt.Block, res)
			}
			vals[i] = v
			continue
		}
		plan := func(i int, in eval.Instance) {
			defer func() { <-pl.sem }()
			v, ch, d := pl.planInstance(ctx, cg, p, r, rt, in)
			mu.Lock()
			defer mu.Unlock()
			vals[i] = v
			diags = append(diags, d...)
			if ch != nil {
				pl.mu.Lock()
				pl.changes = append(pl.changes, ch)
				pl.mu.Unlock()
			}
		}
		pl.sem <- struct{}{}
		if len(insts) == 1 {
			plan(i, in) // the common case: no goroutine of its own
			continue
		}
		wg.Add(1)
		go func(i int, in eval.Instance) {
			defer wg.Done()
			plan(i, in)
		}(i, in)
	}
	wg.Wait()
	return eval.RefValue(r, vals, insts), diags
}

// planInstance plans one instance: decode, ask the provider, check its
// answer, decide the action.
func (pl *planner) planInstance(ctx context.Context, cg *configGraph, p providers.Provider, r *config.Resource, rt *schema.ResourceType, in eval.Instance) (cty.Value, *plan.ResourceChange, hcl.Diagnostics) {
	ty := rt.Block.ImpliedType()
	unknown := cty.UnknownVal(ty)
	var diags hcl.Diagnostics
	var checkPost func(eval.Scope)
	priorVal := cty.NullVal(ty)
	var priorPrivate []byte
	var priorSensitive []cty.Path
	if res := pl.prior.Get(in.Addr); res != nil {
		priorVal, priorPrivate, priorSensitive = res.Value, res.Private, res.SensitivePaths
	}
	ch := &plan.ResourceChange{
		Addr: in.Addr, Type: rt.Name, Provider: p.Name(),
		Dependencies:        cg.deps[r.Addr],
		CreateBeforeDestroy: r.Lifecycle.CreateBeforeDestroy,
		BeforeSensitive:     priorSensitive,
	}
	if from, ok := pl.moved[in.Addr]; ok {
		ch.PrevAddr = from
	}

	// Import blocks adopt an existing object the state does not have yet.
	if im, ok := pl.impMap[in.Addr]; ok && priorVal.IsNull() {
		id, d := importIDString(pl.ev, im)
		diags = append(diags, d...)
		if d.HasErrors() {
			return unknown, nil, diags
		}
		v, private, d := pl.importObject(ctx, p, rt, in, im, id)
		diags = append(diags, d...)
		if d.HasErrors() {
			return unknown, nil, diags
		}
		priorVal, priorPrivate, ch.ImportID = v, private, id
	}

	if len(r.Preconditions)+len(r.Postconditions) > 0 {
		// The outcome is recorded however planning ends: the checks of
		// the plan JSON.
		var statuses []plan.CheckStatus
		var problems []string
		conds := func(rules []*config.CheckRule, sc eval.Scope, summary string) {
			st, probs, d := pl.ev.Conditions(rules, sc, summary)
			statuses, problems = append(statuses, plan.CheckStatus(st)), append(problems, probs...)
			diags = append(diags, d...)
		}
		defer func() {
			if len(r.Postconditions) > 0 && len(statuses) < 2 {
				statuses = append(statuses, plan.CheckUnknown) // not evaluated
			}
			pl.recordCheck(r.Addr, plan.CheckInstance{Addr: in.Addr, Status: plan.CombineStatus(statuses...), Problems: problems})
		}()
		checkPost = func(sc eval.Scope) { conds(r.Postconditions, sc, "Resource postcondition failed") }
		if len(r.Preconditions) > 0 {
			conds(r.Preconditions, in.Scope, "Resource precondition failed")
		} else {
			statuses = append(statuses, plan.CheckPass)
		}
	}
	cfgVal, body, d := pl.ev.DecodeInstance(r, rt, in.Scope)
	diags = append(diags, d...)
	if diags.HasErrors() {
		return unknown, nil, diags
	}
	cfgPlain, marks := eval.UnmarkDeep(cfgVal)
	// The domain's rules are checked before the provider sees anything.
	diags = append(diags, instanceProblems(rt, cfgPlain, body, r.DeclRange)...)
	diags = append(diags, pl.e.providerValidate(ctx, rt, cfgPlain, body, r.DeclRange)...)
	if diags.HasErrors() {
		return unknown, nil, diags
	}
	cfgPlain = ignoreChanges(r.Lifecycle, rt, priorVal, cfgPlain)

	resp := pl.planWithProvider(ctx, p, rt, providers.PlanRequest{
		TypeName: rt.Name, Addr: in.Addr, Prior: priorVal, Config: cfgPlain, PriorPrivate: priorPrivate,
	})
	diags = append(diags, locateProviderDiags(resp.Diagnostics, rt, body, r.DeclRange)...)
	if resp.Diagnostics.HasErrors() {
		return unknown, nil, diags
	}
	if resp.steady {
		// The provider's own answer for an unchanged object: nothing to check.
	} else if probs := providers.CheckPlanned(rt, cfgPlain, resp.Planned); len(probs) > 0 {
		return unknown, nil, append(diags, providerBug(p.Name(), "Provider produced an invalid plan",
			fmt.Sprintf("The plan for %s disagrees with the configuration: %s.", in.Addr, joinProblems(probs)), rangePtr(r.DeclRange)))
	}
	// The provider had the real configuration; what is kept has URLs
	// with credentials in their stored form (credurls.go).
	planned := storedForm(&rt.Block, resp.Planned)
	ch.Config = storedForm(&rt.Block, cfgPlain)
	ch.Before = priorVal
	ch.After = planned
	ch.Private = resp.PlannedPrivate

	switch {
	case priorVal.IsNull():
		ch.Action = plan.Create
	default:
		if !resp.steady {
			ch.ReplacePaths = replacePaths(rt, priorVal, planned, resp.RequiresReplace)
		}
		unchanged := sameAsStored // a prior from state holds no unknowns
		if ch.ImportID != "" {
			unchanged = valuesEqual // an imported one is the provider's word
		}
		byRequest := slices.Contains(pl.opts.Replace, in.Addr)
		switch {
		case len(ch.ReplacePaths) > 0 || byRequest:
			ch.Action = plan.DeleteThenCreate
			if r.Lifecycle.CreateBeforeDestroy {
				ch.Action = plan.CreateThenDelete
			}
			ch.Reason = plan.ReplaceBecauseCannotUpdate
			if byRequest && len(ch.ReplacePaths) == 0 {
				ch.Reason = plan.ReplaceByRequest
			}
			if r.Lifecycle.PreventDestroy {
				return unknown, nil, append(diags, preventDestroyDiag(in.Addr, r.DeclRange))
			}
			// The new object is planned as a create.
			resp2 := p.Plan(ctx, providers.PlanRequest{
				TypeName: rt.Name, Addr: in.Addr, Prior: cty.NullVal(ty), Config: cfgPlain,
				Proposed: providers.ProposedNew(rt, cty.NullVal(ty), cfgPlain),
			})
			diags = append(diags, locateProviderDiags(resp2.Diagnostics, rt, body, r.DeclRange)...)
			if resp2.Diagnostics.HasErrors() {
				return unknown, nil, diags
			}
			planned = storedForm(&rt.Block, resp2.Planned)
			ch.After, ch.Private = planned, resp2.PlannedPrivate
		case resp.steady || unchanged(priorVal, planned):
			ch.Action = plan.NoOp
			// Share the prior value: a large no-op plan holds one copy of
			// each object, not three.
			planned, ch.After, ch.Config = priorVal, priorVal, priorVal
		default:
			ch.Action = plan.Update
		}
	}
	// Sensitive: the schema's attributes, those set from sensitive values
	// and the computed ones the provider built from them (derived.go).
	ch.AfterSensitive = withDerived(&rt.Block, cfgPlain, marks, planned, eval.SensitivePaths(&rt.Block, marks))
	if len(r.Postconditions) > 0 && planned.IsWhollyKnown() {
		self := markPaths(planned, ch.AfterSensitive)
		sc := in.Scope
		sc.Self = self
		checkPost(sc)
	}
	pl.mu.Lock()
	pl.objects = append(pl.objects, schema.Object{Addr: in.Addr, Type: rt.Name, Value: planned, Refs: cg.attrRefs[r.Addr]})
	pl.bodies = append(pl.bodies, validatedBody{addr: in.Addr, body: body, rt: rt, r: r})
	pl.mu.Unlock()
	ref := markPaths(planned, ch.AfterSensitive).MarkWithPaths(marks)
	return ref, ch, diags
}

// recordCheck keeps the outcome of one instance's conditions.
func (pl *planner) recordCheck(r addr.Resource, in plan.CheckInstance) {
	pl.mu.Lock()
	defer pl.mu.Unlock()
	if pl.checks == nil {
		pl.checks = map[addr.Resource]*plan.CheckResult{}
	}
	c := pl.checks[r]
	if c == nil {
		c = &plan.CheckResult{Resource: r}
		pl.checks[r] = c
	}
	c.Instances = append(c.Instances, in)
}

// sortedChecks lists the recorded checks by address.
func (pl *planner) sortedChecks() []*plan.CheckResult {
	out := make([]*plan.CheckResult, 0, len(pl.checks))
	for _, c := range pl.checks {
		slices.SortFunc(c.Instances, func(a, b plan.CheckInstance) int { return addr.Compare(a.Addr, b.Addr) })
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b *plan.CheckResult) int { return addr.CompareResources(a.Resource, b.Resource) })
	return out
}

// plannedObject is a provider's plan of one object; steady when the
// provider was not asked because it plans the unchanged object as it is
// (providers.SteadyPlanner).
type plannedObject struct {
	providers.PlanResponse
	steady bool
}

// planWithProvider asks p to plan one object (req without Proposed),
// unless the object is unchanged, not to be replaced, and p plans such
// objects as they are.
func (pl *planner) planWithProvider(ctx context.Context, p providers.Provider, rt *schema.ResourceType, req providers.PlanRequest) plannedObject {
	if sp, ok := p.(providers.SteadyPlanner); ok && !req.Prior.IsNull() &&
		!slices.Contains(pl.opts.Replace, req.Addr) && sp.PlansSteady(req.TypeName) &&
		providers.ProposedIsPrior(rt, req.Prior, req.Config) {
		return plannedObject{PlanResponse: providers.PlanResponse{Planned: req.Prior, PlannedPrivate: req.PriorPrivate}, steady: true}
	}
	req.Proposed = providers.ProposedNew(rt, req.Prior, req.Config)
	start := time.Now()
	resp := p.Plan(ctx, req)
	logCall(ctx, "plan", p.Name(), req.TypeName, req.Addr, start, resp.Diagnostics)
	return plannedObject{PlanResponse: resp}
}

// replacePaths lists the changed attributes that force a replacement.
func replacePaths(rt *schema.ResourceType, prior, planned cty.Value, required []cty.Path) []cty.Path {
	out := append([]cty.Path(nil), required...)
	for _, a := range rt.Block.Attributes {
		if a.ForceNew && !valuesEqual(prior.GetAttr(a.Name), planned.GetAttr(a.Name)) {
			out = appendPath(out, cty.GetAttrPath(a.Name))
		}
	}
	for _, nb := range rt.Block.BlockTypes {
		if nb.ForceNew && !valuesEqual(prior.GetAttr(nb.TypeName), planned.GetAttr(nb.TypeName)) {
			out = appendPath(out, cty.GetAttrPath(nb.TypeName))
		}
	}
	return out
}

func appendPath(list []cty.Path, p cty.Path) []cty.Path {
	for _, q := range list {
		if q.Equals(p) {
			return list
		}
	}
	return append(list, p)
}

// sameAsStored is valuesEqual for a value from state, which never holds
// unknowns: when v is raw-equal to it there is nothing left to check.
func sameAsStored(stored, v cty.Value) bool {
	return stored.RawEquals(v) || valuesEqual(stored, v)
}

// valuesEqual reports whether two values are known and equal (sets compare
// as sets, unknowns never equal).
func valuesEqual(a, b cty.Value) bool {
	if a.RawEquals(b) {
		// The common case, and much cheaper than Equals; RawEquals holds
		// unknowns equal to each other, so they are excluded here.
		return a.IsWhollyKnown()
	}
	if !a.IsWhollyKnown() || !b.IsWhollyKnown() {
		return false
	}
	if a.IsNull() || b.IsNull() {
		return a.IsNull() && b.IsNull()
	}
	if !a.Type().Equals(b.Type()) {
		return false
	}
	eq := a.Equals(b)
	return eq.IsKnown() && eq.True()
}

// ignoreChanges keeps the prior values of attributes listed in
// lifecycle.ignore_changes.
func ignoreChanges(lc config.Lifecycle, rt *schema.ResourceType, prior, cfg cty.Value) cty.Value {
	if prior.IsNull() || (!lc.IgnoreAll && len(lc.IgnoreChanges) == 0) {
		return cfg
	}
	ignored := map[string]bool{}
	for _, t := range lc.IgnoreChanges {
		ignored[t.RootName()] = true
	}
	attrs := cfg.AsValueMap()
	for name := range attrs {
		a := rt.Block.Attribute(name)
		if a != nil && a.Computed && !a.Optional {
			continue
		}
		if lc.IgnoreAll || ignored[name] {
			attrs[name] = prior.GetAttr(name)
		}
	}
	return cty.ObjectVal(attrs)
}

// importObject adopts the object an import block names.
func (pl *planner) importObject(ctx context.Context, p providers.Provider, rt *schema.ResourceType, in eval.Instance, im *config.Import, id string) (cty.Value, []byte, hcl.Diagnostics) {
	imp, ok := p.(providers.Importer)
	if !ok {
		return cty.NilVal, nil, hcl.Diagnostics{errorDiag("Import not supported", fmt.Sprintf("The %s provider cannot import existing objects.", p.Name()), rangePtr(im.DeclRange))}
	}
	resp := imp.Import(ctx, providers.ImportRequest{TypeName: rt.Name, Addr: in.Addr, ID: id})
	for _, d := range resp.Diagnostics {
		if d.Subject == nil {
			d.Subject = rangePtr(im.DeclRange)
		}
	}
	if resp.Diagnostics.HasErrors() {
		return cty.NilVal, nil, resp.Diagnostics
	}
	if resp.State.IsNull() {
		return cty.NilVal, nil, append(resp.Diagnostics, errorDiag("Cannot import non-existent object",
			fmt.Sprintf("There is no %s with id %q to import into %s. Check the id.", rt.Name, id, in.Addr), rangePtr(im.DeclRange)))
	}
	if d := importOwner(pl.cfg, pl.prior, rt, in.Addr, id, resp.State, resp.Owner, rangePtr(im.DeclRange)); d != nil {
		return cty.NilVal, nil, append(resp.Diagnostics, d)
	}
	return resp.State, resp.Private, resp.Diagnostics
}

func importIDString(ev *eval.Evaluator, im *config.Import) (string, hcl.Diagnostics) {
	v, diags := ev.Expr(im.ID, eval.Scope{})
	if diags.HasErrors() {
		return "", diags
	}
	v, _ = v.Unmark()
	if !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		rng := im.ID.Range()
		return "", append(diags, errorDiag("Invalid import id",
			"The id of an import block must be a string known when planning (a constant, a variable or a local). Write the object's id, e.g. \"LAB00012\".", &rng))
	}
	return v.AsString(), diags
}

// planOutputs compares the outputs evaluated now with those in state.
func planOutputs(cfg *config.Config, prev *state.State, ev *eval.Evaluator, mode plan.Mode) []*plan.OutputChange {
	var out []*plan.OutputChange
	names := map[string]bool{}
	for n := range cfg.Outputs {
		names[n] = true
	}
	if prev != nil {
		for n := range prev.Outputs {
			names[n] = true
		}
	}
	for _, n := range sortedKeys(names) {
		oc := &plan.OutputChange{Name: n, Before: cty.NullVal(cty.DynamicPseudoType), After: cty.NullVal(cty.DynamicPseudoType)}
		if prev != nil && prev.Outputs[n] != nil {
			oc.Before = prev.Outputs[n].Value
			oc.Sensitive = prev.Outputs[n].Sensitive
		}
		o := cfg.Outputs[n]
		if o != nil && mode != plan.DestroyMode {
			oc.Sensitive = oc.Sensitive || o.Sensitive
			v, ok := ev.Output(n)
			if ok {
				if v.ContainsMarked() {
					oc.Sensitive = true
				}
				oc.After, _ = v.UnmarkDeep()
			} else if mode == plan.RefreshOnlyMode {
				oc.After = oc.Before
			} else {
				oc.After = cty.DynamicVal
			}
		}
		switch {
		case oc.Before.IsNull() && oc.After.IsNull():
			continue
		case oc.Before.IsNull():
			oc.Action = plan.Create
		case oc.After.IsNull():
			oc.Action = plan.Delete
		case valuesEqual(oc.Before, oc.After):
			oc.Action = plan.NoOp
		default:
			oc.Action = plan.Update
		}
		out = append(out, oc)
	}
	return out
}

func joinProblems(probs []string) string {
	if len(probs) == 1 {
		return probs[0]
	}
	s := ""
	for i, p := range probs {
		if i > 0 {
			s += "; "
		}
		s += p
	}
	return s
}
