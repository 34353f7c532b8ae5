package main

import (
	"context"
	"fmt"

	"github.com/zclconf/go-cty/cty"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/providers/sitedb"
	"github.com/updplan/updplan/providers/sitedb/compliance"
)

// deploymentNotes returns the compliance line of every deployment of p that
// is created, updated or kept (not one being destroyed), for the human
// output of plan, apply and drift:
//
//	compliance: 9,312 of 10,000 clients reported (93.1%), 71.4% compliant, 688 stale
//
// The figures are those of `updplan report compliance -by=deployment`
// (compliance.Store.Figures over the deployment's collection and updates),
// read from the site database the plan already opened, read-only. It says
// nothing for a site without imported scans, a deployment whose collection
// is known only after apply, or when the site database cannot be read
// (missing, not configured, out of date): the figures are a help, never a
// reason for the plan to fail.
func (c *cli) deploymentNotes(ctx context.Context, p *plan.Plan) map[addr.Instance]string {
	if p == nil || c.reg == nil {
		return nil
	}
	deployments := map[addr.Instance]cty.Value{}
	seen := map[addr.Instance]bool{}
	for _, ch := range p.Changes {
		if ch.Type != "deployment" {
			continue
		}
		seen[ch.Addr] = true
		if ch.Action != plan.Delete {
			deployments[ch.Addr] = ch.After
		}
	}
	// drift keeps only pending changes: the others are in the state.
	if p.PriorState != nil && p.Mode != plan.DestroyMode {
		for _, r := range p.PriorState.Sorted() {
			if r.Type == "deployment" && !seen[r.Addr] {
				deployments[r.Addr] = r.Value
			}
		}
	}
	if len(deployments) == 0 {
		return nil
	}
	prov, ok := c.reg.Provider("sitedb")
	if !ok {
		return nil
	}
	sp, ok := prov.(*sitedb.Provider)
	if !ok {
		return nil
	}
	st, d := sp.Compliance()
	if d.HasErrors() {
		return nil
	}
	hasScans := map[string]bool{}
	notes := map[addr.Instance]string{}
	for a, v := range deployments {
		q, ok := deploymentQuery(v)
		if !ok {
			continue
		}
		has, known := hasScans[q.Site]
		if !known {
			h, diags := st.HasScans(ctx, q.Site)
			if diags.HasErrors() {
				return nil
			}
			hasScans[q.Site], has = h, h
		}
		if !has {
			continue
		}
		f, diags := st.Figures(ctx, q)
		if diags.HasErrors() {
			return nil
		}
		notes[a] = complianceNote(q.CollectionID, f)
	}
	return notes
}

// deploymentQuery is the compliance query of a deployment's value: its
// site, collection and updates, as report compliance -by=deployment asks.
func deploymentQuery(v cty.Value) (compliance.Query, bool) {
	v, _ = v.UnmarkDeep()
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() {
		return compliance.Query{}, false
	}
	site, coll := attrString(v, "site"), attrString(v, "collection")
	if site == "" || coll == "" || !v.Type().HasAttribute("updates") {
		return compliance.Query{}, false
	}
	q := compliance.Query{Site: site, CollectionID: coll}
	u := v.GetAttr("updates")
	if !u.IsWhollyKnown() {
		return compliance.Query{}, false
	}
	if !u.IsNull() {
		for it := u.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if e.IsNull() || e.Type() != cty.String {
				continue
			}
			q.Updates = append(q.Updates, e.AsString())
		}
	}
	return q, true
}

// numbers prints counts with thousands separators (9,312).
var numbers = message.NewPrinter(language.English)

// complianceNote is the one line of a deployment's figures.
func complianceNote(collection string, f compliance.Figures) string {
	if f.Clients == 0 {
		return fmt.Sprintf("compliance: collection %s has no known members (declare its members, or import a membership export)", collection)
	}
	s := numbers.Sprintf("compliance: %d of %d clients reported (%.1f%%)", f.Reported, f.Clients, f.ReportedPercent())
	if f.Rows() > 0 {
		s += fmt.Sprintf(", %.1f%% compliant", f.CompliantPercent())
	}
	return s + numbers.Sprintf(", %d stale", f.Stale)
}
