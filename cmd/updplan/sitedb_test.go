package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/updplan/updplan/engine"
	"github.com/updplan/updplan/engine/state"
)

const twoObjects = approvalConfig + `
collection "all" {
  site = site.lab.code
  name = "All"
}

collection "servers" {
  site = site.lab.code
  name = "Servers"
}
`

func runDir(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), append([]string{"-chdir=" + dir}, args...), strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

// TestOldSchemaOneDiagnostic: plan on a site database written by an older
// updplan gives one diagnostic naming both schema versions and `updplan
// init` (it gave one per object, each with a longer "While reading" chain);
// init upgrades it and plan works again.
func TestOldSchemaOneDiagnostic(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(twoObjects), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runDir(t, dir, "apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	var latest int
	db, err := sql.Open("sqlite", filepath.Join(dir, "site.db"))
	if err == nil {
		err = db.QueryRow(`SELECT MAX(version) FROM updplan_migrations`).Scan(&latest)
		db.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	// What an older updplan left: a database at schema version 1.
	v1, err := os.ReadFile("../../providers/sitedb/migrations/sqlite/0001_objects.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"site.db", "site.db-wal", "site.db-shm"} {
		os.Remove(filepath.Join(dir, f))
	}
	db, err = sql.Open("sqlite", filepath.Join(dir, "site.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{string(v1), `INSERT INTO updplan_migrations (version, applied_at) VALUES (1, '2026-01-01T00:00:00Z')`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	for _, cmd := range [][]string{{"plan"}, {"apply", "-auto-approve"}, {"drift"}} {
		code, _, errOut := runDir(t, dir, cmd...)
		if code != 1 {
			t.Errorf("%v on an old schema: exit %d, want 1", cmd, code)
		}
		if n := strings.Count(errOut, "Error: "); n != 1 || !strings.Contains(errOut, "Site database schema out of date") {
			t.Errorf("%v on an old schema: want one error, got %d:\n%s", cmd, n, errOut)
		}
		want := "has schema version 1; this updplan needs version " + string(rune('0'+latest)) + ". Run `updplan init`"
		if !strings.Contains(strings.Join(strings.Fields(errOut), " "), want) || strings.Contains(errOut, "While reading") {
			t.Errorf("%v: the error does not say %q (or blames one object):\n%s", cmd, want, errOut)
		}
	}
	if code, out, errOut := runDir(t, dir, "init"); code != 0 {
		t.Fatalf("init: exit %d\n%s\n%s", code, out, errOut)
	}
	// The objects the old database lacks are drift, and are created again.
	if code, out, errOut := runDir(t, dir, "plan"); code != 0 || !strings.Contains(out, "Plan: 3 to add") {
		t.Errorf("plan after init: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestPlanNeverWrites: plan in a fresh directory creates neither the site
// database nor the share root, and says what apply would create; apply
// then creates the site database readable by its owner only.
func TestPlanNeverWrites(t *testing.T) {
	dir := t.TempDir()
	cfg := twoObjects + `
share "pkgsrc" {
  server = "SCCM01"
  name   = "PackageSrc"
  path   = "D:\\ITMU\\PkgSource"
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	listing := func() []string {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	before := strings.Join(listing(), " ")
	code, out, errOut := runDir(t, dir, "plan", "-detailed-exitcode")
	if code != 2 || !strings.Contains(out, "Plan: 4 to add") {
		t.Fatalf("plan: exit %d\n%s\n%s", code, out, errOut)
	}
	if after := strings.Join(listing(), " "); after != before {
		t.Errorf("plan wrote to the configuration directory: %q, then %q", before, after)
	}
	if !strings.Contains(errOut, "Site database not created yet") || !strings.Contains(errOut, "`updplan apply` (or `updplan init`) creates it") {
		t.Errorf("plan does not say what apply would create:\n%s", errOut)
	}
	if code, out, errOut := runDir(t, dir, "apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	fi, err := os.Stat(filepath.Join(dir, "site.db"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("site.db created with mode %v, want 0600 (it holds attribute values)", fi.Mode().Perm())
	}
	// On an existing database plan leaves the directory as it found it.
	before = strings.Join(listing(), " ")
	if code, out, errOut := runDir(t, dir, "plan", "-detailed-exitcode"); code != 0 {
		t.Fatalf("plan after apply: exit %d\n%s\n%s", code, out, errOut)
	}
	if after := strings.Join(listing(), " "); after != before {
		t.Errorf("plan on an existing database changed the directory: %q, then %q", before, after)
	}
}

// TestJournalFoldedWhenNothingToApply: an apply killed after every change
// was journaled leaves the state file behind its journal; the next apply
// has nothing to do, and still folds the journal into the state.
func TestJournalFoldedWhenNothingToApply(t *testing.T) {
	dir := t.TempDir()
	write := func(src string) {
		if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(twoObjects)
	if code, out, errOut := runDir(t, dir, "apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	path := filepath.Join(dir, "updplan.state")
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	write(strings.Replace(twoObjects, `name = "All"`, "name    = \"All\"\n  comment = \"every client\"", 1))
	if code, out, errOut := runDir(t, dir, "apply", "-auto-approve"); code != 0 {
		t.Fatalf("second apply: exit %d\n%s\n%s", code, out, errOut)
	}
	ctx := context.Background()
	types := (&engine.Engine{Providers: newRegistry(), Version: version}).StateTypes()
	applied, err := state.NewLocal(path).Read(ctx, types)
	if err != nil {
		t.Fatal(err)
	}
	// What the killed second apply left: the old state file, and every
	// change in the journal.
	if err := os.WriteFile(path, old, 0o600); err != nil {
		t.Fatal(err)
	}
	be := state.NewLocal(path)
	base, err := be.Read(ctx, types)
	if err != nil {
		t.Fatal(err)
	}
	j, err := be.OpenJournal(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range applied.Sorted() {
		if err := j.Set(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	be.Close()

	code, out, errOut := runDir(t, dir, "apply", "-auto-approve")
	if code != 0 || !strings.Contains(out, "No changes") {
		t.Fatalf("apply after the kill: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(path + ".journal"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the journal is still beside the state (stat: %v)", err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "every client") {
		t.Errorf("the state file was not brought up to date with the journal:\n%s", b)
	}
}

// TestStaleShareTableTempRemoved: the temporary share table of a writer
// killed before its rename is removed by the next write of the table.
func TestStaleShareTableTempRemoved(t *testing.T) {
	dir := t.TempDir()
	share := `
share "pkgsrc" {
  server      = "SCCM01"
  name        = "PackageSrc"
  path        = "D:\\ITMU\\PkgSource"
  description = "%s"
}
`
	write := func(desc string) {
		if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(strings.Replace(share, "%s", desc, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("one")
	if code, out, errOut := runDir(t, dir, "apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}
	stale := filepath.Join(dir, ".site", ".shares-12345.json.tmp")
	if err := os.WriteFile(stale, []byte(`{"format_version":1,"servers":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	write("two")
	if code, out, errOut := runDir(t, dir, "apply", "-auto-approve"); code != 0 {
		t.Fatalf("second apply: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the stale temporary table %s is still there (stat: %v)", stale, err)
	}
}
