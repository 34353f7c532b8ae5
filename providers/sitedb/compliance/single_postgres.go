package compliance

import (
	"context"
	"encoding/binary"
	"io"
	"strings"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// On PostgreSQL the resolved rows go through one COPY (binary, encoded
// by copyRows): straight into scan_results when the site
// has no scan stored yet (a first import), else into a temporary table
// merged with one upsert. The clients follow with a second COPY.

// keptClient is a client whose scan is stored, with what scan_clients
// needs.
type keptClient struct {
	resourceID                 int64
	name, scanned, inventoried string
	newer                      bool
	counts                     stateCounts
}

// copyRows is the COPY stream of the rows of the clients the reader
// resolves, in PostgreSQL's binary COPY format, encoded here: the rows
// are a BIGINT and text columns only, and pgx's generic CopyFrom would
// box each value into an interface and look up its encode plan, the
// larger part of the import's own CPU. TestBinaryCopyMatchesPgx holds
// the two to the same rows. It keeps the clients it wrote.
type copyRows struct {
	ctx     context.Context
	im      *importer
	in      <-chan []*clientScan
	failed  <-chan struct{}
	stored  map[int64]string
	site    bool // the rows carry the site (scan_results) or not (the stage)
	batch   []*clientScan
	clients []keptClient
	buf     []byte // encoded, not yet read
	off     int
	done    bool
	// stop is why the stream stopped early. pgconn reads the stream on a
	// goroutine of its own and, when the context is cancelled or the
	// connection fails, returns before that goroutine is through, so
	// copyScans may read it while that goroutine still sets it.
	stop atomic.Pointer[error]
}

// copyHeader opens a binary COPY stream: the signature, no flags, no
// header extension.
var copyHeader = []byte("PGCOPY\n\377\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")

const copyChunk = 64 << 10

func (s *copyRows) Read(p []byte) (int, error) {
	for s.off == len(s.buf) {
		if s.done {
			if err := s.stopReason(); err != nil {
				return 0, err
			}
			return 0, io.EOF
		}
		s.fill()
	}
	n := copy(p, s.buf[s.off:])
	s.off += n
	return n, nil
}

// fill encodes the next clients' rows, about copyChunk bytes, or the
// trailer at the end.
func (s *copyRows) fill() {
	if s.buf == nil {
		s.buf = append(make([]byte, 0, copyChunk+4096), copyHeader...)
	} else {
		s.buf, s.off = s.buf[:0], 0
	}
	for len(s.buf) < copyChunk {
		if len(s.batch) == 0 {
			select {
			case b, ok := <-s.in:
				if !ok {
					if stopped(s.failed) {
						// pgconn ends the COPY with CopyFail: nothing is kept.
						s.stopWith(errReaderStopped)
					} else {
						s.buf = binary.BigEndian.AppendUint16(s.buf, 0xffff) // the trailer
					}
					s.done = true
					return
				}
				s.batch = b
			case <-s.ctx.Done():
				s.stopWith(s.ctx.Err())
				s.done = true
				return
			}
			continue
		}
		cs := s.batch[0]
		s.batch = s.batch[1:]
		ok, _, newer := s.im.take(cs, s.stored)
		if !ok {
			continue
		}
		kc := keptClient{resourceID: cs.resourceID, name: cs.name, scanned: cs.scanned, inventoried: cs.inventoried, newer: newer}
		for i := range cs.rows {
			kc.counts.add(cs.rows[i].state)
		}
		s.clients = append(s.clients, kc)
		s.encode(cs)
	}
}

// stopWith records why the stream stops early; stopReason reads it (nil when
// it did not).
func (s *copyRows) stopWith(err error) { s.stop.Store(&err) }

func (s *copyRows) stopReason() error {
	if err := s.stop.Load(); err != nil {
		return *err
	}
	return nil
}

// encode appends a client's rows as COPY tuples: the field count, then
// each field as its length and bytes (BIGINT as 8 bytes, big-endian).
func (s *copyRows) encode(cs *clientScan) {
	b := s.buf
	for i := range cs.rows {
		r := &cs.rows[i]
		if s.site {
			b = binary.BigEndian.AppendUint16(b, 8)
			b = appendText(b, s.im.opts.Site)
		} else {
			b = binary.BigEndian.AppendUint16(b, 7)
		}
		b = binary.BigEndian.AppendUint32(b, 8)
		b = binary.BigEndian.AppendUint64(b, uint64(cs.resourceID))
		b = appendText(b, r.updateID)
		b = appendText(b, r.bulletin)
		b = appendText(b, r.article)
		b = appendText(b, r.title)
		b = appendText(b, r.state)
		b = appendText(b, cs.scanned)
	}
	s.buf = b
}

func appendText(b []byte, v string) []byte {
	return append(binary.BigEndian.AppendUint32(b, uint32(len(v))), v...)
}

// copyScans streams src into table's columns; an early stop of the
// stream is reported as its own error, not as the CopyFail the server
// answers it with.
func copyScans(ctx context.Context, pc *pgx.Conn, table string, columns []string, src *copyRows) (int64, error) {
	sql := "COPY " + pgx.Identifier{table}.Sanitize() + " (" + strings.Join(columns, ", ") + ") FROM STDIN WITH (FORMAT binary)"
	tag, err := pc.PgConn().CopyFrom(ctx, src, sql)
	if err := src.stopReason(); err != nil {
		return 0, err
	}
	return tag.RowsAffected(), err
}

func (im *importer) postgresScans(ctx context.Context, in <-chan []*clientScan, failed <-chan struct{}, stored map[int64]string) error {
	site := im.opts.Site
	direct := len(stored) == 0
	return im.c.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		src := &copyRows{ctx: ctx, im: im, in: in, failed: failed, stored: stored, site: direct}
		clientCols := []string{"resource_id", "name", "scanned_at", "inventoried_at", "installed", "required", "reboot_pending", "not_required", "unknown"}
		clientRow := func(c *keptClient) []any {
			return []any{c.resourceID, c.name, c.scanned, nullIfEmpty(c.inventoried), c.counts[0], c.counts[1], c.counts[2], c.counts[3], c.counts[4]}
		}
		if direct {
			// Into an empty table, the primary key is built once after the
			// COPY (one sort) instead of taking each row as it comes: that
			// maintenance is most of the COPY's time. The DDL is part of
			// the import's transaction: a failed import keeps the key.
			// The lock (which only writers of the table wait for) makes the
			// check and the DROP one step: two first imports at once take
			// turns instead of deadlocking on the upgrade. The key is built
			// again as the migrations defined it, read before the DROP.
			if _, err := pc.Exec(ctx, `LOCK TABLE scan_results IN SHARE ROW EXCLUSIVE MODE`); err != nil {
				return err
			}
			var empty bool
			var key, keyDef *string // nil when the table has no primary key
			if err := pc.QueryRow(ctx, `SELECT NOT EXISTS (SELECT 1 FROM scan_results), c.conname::text, pg_get_constraintdef(c.oid)
				FROM (SELECT 1) one LEFT JOIN pg_constraint c ON c.conrelid = 'scan_results'::regclass AND c.contype = 'p'`).Scan(&empty, &key, &keyDef); err != nil {
				return err
			}
			rebuild := empty && key != nil
			if rebuild {
				if _, err := pc.Exec(ctx, `ALTER TABLE scan_results DROP CONSTRAINT `+pgx.Identifier{*key}.Sanitize()); err != nil {
					return err
				}
			}
			n, err := copyScans(ctx, pc, "scan_results", []string{"site", "resource_id", "update_id", "bulletin", "article", "title", "state", "scanned_at"}, src)
			if err != nil {
				return err
			}
			if rebuild {
				if _, err := pc.Exec(ctx, `SET LOCAL maintenance_work_mem = '256MB'`); err != nil {
					return err
				}
				if _, err := pc.Exec(ctx, `ALTER TABLE scan_results ADD CONSTRAINT `+pgx.Identifier{*key}.Sanitize()+` `+*keyDef); err != nil {
					return err
				}
			}
			im.res.Added = n
			_, err = pc.CopyFrom(ctx, pgx.Identifier{"scan_clients"}, append([]string{"site"}, clientCols...),
				pgx.CopyFromSlice(len(src.clients), func(i int) ([]any, error) {
					return append([]any{site}, clientRow(&src.clients[i])...), nil
				}))
			return err
		}
		for _, q := range []string{
			`CREATE TEMP TABLE scan_kept (resource_id BIGINT NOT NULL, update_id TEXT NOT NULL, bulletin TEXT NOT NULL, article TEXT NOT NULL,
				title TEXT NOT NULL, state TEXT NOT NULL, scanned_at TEXT NOT NULL) ON COMMIT DROP`,
			`CREATE TEMP TABLE kept_clients (resource_id BIGINT PRIMARY KEY, name TEXT NOT NULL, scanned_at TEXT NOT NULL, inventoried_at TEXT,
				installed BIGINT, required BIGINT, reboot_pending BIGINT, not_required BIGINT, unknown BIGINT, newer BOOLEAN NOT NULL DEFAULT false) ON COMMIT DROP`,
		} {
			if _, err := pc.Exec(ctx, q); err != nil {
				return err
			}
		}
		if _, err := copyScans(ctx, pc, "scan_kept", []string{"resource_id", "update_id", "bulletin", "article", "title", "state", "scanned_at"}, src); err != nil {
			return err
		}
		if _, err := pc.CopyFrom(ctx, pgx.Identifier{"kept_clients"}, append(clientCols, "newer"),
			pgx.CopyFromSlice(len(src.clients), func(i int) ([]any, error) {
				return append(clientRow(&src.clients[i]), src.clients[i].newer), nil
			})); err != nil {
			return err
		}
		// Autovacuum never sees a temporary table: without statistics the
		// planner would join it as if it held a few rows.
		if _, err := pc.Exec(ctx, `ANALYZE scan_kept; ANALYZE kept_clients`); err != nil {
			return err
		}
		var kept, added, unchanged int64
		if err := pc.QueryRow(ctx, `SELECT COUNT(*),
			COALESCE(SUM(CASE WHEN r.update_id IS NULL THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN r.state = k.state AND r.bulletin = k.bulletin AND r.article = k.article AND r.title = k.title AND r.scanned_at = k.scanned_at THEN 1 ELSE 0 END), 0)
			FROM scan_kept k LEFT JOIN scan_results r ON r.site = $1 AND r.resource_id = k.resource_id AND r.update_id = k.update_id`, site).Scan(&kept, &added, &unchanged); err != nil {
			return err
		}
		im.res.Added, im.res.Unchanged, im.res.Updated = added, unchanged, kept-added-unchanged
		steps := []string{
			`INSERT INTO scan_results (` + scanResultsColumns + `)
			SELECT $1, k.resource_id, k.update_id, k.bulletin, k.article, k.title, k.state, k.scanned_at FROM scan_kept k
			ON CONFLICT (site, resource_id, update_id) DO UPDATE SET bulletin = excluded.bulletin, article = excluded.article,
				title = excluded.title, state = excluded.state, scanned_at = excluded.scanned_at
			WHERE scan_results.state <> excluded.state OR scan_results.bulletin <> excluded.bulletin OR scan_results.article <> excluded.article
				OR scan_results.title <> excluded.title OR scan_results.scanned_at <> excluded.scanned_at`,
			`DELETE FROM scan_results r USING kept_clients c WHERE r.site = $1 AND r.resource_id = c.resource_id AND c.newer AND r.scanned_at < c.scanned_at`,
			`INSERT INTO scan_clients (site, resource_id, name, scanned_at, inventoried_at)
			SELECT $1, resource_id, name, scanned_at, inventoried_at FROM kept_clients
			ON CONFLICT (site, resource_id) DO UPDATE SET name = excluded.name, scanned_at = excluded.scanned_at,
				inventoried_at = CASE WHEN excluded.inventoried_at IS NULL OR scan_clients.inventoried_at > excluded.inventoried_at
					THEN scan_clients.inventoried_at ELSE excluded.inventoried_at END`,
			// The clients' rows per state, for the collection figures:
			// a client of the same scan keeps the stored rows the file lacks.
			`UPDATE scan_clients c SET (installed, required, reboot_pending, not_required, unknown) = (
				SELECT ` + stateSums + ` FROM scan_results r WHERE r.site = c.site AND r.resource_id = c.resource_id)
			WHERE c.site = $1 AND c.resource_id IN (SELECT resource_id FROM kept_clients)`,
		}
		for i, q := range steps {
			tag, err := pc.Exec(ctx, q, site)
			if err != nil {
				return err
			}
			if i == 1 {
				im.res.Removed = tag.RowsAffected()
			}
		}
		return nil
	})
}
