package sitedb

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// A package gets a counter id; source_version starts at 1.
func packageKind() *kind {
	return &kind{
		rt: schema.Sitedb.ResourceType("package"), table: "packages", idAttr: "id", ids: idCounter,
		created: map[string]cty.Value{"source_version": cty.NumberIntVal(1)},
		unique:  uniqueShareName,
	}
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
