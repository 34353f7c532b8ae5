package main

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/state"
)

// readState reads the state through the configured backend; nil when
// there is none yet.
func (c *cli) readState(ctx context.Context, cfg *config.Config) (*state.State, hcl.Diagnostics) {
	b, diags := c.eng.Backend(cfg)
	if diags.HasErrors() {
		return nil, diags
	}
	defer b.Close()
	st, err := b.Read(ctx, c.eng.StateTypes())
	if err != nil {
		return nil, append(diags, stateReadError(b, err))
	}
	return st, diags
}

func stateReadError(b state.Backend, err error) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Unreadable state",
		Detail:   fmt.Sprintf("Cannot read the state from %s: %s. Check that the backend is reachable; the previous state is kept in the backup beside it.", b.Describe(), err),
	}
}

func stateWriteError(b state.Backend, err error) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "State not written",
		Detail:   fmt.Sprintf("Cannot write the state to %s: %s. Nothing was changed; fix the cause and run the command again.", b.Describe(), err),
	}
}

func noStateDiag(b state.Backend) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "No state",
		Detail:   fmt.Sprintf("There is no state in %s yet. Run \"updplan apply\" first, or check -chdir and the backend block.", b.Describe()),
	}
}

// lockInfo describes this run for the state lock.
func lockInfo(operation, path string) state.LockInfo {
	who := "unknown"
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	if h, err := os.Hostname(); err == nil {
		who += "@" + h
	}
	return state.LockInfo{
		Operation: operation,
		Who:       who,
		Version:   version,
		Created:   time.Now().UTC(),
		Path:      path,
		PID:       os.Getpid(),
	}
}

// lockedState opens the backend and takes its lock for a state edit. The
// returned release unlocks and closes; it is never nil when diags has no
// errors.
func (c *cli) lockedState(ctx context.Context, cfg *config.Config, operation string, timeout time.Duration) (state.Backend, func() hcl.Diagnostics, hcl.Diagnostics) {
	b, diags := c.eng.Backend(cfg)
	if diags.HasErrors() {
		return nil, nil, diags
	}
	waiting := func(holder state.LockInfo) {
		fmt.Fprintf(c.stderr, "The state is locked by %s (%s since %s); waiting up to %s for it to be released...\n",
			holder.Who, holder.Operation, holder.Created.UTC().Format(time.RFC3339), timeout)
	}
	id, err := b.Lock(ctx, lockInfo(operation, b.Describe()), timeout, waiting)
	if err != nil {
		b.Close()
		return nil, nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "State lock not acquired",
			Detail:   fmt.Sprintf("Cannot lock the state in %s: %s\n\nWait for the other run to finish and try again, or give -lock-timeout=D to wait longer. If that run died, release its lock with \"updplan force-unlock ID\".", b.Describe(), err),
		})
	}
	release := func() hcl.Diagnostics {
		var diags hcl.Diagnostics
		// Unlock even when ctx was cancelled: the edit is over.
		if err := b.Unlock(context.WithoutCancel(ctx), id); err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "State lock not released",
				Detail:   fmt.Sprintf("Cannot release the lock %s on the state in %s: %s. Release it with \"updplan force-unlock %s\".", id, b.Describe(), err, id),
			})
		}
		b.Close()
		return diags
	}
	return b, release, diags
}
