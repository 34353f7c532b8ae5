package main

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/updplan/updplan/cmd/updplan/internal/view"
	"github.com/updplan/updplan/engine"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/plan"
)

const planOptionsHelp = `  -destroy              Plan to destroy every object updplan manages.
  -refresh-only         Plan only to record in state what changed outside
                        updplan (drift); change no object.
  -refresh=false        Do not read the objects first; plan from the state
                        as recorded.
  -target=ADDR          Plan only this object and what it depends on
                        (repeatable). Not for routine use.
  -replace=ADDR         Replace this object even if it has not changed
                        (repeatable).
  -var 'NAME=VALUE'     Set a variable (repeatable).
  -var-file=FILE        Read variable values from FILE (repeatable).
  -parallelism=N        Work on at most N objects at once (default 10).
  -lock=false           Do not take the state lock. Dangerous when others
                        may run updplan on the same state.
  -lock-timeout=D       Wait up to D (e.g. 30s) for the state lock held by
                        another run (default 0s: fail at once).
  -input=false          Never ask anything on the terminal.
  -compliance=false     Do not show the compliance of deployments (from the
                        scans "updplan inventory import" loaded) beside them.
`

const helpPlan = `Usage: updplan [global options] plan [options]

  Reads the real objects, compares them with the configuration and shows
  what apply would change. It never changes anything. Objects changed
  outside updplan (drift) are always shown.

Options:
  -out=FILE             Save the plan to FILE, to apply exactly it later
                        with "updplan apply FILE".
  -json                 Print machine-readable output: one JSON object per
                        line.
  -detailed-exitcode    Exit 0 when there are no changes, 1 on error, 2
                        when there are changes.
` + planOptionsHelp

const helpApply = `Usage: updplan [global options] apply [options] [PLANFILE]

  Makes the changes the configuration calls for. Without PLANFILE it plans
  first, shows the plan and asks for approval on the terminal (type "yes")
  unless -auto-approve is given. With PLANFILE (from "updplan plan -out")
  it applies exactly that plan, without asking; a plan whose state or
  configuration has moved on is refused.

Options:
  -auto-approve         Apply without asking.
  -json                 Print machine-readable output: one JSON object per
                        line (needs -auto-approve or PLANFILE).
` + planOptionsHelp

const helpDestroy = `Usage: updplan [global options] destroy [options]

  Destroys every object updplan manages in this configuration; the same as
  "updplan apply -destroy". It shows the plan and asks for approval on the
  terminal unless -auto-approve is given.

Options:
  -auto-approve         Destroy without asking.
  -json                 Print machine-readable output: one JSON object per
                        line (needs -auto-approve).
` + planOptionsHelp

// planDetailedChanges is the exit code of plan -detailed-exitcode when the
// plan has changes (Terraform's).
const planDetailedChanges = 2

func (f *planFlags) options(operation string) engine.PlanOptions {
	return engine.PlanOptions{
		Mode:        f.mode(),
		Refresh:     f.refresh,
		Targets:     f.targets,
		Replace:     f.replace,
		Parallelism: f.parallelism,
		Lock:        f.lock,
		LockTimeout: f.lockTimeout,
		Operation:   operation,
	}
}

// inputs are the variable values of this run; the engine also keeps them
// to evaluate the backend and encryption settings early.
func (c *cli) inputs(vars []config.VarArg) engine.Inputs {
	in := engine.Inputs{Args: vars, Env: c.env}
	c.eng.Inputs = in
	return in
}

