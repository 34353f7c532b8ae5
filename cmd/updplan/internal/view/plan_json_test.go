package view

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"
)

func mixedConfig() *ConfigSummary {
	return &ConfigSummary{
		ProviderConfigs: map[string]map[string]any{
			"sitedb": {
				"driver": map[string]any{"constant_value": "postgres"},
				"dsn":    map[string]any{"constant_value": "postgres://updplan:" + secret + "@db:5432/site"},
			},
		},
		Resources: []ConfigResource{
			{Address: "site.main", Type: "site", Name: "main", Provider: "sitedb", Expressions: map[string]any{
				"code": map[string]any{"constant_value": "LAB"},
				"name": map[string]any{"references": []any{"var.site_name"}},
			}},
			{Address: "vault_secret.sql", Type: "vault_secret", Name: "sql", Expressions: map[string]any{
				"password": map[string]any{"constant_value": secret},
			}},
		},
		Outputs: map[string]ConfigOutput{
			"db_password": {Expression: map[string]any{"constant_value": secret}, Sensitive: true},
			"share_unc":   {Expression: map[string]any{"references": []any{"share.pkgsrc.unc", "share.pkgsrc"}}},
		},
		Variables: map[string]ConfigVariable{
			"db_password": {Default: secret, Sensitive: true},
			"site_code":   {Default: "LAB", Description: "Site code."},
		},
	}
}

func TestWritePlanJSON(t *testing.T) {
	var out bytes.Buffer
	err := WritePlanJSON(&out, PlanJSONInput{Plan: mixedPlan(), Schemas: testSchemas{}, Version: "0.1.0", Config: mixedConfig()})
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "plan.json", out.Bytes())
	if strings.Contains(out.String(), secret) {
		t.Errorf("plan JSON holds a sensitive value")
	}

	var p tfjson.Plan
	if err := json.Unmarshal(out.Bytes(), &p); err != nil {
		t.Fatalf("terraform-json cannot read the plan: %v", err)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	byAddr := map[string]*tfjson.ResourceChange{}
	for _, rc := range p.ResourceChanges {
		byAddr[rc.Address] = rc
	}

	dep := byAddr["deployment.november"]
	if dep == nil || !dep.Change.Actions.DestroyBeforeCreate() {
		t.Fatalf("deployment.november = %+v, want delete then create", dep)
	}
	if diff := cmp.Diff([]any{[]any{"site"}}, dep.Change.ReplacePaths); diff != "" {
		t.Errorf("replace_paths (-want +got):\n%s", diff)
	}
	// Terraform's after_unknown mirrors the value: lists as one entry per
	// element, nested objects as objects, known leaves left out.
	wantUnknown := map[string]any{"id": true, "sms2003": map[string]any{}, "updates": []any{false, false}}
	if diff := cmp.Diff(wantUnknown, dep.Change.AfterUnknown); diff != "" {
		t.Errorf("after_unknown (-want +got):\n%s", diff)
	}
	if _, ok := dep.Change.After.(map[string]any)["id"]; ok {
		t.Errorf("unknown id is in after")
	}
	if dep.ActionReason != tfjson.ActionReasonReplaceBecauseCannotUpdate {
		t.Errorf("action_reason = %q", dep.ActionReason)
	}

	sec := byAddr["vault_secret.sql"]
	if got := sec.Change.After.(map[string]any)["password"]; got != nil {
		t.Errorf("after.password = %v, want null", got)
	}
	if diff := cmp.Diff(map[string]any{"grant": []any{}, "password": true}, sec.Change.AfterSensitive); diff != "" {
		t.Errorf("after_sensitive (-want +got):\n%s", diff)
	}
	if prog := byAddr["program.scan"]; prog.PreviousAddress != "program.old_scan" || !prog.Change.Actions.NoOp() {
		t.Errorf("program.scan = %+v", prog)
	}
	if cat := byAddr["catalog.wsus"]; cat.Change.Importing == nil || cat.Change.Importing.ID != `D:\PkgSource` {
		t.Errorf("catalog.wsus importing = %+v", cat.Change.Importing)
	}
	if site := byAddr["site.main"]; site.ProviderName != "registry.updplan.dev/builtin/sitedb" || !site.Change.Actions.Create() {
		t.Errorf("site.main = %+v", site)
	}

	if len(p.ResourceDrift) != 2 || !p.ResourceDrift[0].Change.Actions.Delete() || !p.ResourceDrift[1].Change.Actions.Update() {
		t.Errorf("resource_drift = %+v", p.ResourceDrift)
	}
	if p.Variables["db_password"].Value != nil || p.Variables["site_code"].Value != "LAB" {
		t.Errorf("variables = %+v %+v", p.Variables["db_password"], p.Variables["site_code"])
	}
	if o := p.OutputChanges["db_password"]; o.After != nil || o.AfterSensitive != true {
		t.Errorf("output_changes.db_password = %+v", o)
	}
	if o := p.OutputChanges["deployment_id"]; o.AfterUnknown != true {
		t.Errorf("output_changes.deployment_id.after_unknown = %v", o.AfterUnknown)
	}
	var planned []string
	for _, r := range p.PlannedValues.RootModule.Resources {
		planned = append(planned, r.Address)
	}
	wantPlanned := []string{"catalog.wsus", "collection.clients", "deployment.november", "program.scan", "share.pkgsrc", "site.main", "vault_secret.sql"}
	if diff := cmp.Diff(wantPlanned, planned); diff != "" {
		t.Errorf("planned_values resources (-want +got):\n%s", diff)
	}
	if p.PriorState == nil || len(p.PriorState.Values.RootModule.Resources) != 6 {
		t.Errorf("prior_state = %+v", p.PriorState)
	}
	if got := p.Config.RootModule.Resources[0].Expressions["code"].ConstantValue; got != "LAB" {
		t.Errorf("configuration site.main code = %v", got)
	}
	if p.Complete == nil || !*p.Complete {
		t.Errorf("complete = %v", p.Complete)
	}
	if diff := cmp.Diff([]tfjson.ResourceAttribute{{Resource: "share.pkgsrc", Attribute: []json.RawMessage{json.RawMessage(`"description"`)}}}, p.RelevantAttributes); diff != "" {
		t.Errorf("relevant_attributes (-want +got):\n%s", diff)
	}
}

