package view

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	tfjson "github.com/hashicorp/terraform-json"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/plan"
	"github.com/zclconf/go-cty/cty"
)

func strList(s ...string) cty.Value {
	vals := make([]cty.Value, len(s))
	for i, v := range s {
		vals[i] = cty.StringVal(v)
	}
	return cty.ListVal(vals)
}

// edgePlan covers what mixedPlan does not: lists diffed element by element,
// maps, a collection becoming unknown, create-before-destroy, unknown
// computed attributes on create, count and for_each keys, a move and an
// import that also update, a multi-line string, and a type the schemas do
// not know.
func edgePlan() *plan.Plan {
	catBefore := obj("catalog", map[string]cty.Value{
		"destination": cty.StringVal(`D:\PkgSource`), "file_name": cty.StringVal("wsusscn2.cab"),
		"trust_anchors":       strList("a.pem", "b.pem", "c.pem", "d.pem"),
		"distributed":         cty.MapVal(map[string]cty.Value{`\\DP01\SMSPKGD$`: cty.StringVal("aaaa"), `\\DP02\SMSPKGD$`: cty.StringVal("bbbb")}),
		"distribution_points": strs(`\\DP01\SMSPKGD$`, `\\DP02\SMSPKGD$`),
		"source":              nested("catalog", "source", map[string]cty.Value{"url": cty.StringVal("https://example.invalid/wsusscn2.cab")}),
	})
	catAfter := obj("catalog", map[string]cty.Value{
		"destination": cty.StringVal(`D:\PkgSource`), "file_name": cty.StringVal("wsusscn2.cab"),
		"trust_anchors":       strList("a.pem", "x.pem", "c.pem", "d.pem", "e.pem"),
		"distributed":         cty.MapVal(map[string]cty.Value{`\\DP01\SMSPKGD$`: cty.StringVal("cccc"), `\\DP03\SMSPKGD$`: cty.StringVal("dddd")}),
		"distribution_points": cty.UnknownVal(cty.Set(cty.String)),
		"source":              nested("catalog", "source", map[string]cty.Value{"local_path": cty.StringVal(`\\SRV01\catalog`)}),
	})
	collNew := obj("collection", map[string]cty.Value{
		"site": cty.StringVal("LAB"), "name": cty.StringVal("Pilot"), "refresh": cty.StringVal("manual"),
		"query": cty.StringVal("select * from SMS_R_System\nwhere Client = 1\n"), "id": cty.UnknownVal(cty.String),
	})
	collOld := obj("collection", map[string]cty.Value{"site": cty.StringVal("LAB"), "name": cty.StringVal("Pilot 2"), "id": cty.StringVal("LAB00031")})
	dpBefore := obj("distribution_point", map[string]cty.Value{"site": cty.StringVal("LAB"), "server": cty.StringVal("DP01"), "kind": cty.StringVal("server"), "id": cty.StringVal(`["Display=\\DP01\"]`)})
	dpAfter := obj("distribution_point", map[string]cty.Value{"site": cty.StringVal("LAB"), "server": cty.StringVal("DP09"), "kind": cty.StringVal("server"), "id": cty.UnknownVal(cty.String)})
	progBefore := obj("program", map[string]cty.Value{"package": cty.StringVal("LAB00004"), "name": cty.StringVal("Scan"), "command_line": cty.StringVal("scanwrapper.exe /cache")})
	progAfter := obj("program", map[string]cty.Value{"package": cty.StringVal("LAB00004"), "name": cty.StringVal("Scan"), "command_line": cty.StringVal("scanwrapper.exe /cache /kb:all")})
	site := obj("site", map[string]cty.Value{"code": cty.StringVal("CEN"), "name": cty.StringVal("central"), "server": cty.StringVal("OLD01")})
	siteNow := obj("site", map[string]cty.Value{"code": cty.StringVal("CEN"), "name": cty.StringVal("central"), "server": cty.StringVal("SRV01")})
	unknownType := cty.ObjectVal(map[string]cty.Value{"zeta": cty.StringVal("z"), "alpha": cty.NumberIntVal(3)})

	forEach := addr.Resource{Type: "distribution_point", Name: "dp"}.Instance(addr.StrKey("DP01"))
	counted := addr.Resource{Type: "collection", Name: "pilot"}.Instance(addr.IntKey(1))
	return &plan.Plan{
		Changes: []*plan.ResourceChange{
			{Addr: inst("catalog", "wsus"), Type: "catalog", Provider: "catalog", Action: plan.Update, Before: catBefore, After: catAfter},
			{Addr: addr.Resource{Type: "collection", Name: "pilot"}.Instance(addr.IntKey(0)), Type: "collection", Provider: "sitedb", Action: plan.Create, Before: cty.NullVal(collNew.Type()), After: collNew},
			{Addr: counted, Type: "collection", Provider: "sitedb", Action: plan.Delete, Reason: plan.DeleteBecauseCountIndex, Before: collOld, After: cty.NullVal(collOld.Type())},
			{Addr: forEach, Type: "distribution_point", Provider: "sitedb", Action: plan.CreateThenDelete, Reason: plan.ReplaceByRequest, Before: dpBefore, After: dpAfter, CreateBeforeDestroy: true},
			{Addr: inst("program", "scan"), PrevAddr: inst("program", "old_scan"), Type: "program", Provider: "sitedb", Action: plan.Update, Before: progBefore, After: progAfter},
			{Addr: inst("site", "central"), Type: "site", Provider: "sitedb", Action: plan.Update, ImportID: "CEN", Before: site, After: siteNow},
			{Addr: inst("mystery", "x"), Type: "mystery", Provider: "elsewhere", Action: plan.Create, Before: cty.NullVal(unknownType.Type()), After: unknownType},
		},
	}
}

