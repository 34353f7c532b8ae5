package graph

import (
	"context"
	"errors"
	"fmt"
)

// SkippedError is the result of a vertex that was not visited because a
// vertex it depends on, directly or not, failed. Because is the failed vertex
// (the least one, when several failed), so callers can say "skipped because
// X failed" once and report X's own error only once.
type SkippedError[V comparable] struct {
	Because V
	name    string
}

func (e *SkippedError[V]) Error() string {
	return fmt.Sprintf("not started because %s failed", e.name)
}

// ErrCancelled is the result of a vertex that was not visited because the
// walk's context was cancelled first (errors.Is with the context's error
// holds too).
var ErrCancelled = errors.New("not started because the run was cancelled")

// ErrCycle is the result of a vertex that was not visited because it lies
// on a dependency cycle, or depends on one. Callers check Cycles before
// walking to report the cycle itself.
var ErrCycle = errors.New("not started because of a dependency cycle")

type cancelledError struct{ cause error }

func (e cancelledError) Error() string        { return ErrCancelled.Error() }
func (e cancelledError) Is(target error) bool { return target == ErrCancelled }
func (e cancelledError) Unwrap() error        { return e.cause }

// IsSkipped reports whether err is a SkippedError, ErrCancelled or ErrCycle:
// the vertex was never visited.
func IsSkipped[V comparable](err error) bool {
	var s *SkippedError[V]
	return errors.As(err, &s) || errors.Is(err, ErrCancelled) || errors.Is(err, ErrCycle)
}

type outcome int

const (
	succeeded outcome = iota
	failed
	skipped
	cancelled
)

type result[V comparable] struct {
	v   V
	err error
}

// Walk visits every vertex after everything it depends on, running at most
// parallelism visits at once (less than 1 means 1). Among vertices ready at
// the same time the least starts first, so with parallelism 1 the visits
// follow TopoOrder.
//
// It returns the error of every vertex that did not succeed; a vertex that
// succeeded has no entry. A vertex whose visit returned an error is failed;
// a vertex depending on a failed or skipped one is not visited and gets a
// *SkippedError naming the failed vertex; the outcome is decided only once
// every dependency has finished, so results never depend on scheduling.
// After ctx is cancelled no new visit starts, visits in flight finish, and
// every vertex not yet started gets an error matching ErrCancelled (unless a
// failed dependency makes it a *SkippedError). Vertices on or behind a
// cycle get ErrCycle.
func (g *Graph[V]) Walk(ctx context.Context, parallelism int, visit func(ctx context.Context, v V) error) map[V]error {
	if parallelism < 1 {
		parallelism = 1
	}
	errs := map[V]error{}
	outcomes := make(map[V]outcome, len(g.verts))
	cause := map[V]V{} // failed or skipped vertex -> the failed vertex behind it
	pending := make(map[V]int, len(g.verts))
	ready := newHeap(g.less)
	for v := range g.verts {
		pending[v] = g.deps[v].len()
		if pending[v] == 0 {
			ready.push(v)
		}
	}

	done := make(chan result[V])
	// Visits run on workers started as needed and kept for the walk, so a
	// worker's stack, once grown by a deep visit, serves the next one.
	jobs := make(chan V)
	defer close(jobs)
	workers := 0
	running := 0
	finished := 0
	finish := func(v V, o outcome, err error) {
		outcomes[v] = o
		if err != nil {
			errs[v] = err
		}
		finished++
		for _, u := range g.users[v].items() {
			pending[u]--
			if pending[u] == 0 {
				ready.push(u)
			}
		}
	}

	for {
		for running < parallelism && ready.len() > 0 {
			v := ready.pop()
			if o, because := g.blocked(v, outcomes, cause); o == skipped {
				cause[v] = because
				finish(v, skipped, &SkippedError[V]{Because: because, name: g.name(because)})
				continue
			} else if o == cancelled {
				finish(v, cancelled, cancelledError{cause: ctx.Err()})
				continue
			}
			if err := ctx.Err(); err != nil {
				finish(v, cancelled, cancelledError{cause: err})
				continue
			}
			if running == workers {
				workers++
				go func() {
					for v := range jobs {
						done <- result[V]{v: v, err: visit(ctx, v)}
					}
				}()
			}
			running++
			jobs <- v
		}
		if running == 0 {
			break
		}
		r := <-done
		running--
		if r.err != nil {
			cause[r.v] = r.v
			finish(r.v, failed, r.err)
		} else {
			finish(r.v, succeeded, nil)
		}
	}

	if finished < len(g.verts) {
		for v := range g.verts {
			if _, ok := outcomes[v]; !ok {
				errs[v] = ErrCycle
			}
		}
	}
	return errs
}

// blocked decides whether v, whose dependencies have all finished, must
// not be visited: skipped (a dependency failed or was skipped; because is
// the least failed vertex behind them) or cancelled (a dependency was).
func (g *Graph[V]) blocked(v V, outcomes map[V]outcome, cause map[V]V) (o outcome, because V) {
	o = succeeded
	for _, d := range g.deps[v].items() {
		switch outcomes[d] {
		case failed, skipped:
			c := cause[d]
			if o != skipped || g.less(c, because) {
				because = c
			}
			o = skipped
		case cancelled:
			if o != skipped {
				o = cancelled
			}
		}
	}
	return o, because
}
