package e2e

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// collections writes a site with n collections, each with a comment that
// changes with round (so later rounds update objects too) and references to
// the site.
func collectionsConfig(n, round int) string {
	return fmt.Sprintf(`
site "lab" {
  code   = "LAB"
  name   = "Lab"
  server = "SITESRV"
}

collection "c" {
  count   = %d
  site    = site.lab.code
  name    = "clients-${count.index}"
  comment = "round %d"
  members = ["WKS-${count.index}"]
}
`, n, round)
}

// TestKilledApplyConverges kills `updplan apply` with SIGKILL at random
// moments, many times, while it creates, updates and deletes a few hundred
// objects. After every kill the state must be readable, nothing may exist
// twice, and the next apply must converge to the configuration.
func TestKilledApplyConverges(t *testing.T) {
	if testing.Short() {
		t.Skip("kills many processes; skipped with -short")
	}
	dir := t.TempDir()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 42))

	sizes := []int{300, 300, 250, 320, 200, 300}
	kills := 0
	for round, n := range sizes {
		writeFile(t, dir, "main.upd.hcl", collectionsConfig(n, round))
		for attempt := 0; attempt < 3; attempt++ {
			cmd := exec.Command(binary, "-no-color", "apply", "-auto-approve")
			cmd.Dir = dir
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			time.Sleep(time.Duration(20+rng.IntN(400)) * time.Millisecond)
			_ = cmd.Process.Signal(syscall.SIGKILL)
			_ = cmd.Wait()
			kills++
			checkAfterKill(t, dir)
		}
		// Converge: a normal apply finishes, and then nothing is left to do.
		if r := updplan(t, dir, "apply", "-auto-approve"); r.code != 0 {
			t.Fatalf("round %d: apply after kills failed:\n%s", round, r)
		}
		if r := updplan(t, dir, "plan", "-detailed-exitcode"); r.code != 0 {
			t.Fatalf("round %d: not converged:\n%s", round, r)
		}
		checkObjects(t, dir, n, round)
	}
	t.Logf("%d kills", kills)
}

// checkAfterKill: the state is readable, no object exists twice, and the
// next plan works.
func checkAfterKill(t *testing.T, dir string) {
	t.Helper()
	if r := updplan(t, dir, "state", "list"); r.code != 0 {
		t.Fatalf("state unreadable after kill:\n%s", r)
	}
	if r := updplan(t, dir, "plan", "-detailed-exitcode"); r.code == 1 {
		t.Fatalf("plan failed after kill:\n%s", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "site.db")); errors.Is(err, fs.ErrNotExist) {
		return // killed while planning: plan creates no site database
	}
	db := openSiteDB(t, dir)
	defer db.Close()
	var schema int
	if err := db.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'collections'`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	if schema == 0 {
		return // killed while the schema was being created: its transaction left nothing
	}
	var dups int
	if err := db.QueryRow(`SELECT COUNT(*) FROM (SELECT name FROM collections GROUP BY site, name HAVING COUNT(*) > 1)`).Scan(&dups); err != nil {
		t.Fatal(err)
	}
	if dups > 0 {
		t.Fatalf("%d collection names exist twice after a kill", dups)
	}
}

// checkObjects: exactly the configured collections exist, each once.
func checkObjects(t *testing.T, dir string, n, round int) {
	t.Helper()
	db := openSiteDB(t, dir)
	defer db.Close()
	var total, current int
	if err := db.QueryRow(`SELECT COUNT(*), COALESCE(SUM(comment = ?), 0) FROM collections`, fmt.Sprintf("round %d", round)).Scan(&total, &current); err != nil {
		t.Fatal(err)
	}
	if total != n || current != n {
		t.Fatalf("round %d: %d collections (%d up to date), want %d", round, total, current, n)
	}
	r := updplan(t, dir, "state", "list")
	if got := strings.Count(r.stdout, "collection.c["); got != n {
		t.Fatalf("round %d: state lists %d collections, want %d:\n%s", round, got, n, r.stdout)
	}
}

func openSiteDB(t *testing.T, dir string) *sql.DB {
	t.Helper()
	path := filepath.Join(dir, "site.db")
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no site database: %v", err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	return db
}
