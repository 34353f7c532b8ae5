package main

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"

	"github.com/hashicorp/hcl/v2"
)

const helpVersion = `Usage: updplan [global options] version [-json]

  Shows the version of updplan, the Go version it was built with, the
  platform and the built-in providers (which share updplan's version).

Options:
  -json   Print the version as a JSON object:
          {"updplan_version", "go_version", "platform", "providers"}.
`

type versionFlags struct{ json bool }

func runVersion(ctx context.Context, c *cli, args []string) int {
	var f versionFlags
	fs := newFlagSet("version")
	fs.BoolVar(&f.json, "json", false, "")
	err := fs.Parse(args)
	out := c.diagOutput(hasJSONFlag(args) || f.json, nil)
	if err != nil {
		return out.fail(hcl.Diagnostics{flagError("version", err)})
	}
	if fs.NArg() > 0 {
		return out.fail(hcl.Diagnostics{unexpectedArgs("version", fs.Args())})
	}
	platform := runtime.GOOS + "_" + runtime.GOARCH
	provs := map[string]string{}
	for _, n := range c.reg.Names() {
		provs[n] = version
	}
	if f.json {
		b, err := json.MarshalIndent(map[string]any{
			"updplan_version": version,
			"go_version":      runtime.Version(),
			"platform":        platform,
			"providers":       provs,
		}, "", "  ")
		if err != nil {
			panic(err) // only strings in maps: cannot fail
		}
		fmt.Fprintf(c.stdout, "%s\n", b)
		return 0
	}
	fmt.Fprintf(c.stdout, "updplan v%s\non %s (built with %s)\n", version, platform, runtime.Version())
	for _, n := range c.reg.Names() {
		fmt.Fprintf(c.stdout, "+ provider %s (built in)\n", n)
	}
	return 0
}
