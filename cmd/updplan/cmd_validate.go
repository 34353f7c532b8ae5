package main

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/updplan/updplan/cmd/updplan/internal/view"
	"github.com/updplan/updplan/engine/config"
)

const helpValidate = `Usage: updplan [global options] validate [options]

  Checks the configuration of the working directory without reaching any
  server: syntax, structure, types, references, cycles, variable
  validations and the rules of the domain. Exits 0 when it is valid, 1
  when it is not.

Options:
  -json                 Print the result as one JSON document:
                        {"format_version", "valid", "error_count",
                        "warning_count", "diagnostics"}.
  -var 'NAME=VALUE'     Set a variable (repeatable).
  -var-file=FILE        Read variable values from FILE (repeatable).
`

type validateFlags struct {
	json bool
	vars []config.VarArg
}

func runValidate(ctx context.Context, c *cli, args []string) int {
	var f validateFlags
	fs := newFlagSet("validate")
	fs.BoolVar(&f.json, "json", false, "")
	fs.Var(varArgs{list: &f.vars, c: c}, "var", "")
	fs.Var(varArgs{list: &f.vars, file: true, c: c}, "var-file", "")
	err := fs.Parse(args)
	asJSON := f.json || hasJSONFlag(args)

	var diags hcl.Diagnostics
	var files map[string]*hcl.File
	switch {
	case err != nil:
		diags = hcl.Diagnostics{flagError("validate", err)}
	case fs.NArg() > 0:
		diags = hcl.Diagnostics{unexpectedArgs("validate", fs.Args())}
	default:
		cfg, loadDiags := c.eng.Load(c.dir)
		files = cfg.Files
		diags = loadDiags
		if !diags.HasErrors() {
			diags = append(diags, c.eng.Validate(ctx, cfg, c.inputs(f.vars))...)
		}
	}

	if asJSON {
		if err := view.WriteValidateJSON(c.stdout, diags, files); err != nil {
			fmt.Fprintf(c.stderr, "updplan: writing JSON: %s\n", err)
			return 1
		}
	} else {
		c.human(files).Diagnostics(diags)
		switch {
		case diags.HasErrors():
		case len(diags) > 0:
			fmt.Fprintln(c.stdout, c.styled(colorGreen, "Success!")+" The configuration is valid, but there were some validation warnings as shown above.")
		default:
			fmt.Fprintln(c.stdout, c.styled(colorGreen, "Success!")+" The configuration is valid.")
		}
	}
	if diags.HasErrors() {
		return 1
	}
	return 0
}
