package main

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/updplan/updplan/cmd/updplan/internal/view"
	"github.com/updplan/updplan/engine/state"
)

const helpShow = `Usage: updplan [global options] show [options] [PLANFILE]

  Shows the state (every managed object with its attributes), or the saved
  plan PLANFILE. Sensitive values are hidden.

Options:
  -json   Print the state as state JSON (format 1.0) or the plan as plan
          JSON (Terraform's format 1.2, read unchanged by policy tools),
          sensitive values redacted.
`

type showFlags struct {
	json     bool
	planFile string
}

func runShow(ctx context.Context, c *cli, args []string) int {
	var f showFlags
	fs := newFlagSet("show")
	fs.BoolVar(&f.json, "json", false, "")
	err := fs.Parse(args)
	out := c.diagOutput(f.json || hasJSONFlag(args), nil)
	switch {
	case err != nil:
		return out.fail(hcl.Diagnostics{flagError("show", err)})
	case fs.NArg() > 1:
		return out.fail(hcl.Diagnostics{usageError("show", "show takes at most one argument, the saved plan file.")})
	case fs.NArg() == 1:
		f.planFile = fs.Arg(0)
	}

	cfg, diags := c.eng.Load(c.dir)
	out.files = cfg.Files
	if f.planFile != "" {
		p, readDiags := c.readPlanFile(cfg, c.path(f.planFile))
		if readDiags.HasErrors() {
			return out.fail(readDiags)
		}
		if f.json {
			in := view.PlanJSONInput{Plan: p, Schemas: c.schemas(), Version: version}
			if !diags.HasErrors() {
				in.Config = configSummary(cfg)
			}
			if err := view.WritePlanJSON(c.stdout, in); err != nil {
				fmt.Fprintf(c.stderr, "updplan: writing the plan JSON: %s\n", err)
				return 1
			}
			return 0
		}
		c.human(cfg.Files).Plan(p, c.schemas())
		return 0
	}

	if diags.HasErrors() {
		return out.fail(diags)
	}
	st, diags := c.readState(ctx, cfg)
	if diags.HasErrors() {
		return out.fail(diags)
	}
	if f.json {
		if st == nil {
			st = &state.State{Version: state.FormatVersion}
		}
		if err := view.WriteStateJSON(c.stdout, st, c.schemas(), version); err != nil {
			fmt.Fprintf(c.stderr, "updplan: writing the state JSON: %s\n", err)
			return 1
		}
		return 0
	}
	if st.Empty() {
		fmt.Fprintln(c.stdout, "No state.")
		return 0
	}
	c.human(cfg.Files).State(st, c.schemas())
	return 0
}
