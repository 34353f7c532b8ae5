// Package providers defines the interface between the engine and the
// providers that reach the real world (share, catalog, sitedb): request and
// response types, optional capabilities found by type assertion, progress
// reporting, and the registry the command line wires the providers into.
//
// Providers receive decoded cty values, never HCL. The engine checks their
// answers (see package engine); this package does not, and it knows nothing
// of configuration files, plans or state.
package providers
