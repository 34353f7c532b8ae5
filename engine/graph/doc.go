// Package graph is a generic directed acyclic graph of dependencies: vertices
// of any comparable type, edges meaning "depends on", cycles reported as
// readable closed walks, a deterministic topological order, a bounded
// parallel walk that skips the dependents of a failed vertex without
// repeating its error, and a DOT rendering.
//
// It knows nothing of resources, providers or configuration: the engine
// decides what the vertices are, which edges to draw and what a visit does.
// Every answer is deterministic: ties are broken by the less function given
// to New, never by map order or goroutine scheduling.
package graph
