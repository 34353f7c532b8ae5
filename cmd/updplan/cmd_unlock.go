package main

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

const helpForceUnlock = `Usage: updplan [global options] force-unlock [options] LOCK_ID

  Removes the state lock LOCK_ID left behind by a run that died. The lock
  ID is shown in the error of the run that could not take the lock. Only
  release a lock when you are sure no run holds it: two runs writing one
  state can lose objects. Asks for confirmation on a terminal.

Options:
  -force   Do not ask for confirmation.
`

type forceUnlockFlags struct {
	force  bool
	lockID string
}

func runForceUnlock(ctx context.Context, c *cli, args []string) int {
	var f forceUnlockFlags
	fs := newFlagSet("force-unlock")
	fs.BoolVar(&f.force, "force", false, "")
	h := c.human(nil)
	if err := fs.Parse(args); err != nil {
		h.Diagnostics(hcl.Diagnostics{flagError("force-unlock", err)})
		return 1
	}
	if fs.NArg() != 1 {
		h.Diagnostics(hcl.Diagnostics{usageError("force-unlock", "force-unlock takes one argument, the lock ID.")})
		return 1
	}
	f.lockID = fs.Arg(0)
	if !f.force && !c.stdinTerminal {
		h.Diagnostics(hcl.Diagnostics{noInputDiag("force-unlock", "without -force",
			"Pass -force to release the lock without asking, once you are sure no run holds it.")})
		return 1
	}

	cfg, diags := c.eng.Load(c.dir)
	h.Files = cfg.Files
	if diags.HasErrors() {
		h.Diagnostics(diags)
		return 1
	}
	b, backendDiags := c.eng.Backend(cfg)
	diags = append(diags, backendDiags...)
	if diags.HasErrors() {
		h.Diagnostics(diags)
		return 1
	}
	defer b.Close()
	if !f.force && !c.confirm("Do you really want to force-unlock?",
		fmt.Sprintf("updplan will remove the lock %s on the state in %s.\nRuns could then change this state while another still uses it.", f.lockID, b.Describe())) {
		fmt.Fprintln(c.stdout, "force-unlock cancelled.")
		return 1
	}
	if err := b.ForceUnlock(ctx, f.lockID); err != nil {
		h.Diagnostics(append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "State not unlocked",
			Detail:   fmt.Sprintf("Cannot remove the lock %s on the state in %s: %s. Check the lock ID in the error of the run that could not take the lock.", f.lockID, b.Describe(), err),
		}))
		return 1
	}
	h.Diagnostics(diags)
	fmt.Fprintln(c.stdout, c.styled(colorGreen, "The state has been successfully unlocked!"))
	fmt.Fprintln(c.stdout, "\nThe lock is gone; other updplan runs may now take it.")
	return 0
}
