package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"
)

// dataConfig has a data source read while planning (All Systems) and one
// read during apply (over a collection created by the same apply).
const dataConfig = `
site "lab" {
  code   = "LAB"
  name   = "Lab"
  server = "SITESRV"
}

collection "late" {
  site    = site.lab.code
  name    = "Late"
  members = ["PC01"]
}

data "compliance" "all" {
  site       = "LAB"
  collection = "SMS00001"
}

data "compliance" "late" {
  for_each   = toset(["a"])
  site       = "LAB"
  collection = collection.late.id
}
`

// TestPlanJSONDataSources reads show -json of a saved plan with
// terraform-json: the data source read while planning is in prior_state
// with mode "data"; the one read during apply is a "read" in
// resource_changes (read_because_config_unknown) and in planned_values,
// its known arguments set and its figures unknown.
func TestPlanJSONDataSources(t *testing.T) {
	runIn := cliIn(t, dataConfig)
	runIn("apply", "-auto-approve", "-target=site.lab")
	runIn("plan", "-out=p.plan")
	var p tfjson.Plan
	if err := json.Unmarshal([]byte(runIn("show", "-json", "p.plan")), &p); err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}

	var prior []string
	for _, r := range p.PriorState.Values.RootModule.Resources {
		if r.Mode == tfjson.DataResourceMode {
			prior = append(prior, r.Address)
			if r.Type != "compliance" || r.Name != "all" || !strings.HasSuffix(r.ProviderName, "/sitedb") {
				t.Errorf("prior_state data resource %+v", r)
			}
			if r.AttributeValues["collection"] != "SMS00001" || r.AttributeValues["clients"] != float64(0) {
				t.Errorf("prior_state values %v", r.AttributeValues)
			}
		}
	}
	if diff := cmp.Diff([]string{"data.compliance.all"}, prior); diff != "" {
		t.Errorf("data resources in prior_state (-want +got):\n%s", diff)
	}

	var reads []string
	for _, rc := range p.ResourceChanges {
		if rc.Mode != tfjson.DataResourceMode {
			continue
		}
		reads = append(reads, rc.Address)
		if !rc.Change.Actions.Read() || rc.ActionReason != tfjson.ActionReasonReadBecauseConfigUnknown || rc.Index != "a" {
			t.Errorf("resource change %s: actions %v, reason %q, index %v", rc.Address, rc.Change.Actions, rc.ActionReason, rc.Index)
		}
		after, _ := rc.Change.After.(map[string]any)
		unknown, _ := rc.Change.AfterUnknown.(map[string]any)
		if rc.Change.Before != nil || after["site"] != "LAB" || unknown["collection"] != true || unknown["reported_percent"] != true {
			t.Errorf("resource change %s: before %v, after %v, after_unknown %v", rc.Address, rc.Change.Before, after, unknown)
		}
	}
	if diff := cmp.Diff([]string{`data.compliance.late["a"]`}, reads); diff != "" {
		t.Errorf("data reads in resource_changes (-want +got):\n%s", diff)
	}

	var planned []string
	for _, r := range p.PlannedValues.RootModule.Resources {
		if r.Mode == tfjson.DataResourceMode {
			planned = append(planned, r.Address)
			if _, ok := r.AttributeValues["reported_percent"]; ok || r.AttributeValues["site"] != "LAB" {
				t.Errorf("planned_values %s: %v", r.Address, r.AttributeValues)
			}
		}
	}
	if diff := cmp.Diff([]string{`data.compliance.late["a"]`}, planned); diff != "" {
		t.Errorf("data resources in planned_values (-want +got):\n%s", diff)
	}

	var configured []string
	for _, r := range p.Config.RootModule.Resources {
		if r.Mode == tfjson.DataResourceMode {
			configured = append(configured, r.Address)
			if r.ProviderConfigKey != "sitedb" || r.Expressions["site"] == nil {
				t.Errorf("configuration %s: provider %q, expressions %v", r.Address, r.ProviderConfigKey, r.Expressions)
			}
		}
	}
	if diff := cmp.Diff([]string{"data.compliance.all", "data.compliance.late"}, configured); diff != "" {
		t.Errorf("data blocks in configuration (-want +got):\n%s", diff)
	}
	if late := p.Config.RootModule.Resources[len(p.Config.RootModule.Resources)-1]; late.ForEachExpression == nil {
		t.Errorf("data.compliance.late has no for_each_expression")
	}

	// The human show of the saved plan lists what was read.
	if out := runIn("show", "p.plan"); !strings.Contains(out, " <= data.compliance.all: clients = 0") {
		t.Errorf("show of the saved plan does not list the reads:\n%s", out)
	}
}

// cliIn writes config as main.upd.hcl of a new directory and returns a
// function that runs the CLI there in-process, failing the test on a
// non-zero exit, and returns its stdout. A run that prints the
// sensitive value of shapeConfig fails too.
func cliIn(t *testing.T, config string) func(args ...string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	return func(args ...string) string {
		t.Helper()
		code, stdout, stderr := runDir(t, dir, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s\n%s", args, code, stdout, stderr)
		}
		if strings.Contains(stdout+stderr, "shape-s3cret") {
			t.Fatalf("%v shows the sensitive value:\n%s", args, stdout)
		}
		return stdout
	}
}
