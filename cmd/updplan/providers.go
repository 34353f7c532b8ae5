package main

import (
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/providers/catalog"
	"github.com/updplan/updplan/providers/share"
	"github.com/updplan/updplan/providers/sitedb"
)

// version is updplan's version; release builds set it with
// -ldflags "-X main.version=...".
var version = "0.1.0"

// newRegistry wires the built-in providers: the one visible list.
func newRegistry() *providers.Registry {
	return providers.NewRegistry(sitedb.New(), share.New(), catalog.New())
}
