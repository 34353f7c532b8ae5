// Package eval evaluates a configuration's expressions during a walk: it
// holds the values known so far (variables, locals, resources, outputs),
// builds an evaluation context from just the names an expression refers
// to, expands count and for_each, decodes resource and provider bodies
// with their schema (a body of plain arguments directly, a frozen body in
// its own scope without a context), fills defaults, checks conditions and
// carries sensitive marks.
//
// It does not walk the dependency graph, talk to providers or touch state:
// the engine does, and hands it each value as it is known.
package eval
