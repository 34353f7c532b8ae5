package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSensitiveValuesNotInErrors: a sensitive variable's value never
// reaches an error message, whatever check or function trips on it; a
// validation error_message that interpolates it is not shown at all, as in
// Terraform.
func TestSensitiveValuesNotInErrors(t *testing.T) {
	const secret = "Hunter2-s3cret"
	vars := `
variable "s" {
  type      = string
  sensitive = true
  default   = "` + secret + `"
}
`
	site := `
site "lab" {
  code   = "LAB"
  name   = "Lab-Primary"
  server = "SCCM01"
}
`
	tests := map[string]struct{ src, want string }{
		"site code": {`
site "x" {
  code   = var.s
  name   = "X"
  server = "SCCM01"
}
`, "Error: "},
		"schedule": {site + `
hardware_inventory "hw" {
  site     = site.lab.code
  schedule = var.s
}
`, "Error: "},
		"share name": {`
share "p" {
  server = "SCCM01"
  name   = "bad/${var.s}"
  path   = "D:\\ITMU\\PkgSource"
}
`, "Error: "},
		"duplicate name": {site + `
collection "a" {
  site = site.lab.code
  name = var.s
}

collection "b" {
  site = site.lab.code
  name = var.s
}
`, "Duplicate collection name"},
		"tonumber": {site + `
collection "a" {
  site    = site.lab.code
  name    = "A"
  comment = tostring(tonumber(var.s))
}
`, "Error: "},
		"file": {site + `
collection "a" {
  site    = site.lab.code
  name    = "A"
  comment = file(var.s)
}
`, "Error: "},
		"validation message": {`
variable "v" {
  type      = string
  sensitive = true
  default   = "` + secret + `"
  validation {
    condition     = length(var.v) < 5
    error_message = "The value ${var.v} is too long."
  }
}
`, "The error message included a sensitive value, so it will not be displayed."},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(vars+tc.src), 0o644); err != nil {
				t.Fatal(err)
			}
			for _, cmd := range [][]string{{"validate"}, {"validate", "-json"}, {"plan"}, {"plan", "-json"}} {
				code, out, errOut := runDir(t, dir, cmd...)
				all := out + errOut
				if code != 1 {
					t.Errorf("%v: exit %d, want 1\n%s", cmd, code, all)
				}
				if strings.Contains(strings.ToLower(all), "s3cret") {
					t.Errorf("%v shows the sensitive value:\n%s", cmd, all)
				}
				if len(cmd) == 1 && !strings.Contains(all, tc.want) {
					t.Errorf("%v does not say %q:\n%s", cmd, tc.want, all)
				}
			}
		})
	}
}
