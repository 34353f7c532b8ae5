package engine

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/engine/state"
	"github.com/updplan/updplan/providers"
	"github.com/zclconf/go-cty/cty"
)

// refresh reads every object of st through its provider, brings st (the
// caller's own copy) to the state as it really is, and returns it with the
// drift: what changed outside updplan, sorted by address. Resources are
// replaced, never changed, so values taken from st before stay as they
// were. Providers that read in batches get one call for all their objects.
func (e *Engine) refresh(ctx context.Context, st *state.State, opts PlanOptions) (*state.State, []*plan.ResourceChange, hcl.Diagnostics) {
	out := st
	var drift []*plan.ResourceChange
	byProvider := map[string][]*state.Resource{}
	var diags hcl.Diagnostics
	for _, r := range st.Sorted() {
		p, d := e.providerFor(r.Type, nil)
		if d != nil {
			d.Detail = fmt.Sprintf("%s is recorded in state but cannot be read. %s", r.Addr, d.Detail)
			diags = append(diags, d)
			continue
		}
		byProvider[p.Name()] = append(byProvider[p.Name()], r)
	}
	if diags.HasErrors() {
		return out, nil, diags
	}
	var mu sync.Mutex
	var repeats repeatedDiags
	record := func(r *state.Resource, resp providers.ReadResponse) {
		mu.Lock()
		defer mu.Unlock()
		diags = append(diags, repeats.add(r.Addr, resp.Diagnostics)...)
		if resp.Diagnostics.HasErrors() {
			return
		}
		gone := resp.NewState.IsNull()
		changed := gone || !sameAsStored(r.Value, resp.NewState)
		if changed {
			ch := &plan.ResourceChange{
				Addr: r.Addr, Type: r.Type, Provider: r.Provider, Action: plan.Update,
				Before: r.Value, After: resp.NewState, BeforeSensitive: r.SensitivePaths, AfterSensitive: r.SensitivePaths,
			}
			if gone {
				ch.Action, ch.After = plan.Delete, cty.NullVal(r.Value.Type())
			}
			drift = append(drift, ch)
		}
		switch {
		case gone:
			out.Remove(r.Addr)
		case changed || resp.Private != nil:
			nr := *out.Resources[r.Addr] // out's resources are replaced, never changed
			if changed {
				nr.Value = resp.NewState
			}
			if resp.Private != nil {
				nr.Private = resp.Private
			}
			out.Resources[r.Addr] = &nr
		}
		// Otherwise the stored resource stays: one copy, not two.
	}
	names := make([]string, 0, len(byProvider))
	for n := range byProvider {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p, _ := e.registry().Provider(n)
		list := byProvider[n]
		reqs := make([]providers.ReadRequest, len(list))
		for i, r := range list {
			reqs[i] = providers.ReadRequest{TypeName: r.Type, Addr: r.Addr, Prior: r.Value, Private: r.Private}
			if opts.Hooks.RefreshStart != nil {
				opts.Hooks.RefreshStart(r.Addr)
			}
		}
		start := time.Now()
		if br, ok := p.(providers.BatchReader); ok {
			resps := br.ReadMany(ctx, reqs)
			logPhase(ctx, "provider batch read", start, "provider", n, "objects", len(reqs))
			if len(resps) != len(reqs) {
				diags = append(diags, providerBug(n, "Provider answered a batch read wrongly",
					fmt.Sprintf("It returned %d answers for %d objects.", len(resps), len(reqs)), nil))
				continue
			}
			for i, r := range list {
				record(r, resps[i])
				if opts.Hooks.RefreshComplete != nil {
					opts.Hooks.RefreshComplete(r.Addr, time.Since(start))
				}
			}
			continue
		}
		par := opts.Parallelism
		if par < 1 {
			par = 10
		}
		sem := make(chan struct{}, par)
		var wg sync.WaitGroup
		for i, r := range list {
			wg.Add(1)
			sem <- struct{}{}
			go func(i int, r *state.Resource) {
				defer wg.Done()
				defer func() { <-sem }()
				t0 := time.Now()
				resp := p.Read(ctx, reqs[i])
				logCall(ctx, "read", n, r.Type, r.Addr, t0, resp.Diagnostics)
				record(r, resp)
				if opts.Hooks.RefreshComplete != nil {
					opts.Hooks.RefreshComplete(r.Addr, time.Since(t0))
				}
			}(i, r)
		}
		wg.Wait()
	}
	slices.SortFunc(drift, func(a, b *plan.ResourceChange) int { return addr.Compare(a.Addr, b.Addr) })
	repeats.finish()
	return out, drift, diags
}

// repeatedDiags reports an error a provider gave for many objects once
// (the database cannot be reached, the run was interrupted), naming the
// first object and how many others had it, instead of once per object. It
// works on copies: a provider may hand the same diagnostic to every
// object, and prefixing it in place made a chain growing with each one.
type repeatedDiags struct {
	seen map[[2]string]*repeated
}

type repeated struct {
	d      *hcl.Diagnostic // the copy reported
	first  addr.Instance
	detail string
	others int
}

// add returns the diagnostics of one object to report now.
func (r *repeatedDiags) add(a addr.Instance, diags hcl.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range diags {
		if d.Subject != nil || d.Severity != hcl.DiagError {
			out = append(out, d)
			continue
		}
		key := [2]string{d.Summary, d.Detail}
		if prev := r.seen[key]; prev != nil {
			prev.others++
			continue
		}
		c := *d
		c.Detail = fmt.Sprintf("While reading %s: %s", a, d.Detail)
		if r.seen == nil {
			r.seen = map[[2]string]*repeated{}
		}
		r.seen[key] = &repeated{d: &c, first: a, detail: d.Detail}
		out = append(out, &c)
	}
	return out
}

// finish names the other objects in the reported copies.
func (r *repeatedDiags) finish() {
	for _, rep := range r.seen {
		if rep.others > 0 {
			rep.d.Detail = fmt.Sprintf("While reading %s and %d other objects: %s", rep.first, rep.others, rep.detail)
		}
	}
}

// applyMoves renames objects in st as the moved blocks say and returns the
// new address -> old address of every moved object.
func applyMoves(cfg *config.Config, st *state.State) (map[addr.Instance]addr.Instance, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	moved := map[addr.Instance]addr.Instance{}
	for _, m := range cfg.Moved {
		var froms []*state.Resource
		if m.From.Key == addr.NoKey {
			for _, r := range st.Sorted() {
				if r.Addr.Resource == m.From.Resource {
					froms = append(froms, r)
				}
			}
		} else if r := st.Get(m.From); r != nil {
			froms = append(froms, r)
		}
		for _, r := range froms {
			to := m.To
			if m.From.Key == addr.NoKey && m.To.Key == addr.NoKey {
				to = m.To.Resource.Instance(r.Addr.Key)
			}
			if st.Get(to) != nil {
				diags = append(diags, errorDiag("Moved object still exists",
					fmt.Sprintf("Cannot move %s to %s: an object is already recorded at %s. Remove the moved block, or remove one of the objects from state with `updplan state rm`.", r.Addr, to, to), rangePtr(m.DeclRange)))
				continue
			}
			st.Remove(r.Addr)
			nr := *r
			nr.Addr = to
			st.Set(&nr)
			moved[to] = r.Addr
		}
	}
	return moved, diags
}
