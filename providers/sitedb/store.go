package sitedb

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

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

	rebound sync.Map // query text -> $n form
}

// conn runs statements on the database or inside a transaction, rewriting
// placeholders and counting statements.
type conn struct {
	s *store
	q interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
		ExecContext(context.Context, string, ...any) (sql.Result, error)
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}
}

func (s *store) conn() *conn { return &conn{s: s, q: s.db} }

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
	c.s.queries.Add(1)
	return c.q.QueryContext(ctx, c.s.bind(q), args...)
}

func (c *conn) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	c.s.queries.Add(1)
	return c.q.ExecContext(ctx, c.s.bind(q), args...)
}

func (c *conn) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	c.s.queries.Add(1)
	return c.q.QueryRowContext(ctx, c.s.bind(q), args...)
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
