package view

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

const diagSource = `site "main" {
  code   = "LAB"
  name   = var.site_name
  server = "SRV01"
}

share "pkgsrc" {
  server = "SRV01"
  name   = "PackageSrc"
}
`

// diagFixture parses diagSource and returns three diagnostics pointing into
// it: an error on an attribute value with the variables it used (one of
// them sensitive), a warning, and one whose file is not available.
func diagFixture(t *testing.T) (hcl.Diagnostics, map[string]*hcl.File) {
	t.Helper()
	p := hclparse.NewParser()
	f, diags := p.ParseHCL([]byte(diagSource), "main.upd.hcl")
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	attrs, _ := f.Body.(*hclsyntax.Body).Blocks[0].Body.JustAttributes()
	nameExpr := attrs["name"].Expr
	evalCtx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"var": cty.ObjectVal(map[string]cty.Value{
			"site_name": cty.StringVal("lab site"),
			"password":  cty.StringVal("hunter2-secret").Mark("sensitive"),
		}),
	}}
	shareName := f.Body.(*hclsyntax.Body).Blocks[1].Body.Attributes["name"]
	return hcl.Diagnostics{
		{
			Severity:    hcl.DiagError,
			Summary:     "Invalid site name",
			Detail:      "A site name may hold only the letters A-Z and a-z, digits and hyphens. Remove the space from the name, for example \"lab-site\".",
			Subject:     nameExpr.Range().Ptr(),
			Expression:  nameExpr,
			EvalContext: evalCtx,
		},
		{
			Severity: hcl.DiagWarning,
			Summary:  "Share name taken by setup",
			Detail:   "Setup creates PackageSrc itself. Set on_name_taken = \"next_free\" so that a second run picks PackageSrc_1.",
			Subject:  shareName.Expr.Range().Ptr(),
			Context:  shareName.SrcRange.Ptr(),
		},
		{
			Severity: hcl.DiagError,
			Summary:  "Missing variables file",
			Detail:   "The file does not exist. Create it or remove the -var-file option.",
			Subject:  &hcl.Range{Filename: "prod.updvars", Start: hcl.Pos{Line: 4, Column: 1, Byte: 30}, End: hcl.Pos{Line: 4, Column: 5, Byte: 34}},
		},
		{Severity: hcl.DiagError, Summary: "No configuration files", Detail: "The directory holds no *.upd.hcl or *.upd.json file. Run updplan in the directory of your site definition, or pass -chdir."},
	}, p.Files()
}

func TestHumanDiagnostics(t *testing.T) {
	for name, h := range map[string]Human{
		"diagnostics":       {Width: 60},
		"diagnostics_color": {Color: true},
	} {
		t.Run(name, func(t *testing.T) {
			diags, files := diagFixture(t)
			var out bytes.Buffer
			h.Err, h.Files = &out, files
			h.Diagnostics(diags)
			checkGolden(t, name, out.Bytes())
		})
	}
}

// A sensitive (marked) value the expression used is never printed.
func TestHumanDiagnosticsHideMarkedValues(t *testing.T) {
	p := hclparse.NewParser()
	f, _ := p.ParseHCL([]byte("x = var.password\n"), "a.upd.hcl")
	attrs, _ := f.Body.JustAttributes()
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{
		"var": cty.ObjectVal(map[string]cty.Value{"password": cty.StringVal("hunter2-secret").Mark("sensitive")}),
	}}
	d := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Bad", Detail: "Bad.", Subject: attrs["x"].Expr.Range().Ptr(), Expression: attrs["x"].Expr, EvalContext: ctx}
	var out bytes.Buffer
	(&Human{Err: &out, Files: p.Files()}).Diagnostics(hcl.Diagnostics{d})
	var js bytes.Buffer
	if err := WriteValidateJSON(&js, hcl.Diagnostics{d}, p.Files()); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{out.String(), js.String()} {
		if strings.Contains(s, "hunter2") {
			t.Errorf("secret printed:\n%s", s)
		}
	}
}

