// Command updplan plans and applies the software-update infrastructure of a
// Configuration Manager 2007 site from HCL site definitions.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// On interrupt the engine lets in-flight work finish and saves state;
	// the command then exits 1.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
