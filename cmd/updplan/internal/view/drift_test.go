package view

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/updplan/updplan/engine/plan"
	"github.com/zclconf/go-cty/cty"
)

// driftPlan is mixedPlan with two more drifted objects: a sensitive
// attribute and an attribute of a single nested block.
func driftPlan() *plan.Plan {
	p := mixedPlan()
	sec := p.PrevRunState.Resources[inst("vault_secret", "sql")].Value
	secNow := obj("vault_secret", map[string]cty.Value{"name": cty.StringVal("sql"), "password": cty.StringVal(secret), "id": cty.StringVal("v1")})
	dep := p.PrevRunState.Resources[inst("deployment", "november")].Value
	depNow := cty.ObjectVal(func() map[string]cty.Value {
		m := dep.AsValueMap()
		m["sms2003"] = nested("deployment", "sms2003", map[string]cty.Value{"enabled": cty.True, "dp_locality": cty.StringVal("download")})
		return m
	}())
	p.Drift = append(p.Drift,
		&plan.ResourceChange{Addr: inst("vault_secret", "sql"), Type: "vault_secret", Provider: "sitedb", Action: plan.Update, Before: sec, After: secNow},
		&plan.ResourceChange{Addr: inst("deployment", "november"), Type: "deployment", Provider: "sitedb", Action: plan.Update, Before: dep, After: depNow},
	)
	return p
}

func TestWriteDriftJSON(t *testing.T) {
	var out bytes.Buffer
	if err := WriteDriftJSON(&out, driftPlan(), testSchemas{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), secret) {
		t.Errorf("drift report holds a secret")
	}
	checkGolden(t, "drift.json", out.Bytes())

	type attr struct {
		Path          string
		Before, After any
		Sensitive     bool
	}
	var doc struct {
		FormatVersion  string `json:"format_version"`
		InSync         bool   `json:"in_sync"`
		ObjectsChecked int    `json:"objects_checked"`
		Drift          []struct {
			Address, Type, Action string
			Attributes            []attr
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.FormatVersion != "1.0" || doc.InSync || doc.ObjectsChecked != 7 || len(doc.Drift) != 4 {
		t.Fatalf("report = %+v", doc)
	}
	want := map[string][]attr{
		"collection.retired":  {},
		"deployment.november": {{Path: "sms2003.enabled", Before: false, After: true}},
		"share.pkgsrc":        {{Path: "description", Before: "Inventory tool source", After: "changed by hand"}},
		"vault_secret.sql":    {{Path: "password", Sensitive: true}},
	}
	got := map[string][]attr{}
	for _, d := range doc.Drift {
		got[d.Address] = d.Attributes
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("drift (-want +got):\n%s", diff)
	}

	out.Reset()
	// Pending changes alone: not in sync.
	pendingOnly := mixedPlan()
	pendingOnly.Drift = nil
	if err := WriteDriftJSON(&out, pendingOnly, testSchemas{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"in_sync": false`) || !strings.Contains(out.String(), `"pending_count": 8`) {
		t.Errorf("report with pending changes only:\n%s", out.String())
	}
	out.Reset()
	clean := mixedPlan()
	clean.Drift, clean.Changes = nil, nil
	if err := WriteDriftJSON(&out, clean, testSchemas{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"in_sync": true`) {
		t.Errorf("in-sync report:\n%s", out.String())
	}
}

func TestWriteDriftJUnit(t *testing.T) {
	var out bytes.Buffer
	if err := WriteDriftJUnit(&out, driftPlan(), testSchemas{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), secret) {
		t.Errorf("JUnit report holds a secret")
	}
	checkGolden(t, "drift.junit.xml", out.Bytes())

	var doc struct {
		XMLName xml.Name `xml:"testsuites"`
		Suites  []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("invalid XML: %v", err)
	}
	if len(doc.Suites) != 2 || doc.Suites[0].Name != "updplan drift" || doc.Suites[0].Tests != 7 || doc.Suites[0].Failures != 4 {
		t.Fatalf("suites = %+v", doc.Suites)
	}
	// Pending changes are a suite of their own: one failed case each.
	if s := doc.Suites[1]; s.Name != "updplan pending changes" || s.Tests != 8 || s.Failures != 8 ||
		s.Cases[6].Name != "site.main" || s.Cases[6].Failure.Message != "site.main is declared but not applied: it will be created" {
		t.Errorf("pending suite = %+v", s)
	}
	failed := map[string]string{}
	for _, c := range doc.Suites[0].Cases {
		if c.Failure != nil {
			failed[c.Name] = c.Failure.Text
		}
	}
	if got := failed["share.pkgsrc"]; got != "description: \"Inventory tool source\" -> \"changed by hand\"\n" {
		t.Errorf("share.pkgsrc failure = %q", got)
	}
	if _, ok := failed["collection.retired"]; !ok {
		t.Errorf("deleted object does not fail")
	}
	if _, ok := failed["site.main"]; ok {
		t.Errorf("object not in state is a test case")
	}
}
