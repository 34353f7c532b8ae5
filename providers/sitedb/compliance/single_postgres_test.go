package compliance

import (
	"context"
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"github.com/updplan/updplan/internal/pgtest"
)

// connect opens a connection to a fresh test database, closed with t.
func connect(t *testing.T) *pgx.Conn {
	t.Helper()
	pc, err := pgx.Connect(context.Background(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close(context.Background()) })
	return pc
}

// TestBinaryCopyMatchesPgx holds copyRows, which encodes the binary COPY
// stream itself, to pgx's CopyFrom: the same clients go into one table
// through each, with and without the site column, and the tables must
// hold the same rows. The values cover empty and non-ASCII text, quotes,
// the largest ResourceID and a title longer than a stream chunk (a row
// split across reads).
func TestBinaryCopyMatchesPgx(t *testing.T) {
	ctx := context.Background()
	pc := connect(t)

	rng := rand.New(rand.NewSource(7))
	texts := []string{"", "KB950001", "Mise à jour de sécurité", "\"quoted\", with comma", "<script>alert(1)</script>", "日本語の更新", "tab\there", strings.Repeat("long ", 20000)}
	var clients []*clientScan
	for c := 0; c < 300; c++ {
		cs := &clientScan{resourceID: 16777220 + int64(c), name: fmt.Sprintf("PC%d", c), scanned: "2026-11-30T08:00:00Z"}
		if c == 299 {
			cs.resourceID = 1<<63 - 1
		}
		for u := 0; u < 1+rng.Intn(40); u++ {
			pick := func() string { return texts[rng.Intn(len(texts))] }
			cs.rows = append(cs.rows, keptRow{updateID: fmt.Sprintf("u%d-%s", u, pick()), bulletin: pick(), article: pick(), title: pick(), state: StateNames[rng.Intn(len(StateNames))]})
		}
		clients = append(clients, cs)
	}

	for _, site := range []bool{true, false} {
		t.Run(fmt.Sprintf("site=%v", site), func(t *testing.T) {
			cols := []string{"resource_id", "update_id", "bulletin", "article", "title", "state", "scanned_at"}
			if site {
				cols = append([]string{"site"}, cols...)
			}
			for _, table := range []string{"ours", "theirs"} {
				if _, err := pc.Exec(ctx, `DROP TABLE IF EXISTS `+table+`; CREATE TABLE `+table+` (site TEXT, resource_id BIGINT NOT NULL, update_id TEXT NOT NULL,
					bulletin TEXT NOT NULL, article TEXT NOT NULL, title TEXT NOT NULL, state TEXT NOT NULL, scanned_at TEXT NOT NULL)`); err != nil {
					t.Fatal(err)
				}
			}

			in := make(chan []*clientScan, 3)
			in <- clients[:1]
			in <- clients[1:150]
			in <- clients[150:]
			close(in)
			im := &importer{opts: ImportOptions{Site: "LAB"}, res: &Result{}}
			src := &copyRows{ctx: ctx, im: im, in: in, failed: make(chan struct{}), stored: map[int64]string{}, site: site}
			n, err := copyScans(ctx, pc, "ours", cols, src)
			if err != nil {
				t.Fatal(err)
			}

			var want [][]any
			for _, cs := range clients {
				for _, r := range cs.rows {
					row := []any{cs.resourceID, r.updateID, r.bulletin, r.article, r.title, r.state, cs.scanned}
					if site {
						row = append([]any{"LAB"}, row...)
					}
					want = append(want, row)
				}
			}
			m, err := pc.CopyFrom(ctx, pgx.Identifier{"theirs"}, cols, pgx.CopyFromRows(want))
			if err != nil {
				t.Fatal(err)
			}
			if n != m || n != int64(len(want)) || len(src.clients) != len(clients) {
				t.Fatalf("rows copied: ours %d, pgx %d, want %d; clients kept %d of %d", n, m, len(want), len(src.clients), len(clients))
			}
			read := func(table string) []string {
				rows, err := pc.Query(ctx, `SELECT format('%s|%s|%s|%s|%s|%s|%s|%s', site, resource_id, update_id, bulletin, article, title, state, scanned_at) FROM `+table+` ORDER BY 1`)
				if err != nil {
					t.Fatal(err)
				}
				out, err := pgx.CollectRows(rows, pgx.RowTo[string])
				if err != nil {
					t.Fatal(err)
				}
				return out
			}
			if diff := cmp.Diff(read("theirs"), read("ours")); diff != "" {
				t.Errorf("the tables differ (-pgx +ours):\n%s", diff)
			}
		})
	}
}

// TestBinaryCopyStops: a reader that failed ends the COPY with nothing
// written and the reader's stop reported, not the server's CopyFail.
func TestBinaryCopyStops(t *testing.T) {
	ctx := context.Background()
	pc := connect(t)
	if _, err := pc.Exec(ctx, `CREATE TEMP TABLE stage (resource_id BIGINT, update_id TEXT, bulletin TEXT, article TEXT, title TEXT, state TEXT, scanned_at TEXT)`); err != nil {
		t.Fatal(err)
	}
	in := make(chan []*clientScan, 1)
	in <- []*clientScan{{resourceID: 1, scanned: "2026-11-30T08:00:00Z", rows: []keptRow{{"u", "b", "a", "t", "installed"}}}}
	close(in)
	failed := make(chan struct{})
	close(failed)
	im := &importer{opts: ImportOptions{Site: "LAB"}, res: &Result{}}
	src := &copyRows{ctx: ctx, im: im, in: in, failed: failed, stored: map[int64]string{}}
	if _, err := copyScans(ctx, pc, "stage", []string{"resource_id", "update_id", "bulletin", "article", "title", "state", "scanned_at"}, src); err != errReaderStopped {
		t.Fatalf("copyScans = %v, want errReaderStopped", err)
	}
	var n int
	if err := pc.QueryRow(ctx, `SELECT COUNT(*) FROM stage`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("stage holds %d rows (%v), want 0", n, err)
	}
}
