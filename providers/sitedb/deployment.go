package sitedb

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// A deployment gets a counter id. Turning its SMS 2003 settings off cannot
// be undone in ConfigMgr (domain.md §10.2), so the plan refuses it unless
// allow_irreversible is set.
func deploymentKind() *kind {
	return &kind{
		rt: schema.Sitedb.ResourceType("deployment"), table: "deployments", idAttr: "id", ids: idCounter,
		planCheck: planDeployment,
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

func planDeployment(ctx context.Context, p *Provider, req providers.PlanRequest, planned cty.Value) hcl.Diagnostics {
	prior, _ := unmark(req.Prior)
	if prior == cty.NilVal || prior.IsNull() {
		return nil
	}
	if site := planned.GetAttr("site"); !site.IsKnown() || str(planned, "site") != str(prior, "site") {
		return nil // a replacement: the deployment is deleted, not changed
	}
	was, _ := sms2003Enabled(prior)
	now, isKnown := sms2003Enabled(planned)
	if !was || !isKnown || now {
		return nil
	}
	if allow := planned.GetAttr("allow_irreversible"); allow.IsKnown() && !allow.IsNull() && allow.True() {
		return nil
	}
	return hcl.Diagnostics{providers.AttrError(cty.GetAttrPath("sms2003").GetAttr("enabled"), "Irreversible change refused",
		"This plan turns off the SMS 2003 settings of deployment "+str(prior, "id")+". ConfigMgr cannot undo that: it disables the SMS 2003 program and advertisement for good, and the setting can never be turned on again. If that is what you want, set allow_irreversible = true on the deployment and plan again.")}
}
