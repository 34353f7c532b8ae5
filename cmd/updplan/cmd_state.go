package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/updplan/updplan/cmd/updplan/internal/view"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/state"
)

const helpState = `Usage: updplan [global options] state <subcommand> [options] [args]

  Inspects and edits the state directly. Editing subcommands take the
  state lock and write through the backend, which keeps the previous state
  as a backup.

Subcommands:
  list [ADDR...]          List the objects in the state (those matching
                          ADDR, e.g. site.main or collection.c).
  show ADDR               Show one object with its attributes.
  rm [-dry-run] ADDR...   Forget objects: updplan no longer manages them
                          (they are not destroyed).
  mv [-dry-run] SRC DST   Record an object, or every instance of a
                          resource, under a new address.
  pull [-show-sensitive]  Print the state as stored (refused when it holds
                          sensitive values, unless -show-sensitive).
  push [-force] FILE      Replace the state with FILE ("-": standard input);
                          refused for another lineage or an older serial
                          unless -force.

Options of rm, mv and push:
  -lock=false             Do not take the state lock.
  -lock-timeout=D         Wait up to D for the state lock (default 0s).
`

// stateSubcommand is one entry of the state subcommand table.
type stateSubcommand struct {
	name string
	run  func(ctx context.Context, c *cli, args []string) int
}

func stateSubcommands() []stateSubcommand {
	return []stateSubcommand{
		{"list", runStateList},
		{"show", runStateShow},
		{"rm", runStateRm},
		{"mv", runStateMv},
		{"pull", runStatePull},
		{"push", runStatePush},
	}
}

func runState(ctx context.Context, c *cli, args []string) int {
	h := c.human(nil)
	if len(args) == 0 {
		fmt.Fprint(c.stderr, helpState)
		return 1
	}
	var names []string
	for _, sub := range stateSubcommands() {
		names = append(names, sub.name)
		if sub.name != args[0] {
			continue
		}
		return sub.run(ctx, c, args[1:])
	}
	detail := fmt.Sprintf("%q is not a state subcommand.", args[0])
	if s := suggest(args[0], names); s != "" {
		detail += fmt.Sprintf(" Did you mean %q?", s)
	} else {
		detail += " The subcommands are " + strings.Join(names, ", ") + "."
	}
	h.Diagnostics(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unknown command", Detail: detail}})
	return 1
}

// stateConfig loads the configuration, which names the backend; errors
// are rendered with h, which gets the files for later diagnostics.
func (c *cli) stateConfig(h *view.Human) (*config.Config, bool) {
	cfg, diags := c.eng.Load(c.dir)
	h.Files = cfg.Files
	if diags.HasErrors() {
		h.Diagnostics(diags)
		return nil, false
	}
	return cfg, true
}

// parseAddrs parses command-line addresses.
func parseAddrs(args []string) ([]addr.Instance, hcl.Diagnostics) {
	var out []addr.Instance
	var diags hcl.Diagnostics
	for _, a := range args {
		inst, d := addr.ParseInstance(a)
		diags = append(diags, d...)
		out = append(out, inst)
	}
	return out, diags
}

// matches reports whether the object at inst is what pattern names: the
// same instance, or any instance of the resource when pattern has no key.
func matches(pattern, inst addr.Instance) bool {
	if pattern == inst {
		return true
	}
	return pattern.Key == addr.NoKey && pattern.Resource == inst.Resource
}

func runStateList(ctx context.Context, c *cli, args []string) int {
	h := c.human(nil)
	fs := newFlagSet("state list")
	if err := fs.Parse(args); err != nil {
		h.Diagnostics(hcl.Diagnostics{flagError("state", err)})
		return 1
	}
	patterns, diags := parseAddrs(fs.Args())
	if diags.HasErrors() {
		h.Diagnostics(diags)
		return 1
	}
	cfg, ok := c.stateConfig(h)
	if !ok {
		return 1
	}
	st, diags := c.readState(ctx, cfg)
	h.Diagnostics(diags)
	if diags.HasErrors() {
		return 1
	}
	for _, a := range st.Addrs() {
		if len(patterns) == 0 || matchesAny(patterns, a) {
			fmt.Fprintln(c.stdout, a)
		}
	}
	return 0
}

func matchesAny(patterns []addr.Instance, a addr.Instance) bool {
	for _, p := range patterns {
		if matches(p, a) {
			return true
		}
	}
	return false
}

func runStateShow(ctx context.Context, c *cli, args []string) int {
	h := c.human(nil)
	fs := newFlagSet("state show")
	if err := fs.Parse(args); err != nil {
		h.Diagnostics(hcl.Diagnostics{flagError("state", err)})
		return 1
	}
	if fs.NArg() != 1 {
		h.Diagnostics(hcl.Diagnostics{usageError("state", "state show takes one argument, the address of an object.")})
		return 1
	}
	target, diags := addr.ParseInstance(fs.Arg(0))
	if diags.HasErrors() {
		h.Diagnostics(diags)
		return 1
	}
	cfg, ok := c.stateConfig(h)
	if !ok {
		return 1
	}
	st, diags := c.readState(ctx, cfg)
	if diags.HasErrors() {
		h.Diagnostics(diags)
		return 1
	}
	r := st.Get(target)
	if r == nil {
		h.Diagnostics(hcl.Diagnostics{noObject(st, target)})
		return 1
	}
	h.StateResource(r, c.schemas())
	return 0
}

// noObject says there is no object at a, suggesting the closest address.
func noObject(st *state.State, a addr.Instance) *hcl.Diagnostic {
	var names []string
	for _, x := range st.Addrs() {
		names = append(names, x.String())
	}
	detail := fmt.Sprintf("The state has no object at %s.", a)
	if s := suggest(a.String(), names); s != "" {
		detail += fmt.Sprintf(" Did you mean %s?", s)
	} else {
		detail += " Run \"updplan state list\" to see the addresses."
	}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "No such object in the state", Detail: detail}
}

