package engine

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/eval"
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// visitData evaluates a data block's count or for_each and each instance's
// arguments, and reads each instance: during plan and apply through its
// provider, during validate (no reader) as unknown. An instance whose
// arguments are known only after apply is unknown in the plan and read by
// apply; so is the whole block while its count or for_each is unknown.
// The value is what data.TYPE.NAME refers to (eval.DataRefValue).
func (e *Engine) visitData(ctx context.Context, ev *eval.Evaluator, cg *configGraph, a addr.Resource) (cty.Value, hcl.Diagnostics) {
	ds := ev.Config().Data[a]
	rt := e.Schemas().DataSource(a.Type)
	if ds == nil || rt == nil {
		return cty.NilVal, hcl.Diagnostics{errorDiag("Internal error", fmt.Sprintf("data.%s has no block or no schema. This is a bug in updplan.", a), nil)}
	}
	insts, known, diags := ev.ExpandData(ds)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	if !known {
		if cg.readData != nil {
			cg.readData.deferred(a.Instance(addr.NoKey), cty.UnknownVal(rt.Block.ImpliedType()))
		}
		return cty.DynamicVal, diags
	}
	vals := make([]cty.Value, len(insts))
	for i, in := range insts {
		args, d := ev.DecodeData(ds, rt, in.Scope)
		diags = append(diags, d...)
		if d.HasErrors() {
			return cty.NilVal, diags
		}
		if cg.readData == nil || !args.IsWhollyKnown() {
			vals[i] = deferredValue(rt, args)
			if cg.readData != nil {
				cg.readData.deferred(in.Addr, vals[i])
			}
			continue
		}
		v, d := cg.readData.read(ctx, ds, in.Addr, rt, args)
		diags = append(diags, d...)
		if d.HasErrors() {
			return cty.NilVal, diags
		}
		vals[i] = v
	}
	return eval.DataRefValue(ds, vals, insts), diags
}

// deferredValue is a data source instance that is read only during apply
// (or not at all, by validate), as the plan holds it: the arguments as far
// as they are known, every attribute the provider computes unknown (as
// Terraform's planned read).
func deferredValue(rt *schema.ResourceType, args cty.Value) cty.Value {
	if args == cty.NilVal || !args.IsKnown() || args.IsNull() || args.IsMarked() || !args.Type().IsObjectType() {
		return cty.UnknownVal(rt.Block.ImpliedType())
	}
	attrs := args.AsValueMap()
	for _, a := range rt.Block.Attributes {
		if a.Computed && !a.Optional && !a.Required {
			attrs[a.Name] = cty.UnknownVal(a.Type)
		}
	}
	v := cty.ObjectVal(attrs)
	if !v.Type().Equals(rt.Block.ImpliedType()) {
		return cty.UnknownVal(rt.Block.ImpliedType())
	}
	return v
}

// dataReader reads data sources through their providers and keeps what
// it read, for the plan.
type dataReader struct {
	e     *Engine
	mu    sync.Mutex
	reads []*plan.DataRead
}

func (r *dataReader) deferred(a addr.Instance, v cty.Value) {
	r.mu.Lock()
	r.reads = append(r.reads, &plan.DataRead{Addr: a, Value: v})
	r.mu.Unlock()
}

// sorted returns the reads by address.
func (r *dataReader) sorted() []*plan.DataRead {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := slices.Clone(r.reads)
	slices.SortFunc(out, func(a, b *plan.DataRead) int { return addr.Compare(a.Addr, b.Addr) })
	return out
}

func (r *dataReader) read(ctx context.Context, ds *config.DataSource, inst addr.Instance, rt *schema.ResourceType, args cty.Value) (cty.Value, hcl.Diagnostics) {
	p, ok := r.e.registry().Provider(rt.Provider)
	dr, isReader := p.(providers.DataReader)
	if !ok || !isReader {
		return cty.NilVal, hcl.Diagnostics{errorDiag("Provider not available",
			fmt.Sprintf("The data source %q is read by the %s provider, which is not part of this build of updplan.", rt.Name, rt.Provider), rangePtr(ds.DeclRange))}
	}
	plain, _ := args.UnmarkDeep()
	resp := dr.ReadData(ctx, providers.ReadDataRequest{TypeName: rt.Name, Config: plain})
	diags := locateProviderDiags(resp.Diagnostics, rt, ds.Config, ds.DeclRange)
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	if resp.State == cty.NilVal || !resp.State.Type().Equals(rt.Block.ImpliedType()) || !resp.State.IsWhollyKnown() {
		return cty.NilVal, append(diags, errorDiag("Provider returned an invalid data source value",
			fmt.Sprintf("The %s provider answered data.%s with a value that is not a known %s object. This is a bug in the %s provider.", rt.Provider, inst, rt.Name, rt.Provider), rangePtr(ds.DeclRange)))
	}
	r.mu.Lock()
	r.reads = append(r.reads, &plan.DataRead{Addr: inst, Value: resp.State})
	r.mu.Unlock()
	return resp.State, diags
}

// dataProviders adds to names the providers of cfg's data blocks, so that
// they are configured even when no resource of theirs is declared.
func (e *Engine) dataProviders(cfg *config.Config, names map[string]providers.Provider) {
	for a := range cfg.Data {
		if rt := e.Schemas().DataSource(a.Type); rt != nil {
			if p, ok := e.registry().Provider(rt.Provider); ok {
				names[p.Name()] = p
			}
		}
	}
}
