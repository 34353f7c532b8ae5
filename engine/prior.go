package engine

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/engine/state"
)

// priorState is the prior state prepared in the background while the
// configuration graph is built, since neither needs the other: the state
// read, the providers configured, the moved blocks applied and every object
// refreshed. The refresh's progress is held and replayed once the graph is
// known to be sound, so what a run shows is as if the two ran in turn (a
// configuration with a cycle shows no refresh).
type priorState struct {
	done chan struct{}

	prev        *state.State // as read
	readDiags   hcl.Diagnostics
	configDiags hcl.Diagnostics // configuring the providers
	working     *state.State    // moved and refreshed
	moved       map[addr.Instance]addr.Instance
	drift       []*plan.ResourceChange
	diags       hcl.Diagnostics // moves and refresh

	mu     sync.Mutex
	events []refreshEvent
}

// refreshEvent is one refresh hook call held for replay.
type refreshEvent struct {
	addr     addr.Instance
	complete bool
	elapsed  time.Duration
}

// preparePrior starts preparing the prior state. ev is nil when the
// variables have errors: then only the state is read. Cancel ctx to stop
// early (the configuration turned out to be unusable).
func (e *Engine) preparePrior(ctx context.Context, cfg *config.Config, ev *evaluator, opts PlanOptions, read *stateRead) *priorState {
	ps := &priorState{done: make(chan struct{})}
	go func() {
		defer close(ps.done)
		ps.prev, ps.readDiags = read.wait()
		if ps.readDiags.HasErrors() || ev == nil {
			return
		}
		// Providers of every type in configuration or state.
		types := map[string]bool{}
		for a := range cfg.Resources {
			types[a.Type] = true
		}
		if ps.prev != nil {
			for _, r := range ps.prev.Resources {
				types[r.Type] = true
			}
		}
		ps.configDiags = e.configureProviders(ctx, ev, types)
		if ps.configDiags.HasErrors() {
			return
		}
		// Moved blocks rename objects in state before anything else.
		working := ps.prev.DeepCopy()
		if working == nil {
			working = &state.State{Resources: map[addr.Instance]*state.Resource{}, Outputs: map[string]*state.Output{}}
		}
		ps.moved, ps.diags = applyMoves(cfg, working)
		// Refresh: read every object in state; what changed is drift.
		if opts.Refresh {
			ropts := opts
			ropts.Hooks = ps.holdingHooks()
			refreshed, drift, d := e.refresh(ctx, working, ropts)
			ps.diags = append(ps.diags, d...)
			ps.drift = drift
			working = refreshed
		}
		ps.working = working
	}()
	return ps
}

// wait returns once the prior state is prepared.
func (ps *priorState) wait() { <-ps.done }

// holdingHooks record the refresh's progress for replay.
func (ps *priorState) holdingHooks() Hooks {
	hold := func(ev refreshEvent) {
		ps.mu.Lock()
		ps.events = append(ps.events, ev)
		ps.mu.Unlock()
	}
	return Hooks{
		RefreshStart:    func(a addr.Instance) { hold(refreshEvent{addr: a}) },
		RefreshComplete: func(a addr.Instance, d time.Duration) { hold(refreshEvent{addr: a, complete: true, elapsed: d}) },
	}
}

// replay shows the refresh's progress through h.
func (ps *priorState) replay(h Hooks) {
	for _, ev := range ps.events {
		switch {
		case !ev.complete && h.RefreshStart != nil:
			h.RefreshStart(ev.addr)
		case ev.complete && h.RefreshComplete != nil:
			h.RefreshComplete(ev.addr, ev.elapsed)
		}
	}
}
