package compliance_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/updplan/updplan/providers/sitedb/compliance"
)

// scanRows is a scan-result file of clients x updates rows, every row of
// a client together.
func scanRows(first, clients, updates int) string {
	var b strings.Builder
	b.WriteString(header)
	for c := first; c < first+clients; c++ {
		for u := 0; u < updates; u++ {
			fmt.Fprintf(&b, "%d,PC%d,u%d,MS08-%03d,%d,Update %d,Installed,2026-11-30T08:00:00Z,\n", 100+c, c, u, u, 950000+u, u)
		}
	}
	return b.String()
}

const scanKey = `SELECT COALESCE((SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'scan_results'::regclass AND contype = 'p'), 'none')`

func primaryKey(t *testing.T, s *compliance.Store) string {
	t.Helper()
	var def string
	if err := s.DB.QueryRow(scanKey).Scan(&def); err != nil {
		t.Fatal(err)
	}
	return def
}

// TestPostgresFirstImportKey: a first import into an empty scan_results
// drops its primary key for the COPY and builds it after; the key is
// there after the import, after one that failed (the DDL is rolled back
// with it), and after two first imports at once (they take turns, no
// deadlock), and it still refuses a duplicate.
func TestPostgresFirstImportKey(t *testing.T) {
	const want = "PRIMARY KEY (site, resource_id, update_id)"
	s := openStore(t, "postgres")
	if _, err := s.DB.Exec(`INSERT INTO sites (id, name, server) VALUES ('LB2', 'Lab2', 'SITESRV2')`); err != nil {
		t.Fatal(err)
	}

	// A file that fails at its end: nothing kept, the key kept.
	if _, d := importString(t, s, "broken.csv", scanRows(0, 20, 5)+"120,PC20,u1,B,1,\"unterminated\n"); !d.HasErrors() {
		t.Fatal("a file with an unterminated quote was imported")
	}
	if got := primaryKey(t, s); got != want {
		t.Fatalf("after a failed first import the key is %q, want %q", got, want)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM scan_results`); n != 0 {
		t.Fatalf("a failed import left %d rows", n)
	}

	// Two first imports at once, for two sites.
	var wg sync.WaitGroup
	errs := make([]string, 2)
	for i, site := range []string{"LAB", "LB2"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, d := s.Import(context.Background(), site+".csv", strings.NewReader(scanRows(i*1000, 300, 20)), compliance.ImportOptions{Site: site, Now: now})
			switch {
			case d.HasErrors():
				errs[i] = d.Error()
			case res.Added != 300*20:
				errs[i] = fmt.Sprintf("added %d rows, want %d", res.Added, 300*20)
			}
		}()
	}
	wg.Wait()
	for _, e := range errs {
		if e != "" {
			t.Fatal(e)
		}
	}
	if got := primaryKey(t, s); got != want {
		t.Fatalf("after two first imports the key is %q, want %q", got, want)
	}
	if n := count(t, s, `SELECT COUNT(*) FROM scan_results`); n != 2*300*20 {
		t.Fatalf("scan_results holds %d rows, want %d", n, 2*300*20)
	}
	if _, err := s.DB.Exec(`INSERT INTO scan_results (site, resource_id, update_id, bulletin, article, title, state, scanned_at)
		SELECT site, resource_id, update_id, bulletin, article, title, state, scanned_at FROM scan_results LIMIT 1`); err == nil {
		t.Fatal("a duplicate row was accepted: the primary key does not hold")
	}

	// An import of the same rows again takes the merge path: unchanged.
	res := mustImport(t, s, "again.csv", scanRows(0, 300, 20))
	if res.Unchanged != 300*20 || res.Added != 0 {
		t.Fatalf("the same rows again: %+v", res.Counts)
	}
}