func runPlan(ctx context.Context, c *cli, args []string) int {
	var f planFlags
	fs := newFlagSet("plan")
	f.register(fs, c)
	fs.StringVar(&f.out, "out", "", "")
	fs.BoolVar(&f.detailedExitcode, "detailed-exitcode", false, "")
	err := fs.Parse(args)
	ui := c.opUI(f.json || hasJSONFlag(args))
	switch {
	case err != nil:
		return ui.fail(hcl.Diagnostics{flagError("plan", err)})
	case fs.NArg() > 0:
		return ui.fail(hcl.Diagnostics{unexpectedArgs("plan", fs.Args())})
	}
	if diags := f.check("plan"); diags.HasErrors() {
		return ui.fail(diags)
	}

	cfg, diags := c.eng.Load(c.dir)
	ui.setFiles(cfg.Files)
	if diags.HasErrors() {
		return ui.fail(diags)
	}
	opts := f.options("plan")
	opts.Hooks = ui.hooks(nil)
	p, planDiags := c.eng.Plan(ctx, cfg, c.inputs(f.vars), opts)
	diags = append(diags, planDiags...)
	diags = append(diags, f.targetWarning()...)
	if p != nil {
		ui.notes(ctx, p, f.compliance)
		ui.plan(p)
	}
	ui.diagnostics(diags)
	if interrupted(ctx, c) || diags.HasErrors() || p == nil || p.Errored {
		return 1
	}
	if f.out != "" {
		if diags := c.writePlanFile(cfg, c.path(f.out), p); diags.HasErrors() {
			return ui.fail(diags)
		}
		ui.log(fmt.Sprintf("\nSaved the plan to: %s\n\nTo perform exactly these actions, run:\n  updplan apply %q", f.out, f.out))
	} else if ui.human != nil && p.Applyable() {
		ui.log("\nNote: You didn't use the -out option to save this plan, so updplan can't guarantee to take exactly these actions if you run \"updplan apply\" now.")
	}
	if f.detailedExitcode && p.Applyable() {
		return planDetailedChanges
	}
	return 0
}

func runApply(ctx context.Context, c *cli, args []string) int {
	return apply(ctx, c, "apply", args)
}

func runDestroy(ctx context.Context, c *cli, args []string) int {
	return apply(ctx, c, "destroy", args)
}

// apply is apply and destroy (= apply -destroy).
func apply(ctx context.Context, c *cli, cmd string, args []string) int {
	var f planFlags
	fs := newFlagSet(cmd)
	f.register(fs, c)
	fs.BoolVar(&f.autoApprove, "auto-approve", false, "")
	err := fs.Parse(args)
	ui := c.opUI(f.json || hasJSONFlag(args))
	if err != nil {
		return ui.fail(hcl.Diagnostics{flagError(cmd, err)})
	}
	if cmd == "destroy" {
		f.destroy = true
	}
	var planFile string
	switch {
	case cmd == "apply" && fs.NArg() == 1:
		planFile = fs.Arg(0)
	case fs.NArg() > 0:
		return ui.fail(hcl.Diagnostics{unexpectedArgs(cmd, fs.Args())})
	}
	diags := f.check(cmd)
	if planFile != "" {
		diags = append(diags, savedPlanConflicts(args)...)
	}
	if diags.HasErrors() {
		return ui.fail(diags)
	}
	// Refuse before any work when approval is needed and cannot be asked.
	if planFile == "" && !f.autoApprove && (ui.stream != nil || !c.stdinTerminal || !f.input) {
		return ui.fail(hcl.Diagnostics{noInputDiag(cmd, "without -auto-approve",
			fmt.Sprintf(`Pass -auto-approve to %s without asking, or save a plan with "updplan plan -out=FILE", review it, and apply exactly it with "updplan apply FILE".`, verb(cmd)))})
	}

	cfg, loadDiags := c.eng.Load(c.dir)
	ui.setFiles(cfg.Files)
	if loadDiags.HasErrors() {
		return ui.fail(loadDiags)
	}
	opts := f.options(cmd)
	var progress *view.Progress
	if ui.stream == nil && c.stdoutTerminal {
		progress = view.NewProgress(c.stdout, true)
	}
	opts.Hooks = ui.hooks(progress)

	var p *plan.Plan
	applyWith := c.eng.Apply
	if planFile != "" {
		var readDiags hcl.Diagnostics
		// -var and -var-file open the plan (an encryption passphrase
		// given as a variable at plan -out); they must be the plan's.
		in := c.inputs(f.vars)
		p, readDiags = c.readPlanFile(cfg, c.path(planFile))
		if !readDiags.HasErrors() {
			readDiags = append(readDiags, c.eng.CheckSavedPlanVariables(cfg, in, p)...)
		}
		if readDiags.HasErrors() {
			return ui.fail(append(loadDiags, readDiags...))
		}
		opts.Mode = p.Mode
		ui.diagnostics(loadDiags)
	} else {
		// One lock from the refresh through the prompt to the last write:
		// no other run may change the state between the plan shown and
		// its apply.
		in := c.inputs(f.vars) // before the lock: the backend settings may use them
		run, planDiags := c.eng.Lock(ctx, cfg, opts)
		if planDiags.HasErrors() {
			return ui.fail(append(loadDiags, planDiags...))
		}
		defer run.Release()
		applyWith = run.Apply
		var d hcl.Diagnostics
		p, d = run.Plan(ctx, cfg, in, opts)
		planDiags = append(append(append(loadDiags, planDiags...), d...), f.targetWarning()...)
		if p != nil {
			ui.notes(ctx, p, f.compliance)
			ui.plan(p)
		}
		ui.diagnostics(planDiags)
		if interrupted(ctx, c) || planDiags.HasErrors() || p == nil || p.Errored {
			return 1
		}
		if !p.Applyable() {
			if d := run.Settle(ctx, p); d.HasErrors() {
				return ui.fail(d)
			}
			ui.summary(p.Mode)
			ui.outputs(p.PriorState)
			return 0
		}
		if !f.autoApprove && !c.approve(p.Mode) {
			fmt.Fprintln(c.stdout, "Apply cancelled.")
			return 1
		}
		if f.autoApprove && ui.human != nil {
			fmt.Fprintln(c.stdout) // the prompt's answer line separates otherwise
		}
	}

	if progress != nil {
		// Lines about objects print above the bars; many changes get an
		// overall counter.
		ui.human.Out = progress.Writer()
		progress.Start(countChanges(p))
	}
	st, applyDiags := applyWith(ctx, cfg, p, opts)
	if progress != nil {
		progress.Close()
		ui.human.Out = c.stdout
	}
	ui.diagnostics(applyDiags)
	// As Terraform: no "Apply complete!" after an error or an interrupt;
	// the diagnostics (one "Interrupted" with the counts) and the
	// per-object lines say what was done.
	if ctx.Err() != nil || applyDiags.HasErrors() {
		return 1
	}
	ui.summary(p.Mode)
	ui.outputs(st)
	return 0
}

