package compliance_test

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/updplan/updplan/providers/sitedb/compliance"
)

// randomScans writes a scan-result file of a few clients: each client's
// rows together (or, when scatter is set, a client coming back later),
// with duplicates, rows of an older scan, renamed clients, changed states
// and bad rows.
func randomScans(rng *rand.Rand, day int, scatter bool) string {
	var b strings.Builder
	b.WriteString(header)
	states := []string{"Installed", "Required", "Not Required", "Reboot pending", "Unknown", "Applicable"}
	clients := rng.Perm(8)[:3+rng.Intn(5)]
	var later []string
	for _, c := range clients {
		scan := fmt.Sprintf("2026-11-%02dT08:00:00Z", day+rng.Intn(3))
		for u := 0; u < 1+rng.Intn(6); u++ {
			at := scan
			if rng.Intn(6) == 0 {
				at = "2026-11-01T08:00:00Z" // an older scan in the same file
			}
			inv := ""
			if rng.Intn(2) == 0 {
				inv = fmt.Sprintf("2026-11-%02dT09:00:00Z", 1+rng.Intn(28))
			}
			row := fmt.Sprintf("%d,PC%d%s,u%d,MS08-%03d,%d,\"Update %d, \"\"q\"\"\",%s,%s,%s\n",
				100+c, c, strings.Repeat("x", rng.Intn(2)), rng.Intn(8), u, 950000+u, u, states[rng.Intn(len(states))], at, inv)
			switch {
			case rng.Intn(10) == 0:
				row = fmt.Sprintf("%d,PC%d,u1,B,1,T,Maybe,%s,\n", 100+c, c, at) // rejected
			case scatter && rng.Intn(4) == 0:
				later = append(later, row)
				continue
			}
			b.WriteString(row)
			if rng.Intn(8) == 0 {
				b.WriteString(row) // a duplicate
			}
		}
	}
	for _, r := range later {
		b.WriteString(r)
	}
	return b.String()
}

// The single pass (a file whose clients' rows are together) and the
// staging path give the same counts, the same rejected rows and the same
// tables, file after file, on both drivers; a file whose clients are
// scattered falls back to the staging path.
func TestImportSinglePassMatchesStaging(t *testing.T) {
	dump := func(t *testing.T, s *compliance.Store) []string {
		var out []string
		for _, q := range []string{
			`SELECT site, resource_id, update_id, bulletin, article, title, state, scanned_at FROM scan_results ORDER BY resource_id, update_id`,
			`SELECT site, resource_id, name, scanned_at, COALESCE(inventoried_at, '-'), installed, required, reboot_pending, not_required, unknown FROM scan_clients ORDER BY resource_id`,
			`SELECT site, update_id, article FROM scan_updates ORDER BY update_id, article`,
		} {
			rows, err := s.DB.Query(q)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				out = append(out, fmt.Sprint(vals...))
			}
			rows.Close()
		}
		return out
	}
	eachDriver(t, func(t *testing.T, single *compliance.Store) {
		staged := openStore(t, driverOf(single))
		rng := rand.New(rand.NewSource(11))
		for i := 0; i < 24; i++ {
			content := randomScans(rng, 2+i, i%3 == 2)
			got := mustImport(t, single, "f.csv", content)
			restore := compliance.StagedOnly()
			want := mustImport(t, staged, "f.csv", content)
			restore()
			if d := cmp.Diff(want, got, cmp.AllowUnexported(compliance.Result{})); d != "" {
				t.Fatalf("file %d: result (-staged +single):\n%s\n%s", i, d, content)
			}
			if d := cmp.Diff(dump(t, staged), dump(t, single)); d != "" {
				t.Fatalf("file %d: tables (-staged +single):\n%s\n%s", i, d, content)
			}
		}
	})
}

func driverOf(s *compliance.Store) string { return s.Driver }

// cancelAfter cancels a context once n bytes were read from r; it is no
// io.Seeker, so the import cannot rewind it.
type cancelAfter struct {
	r      io.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	if c.n -= k; c.n <= 0 {
		c.cancel()
	}
	return k, err
}

// manyScans is a file of clients x updates rows, each client's together.
func manyScans(clients, updates int) string {
	var b strings.Builder
	b.WriteString(header)
	for c := 0; c < clients; c++ {
		for u := 0; u < updates; u++ {
			fmt.Fprintf(&b, "%d,PC%05d,u%04d,MS08-%03d,%d,T,Installed,2026-11-30T08:00:00Z,\n", 100+c, c, u, u, 950000+u)
		}
	}
	return b.String()
}

// An import interrupted half-way (the reader's goroutine and the
// database's both stop) leaves nothing behind and says so; a reader that
// cannot rewind takes the staging path with the same counts.
func TestImportInterruptedAndUnseekable(t *testing.T) {
	content := manyScans(200, 50)
	eachDriver(t, func(t *testing.T, s *compliance.Store) {
		for _, seekable := range []bool{true, false} {
			ctx, cancel := context.WithCancel(context.Background())
			sr := io.NewSectionReader(strings.NewReader(content), 0, int64(len(content)))
			ca := &cancelAfter{r: sr, n: len(content) / 2, cancel: cancel}
			var r io.Reader = ca
			if seekable {
				r = struct {
					*cancelAfter
					io.Seeker
				}{ca, sr} // the single pass
			}
			_, d := s.Import(ctx, "big.csv", r, compliance.ImportOptions{Site: "LAB", Now: now})
			if !d.HasErrors() || d[0].Summary != "Import interrupted" {
				t.Fatalf("seekable=%v: want Import interrupted, got %v", seekable, d)
			}
			if n := count(t, s, `SELECT COUNT(*) FROM scan_results`) + count(t, s, `SELECT COUNT(*) FROM scan_clients`); n != 0 {
				t.Errorf("seekable=%v: %d rows left by an interrupted import", seekable, n)
			}
		}
		res, d := s.Import(context.Background(), "big.csv", struct{ io.Reader }{strings.NewReader(content)}, compliance.ImportOptions{Site: "LAB", Now: now})
		if d.HasErrors() {
			t.Fatal(d.Error())
		}
		if want := (compliance.Counts{Rows: 10000, Added: 10000}); res.Counts != want {
			t.Errorf("unseekable import: %+v, want %+v", res.Counts, want)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM scan_updates`); n != 50 {
			t.Errorf("%d update pairs, want 50", n)
		}
	})
}
