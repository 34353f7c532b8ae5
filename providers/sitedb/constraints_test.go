package sitedb

import (
	"context"
	"github.com/updplan/updplan/providers"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// tableRows returns every row of a table as text, in id order.
func tableRows(t *testing.T, p *Provider, table string) []string {
	t.Helper()
	rows, err := p.s.db.Query(`SELECT * FROM "` + table + `" ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		parts := make([]string, len(cols))
		for i, v := range vals {
			parts[i] = cols[i] + "=" + asText(v)
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

var objectTables = []string{"sites", "collections", "packages", "programs", "advertisements", "distribution_points", "sync_hosts", "hardware_inventories", "deployment_packages", "deployments", "id_counter"}

// A database made by the release before the constraints (schema version
// 3) is upgraded by `updplan init` and keeps every row, also one that an
// older updplan let refer to a package that does not exist (a warning
// names it); from then on the database refuses such rows.
func TestUpgradeToConstraintsKeepsEveryRow(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		cfg, dir := d.config(t)
		restore := withMigrationsUpTo(t, 3)
		p := openWith(t, cfg, dir)
		apply(t, p, at("site", "cen"), cty.NilVal, obj("site", map[string]cty.Value{"code": sv("CEN"), "name": sv("Central"), "server": sv("S0")}))
		apply(t, p, at("site", "br1"), cty.NilVal, obj("site", map[string]cty.Value{"code": sv("BR1"), "name": sv("Branch"), "server": sv("S1"), "parent": sv("CEN")}))
		coll := apply(t, p, at("collection", "sync"), cty.NilVal, collectionConfig("CEN", "Microsoft Updates Tool Sync", map[string]cty.Value{"members": set("WKS1")}))
		pkg := apply(t, p, at("package", "itmu"), cty.NilVal, obj("package", map[string]cty.Value{"site": sv("CEN"), "name": sv("Microsoft Updates Tool"), "share_name": sv("ITMU")}))
		apply(t, p, at("program", "scan"), cty.NilVal, obj("program", map[string]cty.Value{"package": pkg.GetAttr("id"), "name": sv("Scan"), "command_line": sv("ScanWrapper.exe")}))
		apply(t, p, at("program", "orphan"), cty.NilVal, obj("program", map[string]cty.Value{"package": sv("CEN0FFFF"), "name": sv("Orphan"), "command_line": sv("x")}))
		apply(t, p, at("advertisement", "scan"), cty.NilVal, obj("advertisement", map[string]cty.Value{"site": sv("CEN"), "name": sv("Scan"), "collection": coll.GetAttr("id"), "package": pkg.GetAttr("id"), "program": sv("Scan")}))
		apply(t, p, at("distribution_point", "dp"), cty.NilVal, obj("distribution_point", map[string]cty.Value{"site": sv("CEN"), "server": sv("DP1")}))
		apply(t, p, at("sync_host", "wks"), cty.NilVal, obj("sync_host", map[string]cty.Value{"site": sv("CEN"), "computer": sv("WKS1"), "collection": coll.GetAttr("id")}))
		apply(t, p, at("hardware_inventory", "cen"), cty.NilVal, obj("hardware_inventory", map[string]cty.Value{"site": sv("CEN")}))
		dp := apply(t, p, at("deployment_package", "m"), cty.NilVal, obj("deployment_package", map[string]cty.Value{"site": sv("CEN"), "name": sv("Monthly"), "source_path": sv(`\\S0\Updates\Monthly`)}))
		apply(t, p, at("deployment", "nov"), cty.NilVal, obj("deployment", map[string]cty.Value{"site": sv("CEN"), "name": sv("Nov"), "updates": set("KB958644"), "collection": coll.GetAttr("id"), "package": dp.GetAttr("id"), "start_time": sv("2026-12-01T02:00:00Z")}))
		before := map[string][]string{}
		for _, table := range objectTables {
			before[table] = tableRows(t, p, table)
		}
		p.Close()
		restore()

		p, diags := configureFor(cfg, dir, providers.AccessPrepare) // updplan init
		defer p.Close()
		if diags.HasErrors() {
			t.Fatalf("Configure: %s", diagText(diags))
		}
		diags = p.Prepare(context.Background())
		if diags.HasErrors() {
			t.Fatalf("Prepare: %s", diagText(diags))
		}
		if d.name == "sqlite" && (len(diags) != 1 || !strings.Contains(diags[0].Detail, "programs")) {
			t.Errorf("want one warning about the orphan program, got:\n%s", diagText(diags))
		}
		for _, table := range objectTables {
			if got := tableRows(t, p, table); strings.Join(got, "\n") != strings.Join(before[table], "\n") {
				t.Errorf("%s after the upgrade:\n%s\nwant:\n%s", table, strings.Join(got, "\n"), strings.Join(before[table], "\n"))
			}
		}
		// From now on the database refuses a program of a missing package.
		_, err := p.s.db.Exec(p.s.bind(`INSERT INTO programs (id, package, name, command_line) VALUES ('CEN0FFFE/X', 'CEN0FFFE', 'X', 'x')`))
		if err == nil {
			t.Errorf("the upgraded database accepted a program of a missing package")
		}
	})
}

// Every SQLite connection enforces foreign keys, also after a migration
// ran on one of them with enforcement off.
func TestSQLiteForeignKeysOn(t *testing.T) {
	p := open(t, testDrivers[0])
	for range 5 {
		var on int
		if err := p.s.db.QueryRow(`PRAGMA foreign_keys`).Scan(&on); err != nil || on != 1 {
			t.Fatalf("PRAGMA foreign_keys = %d (%v), want 1", on, err)
		}
	}
}

// A row the database refuses is a diagnostic at the object and its
// attribute, never a bug in the provider: here the package of a program
// was deleted after the plan, and a deployment package named twice.
func TestConstraintViolationsAreDiagnostics(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		_, diags := tryApply(t, p, at("program", "x"), cty.NilVal, obj("program", map[string]cty.Value{"package": sv("LAB0FFFF"), "name": sv("X"), "command_line": sv("x")}))
		got := wantDiag(t, diags, "Refused by the site database", "package")
		if strings.Contains(got.Detail, "bug") {
			t.Errorf("detail blames a bug: %s", got.Detail)
		}
		apply(t, p, at("deployment_package", "a"), cty.NilVal, obj("deployment_package", map[string]cty.Value{"site": sv("LAB"), "name": sv("Monthly"), "source_path": sv(`\\S\U\A`)}))
		_, err := p.s.db.Exec(p.s.bind(`INSERT INTO deployment_packages (id, site, name, source_path) VALUES ('LAB0FFFF', 'LAB', 'Monthly', '\\S\U\B')`))
		if err == nil {
			t.Fatalf("a second deployment package named Monthly was accepted")
		}
		if diag := p.s.d.explain(err, "create deployment_package LAB0FFFF"); diag.Summary != "Refused by the site database" {
			t.Errorf("explained as %q: %s", diag.Summary, diag.Detail)
		}
		_, err = p.s.db.Exec(p.s.bind(`UPDATE collections SET refresh = 'weekly'`))
		if err != nil {
			t.Fatalf("update of no rows: %v", err)
		}
		apply(t, p, at("collection", "c"), cty.NilVal, collectionConfig("LAB", "C", nil))
		_, err = p.s.db.Exec(p.s.bind(`UPDATE collections SET refresh = 'weekly'`))
		if diag := p.s.d.explain(err, "update collection LAB00002"); err == nil || diag.Summary != "Refused by the site database" || !strings.Contains(diag.Detail, "`refresh`") {
			t.Errorf("refresh = weekly: %v, explained as %+v", err, diag)
		}
	})
}
