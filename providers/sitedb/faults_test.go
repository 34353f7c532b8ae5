package sitedb

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/updplan/updplan/internal/pgtest"
	"github.com/updplan/updplan/providers"
	"github.com/zclconf/go-cty/cty"
)

// rawDB opens the database of a provider configuration directly, as
// another application would.
func rawDB(t *testing.T, cfg cty.Value, dir string) *sql.DB {
	t.Helper()
	var db *sql.DB
	var err error
	if str(cfg, "driver") == "postgres" {
		db, err = sql.Open("pgx", str(cfg, "dsn"))
	} else {
		db, err = sql.Open("sqlite", filepath.Join(dir, str(cfg, "path")))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func configure(cfg cty.Value, dir string) (*Provider, hcl.Diagnostics) {
	return configureFor(cfg, dir, providers.AccessWrite)
}

func configureFor(cfg cty.Value, dir string, access providers.Access) (*Provider, hcl.Diagnostics) {
	p := New()
	diags := p.Configure(context.Background(), providers.ConfigureRequest{Config: cfg, WorkingDir: dir, Access: access})
	return p, diags
}

func TestForeignDatabaseRefused(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		cfg, dir := d.config(t)
		db := rawDB(t, cfg, dir)
		if _, err := db.Exec(`CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)`); err != nil {
			t.Fatal(err)
		}
		p, diags := configure(cfg, dir)
		defer p.Close()
		wantDiag(t, diags, "Database of another application", "")
		// Nothing was added to it.
		var n int
		q := p.s.d.tables
		rows, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			n++
		}
		rows.Close()
		if n != 1 {
			t.Errorf("%d tables after Configure, want the application's 1", n)
		}
		if d := p.Prepare(context.Background()); !d.HasErrors() {
			t.Errorf("Prepare migrated a database of another application")
		}
		pr := p.Plan(context.Background(), providers.PlanRequest{TypeName: "collection", Addr: at("collection", "a"), Prior: cty.NullVal(p.kinds["collection"].ty()), Config: collectionConfig("LAB", "A", nil)})
		wantDiag(t, pr.Diagnostics, "Database of another application", "")
	})
}

// withNextMigration plays a newer updplan whose schema has one more
// migration.
func withNextMigration(t *testing.T) {
	next := fstest.MapFS{}
	for _, dialect := range []string{"sqlite", "postgres"} {
		for _, m := range migrations(dialect) {
			next["migrations/"+dialect+"/"+m.name] = &fstest.MapFile{Data: []byte(m.sql)}
		}
		next["migrations/"+dialect+"/0099_extra.sql"] = &fstest.MapFile{Data: []byte("CREATE TABLE extra (x TEXT);")}
	}
	old := migrationFS
	migrationFS = fs.FS(next)
	t.Cleanup(func() { migrationFS = old })
}

func TestSchemaOutOfDate(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		cfg, dir := d.config(t)
		p := openWith(t, cfg, dir) // the current version
		apply(t, p, at("collection", "a"), cty.NilVal, collectionConfig("LAB", "A", nil))
		p.Close()

		was := latestVersion(d.name)
		withNextMigration(t)
		// plan and apply: one error naming both versions and init.
		for _, access := range []providers.Access{providers.AccessRead, providers.AccessWrite} {
			p, diags := configureFor(cfg, dir, access)
			p.Close()
			if len(diags) != 1 || !diags.HasErrors() || diags[0].Summary != "Site database schema out of date" ||
				!strings.Contains(diags[0].Detail, fmt.Sprintf("has schema version %d; this updplan needs version 99. Run `updplan init`", was)) {
				t.Errorf("Configure (access %d) of an old schema: want one error, got:\n%s", access, diagText(diags))
			}
		}
		p, diags := configureFor(cfg, dir, providers.AccessPrepare)
		defer p.Close()
		// A warning, so that `updplan init` goes on to Prepare.
		if diags.HasErrors() || len(diags) != 1 || diags[0].Summary != "Site database schema out of date" {
			t.Fatalf("Configure of an old schema: want one warning, got:\n%s", diagText(diags))
		}
		if !strings.Contains(diagText(diags), "updplan init") {
			t.Errorf("diagnostic does not say to run updplan init:\n%s", diagText(diags))
		}
		pr := p.Plan(context.Background(), providers.PlanRequest{TypeName: "collection", Addr: at("collection", "b"), Prior: cty.NullVal(p.kinds["collection"].ty()), Config: collectionConfig("LAB", "B", nil)})
		wantDiag(t, pr.Diagnostics, "Site database schema out of date", "")

		if d := p.Prepare(context.Background()); d.HasErrors() {
			t.Fatalf("Prepare: %s", diagText(d))
		}
		if v := sqlCount(t, p, `SELECT MAX(version) FROM updplan_migrations`); v != 99 {
			t.Errorf("schema version %d after Prepare, want 99", v)
		}
		apply(t, p, at("collection", "b"), cty.NilVal, collectionConfig("LAB", "B", nil))
		if n := sqlCount(t, p, `SELECT COUNT(*) FROM collections`); n != 2 {
			t.Errorf("%d collections after the upgrade, want 2", n)
		}
	})
}

func TestSchemaNewerRefused(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		cfg, dir := d.config(t)
		p := openWith(t, cfg, dir)
		sqlExec(t, p, `INSERT INTO updplan_migrations (version, applied_at) SELECT MAX(version) + 1, 'later' FROM updplan_migrations`)
		p.Close()
		p, diags := configure(cfg, dir)
		defer p.Close()
		wantDiag(t, diags, "Site database newer than updplan", "")
		if d := p.Prepare(context.Background()); !d.HasErrors() {
			t.Errorf("Prepare accepted a newer schema")
		}
	})
}

