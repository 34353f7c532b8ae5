// Package engine orchestrates the phases: it loads the configuration,
// evaluates it, builds the dependency graph, refreshes state through the
// providers, plans, applies, detects drift, and checks every provider answer
// against the contract. It is the only package that sees every phase.
//
// It does not parse files (engine/config), evaluate expressions
// (engine/eval, which it hands each value as the walk learns it), render
// anything (cmd/updplan/internal/view), define file formats (engine/plan,
// engine/state) or talk to the real world (providers).
package engine
