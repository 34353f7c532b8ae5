package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/updplan/updplan/cmd/updplan/internal/view"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/plan"
)

const helpDrift = `Usage: updplan [global options] drift [options]

  Answers "does the site match its definition?" in two parts: what
  changed outside updplan (drift: every object recorded in the state is
  read and compared with the state), and what the configuration declares
  but was never applied (pending changes). It is read-only: it writes
  neither the state nor any object. Exits 0 when both are empty, 2 when
  either is not, 1 on error (so a scheduled job can alert on 2).

Options:
  -json                 Print the report as one JSON document:
                        {"format_version", "in_sync", "drift": [...],
                        "pending_changes": [...]}.
  -junit=FILE           Also write a JUnit XML report to FILE: one test
                        case per object checked for drift and one failed
                        case per pending change (for CI dashboards).
  -var 'NAME=VALUE'     Set a variable (repeatable).
  -var-file=FILE        Read variable values from FILE (repeatable).
  -parallelism=N        Read at most N objects at once (default 10).
  -lock=false           Do not take the state lock.
  -lock-timeout=D       Wait up to D for the state lock (default 0s).
  -compliance=false     Do not show the compliance of deployments (from the
                        scans "updplan inventory import" loaded) beside them.
`

// driftExitFound is the exit code of drift when objects changed outside
// updplan or changes are pending.
const driftExitFound = 2

type driftFlags struct {
	json        bool
	junit       string
	vars        []config.VarArg
	parallelism int
	lock        bool
	lockTimeout time.Duration
	compliance  bool
}

func runDrift(ctx context.Context, c *cli, args []string) int {
	var f driftFlags
	fs := newFlagSet("drift")
	fs.BoolVar(&f.json, "json", false, "")
	fs.StringVar(&f.junit, "junit", "", "")
	fs.Var(varArgs{list: &f.vars, c: c}, "var", "")
	fs.Var(varArgs{list: &f.vars, file: true, c: c}, "var-file", "")
	fs.IntVar(&f.parallelism, "parallelism", 10, "")
	fs.BoolVar(&f.lock, "lock", true, "")
	fs.DurationVar(&f.lockTimeout, "lock-timeout", 0, "")
	fs.BoolVar(&f.compliance, "compliance", true, "")
	err := fs.Parse(args)
	out := c.diagOutput(f.json || hasJSONFlag(args), nil)
	switch {
	case err != nil:
		return out.fail(hcl.Diagnostics{flagError("drift", err)})
	case fs.NArg() > 0:
		return out.fail(hcl.Diagnostics{unexpectedArgs("drift", fs.Args())})
	case f.parallelism < 1:
		return out.fail(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid command-line option",
			Detail: fmt.Sprintf("-parallelism must be 1 or more, not %d. Give e.g. -parallelism=10.", f.parallelism)}})
	}

	cfg, diags := c.eng.Load(c.dir)
	out.files = cfg.Files
	if diags.HasErrors() {
		return out.fail(diags)
	}
	pf := planFlags{refreshOnly: true, refresh: true, parallelism: f.parallelism, lock: f.lock, lockTimeout: f.lockTimeout}
	opts := pf.options("drift")
	p, driftDiags := c.eng.Drift(ctx, cfg, c.inputs(f.vars), opts)
	diags = append(diags, driftDiags...)
	if interrupted(ctx, c) || diags.HasErrors() || p == nil {
		return out.fail(diags)
	}
	if f.junit != "" {
		if d := writeJUnit(c.path(f.junit), p, c.schemas()); d != nil {
			return out.fail(append(diags, d))
		}
	}
	if out.json {
		if err := view.WriteDriftJSON(c.stdout, p, c.schemas()); err != nil {
			fmt.Fprintf(c.stderr, "updplan: writing the drift report: %s\n", err)
			return 1
		}
		// Warnings go to stderr so that stdout stays one document.
		c.human(cfg.Files).Diagnostics(diags)
	} else {
		c.human(cfg.Files).Diagnostics(diags)
		h := c.human(cfg.Files)
		if f.compliance {
			h.Notes = c.deploymentNotes(ctx, p)
		}
		h.DriftReport(p, c.schemas())
	}
	if len(p.Drift) > 0 || len(p.Changes) > 0 {
		return driftExitFound
	}
	return 0
}

// writeJUnit writes the JUnit drift report to path.
func writeJUnit(path string, p *plan.Plan, s view.Schemas) *hcl.Diagnostic {
	var buf bytes.Buffer
	err := view.WriteDriftJUnit(&buf, p, s)
	if err == nil {
		err = os.WriteFile(path, buf.Bytes(), 0o644)
	}
	if err != nil {
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "JUnit report not written",
			Detail:   fmt.Sprintf("Cannot write the JUnit report to %q: %s. Give a writable path with -junit.", path, pathErr(err)),
		}
	}
	return nil
}
