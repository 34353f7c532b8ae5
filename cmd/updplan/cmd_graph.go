package main

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/updplan/updplan/engine/config"
)

const helpGraph = `Usage: updplan [global options] graph [options]

  Prints the dependency graph of the configuration in the DOT language:
  one node per resource, an edge from each resource to what it refers to
  or depends_on. Render it with e.g. "updplan graph | dot -Tsvg > graph.svg".

Options:
  -var 'NAME=VALUE'     Set a variable (repeatable).
  -var-file=FILE        Read variable values from FILE (repeatable).
`

type graphFlags struct{ vars []config.VarArg }

func runGraph(ctx context.Context, c *cli, args []string) int {
	var f graphFlags
	fs := newFlagSet("graph")
	fs.Var(varArgs{list: &f.vars, c: c}, "var", "")
	fs.Var(varArgs{list: &f.vars, file: true, c: c}, "var-file", "")
	if err := fs.Parse(args); err != nil {
		c.human(nil).Diagnostics(hcl.Diagnostics{flagError("graph", err)})
		return 1
	}
	if fs.NArg() > 0 {
		c.human(nil).Diagnostics(hcl.Diagnostics{unexpectedArgs("graph", fs.Args())})
		return 1
	}
	cfg, diags := c.eng.Load(c.dir)
	var dot string
	if !diags.HasErrors() {
		var graphDiags hcl.Diagnostics
		dot, graphDiags = c.eng.GraphDOT(cfg, c.inputs(f.vars))
		diags = append(diags, graphDiags...)
	}
	c.human(cfg.Files).Diagnostics(diags)
	if diags.HasErrors() {
		return 1
	}
	fmt.Fprint(c.stdout, dot)
	return 0
}
