package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/updplan/updplan/engine"
)

func TestConfigSummary(t *testing.T) {
	dir := t.TempDir()
	src := `
variable "code" {
  default     = "LAB"
  description = "Site code."
}

variable "dsn" {
  default   = "postgres://u:pg-s3cret@db/site"
  sensitive = true
}

provider "sitedb" {
  driver = "sqlite"
  dsn    = "postgres://u:lit-s3cret@db/site"
}

site "lab" {
  code   = var.code
  name   = "Lab-Primary"
  server = "SCCM01"
}

collection "c" {
  count = 2
  site  = site.lab.code
  name  = "C${count.index}"
}

output "code" {
  value = site.lab.code
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	eng := &engine.Engine{Providers: newRegistry(), Version: version}
	cfg, diags := eng.Load(dir)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	sum := configSummary(cfg)
	b, err := json.Marshal(sum)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "s3cret") {
		t.Errorf("the summary shows a secret:\n%s", b)
	}

	got := func(v any) string {
		t.Helper()
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	if diff := cmp.Diff(`{"driver":{"constant_value":"sqlite"},"dsn":{}}`, got(sum.ProviderConfigs["sitedb"])); diff != "" {
		t.Errorf("provider config (-want +got):\n%s", diff)
	}
	if len(sum.Resources) != 2 || sum.Resources[0].Address != "collection.c" || sum.Resources[1].Address != "site.lab" {
		t.Fatalf("resources = %s", got(sum.Resources))
	}
	coll, site := sum.Resources[0], sum.Resources[1]
	if coll.Provider != "sitedb" || coll.Type != "collection" || coll.Name != "c" {
		t.Errorf("collection header = %s", got(coll))
	}
	if diff := cmp.Diff(`{"constant_value":2}`, got(coll.CountExpression)); diff != "" {
		t.Errorf("count (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(`{"name":{"references":["count.index"]},"site":{"references":["site.lab.code","site.lab"]}}`, got(coll.Expressions)); diff != "" {
		t.Errorf("collection expressions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(`{"code":{"references":["var.code"]},"name":{"constant_value":"Lab-Primary"},"server":{"constant_value":"SCCM01"}}`, got(site.Expressions)); diff != "" {
		t.Errorf("site expressions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(`{"Default":"LAB","Description":"Site code.","Sensitive":false}`, got(sum.Variables["code"])); diff != "" {
		t.Errorf("variable code (-want +got):\n%s", diff)
	}
	if v := sum.Variables["dsn"]; v.Default != nil || !v.Sensitive {
		t.Errorf("sensitive variable summary = %+v, want no default", v)
	}
	if diff := cmp.Diff(`{"Expression":{"references":["site.lab.code","site.lab"]},"Sensitive":false}`, got(sum.Outputs["code"])); diff != "" {
		t.Errorf("output (-want +got):\n%s", diff)
	}
}