// approve asks on the terminal whether to go ahead.
func (c *cli) approve(mode plan.Mode) bool {
	switch mode {
	case plan.DestroyMode:
		return c.confirm("Do you really want to destroy all managed objects?",
			"updplan will destroy every object shown above.\nThere is no undo.")
	case plan.RefreshOnlyMode:
		return c.confirm("Would you like to update the state to reflect these detected changes?",
			"updplan will write these changes to the state without changing any object.")
	}
	return c.confirm("Do you want to perform these actions?",
		"updplan will perform the actions described above.")
}

func verb(cmd string) string {
	if cmd == "destroy" {
		return "destroy"
	}
	return "apply"
}

// savedPlanConflicts lists the options that cannot change a saved plan.
func savedPlanConflicts(args []string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	seen := map[string]bool{}
	for _, a := range args {
		if a == "--" {
			break
		}
		name := flagName(a)
		switch name {
		case "destroy", "refresh-only", "refresh", "target", "replace":
			if seen[name] {
				continue
			}
			seen[name] = true
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Option not allowed with a saved plan",
				Detail:   fmt.Sprintf("-%s cannot be used when applying a saved plan: the plan already fixes what it does. Make a new plan with \"updplan plan -%s ... -out=FILE\", or apply without a plan file.", name, name),
			})
		}
	}
	return diags
}

// flagName is the name of a flag argument ("-var=x" -> "var"), or "".
func flagName(a string) string {
	if len(a) < 2 || a[0] != '-' {
		return ""
	}
	a = a[1:]
	if a[0] == '-' {
		a = a[1:]
	}
	for i := 0; i < len(a); i++ {
		if a[i] == '=' {
			return a[:i]
		}
	}
	return a
}

// countChanges is the number of objects an apply of p changes.
func countChanges(p *plan.Plan) int {
	n := 0
	for _, ch := range p.Changes {
		if ch.Action != plan.NoOp {
			n++
		}
	}
	return n
}
