package sitedb

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
)

//go:embed migrations/sqlite/*.sql migrations/postgres/*.sql
var embeddedMigrations embed.FS

// migrationFS holds migrations/<dialect>/NNNN_name.sql; tests swap it to
// play a newer binary.
var migrationFS fs.FS = embeddedMigrations

// application is the marker the first migration writes into updplan_meta;
// a database without it is another application's and is left alone.
const application = "updplan-sitedb"

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the numbered migrations of a dialect, in order.
func migrations(dialect string) []migration {
	dir := "migrations/" + dialect
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		panic(err) // embedded: cannot happen in a built binary
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			panic(fmt.Sprintf("migration %s/%s is not named NNNN_name.sql", dir, e.Name()))
		}
		b, err := fs.ReadFile(migrationFS, path.Join(dir, e.Name()))
		if err != nil {
			panic(err)
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out
}

// latestVersion is the schema version this binary writes.
func latestVersion(dialect string) int {
	ms := migrations(dialect)
	return ms[len(ms)-1].version
}

// schemaStatus is what Configure finds in the database.
type schemaStatus struct {
	empty   bool // no tables at all: a brand-new database
	foreign bool // tables, but not ours
	version int  // our schema version (0 when empty or foreign)
}

// stateTables are the tables of updplan's PostgreSQL state backend.
var stateTables = map[string]bool{"updplan_state": true, "updplan_state_journal": true, "updplan_locks": true}

func (s *store) status(ctx context.Context, c *conn) (schemaStatus, error) {
	rows, err := c.query(ctx, s.d.tables)
	if err != nil {
		return schemaStatus{}, err
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return schemaStatus{}, err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return schemaStatus{}, err
	}
	// The PostgreSQL state backend keeps its tables in the same database
	// when a team puts both there: they are updplan's, not another
	// application's.
	tables = slices.DeleteFunc(tables, func(t string) bool { return stateTables[t] })
	if len(tables) == 0 {
		return schemaStatus{empty: true}, nil
	}
	has := func(name string) bool {
		for _, t := range tables {
			if t == name {
				return true
			}
		}
		return false
	}
	if !has("updplan_meta") || !has("updplan_migrations") {
		return schemaStatus{foreign: true}, nil
	}
	var app string
	if err := c.queryRow(ctx, `SELECT "value" FROM updplan_meta WHERE "key" = 'application'`).Scan(&app); err != nil || app != application {
		return schemaStatus{foreign: true}, nil
	}
	var v int
	if err := c.queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM updplan_migrations`).Scan(&v); err != nil {
		return schemaStatus{}, err
	}
	return schemaStatus{version: v}, nil
}

// check turns a status into the diagnostics of Configure: nil when the
// schema is current.
func (s *store) check(st schemaStatus) hcl.Diagnostics {
	latest := latestVersion(s.d.name)
	switch {
	case st.foreign:
		return hcl.Diagnostics{providers.Error("Database of another application",
			"The site database already holds tables that updplan did not create (no updplan_meta marker). updplan will not change another application's database. Point the sitedb provider at an empty database, or at one updplan created.")}
	case st.version > latest:
		return hcl.Diagnostics{providers.Errorf("Site database newer than updplan",
			"The site database has schema version %d, but this updplan knows versions up to %d: a newer updplan has upgraded it. Upgrade updplan; an older one must not change the database.", st.version, latest)}
	case st.version < latest:
		return hcl.Diagnostics{providers.Errorf("Site database schema out of date",
			"The site database has schema version %d; this updplan needs version %d. Run `updplan init` to upgrade it (take a backup first if you may want to go back to the older updplan).", st.version, latest)}
	}
	return nil
}

// migrate applies every pending migration in one transaction, re-reading
// the status inside it so two processes never migrate twice.
func (s *store) migrate(ctx context.Context) hcl.Diagnostics {
	// SQLite changes constraints by rebuilding tables, which its documented
	// procedure does with foreign key enforcement off; the setting cannot
	// change inside a transaction, so the migration runs on a connection
	// of its own, which gets enforcement back before it returns to the
	// pool. The foreign keys are checked before the commit.
	sc, err := s.db.Conn(ctx)
	if err != nil {
		return hcl.Diagnostics{s.d.explain(err, "upgrade the site database schema")}
	}
	defer sc.Close()
	if s.d.name == "sqlite" {
		if _, err := sc.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return hcl.Diagnostics{s.d.explain(err, "upgrade the site database schema")}
		}
		defer sc.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON")
	}
	tx, err := sc.BeginTx(ctx, nil)
	if err != nil {
		return hcl.Diagnostics{s.d.explain(err, "upgrade the site database schema")}
	}
	defer tx.Rollback()
	c := &conn{s: s, tx: tx}
	if s.d.name == "postgres" {
		if _, err := c.exec(ctx, "SELECT pg_advisory_xact_lock(7533942001)"); err != nil {
			return hcl.Diagnostics{s.d.explain(err, "lock the site database for its schema upgrade")}
		}
	}
	st, err := s.status(ctx, c)
	if err != nil {
		return hcl.Diagnostics{s.d.explain(err, "read the site database schema version")}
	}
	if st.foreign || st.version > latestVersion(s.d.name) {
		return s.check(st)
	}
	for _, m := range migrations(s.d.name) {
		if m.version <= st.version {
			continue
		}
		if _, err := c.exec(ctx, m.sql); err != nil {
			d := s.d.explain(err, "apply migration "+m.name)
			return hcl.Diagnostics{d}
		}
		if _, err := c.exec(ctx, "INSERT INTO updplan_migrations (version, applied_at) VALUES (?, ?)", m.version, time.Now().UTC().Format(time.RFC3339)); err != nil {
			return hcl.Diagnostics{s.d.explain(err, "record migration "+m.name)}
		}
	}
	var diags hcl.Diagnostics
	if s.d.name == "sqlite" {
		d, err := orphans(ctx, c)
		if err != nil {
			return hcl.Diagnostics{s.d.explain(err, "check the foreign keys of the upgraded site database")}
		}
		diags = d
	}
	if err := tx.Commit(); err != nil {
		return hcl.Diagnostics{s.d.explain(err, "commit the site database schema upgrade")}
	}
	return diags
}

// orphans lists, as a warning, rows an older updplan let refer to an object
// that does not exist (PRAGMA foreign_key_check): they are kept, and the
// database refuses such rows from now on.
func orphans(ctx context.Context, c *conn) (hcl.Diagnostics, error) {
	rows, err := c.tx.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var table, parent string
		var rowid, fk any
		if err := rows.Scan(&table, &rowid, &parent, &fk); err != nil {
			return nil, err
		}
		found = append(found, fmt.Sprintf("a row of %s (rowid %s) refers to a missing row of %s", table, asText(rowid), parent))
	}
	if err := rows.Err(); err != nil || len(found) == 0 {
		return nil, err
	}
	return hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Site database rows refer to missing objects",
		Detail: "The site database was upgraded and every row kept, but " + strings.Join(found, "; ") + ". An older updplan accepted these references; the database refuses new ones. Correct or delete those objects (for example by fixing the configuration and applying it)."}}, nil
}
