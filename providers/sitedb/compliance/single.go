package compliance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
)

// The single pass: a scan-result file whose rows of each client are
// together (an export ordered by ResourceID, or one client after another
// as v_GS_PatchStatusEx lists them) is read once, one client at a time.
// Each client's rows are resolved in memory (its latest scan, duplicates,
// rows of older scans), compared with the stored scan time, and written
// straight into scan_results and scan_clients: no staging table and no
// set-based passes over the whole file. Reading and validating run on
// one goroutine while the database writes on the other.
//
// A file where a client's rows come back after another client's is
// imported again from its start by the staging path (import.go), which
// handles any order.

// errScattered says the file's rows are not grouped by client: the
// single pass cannot resolve a client's scans, the staging path can.
var errScattered = errors.New("the rows of a client are not together")

// maxClientRows bounds one client's rows held in memory (ITMU reports a
// few hundred updates a client); a larger run of one ResourceID goes
// through the staging path, whose memory does not grow with it.
const maxClientRows = 1 << 16

// batchRows is about how many rows the reader hands the writer at once.
const batchRows = 4096

// keptRow is one stored row of a client's latest scan.
type keptRow struct {
	updateID, bulletin, article, title, state string
}

// clientScan is one client's rows of a file, resolved.
type clientScan struct {
	resourceID  int64
	name        string // the name of its latest rows
	scanned     string // its latest scan in the file
	inventoried string // its latest hardware inventory in the file, "" if none
	rows        []keptRow
	superseded  int64 // valid rows of older scans in the file
}

// stateIndex is the position of each stored state in the per-state counts
// of scan_clients (StateNames order).
var stateIndex = func() map[string]int {
	m := map[string]int{}
	for i, s := range StateNames {
		m[s] = i
	}
	return m
}()

type dupKey struct{ update, scanned string }

// grouper reads a scan-result file and hands resolved clients, in
// batches, to the writer.
type grouper struct {
	im    *importer
	seen  map[int64]struct{}
	first map[dupKey]int
	cur   []scanRow
	batch []*clientScan
	n     int
}

// readClients reads the whole file into out. It stops at the
// first file fault, at errScattered, or when ctx ends.
func (im *importer) readClients(ctx context.Context, out chan<- []*clientScan) error {
	g := &grouper{im: im, seen: map[int64]struct{}{}, first: map[dupKey]int{}}
	send := func() error {
		if len(g.batch) == 0 {
			return nil
		}
		select {
		case out <- g.batch:
		case <-ctx.Done():
			return ctx.Err()
		}
		g.batch, g.n = nil, 0
		return nil
	}
	for {
		line, err := im.nextRow(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		r, why := im.tp.scanRow(line, im.rs.fields)
		if why != "" {
			im.reject(line, why)
			continue
		}
		if len(g.cur) > 0 && r.resourceID != g.cur[0].resourceID {
			g.resolve()
			if g.n >= batchRows {
				if err := send(); err != nil {
					return err
				}
			}
		}
		if len(g.cur) == 0 {
			if _, again := g.seen[r.resourceID]; again {
				return errScattered
			}
			g.seen[r.resourceID] = struct{}{}
		}
		if len(g.cur) == maxClientRows {
			return errScattered
		}
		g.cur = append(g.cur, r)
	}
	if len(g.cur) > 0 {
		g.resolve()
	}
	return send()
}

// resolve turns the current client's rows into a clientScan: the first
// row of each update in its latest scan is kept; a row with the same
// update and scan time as an earlier one is rejected as its duplicate;
// the rest are rows of older scans. The name is the greatest of the
// latest scan's rows and the hardware inventory the latest of all rows,
// as the staging path's MAX()es.
func (g *grouper) resolve() {
	rows := g.cur
	cs := &clientScan{resourceID: rows[0].resourceID, rows: make([]keptRow, 0, len(rows))}
	for i := range rows {
		if rows[i].scanned > cs.scanned {
			cs.scanned = rows[i].scanned
		}
	}
	clear(g.first)
	for i := range rows {
		r := &rows[i]
		g.im.pairs[updatePair{r.updateID, r.article}] = struct{}{}
		if r.inventoried > cs.inventoried {
			cs.inventoried = r.inventoried
		}
		if r.scanned == cs.scanned && r.name > cs.name {
			cs.name = r.name
		}
		k := dupKey{r.updateID, r.scanned}
		if l, dup := g.first[k]; dup {
			g.im.reject(r.line, fmt.Sprintf(scanDuplicate, l))
			continue
		}
		g.first[k] = r.line
		if r.scanned != cs.scanned {
			cs.superseded++
			continue
		}
		cs.rows = append(cs.rows, keptRow{r.updateID, r.bulletin, r.article, r.title, r.state})
	}
	g.batch = append(g.batch, cs)
	g.n += len(rows)
	clear(g.cur)
	g.cur = g.cur[:0]
}

const scanDuplicate = "a duplicate of line %d (same client, update and scan time)"

// storedScans returns each client's stored scan time at the site.
func (im *importer) storedScans(ctx context.Context) (map[int64]string, error) {
	rows, err := im.c.QueryContext(ctx, im.s.bind(`SELECT resource_id, scanned_at FROM scan_clients WHERE site = ?`), im.opts.Site)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int64]string{}
	for rows.Next() {
		var id int64
		var at string
		if err := rows.Scan(&id, &at); err != nil {
			return nil, err
		}
		m[id] = at
	}
	return m, rows.Err()
}

