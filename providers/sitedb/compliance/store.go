package compliance

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Store is the site database as this package uses it. Package sitedb makes
// it, after the schema is current.
type Store struct {
	DB *sql.DB
	// Driver is "sqlite" or "postgres".
	Driver string
	// Explain turns a driver error into a diagnostic that says what to do
	// and never quotes a secret (the PostgreSQL DSN).
	Explain func(err error, what string) *hcl.Diagnostic
}

func (s *Store) postgres() bool { return s.Driver == "postgres" }

// bind rewrites ? placeholders as $1, $2 for PostgreSQL.
func (s *Store) bind(q string) string {
	if !s.postgres() {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// querier is a *sql.DB or a *sql.Conn.
type querier interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func (s *Store) exec(ctx context.Context, c querier, q string, args ...any) (int64, error) {
	res, err := c.ExecContext(ctx, s.bind(q), args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Sites lists the site codes of the site database.
func (s *Store) Sites(ctx context.Context) ([]string, hcl.Diagnostics) {
	rows, err := s.DB.QueryContext(ctx, `SELECT id FROM sites ORDER BY id`)
	if err != nil {
		return nil, hcl.Diagnostics{s.Explain(err, "list the sites")}
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, hcl.Diagnostics{s.Explain(err, "list the sites")}
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, hcl.Diagnostics{s.Explain(err, "list the sites")}
	}
	return out, nil
}
