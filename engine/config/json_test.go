package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/updplan/updplan/engine/addr"
	"github.com/zclconf/go-cty/cty"
)

// JSON files follow HCL's JSON syntax, with Terraform's conventions:
// types, references and ignore_changes are strings holding native syntax.
func TestLoadJSON(t *testing.T) {
	tests := map[string]struct {
		src    string
		errors []string // summaries
		check  func(t *testing.T, cfg *Config)
	}{
		"variable with a type string": {
			src: `{"variable": {"dps": {"type": "map(object({server = string, path = optional(string, \"x\")}))", "default": {"a": {"server": "DP01"}}}}}`,
			check: func(t *testing.T, cfg *Config) {
				want := cty.MapVal(map[string]cty.Value{"a": cty.ObjectVal(map[string]cty.Value{"server": cty.StringVal("DP01"), "path": cty.StringVal("x")})})
				if got := cfg.Variables["dps"].Default; !got.RawEquals(want) {
					t.Errorf("default = %#v", got)
				}
			},
		},
		"variable with a bad type string": {
			src:    `{"variable": {"x": {"type": "lst(string)"}}}`,
			errors: []string{"Invalid type specification"},
		},
		"comments are allowed": {
			src: `{"//": "The LAB site.", "site": {"lab": {"//": "primary", "code": "LAB", "name": "Lab", "server": "SCCM01"}}}`,
		},
		"resource with meta-arguments as strings": {
			src: `{
  "site": {"lab": {"code": "LAB", "name": "Lab", "server": "SCCM01"}},
  "collection": {"c": {"for_each": "${toset([\"a\"])}", "site": "LAB", "name": "C", "depends_on": ["site.lab"], "lifecycle": {"ignore_changes": "all", "prevent_destroy": true}}}
}`,
			check: func(t *testing.T, cfg *Config) {
				c := cfg.Resources[addr.Resource{Type: "collection", Name: "c"}]
				if c.ForEach == nil || len(c.DependsOn) != 1 || !c.Lifecycle.IgnoreAll || !c.Lifecycle.PreventDestroy {
					t.Errorf("collection.c = %+v", c)
				}
			},
		},
		"unknown property": {
			src:    `{"site": {"lab": {"code": "LAB", "name": "Lab", "server": "SCCM01", "nmae": "x"}}}`,
			errors: []string{"Extraneous JSON object property"},
		},
		"computed attribute": {
			src:    `{"collection": {"c": {"site": "LAB", "name": "C", "id": "LAB00001"}}}`,
			errors: []string{"Computed attribute"},
		},
		"dynamic block": {
			src: `{"share": {"s": {"server": "S", "name": "N", "path": "P", "dynamic": {"access": {"for_each": "${[\"SMS Admins\"]}", "content": {"principal": "${access.value}", "rights": "full"}}}}}}`,
		},
		"import and moved": {
			src: `{"share": {"s": {"server": "S", "name": "N", "path": "P"}}, "import": [{"to": "share.s", "id": "N"}], "moved": {"from": "share.t", "to": "share.s"}}`,
			check: func(t *testing.T, cfg *Config) {
				if len(cfg.Imports) != 1 || len(cfg.Moved) != 1 || cfg.Moved[0].From.String() != "share.t" {
					t.Errorf("imports %v, moved %v", cfg.Imports, cfg.Moved)
				}
			},
		},
		"byte order mark from a Windows editor": {
			src: "\ufeff{\"locals\": {\"x\": 1}}",
		},
		"syntax error": {
			src:    `{"site": `,
			errors: []string{"Missing value", "Unclosed object", "Root value must be object"},
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			cfg, diags := testLoader().LoadSources(".", map[string][]byte{"main.upd.json": []byte(tc.src)})
			var got []string
			for _, d := range diags {
				got = append(got, d.Summary)
			}
			if diff := cmp.Diff(tc.errors, got); diff != "" {
				t.Fatalf("summaries (-want +got):\n%s\n%s", diff, diagsText(diags))
			}
			if tc.check != nil {
				tc.check(t, cfg)
			}
		})
	}
}

// The details name what was found, where the first declaration is, and
// what to do.
func TestDiagnosticDetails(t *testing.T) {
	tests := map[string]struct {
		src    string
		detail string
	}{
		"duplicate names the first declaration": {
			src:    "site \"lab\" {\n  code = \"LAB\"\n  name = \"L\"\n  server = \"S\"\n}\nsite \"lab\" {\n  code = \"LAB\"\n  name = \"L\"\n  server = \"S\"\n}\n",
			detail: `A site resource named "lab" was already declared at main.upd.hcl:1,1-11. Each must be declared once; remove or rename one of them.`,
		},
		"unknown block type suggests a resource type": {
			src:    "sitee \"lab\" {\n}\n",
			detail: `Blocks of type "sitee" are not expected here. Did you mean "site"?`,
		},
		"unknown block type suggests a keyword": {
			src:    "varible \"x\" {\n}\n",
			detail: `Blocks of type "varible" are not expected here. Did you mean "variable"?`,
		},
		"unknown provider suggests": {
			src:    "provider \"shares\" {\n}\n",
			detail: `There is no provider named "shares". Did you mean "share"? The providers are "catalog", "share" or "sitedb"; use one of them.`,
		},
		"misspelt type in depends_on": {
			src:    "collection \"c\" {\n  site = \"L\"\n  name = \"C\"\n  depends_on = [colection.d]\n}\n",
			detail: `"colection" is not a resource type. Did you mean "collection"? depends_on lists resources, such as site.main; fix the reference.`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			_, diags := testLoader().LoadSources(".", map[string][]byte{"main.upd.hcl": []byte(tc.src)})
			for _, d := range diags {
				if d.Detail == tc.detail {
					return
				}
			}
			t.Errorf("no diagnostic with detail %q:\n%s", tc.detail, diagsText(diags))
		})
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"site", "share", "sync_host", "distribution_point"}
	tests := map[string]string{
		"sitee": "site", "SITE": "site", "shares": "share", "synchost": "sync_host",
		"distribution_points": "distribution_point", "catalog": "", "": "",
	}
	for given, want := range tests {
		if got := suggest(given, names); got != want {
			t.Errorf("suggest(%q) = %q, want %q", given, got, want)
		}
	}
	if got := quotedList([]string{"b", "a", "c"}); got != `"a", "b" or "c"` {
		t.Errorf("quotedList = %s", got)
	}
	if !strings.Contains(didYouMean("shre", names), `"share"`) {
		t.Error("didYouMean")
	}
}
