package compliance

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// sqliteRowBatch is how many rows one INSERT writes on SQLite (7 values
// a row and the site, under SQLite's limit of 32,766 parameters): one
// statement per batch instead of one per row.
const sqliteRowBatch = 128

const scanResultsColumns = `site, resource_id, update_id, bulletin, article, title, state, scanned_at`

// scanUpsert is the INSERT of n rows into scan_results; a row that is
// already there (with other values: the caller writes only those) is
// replaced. The site is bound once, as ?1.
func scanUpsert(n int) string {
	return `INSERT INTO scan_results (` + scanResultsColumns + `) VALUES ` +
		strings.TrimSuffix(strings.Repeat("(?1,?,?,?,?,?,?,?),", n), ",") + `
	ON CONFLICT (site, resource_id, update_id) DO UPDATE SET bulletin = excluded.bulletin, article = excluded.article,
		title = excluded.title, state = excluded.state, scanned_at = excluded.scanned_at`
}

const clientUpsert = `INSERT INTO scan_clients (site, resource_id, name, scanned_at, inventoried_at, installed, required, reboot_pending, not_required, unknown)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (site, resource_id) DO UPDATE SET name = excluded.name, scanned_at = excluded.scanned_at,
		inventoried_at = CASE WHEN excluded.inventoried_at IS NULL OR scan_clients.inventoried_at > excluded.inventoried_at
			THEN scan_clients.inventoried_at ELSE excluded.inventoried_at END,
		installed = excluded.installed, required = excluded.required, reboot_pending = excluded.reboot_pending,
		not_required = excluded.not_required, unknown = excluded.unknown`

// sqliteWriter writes resolved clients into SQLite with prepared
// statements: a new client's rows are inserted in batches; a client with
// a stored scan is compared with its stored rows in Go, and only the rows
// that differ are written.
type sqliteWriter struct {
	im                   *importer
	rows, client, stored *sql.Stmt
	older                *sql.Stmt
	pending              []any // ?1, the site, then 7 values a row
}

func (im *importer) sqliteScans(ctx context.Context, in <-chan []*clientScan, failed <-chan struct{}, stored map[int64]string) error {
	w := &sqliteWriter{im: im, pending: make([]any, 1, 1+7*sqliteRowBatch)}
	w.pending[0] = im.opts.Site
	prep := []struct {
		st **sql.Stmt
		q  string
	}{
		{&w.rows, scanUpsert(sqliteRowBatch)},
		{&w.client, clientUpsert},
		{&w.stored, `SELECT update_id, bulletin, article, title, state, scanned_at FROM scan_results WHERE site = ? AND resource_id = ?`},
		{&w.older, `DELETE FROM scan_results WHERE site = ? AND resource_id = ? AND scanned_at < ?`},
	}
	for _, p := range prep {
		st, err := im.c.PrepareContext(ctx, p.q)
		if err != nil {
			return err
		}
		defer st.Close()
		*p.st = st
	}
	for batch := range in {
		for _, cs := range batch {
			if err := w.write(ctx, cs, stored); err != nil {
				return err
			}
		}
	}
	if stopped(failed) {
		return errReaderStopped
	}
	return w.flush(ctx)
}

func (w *sqliteWriter) add(ctx context.Context, cs *clientScan, r *keptRow) error {
	w.pending = append(w.pending, cs.resourceID, r.updateID, r.bulletin, r.article, r.title, r.state, cs.scanned)
	if len(w.pending) == cap(w.pending) {
		if _, err := w.rows.ExecContext(ctx, w.pending...); err != nil {
			return err
		}
		w.pending = w.pending[:1]
	}
	return nil
}

func (w *sqliteWriter) flush(ctx context.Context) error {
	if len(w.pending) == 1 {
		return nil
	}
	_, err := w.im.c.ExecContext(ctx, scanUpsert((len(w.pending)-1)/7), w.pending...)
	w.pending = w.pending[:1]
	return err
}

func (w *sqliteWriter) write(ctx context.Context, cs *clientScan, stored map[int64]string) error {
	im, site := w.im, w.im.opts.Site
	ok, has, newer := im.take(cs, stored)
	if !ok {
		return nil
	}
	var counts stateCounts
	if !has {
		for i := range cs.rows {
			if err := w.add(ctx, cs, &cs.rows[i]); err != nil {
				return err
			}
			counts.add(cs.rows[i].state)
		}
		im.res.Added += int64(len(cs.rows))
	} else {
		// The stored rows, compared in Go: written are only new rows and
		// rows that changed; rows of the older stored scan the file does
		// not hold are removed.
		if err := w.flush(ctx); err != nil {
			return err
		}
		old, err := w.storedRows(ctx, site, cs.resourceID)
		if err != nil {
			return err
		}
		for i := range cs.rows {
			r := &cs.rows[i]
			counts.add(r.state)
			o, found := old[r.updateID]
			switch {
			case !found:
				im.res.Added++
			case o.keptRow == *r && o.scanned == cs.scanned:
				im.res.Unchanged++
				delete(old, r.updateID)
				continue
			default:
				im.res.Updated++
			}
			delete(old, r.updateID)
			if err := w.add(ctx, cs, r); err != nil {
				return err
			}
		}
		if err := w.flush(ctx); err != nil {
			return err
		}
		for _, o := range old {
			if !newer || o.scanned >= cs.scanned {
				counts.add(o.state) // kept: the same scan, rows the file lacks
			}
		}
		if newer {
			res, err := w.older.ExecContext(ctx, site, cs.resourceID, cs.scanned)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			im.res.Removed += n
		}
	}
	_, err := w.client.ExecContext(ctx, site, cs.resourceID, cs.name, cs.scanned, nullIfEmpty(cs.inventoried),
		counts[0], counts[1], counts[2], counts[3], counts[4])
	return err
}

type storedRow struct {
	keptRow
	scanned string
}

func (w *sqliteWriter) storedRows(ctx context.Context, site string, id int64) (map[string]storedRow, error) {
	rows, err := w.stored.QueryContext(ctx, site, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]storedRow{}
	for rows.Next() {
		var r storedRow
		if err := rows.Scan(&r.updateID, &r.bulletin, &r.article, &r.title, &r.state, &r.scanned); err != nil {
			return nil, err
		}
		m[r.updateID] = r
	}
	return m, rows.Err()
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// singlePassPragmas are set on the connection of a single-pass import on
// SQLite, before its transaction, and set back after it: a page cache of
// 16 MiB instead of 2 MiB, so that the B-trees' upper pages stay in
// memory, and statement journals in memory instead of a temporary file
// (each multi-row INSERT keeps one; the single pass makes no temporary
// table). Durability is unchanged: the journal mode and synchronous are
// the connection's.
var singlePassPragmas = [][2]string{{"cache_size", "-16384"}, {"temp_store", "2"}}

// pragmas sets SQLite pragmas on a connection and returns what sets them
// back.
func pragmas(ctx context.Context, c *sql.Conn, set [][2]string) (func(), error) {
	var undo []string
	restore := func() {
		for _, q := range undo {
			c.ExecContext(context.Background(), q)
		}
	}
	for _, p := range set {
		name, v := p[0], p[1]
		var old string
		if err := c.QueryRowContext(ctx, `PRAGMA `+name).Scan(&old); err != nil {
			restore()
			return nil, err
		}
		undo = append(undo, fmt.Sprintf(`PRAGMA %s = %s`, name, old))
		if _, err := c.ExecContext(ctx, fmt.Sprintf(`PRAGMA %s = %s`, name, v)); err != nil {
			restore()
			return nil, err
		}
	}
	return restore, nil
}
