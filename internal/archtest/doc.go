// Package archtest holds the direction of imports between updplan's packages
// (docs/architecture.md): it lists each package's dependencies with
// `go list -deps` and fails on an import that crosses a line. It has tests
// only.
package archtest