func TestWriteValidateJSON(t *testing.T) {
	diags, files := diagFixture(t)
	var out bytes.Buffer
	if err := WriteValidateJSON(&out, diags, files); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "validate.json", out.Bytes())

	var doc struct {
		FormatVersion string `json:"format_version"`
		Valid         bool   `json:"valid"`
		ErrorCount    int    `json:"error_count"`
		WarningCount  int    `json:"warning_count"`
		Diagnostics   []struct {
			Severity string `json:"severity"`
			Summary  string `json:"summary"`
			Range    *struct {
				Filename string `json:"filename"`
				Start    struct{ Line, Column, Byte int }
			} `json:"range"`
			Snippet *struct {
				Context        *string `json:"context"`
				Code           string  `json:"code"`
				StartLine      int     `json:"start_line"`
				HighlightStart int     `json:"highlight_start_offset"`
				HighlightEnd   int     `json:"highlight_end_offset"`
				Values         []struct{ Traversal, Statement string }
			} `json:"snippet"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.FormatVersion != "1.0" || doc.Valid || doc.ErrorCount != 3 || doc.WarningCount != 1 || len(doc.Diagnostics) != 4 {
		t.Fatalf("header = %+v", doc)
	}
	d0 := doc.Diagnostics[0]
	if d0.Range == nil || d0.Range.Filename != "main.upd.hcl" || d0.Range.Start.Line != 3 || d0.Snippet == nil {
		t.Fatalf("first diagnostic = %+v", d0)
	}
	if got := d0.Snippet.Code[d0.Snippet.HighlightStart:d0.Snippet.HighlightEnd]; got != "var.site_name" {
		t.Errorf("highlighted %q, want the subject var.site_name", got)
	}
	if d0.Snippet.Context == nil || *d0.Snippet.Context != `site "main"` {
		t.Errorf("context = %v", d0.Snippet.Context)
	}
	wantValues := []struct{ Traversal, Statement string }{{"var.site_name", `is "lab site"`}}
	if diff := cmp.Diff(wantValues, d0.Snippet.Values); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	if d := doc.Diagnostics[2]; d.Range == nil || d.Snippet != nil {
		t.Errorf("diagnostic without source: range %v snippet %v, want a range and no snippet", d.Range, d.Snippet)
	}
	if d := doc.Diagnostics[3]; d.Range != nil {
		t.Errorf("diagnostic without subject has a range")
	}
}

func TestWriteValidateJSONValid(t *testing.T) {
	var out bytes.Buffer
	if err := WriteValidateJSON(&out, nil, nil); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"diagnostics\": [],\n  \"error_count\": 0,\n  \"format_version\": \"1.0\",\n  \"valid\": true,\n  \"warning_count\": 0\n}\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Error(diff)
	}
}

// Parse errors at the end of a file have empty ranges past the last byte;
// the snippet must still be cut within the code.
func TestDiagnosticJSONParseErrorAtEOF(t *testing.T) {
	for _, src := range []string{"site \"main\" {\n  code = \"LAB\"\n", "site \"main\" {", "x = \r\n", ""} {
		p := hclparse.NewParser()
		_, diags := p.ParseHCL([]byte(src), "main.upd.hcl")
		if len(diags) == 0 && src != "" {
			t.Fatalf("%q parsed without error", src)
		}
		for _, d := range diags {
			m := DiagnosticJSON(d, p.Files())
			if sn, ok := m["snippet"].(*diagSnippet); ok {
				if sn.HighlightStartOffset < 0 || sn.HighlightEndOffset > len(sn.Code) || sn.HighlightStartOffset > sn.HighlightEndOffset {
					t.Errorf("%q: offsets %d-%d outside code %q", src, sn.HighlightStartOffset, sn.HighlightEndOffset, sn.Code)
				}
			}
			var out bytes.Buffer
			(&Human{Err: &out, Files: p.Files()}).Diagnostics(hcl.Diagnostics{d})
			if !strings.HasPrefix(out.String(), "Error: ") {
				t.Errorf("%q: %q", src, out.String())
			}
		}
	}
}

// TestSnippetOfLongInvalidLine: a line over 64 KiB that starts with
// invalid UTF-8 is shown like any other (hcl.RangeScanner never advanced
// past it, and validate hung).
func TestSnippetOfLongInvalidLine(t *testing.T) {
	src := append([]byte{0xff}, bytes.Repeat([]byte("A"), 70000)...)
	src = append(src, "\nsecond line\n"...)
	files := map[string]*hcl.File{"main.upd.hcl": {Bytes: src}}
	for _, at := range []hcl.Pos{{Line: 1, Column: 1, Byte: 0}, {Line: 2, Column: 1, Byte: 70002}} {
		d := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid character encoding",
			Subject: &hcl.Range{Filename: "main.upd.hcl", Start: at, End: hcl.Pos{Line: at.Line, Column: 2, Byte: at.Byte + 1}}}
		var out bytes.Buffer
		h := &Human{Err: &out, Files: files}
		h.Diagnostics(hcl.Diagnostics{d})
		if want := fmt.Sprintf("%d: ", at.Line); !strings.Contains(out.String(), want) {
			t.Errorf("no snippet of line %d:\n%.300s", at.Line, out.String())
		}
	}
}
