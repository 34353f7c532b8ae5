package engine

import (
	"context"

	"github.com/updplan/updplan/engine/state"
)

// openPostgres opens the PostgreSQL state backend.
func openPostgres(dsn, workspace string) (state.Backend, error) {
	return state.NewPostgres(context.Background(), dsn, workspace)
}
