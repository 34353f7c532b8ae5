package engine

import (
	"context"
	"log/slog"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
)

// levelTrace is UPDPLAN_LOG=trace (see cmd/updplan/logging.go).
const levelTrace = slog.Level(-8)

// logCall logs one provider call (at trace level: one line per object, so
// it costs nothing when tracing is off): the operation, provider, resource
// type, address, duration and how many errors it returned. Never values.
func logCall(ctx context.Context, op, provider, typ string, a addr.Instance, start time.Time, diags hcl.Diagnostics) {
	if !slog.Default().Enabled(ctx, levelTrace) {
		return
	}
	slog.Log(ctx, levelTrace, "provider call", "op", op, "provider", provider, "type", typ,
		"addr", a.String(), "elapsed", time.Since(start), "errors", errorCount(diags))
}

// logPhase logs a phase of a command (at debug level) with its duration.
func logPhase(ctx context.Context, phase string, start time.Time, attrs ...any) {
	if !slog.Default().Enabled(ctx, slog.LevelDebug) {
		return
	}
	slog.Log(ctx, slog.LevelDebug, phase, append(attrs, "elapsed", time.Since(start))...)
}

func errorCount(diags hcl.Diagnostics) int {
	n := 0
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			n++
		}
	}
	return n
}