// errReaderStopped tells the writer that the reader stopped on an error
// (the reader's own error is the one reported).
var errReaderStopped = errors.New("the file could not be read to its end")

// singlePass imports a scan-result file in one pass (see above): the
// reader runs on its own goroutine, write consumes what it resolves and
// returns errReaderStopped when failed is closed (the reader's error is
// then reported).
func (im *importer) singlePass(ctx context.Context, write func(ctx context.Context, in <-chan []*clientScan, failed <-chan struct{}, stored map[int64]string) error) error {
	stored, err := im.storedScans(ctx)
	if err != nil {
		return err
	}
	rctx, stop := context.WithCancel(ctx)
	defer stop()
	in := make(chan []*clientScan, 4)
	failed := make(chan struct{})
	var rerr error
	go func() {
		rerr = im.readClients(rctx, in)
		if rerr != nil {
			close(failed)
		}
		close(in)
	}()
	werr := write(ctx, in, failed, stored)
	stop()
	for range in {
		// Wait for the reader: rerr and im.pairs are set before in is
		// closed.
	}
	if rerr != nil && (werr == nil || !errors.Is(rerr, context.Canceled)) {
		return rerr
	}
	if werr != nil {
		return werr
	}
	return im.storePairs(ctx)
}

// updatePair is an update and the KB article a row gave it.
type updatePair struct{ update, article string }

// storePairs adds the (update, article) pairs of the file's rows to
// scan_updates (migration 0007).
func (im *importer) storePairs(ctx context.Context) error {
	pairs := make([]updatePair, 0, len(im.pairs))
	for p := range im.pairs {
		pairs = append(pairs, p)
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].update != pairs[j].update {
			return pairs[i].update < pairs[j].update
		}
		return pairs[i].article < pairs[j].article
	})
	const chunk = 200
	for len(pairs) > 0 {
		n := min(chunk, len(pairs))
		args := make([]any, 0, 3*n)
		for _, p := range pairs[:n] {
			args = append(args, im.opts.Site, p.update, p.article)
		}
		q := `INSERT INTO scan_updates (site, update_id, article) VALUES ` + valueRows(3, n) + ` ON CONFLICT DO NOTHING`
		if _, err := im.s.exec(ctx, im.c, q, args...); err != nil {
			return err
		}
		pairs = pairs[n:]
	}
	return nil
}

// stopped says whether the reader failed.
func stopped(failed <-chan struct{}) bool {
	select {
	case <-failed:
		return true
	default:
		return false
	}
}

// take says whether a client's scan is stored: not when the site
// database holds a newer one (its rows are superseded). newer is true
// when it replaces an older stored scan.
func (im *importer) take(cs *clientScan, stored map[int64]string) (ok, has, newer bool) {
	im.res.Superseded += cs.superseded
	at, has := stored[cs.resourceID]
	if has && at > cs.scanned {
		im.res.Superseded += int64(len(cs.rows))
		return false, true, false
	}
	return true, has, has && at < cs.scanned
}

// stateCounts are a client's rows per state, in StateNames order.
type stateCounts [5]int64

func (c *stateCounts) add(state string) { c[stateIndex[state]]++ }
