package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

const varsConfig = `
variable "site_code" {
  type = string
}
variable "server" {
  type = string
}
variable "clients" {
  type = list(string)
}
variable "password" {
  type      = string
  sensitive = true
}
`

// varsDir writes a configuration and the given files into a new directory.
func varsDir(t *testing.T, files map[string]string) *Config {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg, diags := testLoader().LoadSources(dir, map[string][]byte{"main.upd.hcl": []byte(varsConfig)})
	if diags.HasErrors() {
		t.Fatal(diagsText(diags))
	}
	return cfg
}

func TestLoadVarValues(t *testing.T) {
	type want struct {
		values map[string]string // name -> value rendered as GoString
		diags  []string          // "error|warning: summary"
	}
	tests := map[string]struct {
		files map[string]string
		args  func(dir string) []VarArg
		env   []string
		want  want
	}{
		"precedence env < updvars < auto files < command line in order": {
			files: map[string]string{
				"updplan.updvars":         "site_code = \"UPD\"\nserver = \"UPD\"\nclients = [\"UPD\"]\n",
				"a.auto.updvars":          "server = \"AUTO-A\"\nclients = [\"AUTO-A\"]\n",
				"b.auto.updvars.json":     `{"clients": ["AUTO-B"]}`,
				"ci.updvars":              "clients = [\"FILE\"]\n",
				"not-auto.updvars":        "site_code = \"NOPE\"\n",
				"main.auto.updvars.extra": "site_code = \"NOPE\"\n",
			},
			env: []string{"UPDPLAN_VAR_site_code=ENV", "UPDPLAN_VAR_password=ENV", "PATH=/bin"},
			args: func(dir string) []VarArg {
				return []VarArg{{Value: "site_code=CLI"}, {File: filepath.Join(dir, "ci.updvars")}, {Value: "site_code=LAB"}}
			},
			want: want{values: map[string]string{
				"site_code": `cty.StringVal("LAB")`,
				"server":    `cty.StringVal("AUTO-A")`,
				"clients":   `cty.TupleVal([]cty.Value{cty.StringVal("FILE")})`,
				"password":  `cty.StringVal("ENV")`,
			}},
		},
		"only updplan.updvars and *.auto.updvars load automatically": {
			files: map[string]string{
				"not-auto.updvars":        "site_code = \"NOPE\"\n",
				"main.auto.updvars.extra": "server = \"NOPE\"\n",
				"updplan.updvars.bak":     "clients = [\"NOPE\"]\n",
			},
			want: want{values: map[string]string{}},
		},
		"-var-file after -var wins": {
			files: map[string]string{"ci.updvars": "site_code = \"FILE\"\n"},
			args: func(dir string) []VarArg {
				return []VarArg{{Value: "site_code=CLI"}, {File: filepath.Join(dir, "ci.updvars")}}
			},
			want: want{values: map[string]string{"site_code": `cty.StringVal("FILE")`}},
		},
		"-var value keeps equals signs": {
			args: func(string) []VarArg { return []VarArg{{Value: "password=a=b"}} },
			want: want{values: map[string]string{"password": `cty.StringVal("a=b")`}},
		},
		"-var without equals sign": {
			args: func(string) []VarArg { return []VarArg{{Value: "server=S"}, {Value: "hunter2"}} },
			want: want{
				values: map[string]string{"server": `cty.StringVal("S")`},
				diags:  []string{"error: Invalid -var option"},
			},
		},
		"-var without a name": {
			args: func(string) []VarArg { return []VarArg{{Value: "=x"}} },
			want: want{diags: []string{"error: Invalid -var option"}},
		},
		"-var for an undeclared variable": {
			args: func(string) []VarArg { return []VarArg{{Value: "site_cod=LAB"}} },
			want: want{diags: []string{"error: Value for undeclared variable"}},
		},
		"-var-file with an undeclared variable": {
			files: map[string]string{"ci.updvars": "sitecode = \"LAB\"\nserver = \"S\"\n"},
			args:  func(dir string) []VarArg { return []VarArg{{File: filepath.Join(dir, "ci.updvars")}} },
			want: want{
				values: map[string]string{"server": `cty.StringVal("S")`},
				diags:  []string{"error: Value for undeclared variable"},
			},
		},
		"auto file with an undeclared variable warns": {
			files: map[string]string{"x.auto.updvars": "sitecode = \"LAB\"\n"},
			want:  want{diags: []string{"warning: Value for undeclared variable"}},
		},
		"environment value for an undeclared variable is ignored": {
			env:  []string{"UPDPLAN_VAR_nope=1", "UPDPLAN_VAR_server=S"},
			want: want{values: map[string]string{"server": `cty.StringVal("S")`}},
		},
		"variable file with a reference": {
			files: map[string]string{"updplan.updvars": "server = var.site_code\n"},
			want:  want{diags: []string{"error: Variables not allowed"}},
		},
		"variable file with a syntax error": {
			files: map[string]string{"updplan.updvars": "server = \n"},
			want:  want{diags: []string{"error: Invalid expression"}},
		},
		"variable file with a block": {
			files: map[string]string{"updplan.updvars": "site {\n}\n"},
			want:  want{diags: []string{`error: Unexpected "site" block`}},
		},
		"missing -var-file": {
			args: func(dir string) []VarArg { return []VarArg{{File: filepath.Join(dir, "nope.updvars")}} },
			want: want{diags: []string{"error: Cannot read variable file"}},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg := varsDir(t, tc.files)
			var args []VarArg
			if tc.args != nil {
				args = tc.args(cfg.Dir)
			}
			vals, diags := LoadVarValues(cfg, args, tc.env)
			got := want{values: map[string]string{}}
			for n, v := range vals {
				got.values[n] = v.Value.GoString()
			}
			for _, d := range diags {
				sev := "error"
				if d.Severity == hcl.DiagWarning {
					sev = "warning"
				}
				got.diags = append(got.diags, sev+": "+d.Summary)
				if d.Detail == "" || !strings.HasSuffix(d.Detail, ".") {
					t.Errorf("%s: detail %q is not a full sentence", d.Summary, d.Detail)
				}
			}
			if tc.want.values == nil {
				tc.want.values = map[string]string{}
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(want{})); diff != "" {
				t.Errorf("(-want +got):\n%s\n%s", diff, diagsText(diags))
			}
		})
	}
}

