package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

func testLoader() *Loader { return &Loader{Schemas: schema.Providers()} }

func TestLoadValid(t *testing.T) {
	cfg, diags := testLoader().LoadDir("testdata/valid")
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics:\n%s", diagsText(diags))
	}

	// Every resource type of every built-in provider is exercised.
	used := map[string]bool{}
	for a := range cfg.Resources {
		used[a.Type] = true
	}
	for _, p := range schema.Providers() {
		for _, rt := range p.ResourceTypes {
			if !used[rt.Name] {
				t.Errorf("testdata/valid has no %s resource", rt.Name)
			}
		}
	}

	if cfg.Settings == nil || cfg.Settings.RequiredVersion != ">= 0.1, < 2.0" || cfg.Settings.Backend == nil || cfg.Settings.Backend.Type != "local" {
		t.Errorf("settings = %+v", cfg.Settings)
	}
	if got := len(cfg.Files); got != 4 {
		t.Errorf("%d files, want 4", got)
	}
	dps := cfg.Variables["distribution_points"]
	want := cty.MapVal(map[string]cty.Value{
		"dp1": cty.ObjectVal(map[string]cty.Value{"server": cty.StringVal("DP01"), "content_path": cty.StringVal("smb://DP01/SMSPKGD$/catalog")}),
		"dp2": cty.ObjectVal(map[string]cty.Value{"server": cty.StringVal("DP02"), "content_path": cty.NullVal(cty.String)}),
	})
	if !dps.Default.RawEquals(want) {
		t.Errorf("distribution_points default = %#v, want %#v", dps.Default, want)
	}
	if v := cfg.Variables["db_password"]; !v.Sensitive || !v.Nullable || !v.Default.IsNull() {
		t.Errorf("db_password = %+v", v)
	}
	if v := cfg.Variables["site_code"]; len(v.Validations) != 1 || v.Type != cty.String || v.Description == "" {
		t.Errorf("site_code = %+v", v)
	}
	if len(cfg.Locals) != 4 || len(cfg.Outputs) != 2 || len(cfg.Providers) != 3 {
		t.Errorf("locals %d, outputs %d, providers %d", len(cfg.Locals), len(cfg.Outputs), len(cfg.Providers))
	}
	if o := cfg.Outputs["catalog_sha256"]; len(o.DependsOn) != 1 {
		t.Errorf("catalog_sha256 depends_on = %v", o.DependsOn)
	}

	site := cfg.Resources[addr.Resource{Type: "site", Name: "lab"}]
	if !site.Lifecycle.PreventDestroy {
		t.Error("site.lab: prevent_destroy not read")
	}
	if dp := cfg.Resources[addr.Resource{Type: "distribution_point", Name: "dp"}]; dp.ForEach == nil || dp.Count != nil {
		t.Error("distribution_point.dp: for_each not read")
	}
	pkgsrc := cfg.Resources[addr.Resource{Type: "share", Name: "pkgsrc"}]
	if len(pkgsrc.Lifecycle.IgnoreChanges) != 1 || pkgsrc.Lifecycle.IgnoreChanges[0][0].(hcl.TraverseAttr).Name != "description" {
		t.Errorf("share.pkgsrc ignore_changes = %v", pkgsrc.Lifecycle.IgnoreChanges)
	}
	// The meta-arguments are gone from the body the engine decodes.
	if attrs, _ := pkgsrc.Config.JustAttributes(); attrs["lifecycle"] != nil {
		t.Error("share.pkgsrc: lifecycle left in Config")
	}
	if sh := cfg.Resources[addr.Resource{Type: "sync_host", Name: "lab"}]; len(sh.Preconditions) != 1 {
		t.Error("sync_host.lab: precondition not read")
	}
	if c := cfg.Resources[addr.Resource{Type: "catalog", Name: "wsusscn2"}]; len(c.Postconditions) != 1 {
		t.Error("catalog.wsusscn2: postcondition not read")
	}
	if p := cfg.Resources[addr.Resource{Type: "program", Name: "sync"}]; len(p.DependsOn) != 1 {
		t.Errorf("program.sync depends_on = %v", p.DependsOn)
	}
	dep := cfg.Resources[addr.Resource{Type: "deployment", Name: "december"}]
	if dep.Count == nil || len(dep.Lifecycle.IgnoreChanges) != 2 || len(dep.Lifecycle.IgnoreChanges[1]) != 2 {
		t.Errorf("deployment.december (JSON): count %v, ignore_changes %v", dep.Count, dep.Lifecycle.IgnoreChanges)
	}
	if len(cfg.Imports) != 1 || cfg.Imports[0].To.String() != "share.pkgsrc" {
		t.Errorf("imports = %v", cfg.Imports)
	}
	if len(cfg.Moved) != 1 || cfg.Moved[0].From.String() != "package.inventory_tool" || cfg.Moved[0].To.String() != "package.itmu" {
		t.Errorf("moved = %v", cfg.Moved)
	}
	if len(cfg.Digest) != 64 {
		t.Errorf("digest %q", cfg.Digest)
	}
}