func TestWritePlanJSONEmpty(t *testing.T) {
	var out bytes.Buffer
	p := mixedPlan()
	p.Changes, p.Drift, p.Outputs, p.Variables, p.PriorState = nil, nil, nil, nil, nil
	if err := WritePlanJSON(&out, PlanJSONInput{Plan: p, Version: "0.1.0"}); err != nil {
		t.Fatal(err)
	}
	var got tfjson.Plan
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if err := got.Validate(); err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	json.Unmarshal(out.Bytes(), &raw)
	if raw["applyable"] != false || len(raw["resource_changes"].([]any)) != 0 {
		t.Errorf("empty plan: %s", out.String())
	}
	// Left out when empty, as Terraform's jsonplan does (omitempty).
	for _, key := range []string{"resource_drift", "relevant_attributes", "output_changes"} {
		if v, ok := raw[key]; ok {
			t.Errorf("an empty plan has %s = %v; Terraform leaves it out", key, v)
		}
	}
}

func TestWriteStateJSON(t *testing.T) {
	var out bytes.Buffer
	if err := WriteStateJSON(&out, mixedPlan().PrevRunState, testSchemas{}, "0.1.0"); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "state.json", out.Bytes())
	if strings.Contains(out.String(), secret) {
		t.Errorf("state JSON holds a sensitive value")
	}
	var st tfjson.State
	if err := json.Unmarshal(out.Bytes(), &st); err != nil {
		t.Fatalf("terraform-json cannot read the state: %v", err)
	}
	if err := st.Validate(); err != nil {
		t.Fatal(err)
	}
	if len(st.Values.RootModule.Resources) != 7 || st.Values.Outputs["db_password"].Value != nil || !st.Values.Outputs["db_password"].Sensitive {
		t.Errorf("state = %+v", st.Values)
	}
}
