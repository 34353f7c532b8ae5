package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/eval"
	"github.com/updplan/updplan/engine/state"
	"github.com/updplan/updplan/providers"
	"github.com/zclconf/go-cty/cty"
)

// Console evaluates expressions against a configuration and its state, as
// `terraform console` does: variables (from every source; a required one
// without a value is unknown), locals, path.*, every function, each
// resource as the state records it (sensitive attributes marked), and each
// data source as its provider reads it now. It never writes anything: the
// only provider calls are the data sources' reads, by providers configured
// for reading, as plan configures them.
type Console struct {
	ev         *eval.Evaluator
	localDiags map[string]hcl.Diagnostics
	release    func()
}

// Console reads the state (under the lock only when opts.Lock, which is
// then held until Close) and prepares the evaluation scope.
func (e *Engine) Console(ctx context.Context, cfg *config.Config, in Inputs, opts PlanOptions) (*Console, hcl.Diagnostics) {
	if opts.Operation == "" {
		opts.Operation = "console"
	}
	diags := e.checkRequiredVersion(cfg)
	if diags.HasErrors() {
		return nil, diags
	}
	var be state.Backend
	release := func() {}
	if opts.Lock {
		b, done, d := e.openLocked(ctx, cfg, opts)
		diags = append(diags, d...)
		if d.HasErrors() {
			return nil, diags
		}
		be, release = b, done
	} else {
		b, d := e.backendFor(cfg, true)
		diags = append(diags, d...)
		if d.HasErrors() {
			return nil, diags
		}
		be, release = b, func() { b.Close() }
	}
	st, err := be.Read(ctx, e.StateTypes())
	if err != nil {
		release()
		return nil, append(diags, errorDiag("Failed to read state", fmt.Sprintf("%s. Nothing was changed.", err), nil))
	}
	vars, d := e.variableValues(cfg, in, true)
	diags = append(diags, d...)
	ev := eval.New(cfg, vars)
	c := &Console{ev: ev, localDiags: map[string]hcl.Diagnostics{}, release: release}
	c.setResources(e, cfg, st)
	c.setLocals(cfg)
	if len(cfg.Data) > 0 {
		diags = append(diags, c.readData(ctx, e, cfg)...)
	}
	return c, diags
}

// readData reads the data sources, so that data.compliance.pilot.clients
// prints a number. A data source whose arguments are not known (they refer
// to an object not created yet) stays unknown, as in a plan; so does one
// whose provider cannot be configured or whose read fails, with the reason
// as a warning: the console still evaluates everything else. A data source
// may use another, or a local that uses one: each pass reads what became
// known, then evaluates the locals again.
func (c *Console) readData(ctx context.Context, e *Engine, cfg *config.Config) hcl.Diagnostics {
	diags := e.configureProviders(ctx, c.ev, map[string]bool{}, providers.AccessRead)
	if diags.HasErrors() {
		return asWarnings(diags)
	}
	names := make([]addr.Resource, 0, len(cfg.Data))
	for a := range cfg.Data {
		names = append(names, a)
	}
	slices.SortFunc(names, addr.CompareResources)
	cg := &configGraph{readData: &dataReader{e: e}}
	done := map[addr.Resource]bool{}
	for pass := 0; pass <= len(names); pass++ {
		progress := false
		for _, a := range names {
			if done[a] {
				continue
			}
			v, d := e.visitData(ctx, c.ev, cg, a)
			if d.HasErrors() {
				diags = append(diags, asWarnings(d)...)
				done[a] = true
				continue
			}
			diags = append(diags, d...)
			c.ev.SetData(a, v)
			if v.IsWhollyKnown() {
				done[a], progress = true, true
			}
		}
		c.localDiags = map[string]hcl.Diagnostics{}
		c.setLocals(cfg)
		if !progress || ctx.Err() != nil {
			break
		}
	}
	return diags
}

