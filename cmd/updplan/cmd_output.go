package main

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/updplan/updplan/cmd/updplan/internal/view"
)

const helpOutput = `Usage: updplan [global options] output [options] [NAME]

  Shows the root output values recorded in the state by the last apply:
  all of them, or the one called NAME. Sensitive values are hidden unless
  -show-sensitive is given.

Options:
  -json             Print as JSON: an object of {"value", "type",
                    "sensitive"} per output, or NAME's value alone.
  -raw              Print NAME's value as plain text, without quotes (for
                    shell scripts); only strings, numbers and bools.
  -show-sensitive   Show sensitive values in clear.
`

type outputFlags struct {
	json          bool
	raw           bool
	showSensitive bool
	name          string
}

func runOutput(ctx context.Context, c *cli, args []string) int {
	var f outputFlags
	fs := newFlagSet("output")
	fs.BoolVar(&f.json, "json", false, "")
	fs.BoolVar(&f.raw, "raw", false, "")
	fs.BoolVar(&f.showSensitive, "show-sensitive", false, "")
	err := fs.Parse(args)
	out := c.diagOutput(f.json || hasJSONFlag(args), nil)
	switch {
	case err != nil:
		return out.fail(hcl.Diagnostics{flagError("output", err)})
	case fs.NArg() > 1:
		return out.fail(hcl.Diagnostics{usageError("output", "output takes at most one argument, the name of an output.")})
	case fs.NArg() == 1:
		f.name = fs.Arg(0)
	}
	if f.raw && f.json {
		return out.fail(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Incompatible command-line options",
			Detail: "-raw and -json cannot be used together. Give one of them."}})
	}
	if f.raw && f.name == "" {
		return out.fail(hcl.Diagnostics{usageError("output", "-raw needs the name of one output.")})
	}

	cfg, diags := c.eng.Load(c.dir)
	out.files = cfg.Files
	if diags.HasErrors() {
		return out.fail(diags)
	}
	vals, outDiags := c.eng.Outputs(ctx, cfg)
	diags = append(diags, outDiags...)
	if diags.HasErrors() {
		return out.fail(diags)
	}
	outs := make([]view.Output, 0, len(vals))
	for _, v := range vals {
		outs = append(outs, view.Output{Name: v.Name, Value: v.Value, Sensitive: v.Sensitive})
	}
	sort.Slice(outs, func(i, j int) bool { return outs[i].Name < outs[j].Name })

	if f.name == "" {
		if f.json {
			if err := view.WriteOutputsJSON(c.stdout, outs, f.showSensitive); err != nil {
				fmt.Fprintf(c.stderr, "updplan: writing the outputs: %s\n", err)
				return 1
			}
			return 0
		}
		if len(outs) == 0 {
			out.show(hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "No outputs found",
				Detail: "The state records no output values. Declare output blocks and run \"updplan apply\" to record them."}})
			return 0
		}
		if f.showSensitive {
			for i := range outs {
				outs[i].Sensitive = false
			}
		}
		c.human(cfg.Files).Outputs(outs)
		return 0
	}

	var o *view.Output
	var names []string
	for i := range outs {
		names = append(names, outs[i].Name)
		if outs[i].Name == f.name {
			o = &outs[i]
		}
	}
	if o == nil {
		detail := fmt.Sprintf("The state records no output called %q.", f.name)
		if s := suggest(f.name, names); s != "" {
			detail += fmt.Sprintf(" Did you mean %q?", s)
		} else {
			detail += " Run \"updplan output\" to list the outputs, or apply a configuration that declares it."
		}
		return out.fail(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Output not found", Detail: detail}})
	}
	hidden := o.Sensitive && !f.showSensitive
	switch {
	case f.json:
		v := o.Value
		if hidden {
			v = cty.NullVal(v.Type())
		}
		b, err := ctyjson.Marshal(v, v.Type())
		if err != nil {
			fmt.Fprintf(c.stderr, "updplan: writing the output: %s\n", err)
			return 1
		}
		fmt.Fprintf(c.stdout, "%s\n", b)
	case f.raw:
		if hidden {
			return out.fail(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Sensitive output",
				Detail: fmt.Sprintf("The output %q is sensitive, so -raw does not print it. Add -show-sensitive to print it in clear.", f.name)}})
		}
		s, ok := rawString(o.Value)
		if !ok {
			return out.fail(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unsupported value for raw output",
				Detail: fmt.Sprintf("The output %q is a %s; -raw prints only strings, numbers and bools. Use -json instead.", f.name, o.Value.Type().FriendlyName())}})
		}
		fmt.Fprint(c.stdout, s)
	case hidden:
		fmt.Fprintln(c.stdout, "<sensitive>")
	default:
		fmt.Fprintf(c.stdout, "%s\n", hclwrite.TokensForValue(o.Value).Bytes())
	}
	return 0
}

// rawString is a primitive value as plain text.
func rawString(v cty.Value) (string, bool) {
	if v.IsNull() || !v.IsKnown() {
		return "", false
	}
	switch v.Type() {
	case cty.String:
		return v.AsString(), true
	case cty.Number:
		return v.AsBigFloat().Text('f', -1), true
	case cty.Bool:
		if v.True() {
			return "true", true
		}
		return "false", true
	}
	return "", false
}
