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