// asWarnings turns errors into warnings that say the value stays unknown.
func asWarnings(diags hcl.Diagnostics) hcl.Diagnostics {
	out := make(hcl.Diagnostics, 0, len(diags))
	for _, d := range diags {
		w := *d
		if w.Severity == hcl.DiagError {
			w.Severity = hcl.DiagWarning
			w.Detail += " The console shows the data sources this affects as (known after apply)."
		}
		out = append(out, &w)
	}
	return out
}

// setResources gives each configured resource its value from the state:
// an object, a tuple (count) or an object by key (for_each); unknown when
// the state has no object for it yet.
func (c *Console) setResources(e *Engine, cfg *config.Config, st *state.State) {
	byRes := map[addr.Resource][]*state.Resource{}
	if st != nil {
		for _, r := range st.Sorted() {
			byRes[r.Addr.Resource] = append(byRes[r.Addr.Resource], r)
		}
	}
	schemas := e.Schemas()
	for a, r := range cfg.Resources {
		rt := schemas.ResourceType(a.Type)
		if rt == nil {
			continue
		}
		list := byRes[a]
		var v cty.Value
		switch {
		case r.Count != nil:
			vals := make([]cty.Value, 0, len(list))
			for _, res := range list {
				if res.Addr.Key.Kind() == addr.IntKeyKind {
					vals = append(vals, stateValue(&rt.Block, res))
				}
			}
			v = cty.EmptyTupleVal
			if len(vals) > 0 {
				v = cty.TupleVal(vals)
			}
		case r.ForEach != nil:
			m := map[string]cty.Value{}
			for _, res := range list {
				if res.Addr.Key.Kind() == addr.StrKeyKind {
					m[res.Addr.Key.Str()] = stateValue(&rt.Block, res)
				}
			}
			v = cty.EmptyObjectVal
			if len(m) > 0 {
				v = cty.ObjectVal(m)
			}
		default:
			v = cty.UnknownVal(rt.Block.ImpliedType())
			for _, res := range list {
				if res.Addr.Key == addr.NoKey {
					v = stateValue(&rt.Block, res)
				}
			}
		}
		c.ev.SetResource(a, v)
	}
	// Data sources are not kept in the state: unknown until readData
	// reads them.
	for a := range cfg.Data {
		if rt := schemas.DataSource(a.Type); rt != nil {
			c.ev.SetData(a, cty.DynamicVal)
		}
	}
}

// setLocals evaluates every local value, those it refers to first. A local
// that fails is unknown; its diagnostics are shown when an expression
// refers to it.
func (c *Console) setLocals(cfg *config.Config) {
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(name string)
	visit = func(name string) {
		l := cfg.Locals[name]
		if l == nil || state[name] != 0 {
			return
		}
		state[name] = 1
		for _, t := range l.Expr.Variables() {
			if t.RootName() == "local" && len(t) > 1 {
				if a, ok := t[1].(hcl.TraverseAttr); ok {
					visit(a.Name)
				}
			}
		}
		v, d := c.ev.Expr(l.Expr, eval.Scope{})
		if d.HasErrors() {
			v = cty.DynamicVal
			c.localDiags[name] = d
		}
		c.ev.SetLocal(name, v)
		state[name] = 2
	}
	names := make([]string, 0, len(cfg.Locals))
	for n := range cfg.Locals {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		visit(n)
	}
}

// Eval evaluates one expression. Its source is named "<console-input>" in
// diagnostics.
func (c *Console) Eval(src string) (cty.Value, hcl.Diagnostics) {
	expr, diags := hclsyntax.ParseExpression([]byte(src), "<console-input>", hcl.InitialPos)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	for _, t := range expr.Variables() {
		if t.RootName() == "local" && len(t) > 1 {
			if a, ok := t[1].(hcl.TraverseAttr); ok && c.localDiags[a.Name] != nil {
				return cty.NilVal, c.localDiags[a.Name]
			}
		}
	}
	return c.ev.Expr(expr, eval.Scope{})
}

// Close releases the lock, if taken, and the backend.
func (c *Console) Close() { c.release() }
