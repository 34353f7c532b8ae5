package main

import (
	"io"

	"github.com/hashicorp/hcl/v2"

	"github.com/updplan/updplan/cmd/updplan/internal/view"
)

// diagOutput renders the diagnostics of a command whose -json output is a
// single document (version, output, show, drift, state ...): for people on
// stderr, or under -json as one JSON object on stdout:
// {"format_version":"1.0","error_count","warning_count","diagnostics":[...]}.
type diagOutput struct {
	c     *cli
	json  bool
	files map[string]*hcl.File
}

func (c *cli) diagOutput(asJSON bool, files map[string]*hcl.File) *diagOutput {
	return &diagOutput{c: c, json: asJSON, files: files}
}

// show renders diags (warnings too); it writes nothing when there are none.
func (o *diagOutput) show(diags hcl.Diagnostics) {
	if len(diags) == 0 {
		return
	}
	if o.json {
		writeDiagnosticsJSON(o.c.stdout, diags, o.files)
		return
	}
	o.c.human(o.files).Diagnostics(diags)
}

// fail renders diags and returns exit code 1.
func (o *diagOutput) fail(diags hcl.Diagnostics) int {
	o.show(diags)
	return 1
}

func writeDiagnosticsJSON(w io.Writer, diags hcl.Diagnostics, files map[string]*hcl.File) {
	// The same document as validate -json: valid, counts, diagnostics.
	_ = view.WriteValidateJSON(w, diags, files)
}
