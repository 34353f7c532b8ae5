package compliance

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Counts are what an import did, in rows of the file.
type Counts struct {
	Rows       int64 // data rows read
	Added      int64 // rows the database did not have
	Updated    int64 // rows that replaced a different one
	Unchanged  int64 // rows the database already had exactly
	Superseded int64 // rows of a scan older than one the database or the file holds
	Removed    int64 // stored rows of an older scan (or membership) the file replaced
	Rejected   int64 // invalid or duplicate rows, not imported
}

// Rejection is one rejected row.
type Rejection struct {
	Line   int
	Reason string
}

// Result is the outcome of importing one file.
type Result struct {
	Kind Kind
	Counts
	// Rejections lists the first rejected rows by line (ImportOptions.MaxListed).
	Rejections []Rejection
}

// ImportOptions tune an import.
type ImportOptions struct {
	// Site is the site code the scan results belong to (memberships carry
	// theirs in the collection id). When it is empty, NoSite says why, and
	// a file of scan results fails with it.
	Site   string
	NoSite *hcl.Diagnostic
	// MaxListed bounds Result.Rejections (default 20).
	MaxListed int
	// Progress, when set, is called with the bytes read so far.
	Progress func(done int64)
	// Now is the current time (times more than a day after it are
	// rejected); zero means time.Now.
	Now time.Time
}

// sqliteBatch is how many rows one INSERT stages on SQLite (10 values a
// row, under SQLite's limit of 32,766 parameters).
const sqliteBatch = 200

// stagedOnly makes every import take the staging path (tests compare the
// two paths).
var stagedOnly = false

// Import loads one file (name is used in diagnostics) in one transaction:
// on any error nothing of it stays in the database.
//
// A file of scan results that r can read again from its start (a file)
// is imported in one pass when each client's rows are together
// (single.go); one whose clients' rows are scattered is rolled back and
// read again through the staging path, as is anything r cannot rewind.
func (s *Store) Import(ctx context.Context, name string, r io.Reader, opts ImportOptions) (*Result, hcl.Diagnostics) {
	if opts.MaxListed <= 0 {
		opts.MaxListed = 20
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	var start int64 = -1
	seeker, rewind := r.(io.Seeker)
	if rewind {
		var err error
		if start, err = seeker.Seek(0, io.SeekCurrent); err != nil {
			rewind = false // a pipe
		}
	}
	res, d := s.importOnce(ctx, name, r, opts, rewind && !stagedOnly)
	if res == nil && d == nil {
		// Scattered: from the start again, through the staging path.
		if _, err := seeker.Seek(start, io.SeekStart); err != nil {
			return nil, s.fileDiag(name, &readError{err}, "read "+name)
		}
		res, d = s.importOnce(ctx, name, r, opts, false)
	}
	return res, d
}

// importOnce imports the file once; single allows the single pass. It
// returns nil and no diagnostics when the single pass found the file's
// clients scattered (nothing was kept).
func (s *Store) importOnce(ctx context.Context, name string, r io.Reader, opts ImportOptions, single bool) (*Result, hcl.Diagnostics) {
	if opts.Progress != nil {
		r = &countingReader{r: r, f: opts.Progress}
	}
	rs, err := openRows(r)
	if err != nil {
		return nil, s.fileDiag(name, err, "read "+name)
	}
	conn, err := s.DB.Conn(ctx)
	if err != nil {
		return nil, hcl.Diagnostics{s.Explain(err, "connect to the site database")}
	}
	defer conn.Close()
	if single && !s.postgres() && rs.kind == ScanResults {
		restore, err := pragmas(ctx, conn, singlePassPragmas)
		if err != nil {
			return nil, hcl.Diagnostics{s.Explain(err, "start the import transaction")}
		}
		defer restore()
	}
	begin := "BEGIN IMMEDIATE"
	if s.postgres() {
		begin = "BEGIN"
	}
	if _, err := conn.ExecContext(ctx, begin); err != nil {
		return nil, hcl.Diagnostics{s.Explain(err, "start the import transaction")}
	}
	if s.postgres() {
		// The merge sorts and hashes the staged rows: let the server do
		// it in memory (its memory, for this transaction only).
		if _, err := conn.ExecContext(ctx, "SET LOCAL work_mem = '64MB'"); err != nil {
			conn.ExecContext(context.Background(), "ROLLBACK")
			return nil, hcl.Diagnostics{s.Explain(err, "start the import transaction")}
		}
	}
	im := &importer{s: s, c: conn, rs: rs, opts: opts, res: &Result{Kind: rs.kind}, tp: timeParser{now: opts.Now}, pairs: map[updatePair]struct{}{}}
	switch {
	case rs.kind == Memberships:
		err = im.memberships(ctx)
	case opts.Site == "":
		conn.ExecContext(context.Background(), "ROLLBACK")
		d := opts.NoSite
		if d == nil {
			d = &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Site not given", Detail: "Scan results belong to a site; give its code."}
		}
		return nil, hcl.Diagnostics{d}
	case single && s.postgres():
		err = im.singlePass(ctx, im.postgresScans)
	case single:
		err = im.singlePass(ctx, im.sqliteScans)
	default:
		err = im.scans(ctx)
	}
	if err == nil {
		_, err = conn.ExecContext(ctx, "COMMIT")
	}
	if err != nil {
		// A failed transaction is rolled back on a fresh context: the
		// caller's may be what was cancelled.
		conn.ExecContext(context.Background(), "ROLLBACK")
		if errors.Is(err, errScattered) && ctx.Err() == nil {
			return nil, nil
		}
		if ctx.Err() != nil {
			return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Import interrupted",
				Detail: fmt.Sprintf("The import of %s was interrupted; nothing of the file was imported. Run the command again to import it.", name)}}
		}
		return nil, s.fileDiag(name, err, "import "+name)
	}
	sort.Slice(im.res.Rejections, func(i, j int) bool { return im.res.Rejections[i].Line < im.res.Rejections[j].Line })
	if len(im.res.Rejections) > opts.MaxListed {
		im.res.Rejections = im.res.Rejections[:opts.MaxListed]
	}
	return im.res, nil
}

