package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/plan"
)

// newFlagSet returns a flag set that reports errors to the caller only (the
// command renders them as diagnostics, in the view it picked).
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// varArgs collects -var and -var-file in command-line order (later ones
// win, as in Terraform).
type varArgs struct {
	list *[]config.VarArg
	file bool
	c    *cli
}

func (v varArgs) String() string { return "" }

func (v varArgs) Set(s string) error {
	if v.file {
		if s == "" {
			return fmt.Errorf("a file name is required")
		}
		*v.list = append(*v.list, config.VarArg{File: v.c.path(s)})
		return nil
	}
	name, _, ok := strings.Cut(s, "=")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("it must be NAME=VALUE, e.g. -var 'site_code=LAB'")
	}
	*v.list = append(*v.list, config.VarArg{Value: s})
	return nil
}

// addrList collects repeated -target or -replace addresses.
type addrList struct{ list *[]addr.Instance }

func (a addrList) String() string { return "" }

func (a addrList) Set(s string) error {
	inst, diags := addr.ParseInstance(s)
	if diags.HasErrors() {
		return fmt.Errorf("%s", diags[0].Detail)
	}
	*a.list = append(*a.list, inst)
	return nil
}

// planFlags are the flags plan, apply and destroy share.
type planFlags struct {
	json             bool
	out              string
	detailedExitcode bool
	refreshOnly      bool
	refresh          bool
	destroy          bool
	targets          []addr.Instance
	replace          []addr.Instance
	vars             []config.VarArg
	parallelism      int
	lock             bool
	lockTimeout      time.Duration
	input            bool
	autoApprove      bool
	// compliance shows the compliance figures of deployments in the
	// human output (-compliance=false leaves them out).
	compliance bool
}

// register adds the flags common to plan, apply and destroy.
func (f *planFlags) register(fs *flag.FlagSet, c *cli) {
	fs.BoolVar(&f.json, "json", false, "")
	fs.BoolVar(&f.refreshOnly, "refresh-only", false, "")
	fs.BoolVar(&f.refresh, "refresh", true, "")
	fs.BoolVar(&f.destroy, "destroy", false, "")
	fs.Var(addrList{&f.targets}, "target", "")
	fs.Var(addrList{&f.replace}, "replace", "")
	fs.Var(varArgs{list: &f.vars, c: c}, "var", "")
	fs.Var(varArgs{list: &f.vars, file: true, c: c}, "var-file", "")
	fs.IntVar(&f.parallelism, "parallelism", 10, "")
	fs.BoolVar(&f.lock, "lock", true, "")
	fs.DurationVar(&f.lockTimeout, "lock-timeout", 0, "")
	fs.BoolVar(&f.input, "input", true, "")
	fs.BoolVar(&f.compliance, "compliance", true, "")
}

// check reports flag combinations that make no sense.
func (f *planFlags) check(cmd string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	bad := func(detail string) {
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Incompatible command-line options", Detail: detail})
	}
	if f.refreshOnly && f.destroy {
		bad(fmt.Sprintf("-refresh-only and -destroy cannot be used together: a refresh-only plan never destroys. Run %q with one of them.", "updplan "+cmd))
	}
	if f.refreshOnly && !f.refresh {
		bad("-refresh-only and -refresh=false cannot be used together: a refresh-only plan is a refresh. Drop one of them.")
	}
	if f.refreshOnly && len(f.replace) > 0 {
		bad("-replace cannot be used with -refresh-only, which never changes objects. Drop one of them.")
	}
	if f.parallelism < 1 {
		bad(fmt.Sprintf("-parallelism must be 1 or more, not %d. Give e.g. -parallelism=10.", f.parallelism))
	}
	if f.lockTimeout < 0 {
		bad("-lock-timeout must not be negative. Give e.g. -lock-timeout=30s.")
	}
	return diags
}

// targetWarning is Terraform's warning that -target is not for routine
// use, or nil without -target.
func (f *planFlags) targetWarning() hcl.Diagnostics {
	if len(f.targets) == 0 {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagWarning,
		Summary:  "Resource targeting is in effect",
		Detail:   "The plan covers only the objects given with -target and what they depend on, so it may not show every change the configuration calls for. -target is for exceptional situations such as recovering from a mistake; do not use it routinely. Run a plan without -target afterwards to see the rest.",
	}}
}

func (f *planFlags) mode() plan.Mode {
	switch {
	case f.destroy:
		return plan.DestroyMode
	case f.refreshOnly:
		return plan.RefreshOnlyMode
	}
	return plan.NormalMode
}

// noArgs is the diagnostic for positional arguments a command does not
// take.
func unexpectedArgs(cmd string, args []string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Unexpected argument",
		Detail:   fmt.Sprintf("%q takes no argument here, but %q was given. Options go before arguments; run %q to see the usage.", "updplan "+cmd, strings.Join(args, " "), "updplan "+cmd+" -help"),
	}
}

func usageError(cmd, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Wrong number of arguments",
		Detail:   fmt.Sprintf("%s Run %q to see the usage.", detail, "updplan "+cmd+" -help"),
	}
}
