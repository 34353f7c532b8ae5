// Package config loads a site definition: every *.upd.hcl and *.upd.json
// file of a directory, into blocks (updplan, variable, locals, output,
// provider, resources, import, moved) with their expressions, references and
// source ranges, and the raw variable values given in updvars files, on the
// command line and in the environment.
//
// It checks structure (unknown blocks and arguments with "Did you mean",
// duplicates, meta-arguments) and evaluates nothing: expressions are
// evaluated by the engine, in dependency order.
package config
