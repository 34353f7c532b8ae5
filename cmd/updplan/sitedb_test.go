package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
