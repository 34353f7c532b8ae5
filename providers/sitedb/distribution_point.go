package sitedb

import (
	"context"
	"regexp"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// A distribution point is keyed by its NAL path, made from site and server.
func distributionPointKind() *kind {
	return &kind{
		rt: schema.Sitedb.ResourceType("distribution_point"), table: "distribution_points", idAttr: "id", ids: idDerived,
		derive: func(v cty.Value) (string, bool) {
			site, server := str(v, "site"), str(v, "server")
			return nalPath(site, server), site != "" && server != ""
		},
		unique: uniqueDPShare,
	}
}

// commonShare matches the SMSPKG<drive>$ shares ConfigMgr makes on every
// distribution point; only custom share names must be unique.
var commonShare = regexp.MustCompile(`(?i)^SMSPKG[A-Z]\$$`)

func uniqueDPShare(ctx context.Context, c *conn, owner, selfID string, v cty.Value) hcl.Diagnostics {
	share := str(v, "share")
	if share == "" || commonShare.MatchString(share) {
		return nil
	}
	return checkUnique(ctx, c, "distribution_points", `lower("share") = lower(?)`, []any{share}, selfID, owner, "share",
		func(o other) (string, string) {
			return "Duplicate distribution point share",
				"The custom share name " + quote(share) + " is already used by distribution point " + o.String() + ". Custom distribution point shares must be unique. Choose another share name, or use the common SMSPKG<drive>$ share."
		})
}
