package providers

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// AttributePath is carried in hcl.Diagnostic.Extra by diagnostics about one
// attribute of the object a request was about. The engine turns it into the
// attribute's source range.
type AttributePath struct {
	Path cty.Path
}

// AttrError returns an error diagnostic about the attribute at path.
func AttrError(path cty.Path, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Extra: AttributePath{Path: path}}
}

// AttrWarning returns a warning diagnostic about the attribute at path.
func AttrWarning(path cty.Path, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: summary, Detail: detail, Extra: AttributePath{Path: path}}
}

// Error returns an error diagnostic about the object as a whole.
func Error(summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail}
}

// Errorf returns an error diagnostic with a formatted detail.
func Errorf(summary, format string, args ...any) *hcl.Diagnostic {
	return Error(summary, fmt.Sprintf(format, args...))
}

// PathOf returns the attribute path a diagnostic carries, if any.
func PathOf(d *hcl.Diagnostic) (cty.Path, bool) {
	if ap, ok := d.Extra.(AttributePath); ok {
		return ap.Path, true
	}
	return nil, false
}
