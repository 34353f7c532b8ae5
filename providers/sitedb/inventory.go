package sitedb

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
)

var _ providers.Inventory = (*Provider)(nil)

// inventoryColumns are, per table, the columns an inventory row is made
// of: the name people know the object by, its site (a site's parent), and
// a program's package.
var inventoryColumns = map[string][3]string{
	"site":               {`"name"`, `"parent"`, `NULL`},
	"collection":         {`"name"`, `"site"`, `NULL`},
	"package":            {`"name"`, `"site"`, `NULL`},
	"program":            {`"name"`, `(SELECT "site" FROM "packages" WHERE "packages"."id" = "programs"."package")`, `"package"`},
	"advertisement":      {`"name"`, `"site"`, `NULL`},
	"distribution_point": {`"server"`, `"site"`, `NULL`},
	"sync_host":          {`"computer"`, `"site"`, `NULL`},
	"hardware_inventory": {`NULL`, `"id"`, `NULL`},
	"deployment_package": {`"name"`, `"site"`, `NULL`},
	"deployment":         {`"name"`, `"site"`, `NULL`},
}

// Inventory lists every object of a type with one query.
func (p *Provider) Inventory(ctx context.Context, typeName string) ([]schema.Existing, hcl.Diagnostics) {
	k, d := p.kind(typeName)
	if d.HasErrors() {
		return nil, d
	}
	if d := p.ready(); d.HasErrors() {
		return nil, d
	}
	cols := inventoryColumns[typeName]
	c := p.s.conn()
	rows, err := c.query(ctx, `SELECT "id", "owner", `+cols[0]+`, `+cols[1]+`, `+cols[2]+` FROM "`+k.table+`" ORDER BY "id"`)
	if err != nil {
		return nil, hcl.Diagnostics{p.rowError(err, "list the "+typeName+" objects")}
	}
	defer rows.Close()
	var out []schema.Existing
	for rows.Next() {
		var id, owner, name, site, pkg any
		if err := rows.Scan(&id, &owner, &name, &site, &pkg); err != nil {
			return nil, hcl.Diagnostics{p.rowError(err, "list the "+typeName+" objects")}
		}
		out = append(out, schema.Existing{Type: typeName, ID: asText(id), Owner: asText(owner), Name: asText(name), Site: asText(site), Package: asText(pkg)})
	}
	if err := rows.Err(); err != nil {
		return nil, hcl.Diagnostics{p.rowError(err, "list the "+typeName+" objects")}
	}
	return out, nil
}
