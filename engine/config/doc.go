// Package config loads a site definition: every *.upd.hcl and *.upd.json
// file of a directory, into blocks (updplan, variable, locals, output,
// provider, resources, import, moved) with their expressions, references and
// source ranges, and the raw variable values given in updvars files, on the
// command line and in the environment (LoadVarValues).
//
// It checks structure against the provider schemas it is given: unknown
// blocks and arguments with "Did you mean", required arguments, computed
// attributes that cannot be set, nested block counts, dynamic blocks,
// meta-arguments (count, for_each, depends_on, lifecycle, precondition,
// postcondition), names and duplicates. Ranges name files without their
// directory (Config.Dir holds it), and Config.Files holds every file a
// diagnostic may point at, even when loading fails.
//
// A large configuration is parsed in pieces at once (parse.go), and a
// resource body of plain arguments (literals, references, templates of
// those) is kept frozen, without its syntax tree (frozen.go): the tree
// takes several times the memory of what the body says.
//
// It evaluates nothing: expressions (resource arguments, count, for_each,
// locals, outputs, conditions) are evaluated by the engine, in dependency
// order, with the functions of engine/lang. Only constants are read here:
// variable types and defaults, descriptions, sensitive/nullable flags,
// lifecycle flags, required_version and variable files.
package config
