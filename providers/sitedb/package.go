package sitedb

import (
	"context"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// A package gets a counter id; source_version starts at 1 and rises by one
// whenever content_hash changes: a new source version is how ConfigMgr
// tells distribution points to refresh their copy (domain.md §8.1).
func packageKind() *kind {
	return &kind{
		rt: schema.Sitedb.ResourceType("package"), table: "packages", idAttr: "id", ids: idCounter,
		created:     map[string]cty.Value{"source_version": cty.NumberIntVal(1)},
		unique:      uniqueShareName,
		planCheck:   planPackage,
		versionAttr: "source_version", contentAttr: "content_hash",
	}
}

// planPackage warns when the inventory tool's scan package is renamed or
// its source moved: deployments created earlier keep pointing at the old
// scan package, and their SMS 2003 clients stop scanning (domain.md §0.2).
// Both force a replacement; ConfigMgr only warns, so updplan does too.
func planPackage(_ context.Context, _ *Provider, req providers.PlanRequest, planned cty.Value) hcl.Diagnostics {
	prior, _ := unmark(req.Prior)
	if prior == cty.NilVal || prior.IsNull() || !strings.EqualFold(strings.TrimSpace(str(prior, "name")), "Microsoft Updates Tool") {
		return nil
	}
	var diags hcl.Diagnostics
	for _, a := range []string{"name", "source_path"} {
		now := planned.GetAttr(a)
		if !now.IsKnown() || (now.IsNull() && str(prior, a) == "") || (!now.IsNull() && now.AsString() == str(prior, a)) {
			continue
		}
		what := "renames"
		if a == "source_path" {
			what = "moves the source of"
		}
		diags = append(diags, providers.AttrWarning(pathAttr(a), "Scan package changed under existing deployments",
			"This plan "+what+" the inventory tool's scan package "+str(prior, "id")+", which replaces it. Software update deployments created earlier for SMS 2003 clients keep pointing at the old scan package, and their clients stop scanning. After the apply, create those deployments again (or turn their SMS 2003 settings on in new ones), or keep the package's name and source as they are."))
	}
	return diags
}

// uniqueShareName: a package-specific share name must be unique across all
// packages (domain.md §6).
func uniqueShareName(ctx context.Context, c *conn, owner, selfID string, v cty.Value) hcl.Diagnostics {
	share := str(v, "share_name")
	if share == "" {
		return nil
	}
	return checkUnique(ctx, c, "packages", `lower("share_name") = lower(?)`, []any{share}, selfID, owner, "share_name",
		func(o other) (string, string) {
			return "Duplicate package share name",
				"The package share name " + quote(share) + " is already used by package " + o.String() + ". ConfigMgr needs package share names to be unique across all packages. Choose another share_name, or leave it out to use the common SMSPKG share."
		})
}
