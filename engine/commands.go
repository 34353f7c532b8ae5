package engine

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/eval"
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/engine/state"
	"github.com/updplan/updplan/providers"
	"github.com/zclconf/go-cty/cty"
)

// Init checks required_version, prepares the backend (reading the state
// checks it is reachable and readable) and lets each provider of the
// configuration prepare (e.g. site database migrations).
func (e *Engine) Init(ctx context.Context, cfg *config.Config, in Inputs) hcl.Diagnostics {
	diags := e.checkRequiredVersion(cfg)
	be, d := e.Backend(cfg)
	diags = append(diags, d...)
	if d.HasErrors() {
		return diags
	}
	defer be.Close()
	if _, err := be.Read(ctx, e.StateTypes()); err != nil {
		diags = append(diags, errorDiag("Cannot read state", fmt.Sprintf("%s: %s.", be.Describe(), err), nil))
	}
	vars, d := e.variableValues(cfg, in, false)
	diags = append(diags, d...)
	if diags.HasErrors() {
		return diags
	}
	ev := eval.New(cfg, vars)
	types := map[string]bool{}
	for a := range cfg.Resources {
		types[a.Type] = true
	}
	diags = append(diags, e.configureProviders(ctx, ev, types, providers.AccessPrepare)...)
	if diags.HasErrors() {
		return diags
	}
	for _, n := range e.registry().Names() {
		p, _ := e.registry().Provider(n)
		e.mu.Lock()
		_, configured := e.configured[n]
		e.mu.Unlock()
		if !configured {
			continue
		}
		if pr, ok := p.(providers.Preparer); ok {
			diags = append(diags, pr.Prepare(ctx)...)
		}
	}
	return diags
}

// Drift answers "does the site match its definition?" without writing
// anything. It refreshes every object in state and plans the
// configuration against the result, and returns that plan with two
// answers kept apart: Drift lists what changed outside updplan, Changes
// only the pending changes — what the configuration declares and was
// never applied (after a failed apply, an `apply -refresh-only`, an edit
// of the configuration, or with an empty state). A change that would only
// undo drift is not pending: the drift already reports it. Drift takes no
// lock: it never writes.
func (e *Engine) Drift(ctx context.Context, cfg *config.Config, in Inputs, opts PlanOptions) (_ *plan.Plan, diags hcl.Diagnostics) {
	diags = e.checkRequiredVersion(cfg)
	be, d := e.backendFor(cfg, true) // drift writes nothing
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, diags
	}
	defer be.Close()
	opts.Mode = plan.NormalMode
	opts.Refresh = true
	p, d := e.plan(ctx, cfg, in, opts, e.readState(ctx, be))
	diags = append(diags, d...)
	if p == nil {
		return nil, sortDiags(diags)
	}
	p.Changes = pendingChanges(p)
	defer func() { diags = e.scrub(diags) }()
	if p.PrevRunState.Empty() && len(cfg.Resources) > 0 {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Empty state",
			Detail: fmt.Sprintf("The state (%s) records no object, but the configuration declares %d resources, so nothing could be checked for drift and every object is a pending change. If this site was set up with updplan, the state is missing or the backend points elsewhere: check the backend settings. Otherwise run updplan apply.",
				be.Describe(), len(cfg.Resources)),
		})
	}
	return p, sortDiags(diags)
}

