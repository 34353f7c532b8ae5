package state

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// pgTracer logs each statement of the PostgreSQL backend at debug level
// (UPDPLAN_LOG=debug): its shape — the SQL text with its $n placeholders,
// on one line, at most 300 characters — the number of arguments, the time
// it took and whether it succeeded. Never the arguments (state documents,
// lock holders, workspaces) and never the connection string.
type pgTracer struct{}

type pgTraceStart struct{}

func (pgTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	return context.WithValue(ctx, pgTraceStart{}, pgStatement{shape: sqlShape(data.SQL), args: len(data.Args), start: time.Now()})
}

func (pgTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryEndData) {
	st, ok := ctx.Value(pgTraceStart{}).(pgStatement)
	if !ok {
		return
	}
	slog.Log(ctx, slog.LevelDebug, "sql", "backend", "postgres", "statement", st.shape, "args", st.args,
		"rows", data.CommandTag.RowsAffected(), "elapsed", time.Since(st.start), "ok", data.Err == nil)
}

type pgStatement struct {
	shape string
	args  int
	start time.Time
}

// sqlShape is q on one line, cut at 300 characters.
func sqlShape(q string) string {
	shape := strings.Join(strings.Fields(q), " ")
	if len(shape) > 300 {
		shape = shape[:300] + "…"
	}
	return shape
}
