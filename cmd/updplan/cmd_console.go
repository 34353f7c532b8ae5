package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/updplan/updplan/cmd/updplan/internal/view"
	"github.com/updplan/updplan/engine"
	"github.com/updplan/updplan/engine/config"
)

const helpConsole = `Usage: updplan [global options] console [options]

  Evaluates expressions against the configuration and the state, as
  "terraform console" does: one expression per line read from stdin, its
  value printed in HCL syntax. Variables (a required one without a value is
  unknown), locals, path.*, every function, each resource as the state
  records it and each data source as its provider reads it now are in
  scope. Sensitive values print as (sensitive value). The console never
  changes anything: its only provider calls are the data sources' reads,
  read-only as in a plan. It reads the state without the lock unless
  -lock=true. Type "exit" or end the input (Ctrl-D) to leave.

Options:
  -var 'NAME=VALUE'     Set a variable (repeatable).
  -var-file=FILE        Read variable values from FILE (repeatable).
  -lock=true            Hold the state lock while the console runs.
  -lock-timeout=D       How long to wait for the lock with -lock=true.
`

type consoleFlags struct {
	vars        []config.VarArg
	lock        bool
	lockTimeout time.Duration
}

func runConsole(ctx context.Context, c *cli, args []string) int {
	var f consoleFlags
	fs := newFlagSet("console")
	fs.Var(varArgs{list: &f.vars, c: c}, "var", "")
	fs.Var(varArgs{list: &f.vars, file: true, c: c}, "var-file", "")
	fs.BoolVar(&f.lock, "lock", false, "")
	fs.DurationVar(&f.lockTimeout, "lock-timeout", 0, "")
	if err := fs.Parse(args); err != nil {
		c.human(nil).Diagnostics(hcl.Diagnostics{flagError("console", err)})
		return 1
	}
	if fs.NArg() > 0 {
		c.human(nil).Diagnostics(hcl.Diagnostics{unexpectedArgs("console", fs.Args())})
		return 1
	}
	cfg, diags := c.eng.Load(c.dir)
	h := c.human(cfg.Files)
	if diags.HasErrors() {
		h.Diagnostics(diags)
		return 1
	}
	con, d := c.eng.Console(ctx, cfg, c.inputs(f.vars), engine.PlanOptions{Lock: f.lock, LockTimeout: f.lockTimeout, Operation: "console"})
	diags = append(diags, d...)
	h.Diagnostics(diags)
	if diags.HasErrors() {
		return 1
	}
	defer con.Close()

	code := 0
	sc := bufio.NewScanner(c.stdin)
	sc.Buffer(make([]byte, 0, 64*1024), 16<<20)
	for {
		if c.stdinTerminal {
			fmt.Fprint(c.stdout, "> ")
		}
		if !sc.Scan() {
			break
		}
		line := strings.TrimSpace(sc.Text())
		switch line {
		case "":
			continue
		case "exit":
			return code
		}
		v, d := con.Eval(line)
		if d.HasErrors() {
			files := map[string]*hcl.File{"<console-input>": {Bytes: []byte(line)}}
			for name, f := range cfg.Files {
				files[name] = f
			}
			c.human(files).Diagnostics(d)
			code = 1
			continue
		}
		fmt.Fprintln(c.stdout, view.ConsoleValue(v))
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(c.stderr, "updplan: reading the console input: %s\n", err)
		return 1
	}
	if c.stdinTerminal {
		fmt.Fprintln(c.stdout)
	}
	return code
}
