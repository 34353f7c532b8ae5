package engine

import (
	"errors"

	"github.com/updplan/updplan/engine/state"
)

// openPostgres opens the PostgreSQL state backend (wired when
// state.NewPostgres lands).
func openPostgres(dsn, workspace string) (state.Backend, error) {
	return nil, errors.New("the PostgreSQL state backend is not part of this build yet")
}
