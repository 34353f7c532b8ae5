package main

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/updplan/updplan/engine/config"
)

const helpInit = `Usage: updplan [global options] init [options]

  Prepares the working directory: checks required_version, prepares the
  state backend, and lets every provider get ready (for the site database:
  create or upgrade its schema). It is safe to run init again at any time.

Options:
  -var 'NAME=VALUE'     Set a variable (repeatable).
  -var-file=FILE        Read variable values from FILE (repeatable).
  -input=false          Accepted for compatibility; init never asks.
`

type initFlags struct {
	vars  []config.VarArg
	input bool
}

func runInit(ctx context.Context, c *cli, args []string) int {
	var f initFlags
	fs := newFlagSet("init")
	fs.Var(varArgs{list: &f.vars, c: c}, "var", "")
	fs.Var(varArgs{list: &f.vars, file: true, c: c}, "var-file", "")
	fs.BoolVar(&f.input, "input", true, "")
	if err := fs.Parse(args); err != nil {
		c.human(nil).Diagnostics(hcl.Diagnostics{flagError("init", err)})
		return 1
	}
	if fs.NArg() > 0 {
		c.human(nil).Diagnostics(hcl.Diagnostics{unexpectedArgs("init", fs.Args())})
		return 1
	}
	cfg, diags := c.eng.Load(c.dir)
	if !diags.HasErrors() {
		diags = append(diags, c.eng.Init(ctx, cfg, c.inputs(f.vars))...)
	}
	c.human(cfg.Files).Diagnostics(diags)
	if interrupted(ctx, c) || diags.HasErrors() {
		return 1
	}
	fmt.Fprintln(c.stdout, c.styled(colorGreen, "updplan has been successfully initialized!"))
	fmt.Fprintln(c.stdout, "\nRun \"updplan plan\" to see the changes the configuration calls for.")
	return 0
}
