package engine

import (
	"context"

	"github.com/updplan/updplan/engine/state"
)

// openPostgres opens the PostgreSQL state backend; readOnly creates no
// tables (state.OpenPostgres).
func openPostgres(dsn, workspace string, readOnly bool) (state.Backend, error) {
	return state.OpenPostgres(context.Background(), dsn, workspace, readOnly)
}
