package sitedb

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
)

// other is an object that stands in the way of a uniqueness rule.
type other struct {
	id    string
	owner string // "" for a row made outside updplan
}

func (o other) String() string {
	if o.owner == "" {
		return fmt.Sprintf("%s, made outside updplan", o.id)
	}
	return fmt.Sprintf("%s, managed by %s", o.id, o.owner)
}

// conflict finds a row of table matching where (with args) that is neither
// the object itself (selfID) nor owned by its address (an object the
// create will adopt).
func conflict(ctx context.Context, c *conn, table, where string, args []any, selfID, owner string) (other, bool, error) {
	q := `SELECT "id", "owner" FROM "` + table + `" WHERE (` + where + `) AND "id" <> ? AND ("owner" IS NULL OR "owner" <> ?) LIMIT 1`
	rows, err := c.query(ctx, q, append(args, selfID, owner)...)
	if err != nil {
		return other{}, false, err
	}
	defer rows.Close()
	if !rows.Next() {
		return other{}, false, rows.Err()
	}
	var id, own any
	if err := rows.Scan(&id, &own); err != nil {
		return other{}, false, err
	}
	return other{id: asText(id), owner: asText(own)}, true, nil
}

// checkUnique turns conflict into a diagnostic on attr; found builds its
// summary and detail.
func checkUnique(ctx context.Context, c *conn, table, where string, args []any, selfID, owner, attr string, found func(o other) (summary, detail string)) hcl.Diagnostics {
	o, ok, err := conflict(ctx, c, table, where, args, selfID, owner)
	if err != nil {
		return hcl.Diagnostics{c.s.d.explain(err, "check that "+attr+" is unique")}
	}
	if !ok {
		return nil
	}
	summary, detail := found(o)
	return hcl.Diagnostics{providers.AttrError(pathAttr(attr), summary, detail)}
}