func TestSQLiteLocked(t *testing.T) {
	dir := t.TempDir()
	p := openWith(t, providerConfig("sqlite", "site.db", "", "50ms"), dir)
	holder, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "site.db")+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	tx, err := holder.Begin() // BEGIN IMMEDIATE: holds the write lock
	if err != nil {
		t.Fatal(err)
	}
	_, diags := tryApply(t, p, at("collection", "a"), cty.NilVal, collectionConfig("LAB", "A", nil))
	d := wantDiag(t, diags, "Site database locked", "")
	if !strings.Contains(d.Detail, "busy_timeout") {
		t.Errorf("detail does not name busy_timeout: %s", d.Detail)
	}
	tx.Rollback()
	if n := sqlCount(t, p, `SELECT COUNT(*) FROM collections`); n != 0 {
		t.Errorf("%d collections written by a failed apply", n)
	}
	apply(t, p, at("collection", "a"), cty.NilVal, collectionConfig("LAB", "A", nil))
}

// SQLite's own read-only error gets the read-only diagnostic.
func TestSQLiteReadOnlyExplained(t *testing.T) {
	dir := t.TempDir()
	p := openWith(t, providerConfig("sqlite", "site.db", "", "1s"), dir)
	p.Close()
	path := filepath.Join(dir, "site.db")

	// The diagnostic for SQLite's own read-only error, whoever runs the test.
	ro, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	_, err = ro.Exec(`INSERT INTO collections (id, site, name) VALUES ('LAB00001', 'LAB', 'x')`)
	if err == nil {
		t.Fatal("write to a read-only connection succeeded")
	}
	if d := explainSQLite(err, "write", path, time.Second); d.Summary != "Site database read-only" {
		t.Errorf("read-only write explained as %q: %s", d.Summary, d.Detail)
	}
}

func TestSQLiteReadOnlyFile(t *testing.T) {
	dir := t.TempDir()
	p := openWith(t, providerConfig("sqlite", "site.db", "", "1s"), dir)
	p.Close()
	path := filepath.Join(dir, "site.db")
	if os.Geteuid() == 0 {
		t.Skip("running as root: file permissions do not make the file read-only (TestSQLiteReadOnlyExplained checks the diagnostic)")
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		os.Chmod(f, 0o444)
	}
	os.Chmod(dir, 0o555)
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	q, diags := configure(providerConfig("sqlite", "site.db", "", "1s"), dir)
	defer q.Close()
	if !diags.HasErrors() {
		_, diags = tryApply(t, q, at("collection", "a"), cty.NilVal, collectionConfig("LAB", "A", nil))
	}
	wantDiag(t, diags, "Site database read-only", "")
}

func TestSQLiteNotADatabase(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "site.db"), []byte(strings.Repeat("not a database, just text\n", 200)), 0o644); err != nil {
		t.Fatal(err)
	}
	p, diags := configure(providerConfig("sqlite", "site.db", "", "1s"), dir)
	defer p.Close()
	wantDiag(t, diags, "Not a SQLite database", "")
}

func TestSQLiteMissingFolder(t *testing.T) {
	p, diags := configure(providerConfig("sqlite", "no/such/dir/site.db", "", "1s"), t.TempDir())
	defer p.Close()
	wantDiag(t, diags, "Site database folder missing", "path")
}

func TestPostgresDSNRequired(t *testing.T) {
	p, diags := configure(providerConfig("postgres", "", "", ""), t.TempDir())
	defer p.Close()
	wantDiag(t, diags, "Missing PostgreSQL connection string", "dsn")
}

// The DSN is sensitive: no diagnostic shows it or its password.
func TestPostgresUnreachable(t *testing.T) {
	const secret = "s3cret-Pa55word"
	dsn := "postgres://updplan:" + secret + "@127.0.0.1:1/site?sslmode=disable&connect_timeout=5"
	p, diags := configure(providerConfig("postgres", "", dsn, ""), t.TempDir())
	defer p.Close()
	wantDiag(t, diags, "Site database unreachable", "")
	if text := diagText(diags); strings.Contains(text, secret) || strings.Contains(text, "127.0.0.1:1") {
		t.Errorf("diagnostic shows the DSN:\n%s", text)
	}
	p, diags = configure(providerConfig("postgres", "", "postgres://updplan:"+secret+"@[bad", ""), t.TempDir())
	defer p.Close()
	wantDiag(t, diags, "Invalid PostgreSQL connection string", "dsn")
	if strings.Contains(diagText(diags), secret) {
		t.Errorf("diagnostic shows the password:\n%s", diagText(diags))
	}
}

// The test cluster trusts every local login, so a rejected login is played
// by a role that does not exist (SQLSTATE 28000, like a wrong password's
// 28P01).
func TestPostgresLoginRefused(t *testing.T) {
	dsn := pgtest.DSN(t)
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	const secret = "wr0ng-Secret"
	bad := strings.Replace(dsn, pgtest.Role+":"+cfg.Password+"@", "nobody_here:"+secret+"@", 1)
	if bad == dsn {
		t.Fatalf("cannot rewrite the user of the test DSN")
	}
	p, diags := configure(providerConfig("postgres", "", bad, ""), t.TempDir())
	defer p.Close()
	wantDiag(t, diags, "PostgreSQL login failed", "")
	if text := diagText(diags); strings.Contains(text, secret) || strings.Contains(text, cfg.Password) {
		t.Errorf("diagnostic shows a password:\n%s", text)
	}
}
