package view

import (
	"bytes"
	"strings"
	"testing"

	"github.com/updplan/updplan/engine/plan"
	"github.com/zclconf/go-cty/cty"
)

// A sensitive attribute inside a nested set block is hidden by every
// renderer, also where a renderer prints the block whole (drift reports).
func TestNestedSensitiveNeverShown(t *testing.T) {
	grant := func(principal, token string) cty.Value {
		return blockVal(&vaultSecretType.Block.BlockType("grant").Block, map[string]cty.Value{"principal": cty.StringVal(principal), "token": cty.StringVal(token)})
	}
	mk := func(grants ...cty.Value) cty.Value {
		set := cty.SetValEmpty(vaultSecretType.Block.BlockType("grant").Block.ImpliedType())
		if len(grants) > 0 {
			set = cty.SetVal(grants)
		}
		return obj("vault_secret", map[string]cty.Value{"name": cty.StringVal("sql"), "password": cty.StringVal("pw-" + secret), "id": cty.StringVal("v1"), "grant": set})
	}
	before := mk(grant("ops", "tok1-"+secret))
	after := mk(grant("ops", "tok1-"+secret), grant("ci", "tok2-"+secret))
	a := inst("vault_secret", "sql")
	p := mixedPlan()
	p.Changes = []*plan.ResourceChange{{Addr: a, Type: "vault_secret", Provider: "sitedb", Action: plan.Update, Before: before, After: after}}
	p.Drift = []*plan.ResourceChange{{Addr: a, Type: "vault_secret", Provider: "sitedb", Action: plan.Update, Before: after, After: before}}

	var all bytes.Buffer
	h := &Human{Out: &all, Err: &all}
	h.Plan(p, testSchemas{})
	human := all.String()
	if !strings.Contains(human, "+ token     = (sensitive value)") {
		t.Errorf("the new grant is not shown with its token hidden:\n%s", human)
	}
	h.StateResource(p.PrevRunState.Resources[a], testSchemas{})
	if err := WritePlanJSON(&all, PlanJSONInput{Plan: p, Schemas: testSchemas{}, Version: "0"}); err != nil {
		t.Fatal(err)
	}
	if err := WriteDriftJSON(&all, p, testSchemas{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteDriftJUnit(&all, p, testSchemas{}); err != nil {
		t.Fatal(err)
	}
	NewStream(&all, "0").Plan(p)
	if strings.Contains(all.String(), secret) {
		t.Errorf("a sensitive value was rendered:\n%s", all.String())
	}
	if !strings.Contains(all.String(), `grant: (sensitive value)`) {
		t.Errorf("JUnit drift does not hide the grant block")
	}
}
