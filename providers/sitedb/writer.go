package sitedb

import (
	"context"
	"database/sql"
	"errors"
	"runtime"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
)

// maxBatch bounds how many queued changes share one transaction.
const maxBatch = 512

// writer is the group commit: Apply calls queue their change as a job; one
// goroutine takes whatever is queued, runs it in a single transaction (each
// job inside its own savepoint, so a failing job leaves the others intact)
// and answers each caller after the commit. A lone caller is served at once:
// nothing waits for a batch to fill.
type writer struct {
	s     *store
	queue chan *job
	stop  chan struct{}
	done  chan struct{}
}

type job struct {
	ctx   context.Context
	run   func(c *conn) hcl.Diagnostics
	diags hcl.Diagnostics
	ready chan struct{}
}

func newWriter(s *store) *writer {
	w := &writer{s: s, queue: make(chan *job, maxBatch), stop: make(chan struct{}), done: make(chan struct{})}
	go w.loop()
	return w
}

// do runs fn in a write transaction shared with other queued jobs and
// returns once that transaction is committed or rolled back. When the
// returned diagnostics hold no error, fn's writes are durable.
func (w *writer) do(ctx context.Context, fn func(c *conn) hcl.Diagnostics) hcl.Diagnostics {
	j := &job{ctx: ctx, run: fn, ready: make(chan struct{})}
	select {
	case w.queue <- j:
	case <-w.done:
		return hcl.Diagnostics{providers.Error("Site database closed", "The sitedb provider was closed before the change could be made. This is a bug in the engine: it must not apply after closing providers.")}
	}
	// Wait for the answer even when ctx ends: the job may be in a
	// transaction that commits.
	<-j.ready
	return j.diags
}

func (w *writer) close() {
	close(w.stop)
	<-w.done
}

func (w *writer) loop() {
	defer close(w.done)
	batch := make([]*job, 0, maxBatch)
	for {
		var first *job
		select {
		case first = <-w.queue:
		case <-w.stop:
			// Answer anything that raced with close.
			for {
				select {
				case j := <-w.queue:
					j.diags = hcl.Diagnostics{providers.Error("Site database closed", "The sitedb provider was closed before the change could be made. This is a bug in the engine: it must not apply after closing providers.")}
					close(j.ready)
				default:
					return
				}
			}
		}
		batch = append(batch[:0], first)
		// Let callers that are ready to queue do so before the batch is
		// cut: one yield, no waiting.
		runtime.Gosched()
	drain:
		for len(batch) < maxBatch {
			select {
			case j := <-w.queue:
				batch = append(batch, j)
			default:
				break drain
			}
		}
		w.run(batch)
		for _, j := range batch {
			close(j.ready)
		}
	}
}

// run answers every job of the batch. It first runs the batch without
// savepoints, which cost two statements per job; when a job fails after
// writing something (or after a statement failed, which aborts a
// PostgreSQL transaction), it rolls back and runs the batch again with a
// savepoint around each job. Jobs are re-runnable: they compute their result
// from the database they see.
func (w *writer) run(batch []*job) {
	if !w.attempt(batch, false) {
		w.attempt(batch, true)
	}
}

// attempt runs the batch in one transaction and reports whether every job
// got its answer; false means it rolled back to be run with savepoints.
func (w *writer) attempt(batch []*job, savepoints bool) bool {
	ctx := context.Background()
	fail := func(err error) bool {
		d := w.s.d.explain(err, "write to the site database")
		for _, j := range batch {
			if !j.diags.HasErrors() {
				j.diags = append(j.diags, d)
			}
		}
		return true
	}
	for _, j := range batch {
		j.diags = nil
	}
	tx, err := w.s.db.BeginTx(ctx, nil)
	if err != nil {
		return fail(err)
	}
	c := &conn{s: w.s, tx: tx}
	sp := func(q string) error {
		_, err := c.exec(ctx, q)
		return err
	}
	for _, j := range batch {
		if err := j.ctx.Err(); err != nil {
			j.diags = hcl.Diagnostics{providers.Error("Change cancelled", "The operation was cancelled before this change was made; nothing was written. Run apply again.")}
			continue
		}
		if savepoints {
			if err := sp("SAVEPOINT job"); err != nil {
				_ = tx.Rollback()
				return fail(err)
			}
		}
		c.writes, c.failed = 0, false
		j.diags = j.run(c)
		switch {
		case savepoints && !j.diags.HasErrors():
			if err := sp("RELEASE SAVEPOINT job"); err != nil {
				_ = tx.Rollback()
				return fail(err)
			}
		case savepoints:
			if err := sp("ROLLBACK TO SAVEPOINT job"); err != nil {
				_ = tx.Rollback()
				return fail(err)
			}
			if err := sp("RELEASE SAVEPOINT job"); err != nil {
				_ = tx.Rollback()
				return fail(err)
			}
		case j.diags.HasErrors() && (c.writes > 0 || c.failed):
			_ = tx.Rollback()
			if len(batch) == 1 {
				return true // the job's own error stands; nothing was kept
			}
			return false
		}
	}
	if err := c.saveSerials(ctx); err != nil {
		_ = tx.Rollback()
		return fail(err)
	}
	if err := tx.Commit(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return fail(err)
	}
	return true
}