func TestLoadVarValuesDetails(t *testing.T) {
	cfg := varsDir(t, map[string]string{"updplan.updvars": "server = \"S\"\n", "x.auto.updvars": "sitecode = 1\n"})
	vals, diags := LoadVarValues(cfg, []VarArg{{Value: "site_cod=LAB"}, {Value: "password=hunter2"}, {Value: "server=SCCM01"}}, []string{"UPDPLAN_VAR_clients=[\"a\"]"})

	// Every variable file is available for snippets; so is the text of a
	// -var, except for a sensitive variable.
	for _, n := range []string{"updplan.updvars", "x.auto.updvars", "<value for var.server>", "<value for var.clients from environment>"} {
		if cfg.Files[n] == nil {
			t.Errorf("Files[%q] missing", n)
		}
	}
	for n, f := range cfg.Files {
		if strings.Contains(string(f.Bytes), "hunter2") {
			t.Errorf("the sensitive value is in Files[%q]", n)
		}
	}
	_, more := LoadVarValues(cfg, []VarArg{{Value: "hunter2"}}, nil)
	if len(more) != 2 || strings.Contains(more[1].Detail, "hunter2") || !strings.Contains(more[1].Detail, "1st -var option") {
		t.Errorf("malformed -var: %s", diagsText(more))
	}
	for _, d := range diags {
		if strings.Contains(d.Detail, "hunter2") {
			t.Errorf("the sensitive value is in a diagnostic: %s", d.Detail)
		}
	}
	if len(diags) != 2 || !strings.Contains(diags[0].Detail, `Did you mean "site_code"?`) || !strings.Contains(diags[1].Detail, `Did you mean "site_code"?`) {
		t.Errorf("diags:\n%s", diagsText(diags))
	}
	if r := vals["server"]; !r.FromString || r.Source != "var" || r.Range.Filename != "<value for var.server>" || r.Range.End.Byte != len("SCCM01") {
		t.Errorf("server = %+v", r)
	}
	if r := vals["clients"]; !r.FromString || r.Source != "env" || !r.Value.RawEquals(cty.StringVal(`["a"]`)) {
		t.Errorf("clients = %+v", r)
	}
	cfg2 := varsDir(t, map[string]string{"updplan.updvars": "server = \"S\"\n"})
	vals, _ = LoadVarValues(cfg2, nil, nil)
	if r := vals["server"]; r.FromString || r.Source != "file" || r.Range.Filename != "updplan.updvars" || r.Range.Start.Line != 1 {
		t.Errorf("server from file = %+v", r)
	}
}
