package sitedb

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// A collection gets a counter id; its members are a JSON set, managed
// exactly (members) or in part (members_include/members_exclude).
func collectionKind() *kind {
	return &kind{
		rt: schema.Sitedb.ResourceType("collection"), table: "collections", idAttr: "id", ids: idCounter,
		virtual:    map[string]bool{"members_include": true, "members_exclude": true},
		membership: true,
		unique:     uniqueCollectionName,
	}
}

func uniqueCollectionName(ctx context.Context, c *conn, owner, selfID string, v cty.Value) hcl.Diagnostics {
	site, name := str(v, "site"), str(v, "name")
	if site == "" || !known(v, "name") || name == "" {
		return nil
	}
	return checkUnique(ctx, c, "collections", `"site" = ? AND "name" = ?`, []any{site, name}, selfID, owner, "name",
		func(o other) (string, string) {
			return "Duplicate collection name",
				"Site " + site + " already has a collection named " + quote(name) + " (" + o.String() + "). Collection names must be unique in a site. Choose another name, or import the existing collection with `updplan import " + owner + " " + o.id + "`."
		})
}
