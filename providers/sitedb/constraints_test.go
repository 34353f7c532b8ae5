package sitedb

import (
	"context"
	"github.com/updplan/updplan/providers"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// tableRows returns every row of a table as text, in key order, with the
// columns of only (every column when only is nil).
func tableRows(t *testing.T, p *Provider, table string, only map[string]bool) []string {
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
		var parts []string
		for i, v := range vals {
			if only == nil || only[cols[i]] {
				parts = append(parts, cols[i]+"="+asText(v))
			}
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out
}

// tableColumns returns the columns a table has.
func tableColumns(t *testing.T, p *Provider, table string) map[string]bool {
	t.Helper()
	rows, err := p.s.db.Query(`SELECT * FROM "` + table + `" WHERE 1 = 0`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	out := map[string]bool{}
	for _, c := range cols {
		out[c] = true
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
		// The rows the previous release writes (its columns, as its
		// provider stores them), one of each type, and a program whose
		// package does not exist, which that release accepted.
		for _, q := range []string{
			`INSERT INTO sites (id, owner, name, server, parent, admins_group) VALUES ('CEN', 'site.cen', 'Central', 'S0', NULL, 'SMS Admins'), ('BR1', 'site.br1', 'Branch', 'S1', 'CEN', 'SMS Admins')`,
			`INSERT INTO collections (id, owner, site, name, members, refresh) VALUES ('CEN00001', 'collection.sync', 'CEN', 'Microsoft Updates Tool Sync', '["WKS1"]', 'manual')`,
			`INSERT INTO packages (id, owner, site, name, priority, share_name, source_version) VALUES ('CEN00002', 'package.itmu', 'CEN', 'Microsoft Updates Tool', 'normal', 'ITMU', 1)`,
			`INSERT INTO programs (id, owner, package, name, command_line, run_mode, admin_rights, max_run_minutes, disabled) VALUES ('CEN00002/Scan', 'program.scan', 'CEN00002', 'Scan', 'ScanWrapper.exe', 'whether_or_not_user_logged_on', 1, 720, 0), ('CEN0FFFF/Orphan', 'program.orphan', 'CEN0FFFF', 'Orphan', 'x', 'whether_or_not_user_logged_on', 1, 720, 0)`,
			`INSERT INTO advertisements (id, owner, site, name, collection, package, program, include_subcollections, rerun, local_dp, remote_dp, priority, enabled) VALUES ('CEN00003', 'advertisement.scan', 'CEN', 'Scan', 'CEN00001', 'CEN00002', 'Scan', 1, 'if_failed', 'download', 'dont_run', 'normal', 1)`,
			`INSERT INTO distribution_points (id, owner, site, server, kind) VALUES ('["Display=\\DP1\"]MSWNET:["SMS_SITE=CEN"]\\DP1\', 'distribution_point.dp', 'CEN', 'DP1', 'server')`,
			`INSERT INTO sync_hosts (id, owner, site, computer, mode, internet_access, collection) VALUES ('CEN/WKS1', 'sync_host.wks', 'CEN', 'WKS1', 'interactive', 0, 'CEN00001')`,
			`INSERT INTO hardware_inventories (id, owner, schedule) VALUES ('CEN', 'hardware_inventory.cen', 'every 7 days')`,
			`INSERT INTO deployment_packages (id, owner, site, name, source_path, priority, binary_delta, content_version) VALUES ('CEN00004', 'deployment_package.m', 'CEN', 'Monthly', '\\S0\Updates\Monthly', 'normal', 0, 1)`,
			`INSERT INTO deployments (id, owner, site, name, updates, collection, package, start_time, action, notify_user, allow_irreversible) VALUES ('CEN00005', 'deployment.nov', 'CEN', 'Nov', '["KB958644"]', 'CEN00001', 'CEN00004', '2026-12-01T02:00:00Z', 'install', 1, 0)`,
			`INSERT INTO id_counter (site, next_value) VALUES ('CEN', 6)`,
		} {
			sqlExec(t, p, q)
		}
		before := map[string][]string{}
		columns := map[string]map[string]bool{}
		for _, table := range objectTables {
			before[table] = tableRows(t, p, table, nil)
			columns[table] = tableColumns(t, p, table)
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
			if got := tableRows(t, p, table, columns[table]); strings.Join(got, "\n") != strings.Join(before[table], "\n") {
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
