package main

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
)

const helpImport = `Usage: updplan [global options] import [options] ADDR ID

  Adopts the existing object ID into the state at ADDR, so that updplan
  manages it from now on. ADDR must be declared in the configuration (e.g.
  site.main, collection.sms2003["LAB"]). ID is what identifies the object:
  the site code for a site, the object id (e.g. LAB00012) for a collection,
  package or advertisement. An import block in the configuration does the
  same during plan and apply, with a plan to review.

Options:
  -var 'NAME=VALUE'     Set a variable (repeatable).
  -var-file=FILE        Read variable values from FILE (repeatable).
  -lock=false           Do not take the state lock.
  -lock-timeout=D       Wait up to D for the state lock (default 0s).
  -input=false          Accepted for compatibility; import never asks.
`

type importFlags struct {
	vars        []config.VarArg
	lock        bool
	lockTimeout time.Duration
	input       bool
	target      addr.Instance
	id          string
}

func runImport(ctx context.Context, c *cli, args []string) int {
	var f importFlags
	fs := newFlagSet("import")
	fs.Var(varArgs{list: &f.vars, c: c}, "var", "")
	fs.Var(varArgs{list: &f.vars, file: true, c: c}, "var-file", "")
	fs.BoolVar(&f.lock, "lock", true, "")
	fs.DurationVar(&f.lockTimeout, "lock-timeout", 0, "")
	fs.BoolVar(&f.input, "input", true, "")
	ui := c.opUI(false)
	if err := fs.Parse(args); err != nil {
		return ui.fail(hcl.Diagnostics{flagError("import", err)})
	}
	if fs.NArg() != 2 {
		return ui.fail(hcl.Diagnostics{usageError("import", fmt.Sprintf("import takes two arguments, the address and the id of the object, but %d were given.", fs.NArg()))})
	}
	target, diags := addr.ParseInstance(fs.Arg(0))
	if diags.HasErrors() {
		return ui.fail(diags)
	}
	f.target, f.id = target, fs.Arg(1)

	cfg, diags := c.eng.Load(c.dir)
	ui.setFiles(cfg.Files)
	if diags.HasErrors() {
		return ui.fail(diags)
	}
	pf := planFlags{refresh: true, parallelism: 1, lock: f.lock, lockTimeout: f.lockTimeout}
	opts := pf.options("import")
	opts.Hooks = ui.hooks(nil)
	diags = append(diags, c.eng.Import(ctx, cfg, c.inputs(f.vars), f.target, f.id, opts)...)
	ui.diagnostics(diags)
	if interrupted(ctx, c) || diags.HasErrors() {
		return 1
	}
	fmt.Fprintf(c.stdout, "\n%s\n\nThe object %q is now in the state at %s and managed by updplan.\nRun \"updplan plan\" to see whether the configuration matches it.\n",
		c.styled(colorGreen, "Import successful!"), f.id, f.target)
	return 0
}