// pendingChanges are the changes of p that the configuration calls for on
// top of the state as recorded: a change of an object that drifted is
// pending only when its planned value differs from the recorded one (on
// the attributes known now); otherwise it would only undo the drift.
func pendingChanges(p *plan.Plan) []*plan.ResourceChange {
	drifted := map[addr.Instance]bool{}
	for _, c := range p.Drift {
		drifted[c.Addr] = true
	}
	var out []*plan.ResourceChange
	for _, c := range p.Changes {
		if c.Action == plan.NoOp && c.ImportID == "" && c.PrevAddr == (addr.Instance{}) {
			continue
		}
		if drifted[c.Addr] && c.Action != plan.Delete {
			if rec := p.PrevRunState.Get(c.Addr); rec != nil && sameKnown(c.After, rec.Value) {
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// sameKnown reports whether planned agrees with recorded wherever planned
// is known (an unknown value is one apply would compute again).
func sameKnown(planned, recorded cty.Value) bool {
	planned, _ = planned.UnmarkDeep()
	recorded, _ = recorded.UnmarkDeep()
	switch {
	case !planned.IsKnown():
		return true
	case !recorded.IsKnown() || planned.IsNull() != recorded.IsNull():
		return false
	case planned.IsNull():
		return true
	}
	ty := planned.Type()
	switch {
	case ty.IsObjectType():
		if !recorded.Type().IsObjectType() {
			return false
		}
		for name := range ty.AttributeTypes() {
			if !recorded.Type().HasAttribute(name) || !sameKnown(planned.GetAttr(name), recorded.GetAttr(name)) {
				return false
			}
		}
		return true
	case ty.IsListType() || ty.IsTupleType() || ty.IsMapType():
		if !planned.IsWhollyKnown() {
			if planned.LengthInt() != recorded.LengthInt() {
				return false
			}
			for it := planned.ElementIterator(); it.Next(); {
				k, v := it.Element()
				if !recorded.Type().IsMapType() && !recorded.Type().IsListType() && !recorded.Type().IsTupleType() {
					return false
				}
				if recorded.Type().IsMapType() && !recorded.HasIndex(k).True() {
					return false
				}
				if !sameKnown(v, recorded.Index(k)) {
					return false
				}
			}
			return true
		}
	case !planned.IsWhollyKnown():
		return true // a set with unknown elements: cannot tell
	}
	return planned.Equals(recorded).True()
}

// Import adopts the existing object id at target into state.
func (e *Engine) Import(ctx context.Context, cfg *config.Config, in Inputs, target addr.Instance, id string, opts PlanOptions) hcl.Diagnostics {
	if opts.Operation == "" {
		opts.Operation = "import"
	}
	r, ok := cfg.Resources[target.Resource]
	if !ok {
		return hcl.Diagnostics{errorDiag("Import target not in configuration",
			fmt.Sprintf("There is no resource block for %s. Write the block first (updplan imports into a configured resource), then import.", target.Resource), nil)}
	}
	rt := e.Schemas().ResourceType(target.Resource.Type)
	p, d := e.providerFor(rt.Name, rangePtr(r.DeclRange))
	if d != nil {
		return hcl.Diagnostics{d}
	}
	vars, diags := e.variableValues(cfg, in, false)
	if diags.HasErrors() {
		return diags
	}
	diags = append(diags, e.configureProviders(ctx, eval.New(cfg, vars), map[string]bool{rt.Name: true}, providers.AccessWrite)...)
	if diags.HasErrors() {
		return diags
	}
	imp, ok := p.(providers.Importer)
	if !ok {
		return append(diags, errorDiag("Import not supported", fmt.Sprintf("The %s provider cannot import existing objects.", p.Name()), nil))
	}
	be, done, d2 := e.openLocked(ctx, cfg, opts)
	diags = append(diags, d2...)
	if d2.HasErrors() {
		return diags
	}
	defer done()
	st, err := be.Read(ctx, e.StateTypes())
	if err != nil {
		return append(diags, errorDiag("Failed to read state", err.Error(), nil))
	}
	if st == nil {
		st = state.New()
	}
	if st.Get(target) != nil {
		return append(diags, errorDiag("Resource already managed",
			fmt.Sprintf("%s is already in state. Remove it first with `updplan state rm %s` to import another object there.", target, target), nil))
	}
	resp := imp.Import(ctx, providers.ImportRequest{TypeName: rt.Name, Addr: target, ID: id})
	diags = append(diags, resp.Diagnostics...)
	if resp.Diagnostics.HasErrors() {
		return diags
	}
	if resp.State.IsNull() {
		return append(diags, errorDiag("Cannot import non-existent object",
			fmt.Sprintf("There is no %s with id %q. Check the id.", rt.Name, id), nil))
	}
	if d := importOwner(cfg, st, rt, target, id, resp.State, resp.Owner, nil); d != nil {
		return append(diags, d)
	}
	st.Set(&state.Resource{Addr: target, Type: rt.Name, Provider: p.Name(), Value: resp.State, Private: resp.Private,
		SensitivePaths: eval.SensitivePaths(&rt.Block, nil)})
	st.Serial++
	st.UpdplanVersion = e.Version
	if err := be.Write(ctx, st); err != nil {
		diags = append(diags, errorDiag("Failed to write state", err.Error(), nil))
	}
	return diags
}

// Outputs returns the root outputs recorded in state, sorted by name.
func (e *Engine) Outputs(ctx context.Context, cfg *config.Config) ([]OutputValue, hcl.Diagnostics) {
	be, diags := e.backendFor(cfg, true)
	if diags.HasErrors() {
		return nil, diags
	}
	defer be.Close()
	st, err := be.Read(ctx, e.StateTypes())
	if err != nil {
		return nil, hcl.Diagnostics{errorDiag("Failed to read state", err.Error(), nil)}
	}
	if st == nil {
		return nil, nil
	}
	var out []OutputValue
	for name, o := range st.Outputs {
		out = append(out, OutputValue{Name: name, Value: o.Value, Sensitive: o.Sensitive})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// GraphDOT renders the dependency graph of the configuration in DOT.
func (e *Engine) GraphDOT(cfg *config.Config, in Inputs) (string, hcl.Diagnostics) {
	cg, diags := e.buildGraph(cfg)
	if diags.HasErrors() {
		return "", diags
	}
	return cg.g.DOT(func(n node) string { return n.String() }), diags
}

// ConfiguredProvider configures the named provider from the configuration
// (its provider block, variables) and returns it, for commands that talk
// to one provider directly (`inventory import`, `report`). The caller
// closes it through Close.
func (e *Engine) ConfiguredProvider(ctx context.Context, cfg *config.Config, in Inputs, name string) (providers.Provider, hcl.Diagnostics) {
	return e.ConfiguredProviderFor(ctx, cfg, in, name, providers.AccessWrite)
}

// ConfiguredProviderFor is ConfiguredProvider with the given access:
// providers.AccessRead creates nothing (a site database that does not
// exist yet is not created); a later call with AccessWrite configures the
// provider again for writing.
func (e *Engine) ConfiguredProviderFor(ctx context.Context, cfg *config.Config, in Inputs, name string, access providers.Access) (providers.Provider, hcl.Diagnostics) {
	diags := e.checkRequiredVersion(cfg)
	p, ok := e.registry().Provider(name)
	if !ok {
		return nil, append(diags, errorDiag("Provider not available", fmt.Sprintf("The %s provider is not part of this build of updplan.", name), nil))
	}
	vars, d := e.variableValues(cfg, in, false)
	diags = append(diags, d...)
	if diags.HasErrors() {
		return nil, diags
	}
	types := map[string]bool{}
	for _, rt := range p.Schema().ResourceTypes {
		types[rt.Name] = true
	}
	diags = append(diags, e.configureProviders(ctx, eval.New(cfg, vars), types, access)...)
	if diags.HasErrors() {
		return nil, diags
	}
	return p, diags
}