func (s *Store) fileDiag(name string, err error, what string) hcl.Diagnostics {
	var fe *FileError
	if errors.As(err, &fe) {
		d := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fe.Summary,
			Detail: fe.Detail + " Nothing of the file was imported."}
		if fe.Line > 0 {
			d.Subject = &hcl.Range{Filename: name, Start: hcl.Pos{Line: fe.Line, Column: 1}, End: hcl.Pos{Line: fe.Line, Column: 1}}
		} else {
			d.Subject = &hcl.Range{Filename: name}
		}
		return hcl.Diagnostics{d}
	}
	var re *readError
	if errors.As(err, &re) {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot read inventory file",
			Detail: fmt.Sprintf("Reading %s failed: %s. Nothing of the file was imported. Check the file and run the command again.", name, err)}}
	}
	d := s.Explain(err, what)
	d.Detail += " Nothing of the file was imported."
	return hcl.Diagnostics{d}
}

type countingReader struct {
	r    io.Reader
	n    int64
	f    func(int64)
	last int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n-c.last >= 1<<20 || err != nil {
		c.last = c.n
		c.f(c.n)
	}
	return n, err
}

// importer is one file's import, inside its transaction.
type importer struct {
	s    *Store
	c    *sql.Conn
	rs   *rows
	opts ImportOptions
	res  *Result
	tp   timeParser
	// pairs are the (update, article) pairs of the file's rows (the
	// single pass; the staging path takes them from its table).
	pairs map[updatePair]struct{}
}

func (im *importer) reject(line int, reason string) {
	im.res.Rejected++
	if len(im.res.Rejections) < im.opts.MaxListed {
		im.res.Rejections = append(im.res.Rejections, Rejection{line, reason})
	}
}

