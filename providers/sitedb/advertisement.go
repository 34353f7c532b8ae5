package sitedb

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// An advertisement gets a counter id; its program must exist in its
// package: checked at plan time when the package id is known, and again in
// the write transaction.
func advertisementKind() *kind {
	return &kind{
		rt: schema.Sitedb.ResourceType("advertisement"), table: "advertisements", idAttr: "id", ids: idCounter,
		unique: uniqueAdvertisementName,
		planCheck: func(ctx context.Context, p *Provider, req providers.PlanRequest, planned cty.Value) hcl.Diagnostics {
			pkg, prog := str(planned, "package"), str(planned, "program")
			if pkg == "" || prog == "" || p.isPlanned(p.plannedPrograms, programID(pkg, prog)) {
				return nil
			}
			// A package that does not exist is the engine's reference
			// check to report (schema.ResolveReferences), with what exists
			// instead.
			if found, err := p.s.conn().exists(ctx, `SELECT 1 FROM "packages" WHERE "id" = ?`, pkg); err != nil {
				return hcl.Diagnostics{p.s.d.explain(err, "look up package "+pkg)}
			} else if !found {
				return nil
			}
			return programExists(ctx, p.s.conn(), pkg, prog)
		},
		applyCheck: func(ctx context.Context, c *conn, req providers.ApplyRequest, v cty.Value, id string) hcl.Diagnostics {
			return programExists(ctx, c, str(v, "package"), str(v, "program"))
		},
	}
}

func programExists(ctx context.Context, c *conn, pkg, prog string) hcl.Diagnostics {
	found, err := c.exists(ctx, `SELECT 1 FROM "programs" WHERE "id" = ?`, programID(pkg, prog))
	if err != nil {
		return hcl.Diagnostics{c.s.d.explain(err, "look up program "+prog+" of package "+pkg)}
	}
	if found {
		return nil
	}
	return hcl.Diagnostics{providers.AttrError(pathAttr("program"), "Program not in package",
		"Package "+pkg+" has no program named "+quote(prog)+", neither in the site database nor in this configuration. ConfigMgr would accept the advertisement and silently never run it. Declare the program (and refer to it, e.g. program = program.scan.name) or correct the name.")}
}

// uniqueAdvertisementName: an advertisement's name is its unique
// user-friendly name (SMS_Advertisement, domain.md §8.3), here per site.
func uniqueAdvertisementName(ctx context.Context, c *conn, owner, selfID string, v cty.Value) hcl.Diagnostics {
	site, name := str(v, "site"), str(v, "name")
	if site == "" || name == "" {
		return nil
	}
	return checkUnique(ctx, c, "advertisements", `"site" = ? AND lower("name") = lower(?)`, []any{site, name}, selfID, owner, "name",
		func(o other) (string, string) {
			return "Duplicate advertisement name",
				"Site " + site + " already has an advertisement named " + quote(name) + " (" + o.String() + "). An advertisement's name is its unique user-friendly name. Choose another name, or import the existing advertisement with `updplan import " + owner + " " + o.id + "`."
		})
}
