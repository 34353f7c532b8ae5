package graph

import (
	"slices"
	"strings"
)

// Graph is a set of vertices and "depends on" edges between them.
//
// The zero value is not usable; call New. A Graph is not safe for concurrent
// mutation; concurrent reads (including Walk) are fine once it is built.
type Graph[V comparable] struct {
	less func(a, b V) bool
	name func(V) string

	verts map[V]struct{}
	deps  map[V]*vertexSet[V] // v -> what v depends on
	users map[V]*vertexSet[V] // v -> what depends on v
	edges int
}

// New returns an empty graph. less orders vertices (it breaks every tie, so
// results do not depend on map order); name renders a vertex in cycles,
// errors and DOT output.
func New[V comparable](less func(a, b V) bool, name func(V) string) *Graph[V] {
	return &Graph[V]{
		less:  less,
		name:  name,
		verts: map[V]struct{}{},
		deps:  map[V]*vertexSet[V]{},
		users: map[V]*vertexSet[V]{},
	}
}

// Add adds a vertex; adding one that is there already does nothing.
func (g *Graph[V]) Add(v V) {
	g.verts[v] = struct{}{}
}

// Connect records that from depends on to: to is visited first. Both
// vertices are added if missing. Connecting twice does nothing more;
// Connect(v, v) is a self-loop, which Cycles reports.
func (g *Graph[V]) Connect(from, to V) {
	g.Add(from)
	g.Add(to)
	d := g.deps[from]
	if d == nil {
		d = &vertexSet[V]{}
		g.deps[from] = d
	}
	if !d.add(to) {
		return
	}
	u := g.users[to]
	if u == nil {
		u = &vertexSet[V]{}
		g.users[to] = u
	}
	u.add(from)
	g.edges++
}

// Remove deletes a vertex and every edge to or from it.
func (g *Graph[V]) Remove(v V) {
	if !g.Has(v) {
		return
	}
	for _, d := range g.deps[v].items() {
		g.users[d].remove(v)
		g.edges--
	}
	for _, u := range g.users[v].items() {
		if u != v {
			g.deps[u].remove(v)
			g.edges--
		}
	}
	delete(g.deps, v)
	delete(g.users, v)
	delete(g.verts, v)
}

// Has reports whether v is a vertex of the graph.
func (g *Graph[V]) Has(v V) bool {
	_, ok := g.verts[v]
	return ok
}

// HasEdge reports whether from depends directly on to.
func (g *Graph[V]) HasEdge(from, to V) bool {
	return g.deps[from].has(to)
}

// Len is the number of vertices.
func (g *Graph[V]) Len() int { return len(g.verts) }

// EdgeCount is the number of edges.
func (g *Graph[V]) EdgeCount() int { return g.edges }

// Name renders v with the graph's name function.
func (g *Graph[V]) Name(v V) string { return g.name(v) }

// Vertices returns every vertex, sorted.
func (g *Graph[V]) Vertices() []V {
	return g.sorted(g.verts)
}

// DependenciesOf returns what v depends on directly, sorted.
func (g *Graph[V]) DependenciesOf(v V) []V { return g.sortedCopy(g.deps[v].items()) }

// DependentsOf returns what depends on v directly, sorted.
func (g *Graph[V]) DependentsOf(v V) []V { return g.sortedCopy(g.users[v].items()) }

// Ancestors returns everything the given vertices depend on, directly or
// transitively, sorted. A given vertex is included only when it is reached
// through an edge (it lies on a cycle, or another given vertex depends on
// it).
func (g *Graph[V]) Ancestors(vs ...V) []V { return g.reach(g.deps, vs) }

// Descendants returns everything that depends on the given vertices,
// directly or transitively, sorted; see Ancestors for the given vertices
// themselves.
func (g *Graph[V]) Descendants(vs ...V) []V { return g.reach(g.users, vs) }

func (g *Graph[V]) reach(adj map[V]*vertexSet[V], from []V) []V {
	seen := map[V]struct{}{}
	stack := slices.Clone(from)
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, w := range adj[v].items() {
			if _, ok := seen[w]; !ok {
				seen[w] = struct{}{}
				stack = append(stack, w)
			}
		}
	}
	return g.sorted(seen)
}

// Reverse returns a new graph with every edge turned around: the order in
// which dependents go first (a destroy).
func (g *Graph[V]) Reverse() *Graph[V] {
	r := New(g.less, g.name)
	for v := range g.verts {
		r.Add(v)
	}
	for from, tos := range g.deps {
		for _, to := range tos.items() {
			r.Connect(to, from)
		}
	}
	return r
}

// Subgraph returns a new graph with the vertices keep accepts and the edges
// between them. Edges through a dropped vertex are dropped with it; callers
// that need the order to hold through it keep its Ancestors too.
func (g *Graph[V]) Subgraph(keep func(V) bool) *Graph[V] {
	s := New(g.less, g.name)
	for v := range g.verts {
		if keep(v) {
			s.Add(v)
		}
	}
	for from, tos := range g.deps {
		if !s.Has(from) {
			continue
		}
		for _, to := range tos.items() {
			if s.Has(to) {
				s.Connect(from, to)
			}
		}
	}
	return s
}

// DOT renders the graph in Graphviz's DOT language, vertices and edges in
// sorted order. label names a vertex; nil means the graph's name function.
func (g *Graph[V]) DOT(label func(V) string) string {
	if label == nil {
		label = g.name
	}
	var b strings.Builder
	b.WriteString("digraph {\n\trankdir = \"RL\"\n\tnode [shape = \"box\"]\n")
	vs := g.Vertices()
	for _, v := range vs {
		b.WriteString("\t" + dotQuote(label(v)) + "\n")
	}
	for _, v := range vs {
		for _, d := range g.DependenciesOf(v) {
			b.WriteString("\t" + dotQuote(label(v)) + " -> " + dotQuote(label(d)) + "\n")
		}
	}
	b.WriteString("}\n")
	return b.String()
}

func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

func (g *Graph[V]) sorted(set map[V]struct{}) []V {
	out := make([]V, 0, len(set))
	for v := range set {
		out = append(out, v)
	}
	g.sort(out)
	return out
}

func (g *Graph[V]) sortedCopy(list []V) []V {
	out := make([]V, len(list))
	copy(out, list)
	g.sort(out)
	return out
}

func (g *Graph[V]) sort(vs []V) {
	slices.SortFunc(vs, g.compare)
}

func (g *Graph[V]) compare(a, b V) int {
	switch {
	case g.less(a, b):
		return -1
	case g.less(b, a):
		return 1
	}
	return 0
}
