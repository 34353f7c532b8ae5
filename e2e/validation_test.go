package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInputChangesNothing: a definition that breaks a domain rule is
// refused by plan and apply before any object or state is written.
func TestBadInputChangesNothing(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "main.upd.hcl", `
site "lab" {
  code   = "CON"
  name   = "Lab"
  server = "SITESRV"
}

collection "clients" {
  site = "LAB"
  name = "Clients"
}
`)
	for _, args := range [][]string{{"plan"}, {"apply", "-auto-approve"}} {
		r := updplan(t, dir, args...)
		if r.code != 1 || !strings.Contains(r.stderr, "Reserved site code") || !strings.Contains(r.stderr, "main.upd.hcl line 3") {
			t.Fatalf("%s:\n%s", args[0], r)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "updplan.state")); err == nil {
		t.Errorf("a state was written")
	}
	if _, err := os.Stat(filepath.Join(dir, "site.db")); err == nil {
		db := openSiteDB(t, dir)
		defer db.Close()
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM collections`).Scan(&n); err == nil && n > 0 {
			t.Errorf("%d collections were created from an invalid definition", n)
		}
	}
}