// nextRow reads the next row that can be read into im.rs.fields and
// counts it; a row that cannot is counted and rejected. io.EOF at the end.
func (im *importer) nextRow(ctx context.Context) (int, error) {
	for {
		line, err := im.rs.next(im.rs.fields)
		if err == io.EOF {
			return 0, err
		}
		var re *rowError
		if errors.As(err, &re) {
			im.res.Rows++
			im.reject(re.line, re.reason)
			continue
		}
		if err != nil {
			return 0, err
		}
		im.res.Rows++
		if im.res.Rows%8192 == 0 && ctx.Err() != nil {
			return 0, ctx.Err()
		}
		return line, nil
	}
}

// produce reads rows until the next valid one and returns its staging
// values; ok is false at the end of the file.
func (im *importer) produce(ctx context.Context, vals []any) (ok bool, err error) {
	for {
		line, err := im.nextRow(ctx)
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if im.rs.kind == Memberships {
			m, why := memberRowOf(line, im.rs.fields)
			if why != "" {
				im.reject(line, why)
				continue
			}
			vals[0], vals[1], vals[2], vals[3] = int64(line), m.collectionID, m.resourceID, m.name
			return true, nil
		}
		r, why := im.tp.scanRow(line, im.rs.fields)
		if why != "" {
			im.reject(line, why)
			continue
		}
		var inv any
		if r.inventoried != "" {
			inv = r.inventoried
		}
		vals[0], vals[1], vals[2], vals[3], vals[4] = int64(line), r.resourceID, r.name, r.updateID, r.bulletin
		vals[5], vals[6], vals[7], vals[8], vals[9] = r.article, r.title, r.state, r.scanned, inv
		return true, nil
	}
}

// stage creates a temporary table and fills it with the file's valid rows:
// COPY on PostgreSQL, multi-row INSERTs on SQLite.
func (im *importer) stage(ctx context.Context, table string, columns []string, ddl string) error {
	if _, err := im.c.ExecContext(ctx, "DROP TABLE IF EXISTS "+table); err != nil {
		return err
	}
	// The staging table is ordered by its key (line last makes it unique):
	// duplicates and each client's rows are neighbours, with no index to
	// build afterwards.
	suffix := im.onCommitDrop()
	if !im.s.postgres() {
		suffix = " WITHOUT ROWID"
	}
	if _, err := im.c.ExecContext(ctx, "CREATE TEMP TABLE "+table+" ("+ddl+")"+suffix); err != nil {
		return err
	}
	if im.s.postgres() {
		return im.c.Raw(func(dc any) error {
			pc := dc.(*stdlib.Conn).Conn()
			src := &copySource{ctx: ctx, im: im, vals: make([]any, len(columns))}
			_, err := pc.CopyFrom(ctx, pgx.Identifier{table}, columns, src)
			if src.err != nil {
				// The file's fault, not the server's: pgx cancelled the COPY.
				return src.err
			}
			if err != nil {
				return err
			}
			// Autovacuum never sees a temporary table: without statistics
			// the planner would join it as if it held a few rows.
			_, err = pc.Exec(ctx, "ANALYZE "+table)
			return err
		})
	}
	width := len(columns)
	insert := func(n int) string {
		return "INSERT INTO " + table + " (" + strings.Join(columns, ",") + ") VALUES " + valueRows(width, n)
	}
	full, err := im.c.PrepareContext(ctx, insert(sqliteBatch))
	if err != nil {
		return err
	}
	defer full.Close()
	batch := make([]any, 0, sqliteBatch*width)
	vals := make([]any, width)
	for {
		ok, err := im.produce(ctx, vals)
		if err != nil {
			return err
		}
		if ok {
			batch = append(batch, vals...)
		}
		n := len(batch) / width
		if n == sqliteBatch {
			if _, err := full.ExecContext(ctx, batch...); err != nil {
				return err
			}
			batch = batch[:0]
		}
		if !ok {
			if n > 0 && n < sqliteBatch {
				if _, err := im.c.ExecContext(ctx, insert(n), batch...); err != nil {
					return err
				}
			}
			return nil
		}
	}
}

// copySource feeds pgx's CopyFrom from the file.
type copySource struct {
	ctx  context.Context
	im   *importer
	vals []any
	err  error
}

func (c *copySource) Next() bool {
	ok, err := c.im.produce(c.ctx, c.vals)
	c.err = err
	return ok
}
func (c *copySource) Values() ([]any, error) { return c.vals, nil }
func (c *copySource) Err() error             { return c.err }

