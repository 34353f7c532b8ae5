package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/hcl/v2"

	"github.com/updplan/updplan/engine/encryption"
	"github.com/updplan/updplan/engine/state"
)

func runStatePull(ctx context.Context, c *cli, args []string) int {
	h := c.human(nil)
	var showSensitive bool
	fs := newFlagSet("state pull")
	fs.BoolVar(&showSensitive, "show-sensitive", false, "")
	if err := fs.Parse(args); err != nil {
		h.Diagnostics(hcl.Diagnostics{flagError("state", err)})
		return 1
	}
	if fs.NArg() > 0 {
		h.Diagnostics(hcl.Diagnostics{unexpectedArgs("state pull", fs.Args())})
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
	if st == nil {
		h.Diagnostics(diags)
		return 0
	}
	// The stored state holds sensitive values in clear: printing them takes
	// an explicit -show-sensitive.
	if hasSensitive(st) && !showSensitive {
		h.Diagnostics(append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "State holds sensitive values",
			Detail:   "The state records sensitive values, which \"updplan state pull\" would print in clear. Add -show-sensitive and redirect the output to a protected file, e.g. \"updplan state pull -show-sensitive > backup.state\", or use \"updplan show -json\", which redacts them.",
		}))
		return 1
	}
	b, err := state.Encode(st)
	if err != nil {
		h.Diagnostics(append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "State not encoded",
			Detail: fmt.Sprintf("Cannot encode the state: %s. This is a bug in updplan; please report it.", err)}))
		return 1
	}
	h.Diagnostics(diags)
	c.stdout.Write(b)
	return 0
}

// hasSensitive reports whether st records any sensitive value.
func hasSensitive(st *state.State) bool {
	for _, o := range st.Outputs {
		if o.Sensitive {
			return true
		}
	}
	for _, r := range st.Resources {
		if len(r.SensitivePaths) > 0 {
			return true
		}
	}
	return false
}

type pushFlags struct {
	editFlags
	file string
}

func runStatePush(ctx context.Context, c *cli, args []string) int {
	h := c.human(nil)
	var f pushFlags
	fs := newFlagSet("state push")
	f.register(fs, false)
	fs.BoolVar(&f.force, "force", false, "")
	if err := fs.Parse(args); err != nil {
		h.Diagnostics(hcl.Diagnostics{flagError("state", err)})
		return 1
	}
	if fs.NArg() != 1 {
		h.Diagnostics(hcl.Diagnostics{usageError("state", "state push takes one argument, the state file to push (\"-\" for standard input).")})
		return 1
	}
	f.file = fs.Arg(0)
	var raw []byte
	var err error
	if f.file == "-" {
		raw, err = io.ReadAll(c.stdin)
	} else {
		raw, err = os.ReadFile(c.path(f.file))
	}
	if err != nil {
		h.Diagnostics(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Unreadable state file",
			Detail: fmt.Sprintf("Cannot read %q: %s. Give the path of a state file written by \"updplan state pull\".", f.file, pathErr(err))}})
		return 1
	}
	cfg, ok := c.stateConfig(h)
	if !ok {
		return 1
	}
	if encryption.IsEncrypted(raw) {
		// An encrypted state file (a backup to restore): decrypted with
		// the encryption block's state target; the backend encrypts what
		// it writes again.
		enc, diags := c.eng.Encryption(cfg)
		if diags.HasErrors() {
			h.Diagnostics(diags)
			return 1
		}
		var target *encryption.Target
		if enc != nil {
			target = enc.State
		}
		if raw, err = target.Open("state", raw); err != nil {
			h.Diagnostics(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid state file",
				Detail: fmt.Sprintf("%q cannot be read: %s.", f.file, err)}})
			return 1
		}
	}
	incoming, err := state.Decode(raw, c.eng.StateTypes())
	if err != nil {
		h.Diagnostics(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid state file",
			Detail: fmt.Sprintf("%q is not a valid state file: %s. Give a file written by \"updplan state pull\".", f.file, err)}})
		return 1
	}

	var b state.Backend
	var release func() hcl.Diagnostics
	var diags hcl.Diagnostics
	if f.lock {
		b, release, diags = c.lockedState(ctx, cfg, "state push", f.lockTimeout)
	} else {
		b, diags = c.eng.Backend(cfg)
		if !diags.HasErrors() {
			release = func() hcl.Diagnostics { b.Close(); return nil }
		}
	}
	if diags.HasErrors() {
		h.Diagnostics(diags)
		return 1
	}
	diags = append(diags, pushState(ctx, c, b, incoming, f.force)...)
	diags = append(diags, release()...)
	h.Diagnostics(diags)
	if diags.HasErrors() {
		return 1
	}
	fmt.Fprintf(c.stdout, "Pushed %q to %s (serial %d).\n", f.file, b.Describe(), incoming.Serial)
	return 0
}

// pushState replaces the stored state with incoming, refusing another
// lineage or an older serial unless force.
func pushState(ctx context.Context, c *cli, b state.Backend, incoming *state.State, force bool) hcl.Diagnostics {
	current, err := b.Read(ctx, c.eng.StateTypes())
	if err != nil {
		return hcl.Diagnostics{stateReadError(b, err)}
	}
	if current != nil {
		if diag := pushConflict(current, incoming); diag != nil && !force {
			return hcl.Diagnostics{diag}
		}
		// Whoever read the stored state must see that it changed.
		incoming.Serial = max(incoming.Serial, current.Serial+1)
	}
	if err := b.Write(ctx, incoming); err != nil {
		return hcl.Diagnostics{stateWriteError(b, err)}
	}
	return nil
}

// pushConflict says why incoming must not replace current without -force,
// or returns nil.
func pushConflict(current, incoming *state.State) *hcl.Diagnostic {
	switch {
	case current.Lineage != incoming.Lineage:
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Different state lineage",
			Detail: fmt.Sprintf("The file is another state (lineage %s) than the stored one (lineage %s): pushing it would replace a state, not update it. Check that you push the right file; add -force to replace the stored state anyway.",
				incoming.Lineage, current.Lineage),
		}
	case incoming.Serial < current.Serial:
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Older state serial",
			Detail: fmt.Sprintf("The file has serial %d, older than the stored state's serial %d: pushing it would undo later changes. Pull the current state with \"updplan state pull\" and edit that; add -force to push the older file anyway.",
				incoming.Serial, current.Serial),
		}
	}
	return nil
}
