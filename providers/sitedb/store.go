package sitedb

import (
	"context"
	"database/sql"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// dialect holds what differs between the SQL of the two drivers.
type dialect struct {
	name string
	// dollar: placeholders are $1, $2 (PostgreSQL) instead of ?.
	dollar bool
	// inJSON is a subquery yielding the elements of a JSON array of strings
	// bound to one parameter: ReadMany reads any number of ids with one
	// statement and one parameter.
	inJSON string
	// tables lists the user tables of the database.
	tables string
	// explain turns a driver error into a diagnostic, saying what to do.
	explain func(err error, what string) *hcl.Diagnostic
}

// store is an open database with the statement counter the tests read.
type store struct {
	db      *sql.DB
	d       *dialect
	queries atomic.Int64
	// scratch is the file of an empty database standing in for one that
	// does not exist yet (read-only runs); Close removes it.
	scratch string

	rebound sync.Map // query text -> $n form
	stmts   sync.Map // query text -> *sql.Stmt
}

// stmt returns the prepared statement of a query, preparing it once:
// parsing SQL costs more than running these small statements.
func (s *store) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(q); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.db.PrepareContext(ctx, s.bind(q))
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.stmts.LoadOrStore(q, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// conn runs statements on the database or inside a transaction, rewriting
// placeholders and counting statements.
type conn struct {
	s  *store
	tx *sql.Tx // nil: outside a transaction
	// writes and failed tell the writer whether a failed job left
	// anything to undo (see writer.run).
	writes int
	failed bool
	// serials holds, per site, the next serial this transaction hands out
	// without going back to the counter row (see nextSerial).
	serials map[string]*serialRange
}

type serialRange struct{ first, next int64 }

func (c *conn) note(err error) error {
	if err != nil {
		c.failed = true
	}
	return err
}

func (s *store) conn() *conn { return &conn{s: s} }

// prepared returns the statement of q for this conn. Inside a
// transaction that changes the schema (a migration) preparing on another
// connection fails; callers then run the statement unprepared.
func (c *conn) prepared(ctx context.Context, q string) (*sql.Stmt, error) {
	st, err := c.s.stmt(ctx, q)
	if err != nil || c.tx == nil {
		return st, err
	}
	return c.tx.StmtContext(ctx, st), nil
}

func (s *store) bind(q string) string {
	if !s.d.dollar {
		return q
	}
	if r, ok := s.rebound.Load(q); ok {
		return r.(string)
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	s.rebound.Store(q, b.String())
	return b.String()
}

func (c *conn) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	rows, err := c.query1(ctx, q, args...)
	return rows, c.note(err)
}

func (c *conn) query1(ctx context.Context, q string, args ...any) (rows *sql.Rows, err error) {
	if sqlTracing(ctx) {
		defer logSQL(ctx, q, len(args), time.Now(), &err)
	}
	c.s.queries.Add(1)
	st, err := c.prepared(ctx, q)
	if err != nil {
		if c.tx != nil {
			return c.tx.QueryContext(ctx, c.s.bind(q), args...)
		}
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// exec runs a statement. Statements without arguments (savepoints,
// migrations holding several statements) are not prepared.
func (c *conn) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	c.writes++
	res, err := c.exec1(ctx, q, args...)
	return res, c.note(err)
}

func (c *conn) exec1(ctx context.Context, q string, args ...any) (res sql.Result, err error) {
	if sqlTracing(ctx) {
		defer logSQL(ctx, q, len(args), time.Now(), &err)
	}
	c.s.queries.Add(1)
	if len(args) == 0 {
		if c.tx != nil {
			return c.tx.ExecContext(ctx, c.s.bind(q))
		}
		return c.s.db.ExecContext(ctx, c.s.bind(q))
	}
	st, err := c.prepared(ctx, q)
	if err != nil {
		if c.tx != nil {
			return c.tx.ExecContext(ctx, c.s.bind(q), args...)
		}
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// row is a single-row query result whose Scan reports a failed prepare.
type singleRow struct {
	c   *conn
	row *sql.Row
	err error
}

func (r singleRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.c.note(r.err)
	}
	err := r.row.Scan(dest...)
	if err != nil && err != sql.ErrNoRows {
		r.c.note(err)
	}
	return err
}

func (c *conn) queryRow(ctx context.Context, q string, args ...any) singleRow {
	if sqlTracing(ctx) {
		var none error
		defer logSQL(ctx, q, len(args), time.Now(), &none)
	}
	c.s.queries.Add(1)
	st, err := c.prepared(ctx, q)
	if err != nil {
		if c.tx != nil {
			return singleRow{c: c, row: c.tx.QueryRowContext(ctx, c.s.bind(q), args...)}
		}
		return singleRow{c: c, err: err}
	}
	return singleRow{c: c, row: st.QueryRowContext(ctx, args...)}
}

// exists reports whether a query returns a row.
func (c *conn) exists(ctx context.Context, q string, args ...any) (bool, error) {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	found := rows.Next()
	return found, rows.Err()
}

// levelTrace is UPDPLAN_LOG=trace.
const levelTrace = slog.Level(-8)

func sqlTracing(ctx context.Context) bool { return slog.Default().Enabled(ctx, levelTrace) }

// logSQL logs a statement's shape — its text with the placeholders, one
// line, at most 300 characters — with the number of arguments and the
// time it took; never the arguments, which hold attribute values.
func logSQL(ctx context.Context, q string, args int, start time.Time, err *error) {
	shape := strings.Join(strings.Fields(q), " ")
	if len(shape) > 300 {
		shape = shape[:300] + "…"
	}
	slog.Log(ctx, levelTrace, "sql", "statement", shape, "args", args, "elapsed", time.Since(start), "ok", *err == nil)
}