// editFlags are the flags of the state commands that write.
type editFlags struct {
	dryRun      bool
	lock        bool
	lockTimeout time.Duration
	force       bool
}

func (f *editFlags) register(fs *flag.FlagSet, dryRun bool) {
	if dryRun {
		fs.BoolVar(&f.dryRun, "dry-run", false, "")
	}
	fs.BoolVar(&f.lock, "lock", true, "")
	fs.DurationVar(&f.lockTimeout, "lock-timeout", 0, "")
}

// editState reads the state under the lock (unless -lock=false), lets edit
// change it, and writes it with the next serial unless dryRun.
func (c *cli) editState(ctx context.Context, cfg *config.Config, op string, f editFlags, edit func(st *state.State) hcl.Diagnostics) (diags hcl.Diagnostics) {
	var b state.Backend
	var release func() hcl.Diagnostics
	if f.lock {
		b, release, diags = c.lockedState(ctx, cfg, op, f.lockTimeout)
	} else {
		b, diags = c.eng.Backend(cfg)
		if !diags.HasErrors() {
			release = func() hcl.Diagnostics { b.Close(); return nil }
		}
	}
	if diags.HasErrors() {
		return diags
	}
	defer func() { diags = append(diags, release()...) }()
	st, err := b.Read(ctx, c.eng.StateTypes())
	if err != nil {
		return append(diags, stateReadError(b, err))
	}
	if st == nil {
		return append(diags, noStateDiag(b))
	}
	if d := edit(st); d.HasErrors() || f.dryRun {
		return append(diags, d...)
	}
	st.Serial++
	if err := b.Write(ctx, st); err != nil {
		diags = append(diags, stateWriteError(b, err))
	}
	return diags
}

func runStateRm(ctx context.Context, c *cli, args []string) int {
	h := c.human(nil)
	var f editFlags
	fs := newFlagSet("state rm")
	f.register(fs, true)
	if err := fs.Parse(args); err != nil {
		h.Diagnostics(hcl.Diagnostics{flagError("state", err)})
		return 1
	}
	if fs.NArg() == 0 {
		h.Diagnostics(hcl.Diagnostics{usageError("state", "state rm takes at least one address.")})
		return 1
	}
	patterns, diags := parseAddrs(fs.Args())
	if diags.HasErrors() {
		h.Diagnostics(diags)
		return 1
	}
	cfg, ok := c.stateConfig(h)
	if !ok {
		return 1
	}
	var removed []addr.Instance
	diags = c.editState(ctx, cfg, "state rm", f, func(st *state.State) hcl.Diagnostics {
		var diags hcl.Diagnostics
		for _, p := range patterns {
			found := false
			for _, a := range st.Addrs() {
				if matches(p, a) {
					found = true
					removed = append(removed, a)
				}
			}
			if !found {
				diags = append(diags, noObject(st, p))
			}
		}
		if diags.HasErrors() {
			removed = nil
			return diags
		}
		for _, a := range removed {
			st.Remove(a)
		}
		return nil
	})
	h.Diagnostics(diags)
	if diags.HasErrors() {
		return 1
	}
	verb := "Removed"
	if f.dryRun {
		verb = "Would remove"
	}
	for _, a := range removed {
		fmt.Fprintf(c.stdout, "%s %s\n", verb, a)
	}
	if !f.dryRun {
		fmt.Fprintf(c.stdout, "Successfully removed %d object(s) from the state. The objects still exist; updplan no longer manages them.\n", len(removed))
	}
	return 0
}

