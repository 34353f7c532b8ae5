package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
)

// TestShowJSONReadByTerraformJSON: show -json of a saved plan and of the
// state are read unchanged by hashicorp/terraform-json, as policy tools do.
func TestShowJSONReadByTerraformJSON(t *testing.T) {
	dir := t.TempDir()
	src := `
variable "pw" {
  default   = "show-s3cret"
  sensitive = true
}

site "lab" {
  code   = "LAB"
  name   = "Lab-Primary"
  server = "SCCM01"
}

collection "c" {
  site    = site.lab.code
  name    = "All"
  comment = "c"
}

output "pw" {
  value     = var.pw
  sensitive = true
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	runIn := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := run(ctx, append([]string{"-chdir=" + dir}, args...), strings.NewReader(""), &stdout, &stderr); code != 0 {
			t.Fatalf("%v: exit %d\n%s\n%s", args, code, stdout.String(), stderr.String())
		}
		if strings.Contains(stdout.String()+stderr.String(), "show-s3cret") {
			t.Fatalf("%v shows the sensitive value:\n%s\n%s", args, stdout.String(), stderr.String())
		}
		return stdout.String()
	}
	runIn("apply", "-auto-approve", "-target=site.lab")
	runIn("plan", "-out=next.plan")

	var p tfjson.Plan
	if err := json.Unmarshal([]byte(runIn("show", "-json", "next.plan")), &p); err != nil {
		t.Fatalf("plan JSON: %v", err)
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("plan JSON: %v", err)
	}
	var addrs []string
	for _, rc := range p.ResourceChanges {
		addrs = append(addrs, rc.Address+":"+strings.Join(actionsOf(rc.Change.Actions), ","))
	}
	if got, want := strings.Join(addrs, " "), "collection.c:create site.lab:no-op"; got != want {
		t.Errorf("resource_changes = %s, want %s", got, want)
	}
	if p.Config == nil || p.Config.RootModule == nil || len(p.Config.RootModule.Resources) != 2 {
		t.Fatalf("configuration missing from the plan JSON: %+v", p.Config)
	}
	var refs []string
	for _, r := range p.Config.RootModule.Resources {
		if r.Address == "collection.c" {
			refs = r.Expressions["site"].References
		}
	}
	if got, want := strings.Join(refs, " "), "site.lab.code site.lab"; got != want {
		t.Errorf("collection.c site references = %q, want %q", got, want)
	}

	var st tfjson.State
	if err := json.Unmarshal([]byte(runIn("show", "-json")), &st); err != nil {
		t.Fatalf("state JSON: %v", err)
	}
	if err := st.Validate(); err != nil {
		t.Fatalf("state JSON: %v", err)
	}
	if st.Values == nil || len(st.Values.RootModule.Resources) != 1 || st.Values.RootModule.Resources[0].Address != "site.lab" {
		t.Fatalf("state JSON resources: %+v", st.Values)
	}
}

func actionsOf(a tfjson.Actions) []string {
	out := make([]string, len(a))
	for i, x := range a {
		out[i] = string(x)
	}
	return out
}
