package view

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/engine/state"
	"github.com/zclconf/go-cty/cty"
)

func TestHumanApplyMessages(t *testing.T) {
	p := mixedPlan()
	var out bytes.Buffer
	h := &Human{Out: &out, Err: &out}
	for _, c := range p.Changes {
		if c.Action == plan.NoOp {
			continue
		}
		h.ApplyStart(c)
	}
	h.ApplyComplete(p.Change(inst("site", "main")), 1400*time.Millisecond, "LAB")
	h.ApplyComplete(p.Change(inst("package", "old_tool")), 0, "")
	h.ApplyErrored(p.Change(inst("collection", "clients")), 65*time.Second)
	h.ApplySummary(2, 3, 2, plan.NormalMode)
	h.ApplySummary(0, 0, 6, plan.DestroyMode)
	h.Outputs([]Output{
		{Name: "share_unc", Value: cty.StringVal(`\\SRV01\PackageSrc`)},
		{Name: "db_password", Value: cty.StringVal(secret), Sensitive: true},
		{Name: "marked", Value: cty.StringVal(secret).Mark("sensitive")},
		{Name: "collections", Value: cty.ObjectVal(map[string]cty.Value{"clients": cty.StringVal("LAB00012"), "sync-hosts": cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")})})},
	})
	if strings.Contains(out.String(), secret) {
		t.Errorf("secret shown:\n%s", out.String())
	}
	checkGolden(t, "apply", out.Bytes())
}

func TestWriteOutputsJSON(t *testing.T) {
	outs := []Output{
		{Name: "share_unc", Value: cty.StringVal(`\\SRV01\PackageSrc`)},
		{Name: "db_password", Value: cty.StringVal(secret), Sensitive: true},
		{Name: "members", Value: cty.SetVal([]cty.Value{cty.StringVal("PC01")})},
	}
	for _, show := range []bool{false, true} {
		var out bytes.Buffer
		if err := WriteOutputsJSON(&out, outs, show); err != nil {
			t.Fatal(err)
		}
		var got map[string]map[string]any
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		want := map[string]map[string]any{
			"share_unc":   {"sensitive": false, "type": "string", "value": `\\SRV01\PackageSrc`},
			"db_password": {"sensitive": true, "type": "string", "value": nil},
			"members":     {"sensitive": false, "type": []any{"set", "string"}, "value": []any{"PC01"}},
		}
		if show {
			want["db_password"]["value"] = secret
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("showSensitive=%v (-want +got):\n%s", show, diff)
		}
	}
}

func TestHumanState(t *testing.T) {
	var out bytes.Buffer
	st := mixedPlan().PrevRunState
	st.Resources[inst("vault_secret", "sql")].SensitivePaths = nil // the schema alone marks password
	(&Human{Out: &out, Err: &out}).State(st, testSchemas{})
	if strings.Contains(out.String(), secret) {
		t.Errorf("secret shown:\n%s", out.String())
	}
	checkGolden(t, "state", out.Bytes())

	out.Reset()
	(&Human{Out: &out}).State(nil, testSchemas{})
	if out.String() != "The state is empty. No resources are represented.\n" {
		t.Errorf("empty state: %q", out.String())
	}
}

// TestStateResourceIndent: `show` and `state show` indent lists, maps and
// nested objects four spaces per level, each closing bracket on the level
// of its attribute (they were indented twice).
func TestStateResourceIndent(t *testing.T) {
	r := &state.Resource{
		Addr: inst("fake_thing", "x"), Type: "fake_thing",
		Value: cty.ObjectVal(map[string]cty.Value{
			"name":    cty.StringVal("x"),
			"members": cty.SetVal([]cty.Value{cty.StringVal("PC1"), cty.StringVal("PC2")}),
			"tags":    cty.MapVal(map[string]cty.Value{"owner": cty.StringVal("ops"), "tier": cty.StringVal("1")}),
			"nested": cty.ListVal([]cty.Value{cty.ObjectVal(map[string]cty.Value{
				"path":  cty.StringVal("D:\\ITMU"),
				"flags": cty.ListVal([]cty.Value{cty.StringVal("a")}),
			})}),
			"script": cty.StringVal("line one\nline two"),
			"notes":  cty.ListVal([]cty.Value{cty.StringVal("first\nsecond")}),
		}),
	}
	var out bytes.Buffer
	(&Human{Out: &out}).StateResource(r, testSchemas{})
	checkGolden(t, "state_show_indent", out.Bytes())
}

// TestURLCredentialsRedacted: the password and credential query parameters
// of a URL (a catalog source) are not shown by show, state show or JSON.
func TestURLCredentialsRedacted(t *testing.T) {
	for _, u := range []string{
		"https://svc:Pa55word-x@updates.example.org/wsusscn2.cab",
		"https://store.blob.example.net/cat/wsusscn2.cab?sv=2024&sig=Pa55word-x&se=2027",
	} {
		r := &state.Resource{Addr: inst("fake_thing", "x"), Type: "fake_thing",
			Value: cty.ObjectVal(map[string]cty.Value{"url": cty.StringVal(u)})}
		var out bytes.Buffer
		(&Human{Out: &out}).StateResource(r, testSchemas{})
		b, err := json.Marshal(jsonValue(r.Value, nil, sensitivity{}))
		if err != nil {
			t.Fatal(err)
		}
		for _, got := range []string{out.String(), string(b)} {
			if strings.Contains(got, "Pa55word") || !strings.Contains(got, "REDACTED") {
				t.Errorf("URL %s shown as:\n%s", u, got)
			}
		}
	}
	if got := redactURL("https://updates.example.org/wsusscn2.cab?v=2"); got != "https://updates.example.org/wsusscn2.cab?v=2" {
		t.Errorf("a URL without credentials changed: %s", got)
	}
}