func TestHumanPlanEdges(t *testing.T) {
	checkGolden(t, "plan_edges", []byte(renderPlan(t, edgePlan(), false)))
}

func TestWritePlanJSONEdges(t *testing.T) {
	var out bytes.Buffer
	if err := WritePlanJSON(&out, PlanJSONInput{Plan: edgePlan(), Schemas: testSchemas{}, Version: "0.1.0"}); err != nil {
		t.Fatal(err)
	}
	var p tfjson.Plan
	if err := json.Unmarshal(out.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	byAddr := map[string]*tfjson.ResourceChange{}
	for _, rc := range p.ResourceChanges {
		byAddr[rc.Address] = rc
	}
	if rc := byAddr[`distribution_point.dp["DP01"]`]; rc == nil || rc.Index != "DP01" || !rc.Change.Actions.CreateBeforeDestroy() || rc.ActionReason != tfjson.ActionReasonReplaceByRequest {
		t.Errorf("for_each instance = %+v", rc)
	}
	if rc := byAddr["collection.pilot[1]"]; rc == nil || rc.Index != float64(1) || rc.ActionReason != tfjson.ActionReasonDeleteBecauseCountIndex {
		t.Errorf("count instance = %+v", rc)
	}
	cat := byAddr["catalog.wsus"]
	if got := cat.Change.AfterUnknown.(map[string]any)["distribution_points"]; got != true {
		t.Errorf("after_unknown.distribution_points = %v", got)
	}
	if rc := byAddr["mystery.x"]; rc.ProviderName != "registry.updplan.dev/builtin/elsewhere" {
		t.Errorf("mystery.x provider = %q", rc.ProviderName)
	}
	if rc := byAddr["site.central"]; rc.Change.Importing == nil || !rc.Change.Actions.Update() {
		t.Errorf("site.central = %+v", rc.Change)
	}
	var raw map[string]any
	json.Unmarshal(out.Bytes(), &raw)
	if _, ok := raw["prior_state"]; ok {
		t.Errorf("prior_state present without a prior state")
	}
	if !strings.Contains(out.String(), `"previous_address": "program.old_scan"`) {
		t.Errorf("previous_address missing")
	}
}

// ACL entries are a set: the same entries listed in another order are no
// change.
func TestHumanPlanSetOrderIsNoChange(t *testing.T) {
	mk := func(desc string, entries ...cty.Value) cty.Value {
		return obj("share", map[string]cty.Value{
			"server": cty.StringVal("SRV01"), "name": cty.StringVal("PackageSrc"), "path": cty.StringVal(`D:\PkgSource`),
			"description": cty.StringVal(desc), "access": cty.SetVal(entries),
		})
	}
	before := mk("a", access("Administrators", "full"), access("SMS Admins", "full"))
	after := mk("b", access("SMS Admins", "full"), access("Administrators", "full"))
	p := &plan.Plan{Changes: []*plan.ResourceChange{{Addr: inst("share", "s"), Type: "share", Provider: "share", Action: plan.Update, Before: before, After: after}}}
	out := renderPlan(t, p, false)
	if strings.Contains(out, "access {") || !strings.Contains(out, "# (2 unchanged blocks hidden)") {
		t.Errorf("reordered set shown as a change:\n%s", out)
	}
}