var scanStageColumns = []string{"line", "resource_id", "name", "update_id", "bulletin", "article", "title", "state", "scanned_at", "inventoried_at"}

const scanStageDDL = `line BIGINT NOT NULL, resource_id BIGINT NOT NULL, name TEXT NOT NULL, update_id TEXT NOT NULL,
	bulletin TEXT NOT NULL, article TEXT NOT NULL, title TEXT NOT NULL, state TEXT NOT NULL,
	scanned_at TEXT NOT NULL, inventoried_at TEXT, PRIMARY KEY (resource_id, update_id, scanned_at, line)`

// scanKeep selects the rows to store: the first row of each update in the
// latest scan of each client whose scan is not older than the stored one.
// scanKeepNoDup is the same for a file without duplicates.
const (
	scanKeepNoDup = `SELECT s.resource_id, s.update_id, s.bulletin, s.article, s.title, s.state, s.scanned_at
FROM scan_stage s JOIN stage_clients c ON c.resource_id = s.resource_id AND c.take = 1 AND s.scanned_at = c.scanned_at`
	scanKeep = scanKeepNoDup + `
WHERE NOT EXISTS (SELECT 1 FROM scan_stage d WHERE d.resource_id = s.resource_id AND d.update_id = s.update_id AND d.scanned_at = s.scanned_at AND d.line < s.line)`
)