func runStateMv(ctx context.Context, c *cli, args []string) int {
	h := c.human(nil)
	var f editFlags
	fs := newFlagSet("state mv")
	f.register(fs, true)
	if err := fs.Parse(args); err != nil {
		h.Diagnostics(hcl.Diagnostics{flagError("state", err)})
		return 1
	}
	if fs.NArg() != 2 {
		h.Diagnostics(hcl.Diagnostics{usageError("state", "state mv takes two addresses, the source and the destination.")})
		return 1
	}
	addrs, diags := parseAddrs(fs.Args())
	if diags.HasErrors() {
		h.Diagnostics(diags)
		return 1
	}
	src, dst := addrs[0], addrs[1]
	cfg, ok := c.stateConfig(h)
	if !ok {
		return 1
	}
	var moves [][2]addr.Instance
	diags = c.editState(ctx, cfg, "state mv", f, func(st *state.State) hcl.Diagnostics {
		var err *hcl.Diagnostic
		moves, err = planMoves(st, src, dst)
		if err != nil {
			return hcl.Diagnostics{err}
		}
		for _, m := range moves {
			r := *st.Get(m[0])
			r.Addr = m[1]
			st.Remove(m[0])
			st.Set(&r)
		}
		return nil
	})
	h.Diagnostics(diags)
	if diags.HasErrors() {
		return 1
	}
	verb := "Moved"
	if f.dryRun {
		verb = "Would move"
	}
	for _, m := range moves {
		fmt.Fprintf(c.stdout, "%s %s to %s\n", verb, m[0], m[1])
	}
	if !f.dryRun {
		fmt.Fprintf(c.stdout, "Successfully moved %d object(s).\n", len(moves))
	}
	return 0
}

// planMoves works out which objects state mv moves where: one instance, or
// every instance of a resource (src and dst without keys).
func planMoves(st *state.State, src, dst addr.Instance) ([][2]addr.Instance, *hcl.Diagnostic) {
	bad := func(summary, detail string) ([][2]addr.Instance, *hcl.Diagnostic) {
		return nil, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail}
	}
	if src.Resource.Type != dst.Resource.Type {
		return bad("Different resource types",
			fmt.Sprintf("Cannot move %s to %s: an object keeps its resource type. Give a destination of type %s.", src, dst, src.Resource.Type))
	}
	var moves [][2]addr.Instance
	if st.Get(src) != nil {
		moves = append(moves, [2]addr.Instance{src, dst})
	} else if src.Key == addr.NoKey {
		if dst.Key != addr.NoKey {
			return bad("Invalid move destination",
				fmt.Sprintf("%s names every instance of a resource, so the destination must be a resource too, not the instance %s. Drop the index from the destination.", src, dst))
		}
		for _, a := range st.Addrs() {
			if a.Resource == src.Resource {
				moves = append(moves, [2]addr.Instance{a, dst.Resource.Instance(a.Key)})
			}
		}
	}
	if len(moves) == 0 {
		return nil, noObject(st, src)
	}
	for _, m := range moves {
		if m[0] == m[1] {
			return bad("Move to the same address", fmt.Sprintf("%s is already at %s. Give another destination.", m[0], m[1]))
		}
		if st.Get(m[1]) != nil {
			return bad("Destination taken",
				fmt.Sprintf("Cannot move %s to %s: the state already has an object there. Remove it first with \"updplan state rm %s\", or choose another destination.", m[0], m[1], m[1]))
		}
	}
	return moves, nil
}
