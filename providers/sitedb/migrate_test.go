package sitedb

import (
	"context"
	"fmt"
	"github.com/updplan/updplan/providers"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/zclconf/go-cty/cty"
)

// withMigrationsUpTo plays an older updplan that knows the migrations up
// to version; the returned function brings the current ones back.
func withMigrationsUpTo(t *testing.T, version int) (restore func()) {
	t.Helper()
	older := fstest.MapFS{}
	for _, dialect := range []string{"sqlite", "postgres"} {
		for _, m := range migrations(dialect) {
			if m.version <= version {
				older["migrations/"+dialect+"/"+m.name] = &fstest.MapFile{Data: []byte(m.sql)}
			}
		}
	}
	old := migrationFS
	migrationFS = fs.FS(older)
	restore = func() { migrationFS = old }
	t.Cleanup(restore)
	return restore
}

// hasTable reports whether the provider's database has the table.
func hasTable(t *testing.T, p *Provider, name string) bool {
	t.Helper()
	rows, err := p.s.db.Query(p.s.d.tables)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == name {
			return true
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return false
}

// The migration files of both drivers have the same numbers.
func TestMigrationsOfBothDrivers(t *testing.T) {
	names := func(dialect string) []string {
		var out []string
		for i, m := range migrations(dialect) {
			if m.version != i+1 {
				t.Errorf("%s migration %s has number %d, want %d (no gaps)", dialect, m.name, m.version, i+1)
			}
			out = append(out, m.name)
		}
		return out
	}
	if s, p := strings.Join(names("sqlite"), " "), strings.Join(names("postgres"), " "); s != p {
		t.Errorf("sqlite migrations %s, postgres migrations %s: want the same", s, p)
	}
}

// A brand-new database gets every migration when it is first configured.
func TestNewDatabaseGetsEveryMigration(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		latest := latestVersion(d.name)
		if n := sqlCount(t, p, `SELECT COUNT(*) FROM updplan_migrations`); n != len(migrations(d.name)) {
			t.Errorf("%d migrations recorded, want %d", n, len(migrations(d.name)))
		}
		if v := sqlCount(t, p, `SELECT MAX(version) FROM updplan_migrations`); v != latest {
			t.Errorf("schema version %d, want %d", v, latest)
		}
		for _, table := range []string{"sms2003_retired", "scan_clients", "scan_results", "collection_members"} {
			if !hasTable(t, p, table) {
				t.Errorf("no table %s in a new database", table)
			}
		}
	})
}

// A database of schema version 1 (before sms2003_retired) is upgraded by
// `updplan init` (Configure warns, Prepare migrates), keeps its objects,
// and then records turned-off SMS 2003 settings.
func TestUpgradeFromVersion1(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		cfg, dir := d.config(t)
		restore := withMigrationsUpTo(t, 1)
		p := openWith(t, cfg, dir)
		a := at("deployment", "nov")
		v := apply(t, p, a, cty.NilVal, deploymentConfig(true, false, nil))
		if hasTable(t, p, "sms2003_retired") {
			t.Fatalf("a version 1 database already has sms2003_retired")
		}
		p.Close()
		restore()

		p, diags := configureFor(cfg, dir, providers.AccessPrepare)
		defer p.Close()
		if diags.HasErrors() || len(diags) != 1 || diags[0].Summary != "Site database schema out of date" {
			t.Fatalf("Configure of a version 1 database: want one warning, got:\n%s", diagText(diags))
		}
		if want := fmt.Sprintf("schema version 1; this updplan needs version %d", latestVersion(d.name)); !strings.Contains(diags[0].Detail, want) {
			t.Errorf("detail does not say %q:\n%s", want, diags[0].Detail)
		}
		pr := plan(t, p, a, v, deploymentConfig(false, true, nil))
		wantDiag(t, pr.Diagnostics, "Site database schema out of date", "")

		if d := p.Prepare(context.Background()); d.HasErrors() {
			t.Fatalf("Prepare: %s", diagText(d))
		}
		if got := sqlCount(t, p, `SELECT MAX(version) FROM updplan_migrations`); got != latestVersion(d.name) {
			t.Errorf("schema version %d after Prepare, want %d", got, latestVersion(d.name))
		}
		if !hasTable(t, p, "sms2003_retired") {
			t.Fatalf("no table sms2003_retired after Prepare")
		}
		if got := read(t, p, a, v); !got.RawEquals(v) {
			t.Errorf("deployment after the upgrade: %#v\nwant %#v", got, v)
		}
		v = apply(t, p, a, v, deploymentConfig(false, true, nil))
		if n := retiredCount(t, p, v.GetAttr("id").AsString()); n != 1 {
			t.Errorf("%d records after turning SMS 2003 off, want 1", n)
		}
		pr = plan(t, p, a, v, deploymentConfig(true, false, nil))
		wantDiag(t, pr.Diagnostics, "SMS 2003 settings cannot be turned on again", "sms2003.enabled")

		// Prepare again: nothing left to do.
		if d := p.Prepare(context.Background()); d.HasErrors() {
			t.Fatalf("second Prepare: %s", diagText(d))
		}
		if n := sqlCount(t, p, `SELECT COUNT(*) FROM updplan_migrations`); n != latestVersion(d.name) {
			t.Errorf("%d migrations recorded after a second Prepare, want %d", n, latestVersion(d.name))
		}
	})
}

// Scan results imported under schema version 4 get their clients' counts
// per state (0005) and their updates' pairs (0007) when the database is
// upgraded.
func TestUpgradeCountsScanStates(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		cfg, dir := d.config(t)
		restore := withMigrationsUpTo(t, 4)
		p := openWith(t, cfg, dir)
		sqlExec(t, p, `INSERT INTO scan_clients (site, resource_id, name, scanned_at) VALUES ('LAB', 1, 'PC01', '2026-11-30T08:00:00Z'), ('LAB', 2, 'PC02', '2026-11-30T08:00:00Z')`)
		sqlExec(t, p, `INSERT INTO scan_results (site, resource_id, update_id, bulletin, article, title, state, scanned_at) VALUES
			('LAB', 1, 'u1', '', '', '', 'installed', '2026-11-30T08:00:00Z'), ('LAB', 1, 'u2', '', '', '', 'required', '2026-11-30T08:00:00Z'),
			('LAB', 1, 'u3', '', '', '', 'required', '2026-11-30T08:00:00Z')`)
		p.Close()
		restore()
		p, _ = configure(cfg, dir)
		defer p.Close()
		if d := p.Prepare(context.Background()); d.HasErrors() {
			t.Fatalf("Prepare: %s", diagText(d))
		}
		if got := sqlCount(t, p, `SELECT installed * 100 + required * 10 + unknown FROM scan_clients WHERE resource_id = 1`); got != 120 {
			t.Errorf("PC01 counts %d, want 1 installed, 2 required (120)", got)
		}
		if got := sqlCount(t, p, `SELECT installed + required + unknown FROM scan_clients WHERE resource_id = 2`); got != 0 {
			t.Errorf("PC02 counts %d, want 0", got)
		}
		// Migration 0007 keeps the updates' (id, article) pairs.
		if got := sqlCount(t, p, `SELECT COUNT(*) FROM scan_updates WHERE site = 'LAB' AND article = ''`); got != 3 {
			t.Errorf("%d update pairs after the upgrade, want 3", got)
		}
	})
}
