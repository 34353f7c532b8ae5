package main

import "github.com/updplan/updplan/providers"

// version is updplan's version; release builds set it with
// -ldflags "-X main.version=...".
var version = "0.1.0"

// newRegistry wires the built-in providers: the one visible list.
//
// providers/sitedb is not committed yet: until it is, no provider serves
// any resource type and the engine says so for each resource. The share
// and catalog providers come in a later issue; their resource types exist
// in the schema but no provider serves them.
func newRegistry() *providers.Registry {
	return providers.NewRegistry()
}
