package compliance

import (
	"context"
	"database/sql"

	"github.com/hashicorp/hcl/v2"
)

// HasScans says whether any client of the site reported a scan: plan and
// drift show the compliance of deployments only then. It reads one row.
func (s *Store) HasScans(ctx context.Context, site string) (bool, hcl.Diagnostics) {
	var one int
	err := s.DB.QueryRowContext(ctx, s.bind(`SELECT 1 FROM scan_clients WHERE site = ? LIMIT 1`), site).Scan(&one)
	switch {
	case err == sql.ErrNoRows:
		return false, nil
	case err != nil:
		return false, s.diag(err, "look for scan results")
	}
	return true, nil
}