func (im *importer) scans(ctx context.Context) error {
	s, c, site := im.s, im.c, im.opts.Site
	if err := im.stage(ctx, "scan_stage", scanStageColumns, scanStageDDL); err != nil {
		return err
	}
	staged := im.res.Rows - im.res.Rejected
	steps := []struct {
		q    string
		args []any
	}{
		{`DROP TABLE IF EXISTS stage_clients`, nil},
		{`CREATE TEMP TABLE stage_clients (resource_id BIGINT PRIMARY KEY, latest TEXT NOT NULL, scanned_at TEXT NOT NULL,
			inventoried_at TEXT, db_scanned_at TEXT, take INTEGER NOT NULL DEFAULT 0)` + im.onCommitDrop(), nil},
		// The client's name is the one of its latest row: scanned_at is
		// fixed-width, so the name starts at character 22.
		{`INSERT INTO stage_clients (resource_id, latest, scanned_at, inventoried_at)
			SELECT resource_id, MAX(scanned_at || '|' || name), MAX(scanned_at), MAX(inventoried_at) FROM scan_stage GROUP BY resource_id`, nil},
		{`UPDATE stage_clients SET db_scanned_at = (SELECT c.scanned_at FROM scan_clients c WHERE c.site = ? AND c.resource_id = stage_clients.resource_id)`, []any{site}},
		{`UPDATE stage_clients SET take = 1 WHERE db_scanned_at IS NULL OR db_scanned_at <= scanned_at`, nil},
	}
	for _, st := range steps {
		if _, err := s.exec(ctx, c, st.q, st.args...); err != nil {
			return err
		}
	}
	// Two common cases skip work: a file without duplicates (one pass
	// over the staging table's key tells) needs no search for them, and
	// a file of clients the site database has no scan of (a first import)
	// only adds rows.
	var distinct int64
	if err := c.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT DISTINCT resource_id, update_id, scanned_at FROM scan_stage) k`).Scan(&distinct); err != nil {
		return err
	}
	keep, dups := scanKeepNoDup, int64(0)
	if distinct < staged {
		keep = scanKeep
		var err error
		dups, err = im.duplicates(ctx, `SELECT s.line, (SELECT MIN(d.line) FROM scan_stage d WHERE d.resource_id = s.resource_id AND d.update_id = s.update_id AND d.scanned_at = s.scanned_at)
		FROM scan_stage s WHERE EXISTS (SELECT 1 FROM scan_stage d WHERE d.resource_id = s.resource_id AND d.update_id = s.update_id AND d.scanned_at = s.scanned_at AND d.line < s.line)
		ORDER BY s.line`, scanDuplicate)
		if err != nil {
			return err
		}
	}
	var stored int64
	if err := c.QueryRowContext(ctx, `SELECT COUNT(*) FROM stage_clients WHERE db_scanned_at IS NOT NULL`).Scan(&stored); err != nil {
		return err
	}
	var kept, added, unchanged, removed int64
	if stored > 0 {
		err := c.QueryRowContext(ctx, s.bind(`SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN r.update_id IS NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN r.state = k.state AND r.bulletin = k.bulletin AND r.article = k.article AND r.title = k.title AND r.scanned_at = k.scanned_at THEN 1 ELSE 0 END), 0)
		FROM (`+keep+`) k LEFT JOIN scan_results r ON r.site = ? AND r.resource_id = k.resource_id AND r.update_id = k.update_id`), site).Scan(&kept, &added, &unchanged)
		if err != nil {
			return err
		}
	}
	n, err := s.exec(ctx, c, `INSERT INTO scan_results (site, resource_id, update_id, bulletin, article, title, state, scanned_at)
		SELECT ?, k.resource_id, k.update_id, k.bulletin, k.article, k.title, k.state, k.scanned_at FROM (`+keep+`) k WHERE true
		ON CONFLICT (site, resource_id, update_id) DO UPDATE SET bulletin = excluded.bulletin, article = excluded.article,
			title = excluded.title, state = excluded.state, scanned_at = excluded.scanned_at
		WHERE scan_results.state <> excluded.state OR scan_results.bulletin <> excluded.bulletin OR scan_results.article <> excluded.article
			OR scan_results.title <> excluded.title OR scan_results.scanned_at <> excluded.scanned_at`, site)
	if err != nil {
		return err
	}
	if _, err := s.exec(ctx, c, `INSERT INTO scan_updates (site, update_id, article)
		SELECT ?, u.update_id, u.article FROM (SELECT DISTINCT update_id, article FROM scan_stage) u WHERE true ON CONFLICT DO NOTHING`, site); err != nil {
		return err
	}
	if stored == 0 {
		kept, added = n, n
	} else {
		removed, err = s.exec(ctx, c, `DELETE FROM scan_results WHERE site = ?
		AND resource_id IN (SELECT resource_id FROM stage_clients WHERE take = 1 AND db_scanned_at < scanned_at)
		AND scanned_at < (SELECT c.scanned_at FROM stage_clients c WHERE c.resource_id = scan_results.resource_id)`, site)
		if err != nil {
			return err
		}
	}
	if _, err := s.exec(ctx, c, `INSERT INTO scan_clients (site, resource_id, name, scanned_at, inventoried_at)
		SELECT ?, resource_id, substr(latest, 22), scanned_at, inventoried_at FROM stage_clients WHERE take = 1
		ON CONFLICT (site, resource_id) DO UPDATE SET name = excluded.name, scanned_at = excluded.scanned_at,
			inventoried_at = CASE WHEN excluded.inventoried_at IS NULL OR scan_clients.inventoried_at > excluded.inventoried_at
				THEN scan_clients.inventoried_at ELSE excluded.inventoried_at END`, site); err != nil {
		return err
	}
	// The clients' rows per state, for the collection figures.
	if _, err := s.exec(ctx, c, `UPDATE scan_clients SET (installed, required, reboot_pending, not_required, unknown) = (
		SELECT `+stateSums+` FROM scan_results r WHERE r.site = scan_clients.site AND r.resource_id = scan_clients.resource_id)
		WHERE site = ? AND resource_id IN (SELECT resource_id FROM stage_clients WHERE take = 1)`, site); err != nil {
		return err
	}
	im.res.Added, im.res.Unchanged, im.res.Updated = added, unchanged, kept-added-unchanged
	im.res.Removed = removed
	im.res.Superseded = staged - kept - dups
	return im.dropTemp(ctx, "scan_stage", "stage_clients")
}

// valueRows is the VALUES list of n rows of width placeholders each:
// (?,?),(?,?) for width 2 and n 2.
func valueRows(width, n int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", width), ",") + ")"
	return strings.TrimSuffix(strings.Repeat(one+",", n), ",")
}

// stateSums are a client's rows r per state, in StateNames order (the
// columns installed ... unknown of scan_clients).
const stateSums = `COALESCE(SUM(CASE WHEN r.state = 'installed' THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN r.state = 'required' THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN r.state = 'reboot_pending' THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN r.state = 'not_required' THEN 1 ELSE 0 END), 0),
	COALESCE(SUM(CASE WHEN r.state = 'unknown' THEN 1 ELSE 0 END), 0)`

func (im *importer) onCommitDrop() string {
	if im.s.postgres() {
		return " ON COMMIT DROP"
	}
	return ""
}

// dropTemp removes the staging tables on SQLite (PostgreSQL drops them at
// commit).
func (im *importer) dropTemp(ctx context.Context, tables ...string) error {
	if im.s.postgres() {
		return nil
	}
	for _, t := range tables {
		if _, err := im.c.ExecContext(ctx, "DROP TABLE "+t); err != nil {
			return err
		}
	}
	return nil
}

// duplicates rejects the rows q returns (line, first line) and counts them.
func (im *importer) duplicates(ctx context.Context, q, reason string) (int64, error) {
	rows, err := im.c.QueryContext(ctx, q)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		var line, first int64
		if err := rows.Scan(&line, &first); err != nil {
			return 0, err
		}
		n++
		im.reject(int(line), fmt.Sprintf(reason, first))
	}
	return n, rows.Err()
}

var memberStageColumns = []string{"line", "collection_id", "resource_id", "name"}

const memberKeep = `SELECT s.collection_id, s.resource_id, s.name FROM member_stage s
WHERE NOT EXISTS (SELECT 1 FROM member_stage d WHERE d.collection_id = s.collection_id AND d.resource_id = s.resource_id AND d.line < s.line)`

// memberships replaces the membership of every collection the file names.
func (im *importer) memberships(ctx context.Context) error {
	s, c := im.s, im.c
	if err := im.stage(ctx, "member_stage", memberStageColumns, `line BIGINT NOT NULL, collection_id TEXT NOT NULL, resource_id BIGINT NOT NULL, name TEXT NOT NULL,
		PRIMARY KEY (collection_id, resource_id, line)`); err != nil {
		return err
	}
	staged := im.res.Rows - im.res.Rejected
	dups, err := im.duplicates(ctx, `SELECT s.line, (SELECT MIN(d.line) FROM member_stage d WHERE d.collection_id = s.collection_id AND d.resource_id = s.resource_id)
		FROM member_stage s WHERE EXISTS (SELECT 1 FROM member_stage d WHERE d.collection_id = s.collection_id AND d.resource_id = s.resource_id AND d.line < s.line)
		ORDER BY s.line`, "a duplicate of line %d (same collection and client)")
	if err != nil {
		return err
	}
	var kept, added, unchanged int64
	err = c.QueryRowContext(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN m.name IS NULL THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN m.name = k.name THEN 1 ELSE 0 END), 0)
		FROM (`+memberKeep+`) k LEFT JOIN collection_members m ON m.collection_id = k.collection_id AND m.resource_id = k.resource_id`).Scan(&kept, &added, &unchanged)
	if err != nil {
		return err
	}
	removed, err := s.exec(ctx, c, `DELETE FROM collection_members WHERE collection_id IN (SELECT collection_id FROM member_stage)
		AND NOT EXISTS (SELECT 1 FROM member_stage s WHERE s.collection_id = collection_members.collection_id AND s.resource_id = collection_members.resource_id)`)
	if err != nil {
		return err
	}
	if _, err := s.exec(ctx, c, `INSERT INTO collection_members (collection_id, resource_id, name)
		SELECT k.collection_id, k.resource_id, k.name FROM (`+memberKeep+`) k WHERE true
		ON CONFLICT (collection_id, resource_id) DO UPDATE SET name = excluded.name WHERE collection_members.name <> excluded.name`); err != nil {
		return err
	}
	im.res.Added, im.res.Unchanged, im.res.Updated = added, unchanged, kept-added-unchanged
	im.res.Removed = removed
	im.res.Superseded = staged - kept - dups
	return im.dropTemp(ctx, "member_stage")
}
