// Command updplan is the command line: it turns argv into one command from
// a literal table, parses that command's flags into a typed struct, picks
// the human or JSON view first (so that even flag errors come out as JSON
// under -json), calls the engine and turns the outcome into an exit code.
//
// It wires the built-in providers in one visible list (providers.go).
//
// It decides nothing about configurations, plans or state: the engine does,
// and package view renders. Paths given on the command line are relative to
// -chdir, which is never applied to the process (so tests run in-process).
package main
