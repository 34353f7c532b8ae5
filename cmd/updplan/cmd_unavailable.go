package main

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

const helpReport = `Usage: updplan [global options] report compliance|catalog|shares|objects [-format=table|csv|json]

  Reports from the site database: update compliance of the clients, the
  catalog, the shares, or the managed objects.

  Not available yet in this build.
`

func runReport(ctx context.Context, c *cli, args []string) int {
	return notAvailable(c, "report")
}

// notAvailable refuses a command of the design that this build does not
// have yet; it never pretends to work.
func notAvailable(c *cli, cmd string) int {
	c.human(nil).Diagnostics(hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Command not available",
		Detail:   fmt.Sprintf("%q is not available yet in this build. Load inventory and read reports with the Configuration Manager console until a build that has it.", "updplan "+cmd),
	}})
	return 1
}
