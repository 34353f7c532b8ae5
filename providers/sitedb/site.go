package sitedb

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// A site is keyed by its code.
func siteKind() *kind {
	return &kind{
		rt: schema.Sitedb.ResourceType("site"), table: "sites", idAttr: "code", ids: idDerived,
		derive:    attrID("code"),
		planCheck: planSite,
	}
}

// attrID derives an id from one attribute.
func attrID(name string) func(cty.Value) (string, bool) {
	return func(v cty.Value) (string, bool) {
		s := str(v, name)
		return s, s != ""
	}
}

func planSite(_ context.Context, _ *Provider, req providers.PlanRequest, planned cty.Value) hcl.Diagnostics {
	parent, code := str(planned, "parent"), str(planned, "code")
	if prior, _ := unmark(req.Prior); prior != cty.NilVal && !prior.IsNull() {
		var diags hcl.Diagnostics
		for _, a := range []string{"code", "name"} {
			was, now := str(prior, a), planned.GetAttr(a)
			if now.IsKnown() && !now.IsNull() && now.AsString() != was {
				diags = append(diags, siteFixed(a, was, now.AsString(), str(prior, "code")))
			}
		}
		if diags.HasErrors() {
			return diags
		}
	}
	if parent == "" {
		return nil
	}
	if parent == code {
		return hcl.Diagnostics{providers.AttrError(pathAttr("parent"), "Site is its own parent",
			"Site "+code+" names itself as its parent. Set parent to the code of the site above it, or to null for a central site.")}
	}
	// Whether the parent exists is the engine's reference check
	// (schema.ResolveReferences), with the rest of the hierarchy.
	return nil
}

// siteFixed refuses a change of a site's code or name: both are fixed when
// the site is installed (domain.md §2), so replacing the object would
// describe a site that cannot exist (and replace every object in it).
func siteFixed(attr, was, now, code string) *hcl.Diagnostic {
	return providers.AttrError(pathAttr(attr), "Site "+attr+" cannot change",
		"This plan changes the "+attr+" of site "+code+" from "+quote(was)+" to "+quote(now)+". A Configuration Manager site's code and name are fixed when the site is installed and cannot change after install; updplan will not replace the site and every object in it to pretend otherwise. Set `"+attr+"` back to "+quote(was)+". To use another "+attr+", install a new site, declare it as a new site resource, and move the objects to it.")
}
