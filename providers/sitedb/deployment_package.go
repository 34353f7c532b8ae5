package sitedb

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// A deployment package gets a counter id; content_version starts at 1. Its
// name is unique and its source path is used by no other package of either
// kind (domain.md §10.3).
func deploymentPackageKind() *kind {
	return &kind{
		rt: schema.Sitedb.ResourceType("deployment_package"), table: "deployment_packages", idAttr: "id", ids: idCounter,
		created: map[string]cty.Value{"content_version": cty.NumberIntVal(1)},
		unique:  deploymentPackageRules,
		// content_version: 1 at creation, +1 per change of content (domain.md §10.4).
		versionAttr: "content_version", contentAttr: "content_hash",
	}
}

func deploymentPackageRules(ctx context.Context, c *conn, owner, selfID string, v cty.Value) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if name := str(v, "name"); name != "" {
		diags = append(diags, checkUnique(ctx, c, "deployment_packages", `"name" = ?`, []any{name}, selfID, owner, "name",
			func(o other) (string, string) {
				return "Duplicate deployment package name",
					"A deployment package named " + quote(name) + " already exists (" + o.String() + "). Deployment package names must be unique. Choose another name, or import the existing package with `updplan import " + owner + " " + o.id + "`."
			})...)
	}
	src := str(v, "source_path")
	if src == "" {
		return diags
	}
	used := func(o other) (string, string) {
		return "Source path already used",
			"The source path " + quote(src) + " is already the source of package " + o.String() + ". A deployment package needs a network folder that no other package uses: ConfigMgr would mix their content. Create a new shared folder and point source_path at it."
	}
	diags = append(diags, checkUnique(ctx, c, "deployment_packages", `lower("source_path") = lower(?)`, []any{src}, selfID, owner, "source_path", used)...)
	// Any software distribution package counts, whoever owns it.
	diags = append(diags, checkUnique(ctx, c, "packages", `lower("source_path") = lower(?)`, []any{src}, "", "", "source_path", used)...)
	return diags
}
