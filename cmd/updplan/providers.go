package main

import (
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/providers/sitedb"
)

// version is updplan's version; release builds set it with
// -ldflags "-X main.version=...".
var version = "0.1.0"

// newRegistry wires the built-in providers: the one visible list.
//
// The share and catalog providers come in a later issue: their resource
// types exist in the schema but no provider serves them yet, and the engine
// says so for each such resource.
func newRegistry() *providers.Registry {
	return providers.NewRegistry(sitedb.New())
}
