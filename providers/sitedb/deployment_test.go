package sitedb

import (
	"context"
	"strings"
	"testing"

	"github.com/updplan/updplan/providers"
	"github.com/zclconf/go-cty/cty"
)

// deploymentConfig is a deployment of site LAB with the SMS 2003 settings
// on or off, and more attributes from extra.
func deploymentConfig(enabled, allowIrreversible bool, extra map[string]cty.Value) cty.Value {
	attrs := map[string]cty.Value{"site": sv("LAB"), "name": sv("Nov"), "updates": set("KB958644"), "collection": sv("LAB00001"),
		"start_time": sv("2026-12-01T02:00:00Z"), "allow_irreversible": cty.BoolVal(allowIrreversible),
		"sms2003": cty.ObjectVal(map[string]cty.Value{"enabled": cty.BoolVal(enabled)})}
	for n, v := range extra {
		attrs[n] = v
	}
	return obj("deployment", attrs)
}

// retiredCount is how many deployments the site database records as having
// had their SMS 2003 settings turned off.
func retiredCount(t testing.TB, p *Provider, id string) int {
	t.Helper()
	return sqlCount(t, p, `SELECT COUNT(*) FROM sms2003_retired WHERE deployment_id = ?`, id)
}

// storedSMS2003 returns the sms2003 column of a deployment row.
func storedSMS2003(t testing.TB, p *Provider, id string) string {
	t.Helper()
	var s string
	if err := p.s.db.QueryRow(p.s.bind(`SELECT sms2003 FROM deployments WHERE id = ?`), id).Scan(&s); err != nil {
		t.Fatal(err)
	}
	return s
}

// On → off (allowed) → on again: the last plan is refused, and says which
// deployment and what to do.
func TestSMS2003CannotBeTurnedOnAgain(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		a := at("deployment", "nov")
		v := apply(t, p, a, cty.NilVal, deploymentConfig(true, false, nil))
		id := v.GetAttr("id").AsString()
		if n := retiredCount(t, p, id); n != 0 {
			t.Fatalf("a new deployment is recorded as turned off (%d rows)", n)
		}
		v = apply(t, p, a, v, deploymentConfig(false, true, nil))
		if n := retiredCount(t, p, id); n != 1 {
			t.Fatalf("turning SMS 2003 off recorded %d rows, want 1", n)
		}
		// Other changes of the deployment go on as before.
		v = apply(t, p, a, v, deploymentConfig(false, true, map[string]cty.Value{"description": sv("SMS 2003 clients moved")}))

		pr := plan(t, p, a, v, deploymentConfig(true, true, nil))
		diag := wantDiag(t, pr.Diagnostics, "SMS 2003 settings cannot be turned on again", "sms2003.enabled")
		for _, want := range []string{id, "for good", "create a new deployment", "keep sms2003.enabled = false"} {
			if !strings.Contains(diag.Detail, want) {
				t.Errorf("detail does not say %q:\n%s", want, diag.Detail)
			}
		}
		if retired := sqlCount(t, p, `SELECT COUNT(*) FROM sms2003_retired`); retired != 1 {
			t.Errorf("%d records after the refused plan, want 1", retired)
		}
	})
}

// A plan saved while the settings were still on, applied after another
// apply turned them off, is refused in the write transaction.
func TestSMS2003TurnedOnAgainRefusedAtApply(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		a := at("deployment", "nov")
		v1 := apply(t, p, a, cty.NilVal, deploymentConfig(true, false, nil))
		id := v1.GetAttr("id").AsString()
		onCfg := deploymentConfig(true, false, map[string]cty.Value{"description": sv("saved plan")})
		saved := plan(t, p, a, v1, onCfg)
		if saved.Diagnostics.HasErrors() {
			t.Fatalf("plan: %s", diagText(saved.Diagnostics))
		}
		apply(t, p, a, v1, deploymentConfig(false, true, nil))
		off := storedSMS2003(t, p, id)

		resp := p.Apply(context.Background(), providers.ApplyRequest{TypeName: "deployment", Addr: a, Prior: v1, Planned: saved.Planned, Config: onCfg, Progress: providers.NoProgress})
		wantDiag(t, resp.Diagnostics, "SMS 2003 settings cannot be turned on again", "sms2003.enabled")
		if got := storedSMS2003(t, p, id); got != off {
			t.Errorf("sms2003 column after the refused apply = %s, want it unchanged: %s", got, off)
		}
		if n := sqlCount(t, p, `SELECT COUNT(*) FROM deployments WHERE id = ? AND description = ?`, id, "saved plan"); n != 0 {
			t.Errorf("the refused apply changed the deployment")
		}
	})
}

// A deployment created with the settings off, never turned off by an
// apply, may turn them on; turning them off after that is recorded.
func TestSMS2003OffThenOn(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		a := at("deployment", "nov")
		v := apply(t, p, a, cty.NilVal, deploymentConfig(false, false, nil))
		id := v.GetAttr("id").AsString()
		v = apply(t, p, a, v, deploymentConfig(true, false, nil))
		if n := retiredCount(t, p, id); n != 0 {
			t.Errorf("turning SMS 2003 on recorded %d rows, want 0", n)
		}
		if got := read(t, p, a, v); !got.RawEquals(v) {
			t.Errorf("read %#v\nwant %#v", got, v)
		}
		apply(t, p, a, v, deploymentConfig(false, true, nil))
		if n := retiredCount(t, p, id); n != 1 {
			t.Errorf("turning SMS 2003 off recorded %d rows, want 1", n)
		}
	})
}

// The record is written in the transaction of the row: when it cannot be
// written, the deployment keeps its SMS 2003 settings.
func TestSMS2003RecordInSameTransaction(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		a := at("deployment", "nov")
		v := apply(t, p, a, cty.NilVal, deploymentConfig(true, false, nil))
		id := v.GetAttr("id").AsString()
		on := storedSMS2003(t, p, id)
		sqlExec(t, p, `DROP TABLE sms2003_retired`)
		if _, diags := tryApply(t, p, a, v, deploymentConfig(false, true, nil)); !diags.HasErrors() {
			t.Fatal("apply succeeded without the record table")
		}
		if got := storedSMS2003(t, p, id); got != on {
			t.Errorf("sms2003 column after the failed apply = %s, want it unchanged: %s", got, on)
		}
	})
}

// Deleting a deployment removes its record; a replacement (a new
// deployment, with a new id) may turn the settings on.
func TestSMS2003RecordOfDeletedDeployment(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		a := at("deployment", "nov")
		v := apply(t, p, a, cty.NilVal, deploymentConfig(true, false, nil))
		id := v.GetAttr("id").AsString()
		v = apply(t, p, a, v, deploymentConfig(false, true, nil))
		resp := p.Apply(context.Background(), providers.ApplyRequest{TypeName: "deployment", Addr: a, Prior: v,
			Planned: cty.NullVal(v.Type()), Config: cty.NullVal(v.Type()), Progress: providers.NoProgress})
		if resp.Diagnostics.HasErrors() {
			t.Fatalf("delete: %s", diagText(resp.Diagnostics))
		}
		if n := retiredCount(t, p, id); n != 0 {
			t.Errorf("%d records of deleted deployment %s, want 0", n, id)
		}
		w := apply(t, p, a, cty.NilVal, deploymentConfig(true, false, nil))
		if w.GetAttr("id").AsString() == id {
			t.Fatalf("deployment id %s reused", id)
		}
	})
}
