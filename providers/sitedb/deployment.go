package sitedb

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// A deployment gets a counter id. Turning its SMS 2003 settings off cannot
// be undone in ConfigMgr (domain.md §10.2): the plan refuses it unless
// allow_irreversible is set, and once it is done the table sms2003_retired
// remembers it, so that turning them on again is refused at plan time and
// again in the write transaction.
func deploymentKind() *kind {
	return &kind{
		rt: schema.Sitedb.ResourceType("deployment"), table: "deployments", idAttr: "id", ids: idCounter,
		planCheck:   planDeployment,
		applyCheck:  applyDeployment,
		afterWrite:  recordSMS2003Retired,
		afterDelete: forgetSMS2003Retired,
	}
}

func sms2003Enabled(v cty.Value) (enabled, isKnown bool) {
	if v.IsNull() || !v.IsKnown() {
		return false, v.IsKnown()
	}
	b := v.GetAttr("sms2003")
	if !b.IsKnown() {
		return false, false
	}
	if b.IsNull() {
		return false, true
	}
	e := b.GetAttr("enabled")
	if !e.IsKnown() {
		return false, false
	}
	return !e.IsNull() && e.True(), true
}

// pathSMS2003Enabled is the attribute the SMS 2003 rules blame.
var pathSMS2003Enabled = cty.GetAttrPath("sms2003").GetAttr("enabled")

func planDeployment(ctx context.Context, p *Provider, req providers.PlanRequest, planned cty.Value) hcl.Diagnostics {
	prior, _ := unmark(req.Prior)
	if prior == cty.NilVal || prior.IsNull() {
		return nil
	}
	// Plan leaves the id of a deployment it replaces unknown: the new one
	// has nothing turned off yet, and the old one is deleted, not changed.
	id := str(prior, "id")
	if pid := planned.GetAttr("id"); id == "" || !pid.IsKnown() || pid.IsNull() || pid.AsString() != id {
		return nil
	}
	was, _ := sms2003Enabled(prior)
	now, isKnown := sms2003Enabled(planned)
	if !isKnown {
		return nil
	}
	if now {
		return sms2003NotRetired(ctx, p.s.conn(), id)
	}
	if !was {
		return nil
	}
	if allow := planned.GetAttr("allow_irreversible"); allow.IsKnown() && !allow.IsNull() && allow.True() {
		return nil
	}
	return hcl.Diagnostics{providers.AttrError(pathSMS2003Enabled, "Irreversible change refused",
		"This plan turns off the SMS 2003 settings of deployment "+id+". ConfigMgr cannot undo that: it disables the SMS 2003 program and advertisement for good, and the setting can never be turned on again. If that is what you want, set allow_irreversible = true on the deployment and plan again.")}
}

// applyDeployment checks again, inside the write transaction, that an
// existing deployment's SMS 2003 settings are not turned on after they were
// retired: a saved plan may have been made before they were.
func applyDeployment(ctx context.Context, c *conn, req providers.ApplyRequest, v cty.Value, id string) hcl.Diagnostics {
	if id == "" {
		return nil // a new deployment: nothing of it was ever turned off
	}
	if on, _ := sms2003Enabled(v); !on {
		return nil
	}
	return sms2003NotRetired(ctx, c, id)
}

// sms2003NotRetired returns an error on sms2003.enabled when the SMS 2003
// settings of deployment id were turned off before.
func sms2003NotRetired(ctx context.Context, c *conn, id string) hcl.Diagnostics {
	var at any
	err := c.queryRow(ctx, `SELECT "retired_at" FROM "sms2003_retired" WHERE "deployment_id" = ?`, id).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return hcl.Diagnostics{c.s.d.explain(err, "look up whether the SMS 2003 settings of deployment "+id+" were turned off")}
	}
	when := asText(at)
	if t, ok := at.(time.Time); ok {
		when = t.UTC().Format(time.RFC3339)
	}
	return hcl.Diagnostics{providers.AttrError(pathSMS2003Enabled, "SMS 2003 settings cannot be turned on again",
		"The SMS 2003 settings of deployment "+id+" were turned off at "+when+". ConfigMgr disabled its SMS 2003 program and advertisement for good then, and the setting cannot be enabled again on this deployment. To reach the SMS 2003 clients, create a new deployment for them (a new deployment resource with sms2003.enabled = true); otherwise keep sms2003.enabled = false here.")}
}

// recordSMS2003Retired records, in the transaction that writes the row,
// that an apply turned the SMS 2003 settings of an existing deployment off.
func recordSMS2003Retired(ctx context.Context, c *conn, req providers.ApplyRequest, v cty.Value, id string) hcl.Diagnostics {
	prior, _ := unmark(req.Prior)
	if prior == cty.NilVal || prior.IsNull() {
		return nil
	}
	was, _ := sms2003Enabled(prior)
	now, isKnown := sms2003Enabled(v)
	if !was || now || !isKnown {
		return nil
	}
	_, err := c.exec(ctx, `INSERT INTO "sms2003_retired" ("deployment_id", "retired_at") VALUES (?, ?) ON CONFLICT ("deployment_id") DO NOTHING`,
		id, time.Now().UTC().Format(time.RFC3339))
	if err != nil {
		return hcl.Diagnostics{c.s.d.explain(err, "record that the SMS 2003 settings of deployment "+id+" were turned off")}
	}
	return nil
}

// forgetSMS2003Retired removes the record of a deleted deployment.
func forgetSMS2003Retired(ctx context.Context, c *conn, id string) hcl.Diagnostics {
	if _, err := c.exec(ctx, `DELETE FROM "sms2003_retired" WHERE "deployment_id" = ?`, id); err != nil {
		return hcl.Diagnostics{c.s.d.explain(err, "remove the SMS 2003 record of deleted deployment "+id)}
	}
	return nil
}
