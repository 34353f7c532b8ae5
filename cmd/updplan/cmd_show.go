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

  -format=human|json|markdown
          human (the default), json (as -json), or markdown: a saved
          plan as a pull/merge request comment (a summary with counts per
          action, drift and warnings, then each object's diff in a
          collapsible section), at most 60,000 characters.
`

type showFlags struct {
	json     bool
	format   string
	planFile string
}

func runShow(ctx context.Context, c *cli, args []string) int {
	var f showFlags
	fs := newFlagSet("show")
	fs.BoolVar(&f.json, "json", false, "")
	fs.StringVar(&f.format, "format", "human", "")
	err := fs.Parse(args)
	if f.format == "json" {
		f.json = true
	}
	out := c.diagOutput(f.json || hasJSONFlag(args), nil)
	switch {
	case err != nil:
		return out.fail(hcl.Diagnostics{flagError("show", err)})
	case f.format != "human" && f.format != "json" && f.format != "markdown":
		return out.fail(hcl.Diagnostics{optionError("Invalid output format", fmt.Sprintf("-format=%s is not a format; use human, json or markdown.", f.format))})
	case f.format == "markdown" && f.json:
		return out.fail(hcl.Diagnostics{optionError("Incompatible command-line options", "-json and -format=markdown cannot be used together; give one.")})
	case f.format == "markdown" && fs.NArg() == 0:
		return out.fail(hcl.Diagnostics{usageError("show", "-format=markdown shows a saved plan: give the plan file, as in updplan show -format=markdown site.plan.")})
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
		if f.format == "markdown" {
			if err := view.WritePlanMarkdown(c.stdout, p, c.schemas(), view.MarkdownLimit); err != nil {
				fmt.Fprintf(c.stderr, "updplan: writing the plan: %s\n", err)
				return 1
			}
			return 0
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

// optionError is a diagnostic about show's options.
func optionError(summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail + ` Run "updplan show -help" to see the options.`}
}