func TestDigest(t *testing.T) {
	l := testLoader()
	a := map[string][]byte{"a.upd.hcl": []byte("locals {\n  x = 1\n}\n"), "b.upd.hcl": []byte("")}
	tests := map[string]struct {
		files map[string][]byte
		same  bool
	}{
		"same files":       {files: map[string][]byte{"a.upd.hcl": []byte("locals {\n  x = 1\n}\n"), "b.upd.hcl": []byte("")}, same: true},
		"changed content":  {files: map[string][]byte{"a.upd.hcl": []byte("locals {\n  x = 2\n}\n"), "b.upd.hcl": []byte("")}},
		"renamed file":     {files: map[string][]byte{"c.upd.hcl": []byte("locals {\n  x = 1\n}\n"), "b.upd.hcl": []byte("")}},
		"bytes moved over": {files: map[string][]byte{"a.upd.hcl": []byte("locals {\n  x = 1\n"), "b.upd.hcl": []byte("}\n")}},
	}
	base, _ := l.LoadSources(".", a)
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, _ := l.LoadSources(".", tc.files)
			if (cfg.Digest == base.Digest) != tc.same {
				t.Errorf("digest %s vs %s, want same=%v", cfg.Digest, base.Digest, tc.same)
			}
		})
	}
}

func TestLoadDirErrors(t *testing.T) {
	empty := t.TempDir()
	if err := os.WriteFile(filepath.Join(empty, "main.tf"), []byte(""), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(empty, "sub.upd.hcl"), 0o700); err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		dir, summary, detail string
	}{
		"no configuration files": {dir: empty, summary: "No configuration files", detail: "*.upd.hcl or *.upd.json"},
		"missing directory":      {dir: filepath.Join(empty, "nope"), summary: "Cannot read configuration directory", detail: "no such file or directory"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, diags := testLoader().LoadDir(tc.dir)
			if cfg == nil || cfg.Files == nil {
				t.Fatal("nil Config or Files")
			}
			if len(diags) != 1 || diags[0].Summary != tc.summary || !strings.Contains(diags[0].Detail, tc.detail) {
				t.Fatalf("diags = %s", diagsText(diags))
			}
			if !strings.Contains(diags[0].Detail, tc.dir) {
				t.Errorf("detail %q does not name the directory", diags[0].Detail)
			}
		})
	}
}

// Files with syntax errors still appear in Files (for snippets), and the
// other files are still decoded.
func TestLoadKeepsFilesOnErrors(t *testing.T) {
	cfg, diags := testLoader().LoadSources(".", map[string][]byte{
		"a.upd.hcl":  []byte("site \"x\" {\n"),
		"b.upd.json": []byte("{\"locals\": {\"x\": 1}"),
		"c.upd.hcl":  []byte("locals {\n  y = 2\n}\n"),
	})
	if !diags.HasErrors() {
		t.Fatal("no errors")
	}
	for _, n := range []string{"a.upd.hcl", "b.upd.json", "c.upd.hcl"} {
		if cfg.Files[n] == nil || len(cfg.Files[n].Bytes) == 0 {
			t.Errorf("Files[%s] missing", n)
		}
	}
	if cfg.Locals["y"] == nil {
		t.Error("c.upd.hcl was not decoded")
	}
}

// Each file of testdata/invalid marks the lines that must fail with
// `# ERROR: <summary>`; the error diagnostics of the file loaded alone must
// match the markers exactly.
func TestInvalid(t *testing.T) {
	paths, err := filepath.Glob("testdata/invalid/*.upd.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 30 {
		t.Fatalf("only %d invalid files, want at least 30", len(paths))
	}
	for _, path := range paths {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, SuffixHCL), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for i, line := range strings.Split(string(src), "\n") {
				for _, m := range strings.Split(line, "# ERROR:")[1:] {
					want = append(want, lineSummary(i+1, strings.TrimSpace(m)))
				}
			}
			if len(want) == 0 {
				t.Fatal("no # ERROR: marker")
			}
			cfg, diags := testLoader().LoadSources(".", map[string][]byte{name: src})
			if cfg == nil {
				t.Fatal("nil Config")
			}
			var got []string
			for _, d := range diags {
				if d.Severity != hcl.DiagError {
					continue
				}
				line := 0
				if d.Subject != nil {
					line = d.Subject.Start.Line
					if d.Subject.Filename != name {
						t.Errorf("%q: subject in file %q", d.Summary, d.Subject.Filename)
					}
				}
				if d.Detail == "" {
					t.Errorf("line %d %q: empty detail", line, d.Summary)
				}
				got = append(got, lineSummary(line, d.Summary))
			}
			sort.Strings(want)
			sort.Strings(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("errors differ from the markers (-want +got):\n%s\nall diagnostics:\n%s", diff, diagsText(diags))
			}
		})
	}
}

func lineSummary(line int, summary string) string {
	return fmt.Sprintf("%03d: %s", line, summary)
}

func diagsText(diags hcl.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		sev := "error"
		if d.Severity == hcl.DiagWarning {
			sev = "warning"
		}
		where := "-"
		if d.Subject != nil {
			where = d.Subject.String()
		}
		b.WriteString(sev + " " + where + ": " + d.Summary + ": " + d.Detail + "\n")
	}
	return b.String()
}
