package graph

import (
	"fmt"
	"slices"
	"strings"
)

// Cycles returns every cycle: each strongly connected component of more
// than one vertex, and each vertex that depends on itself.
//
// A cycle is a closed walk along dependency edges that starts at the
// component's least vertex and passes every vertex of the component; the
// walk returns to its first vertex, which is not repeated at the end. When
// the component is one simple cycle (the usual case) every vertex appears
// once; otherwise a vertex may appear again where the walk passes through it
// twice. Every consecutive pair is a real edge, so FormatCycle's
// "a -> b -> c -> a" can be read as "a depends on b, which depends on c,
// which depends on a". Cycles are sorted by their first vertex.
func (g *Graph[V]) Cycles() [][]V {
	if g.acyclic() {
		return nil // the usual case, found without sorting anything
	}
	var out [][]V
	for _, scc := range g.components() {
		if len(scc) == 1 && !g.HasEdge(scc[0], scc[0]) {
			continue
		}
		out = append(out, g.closedWalk(scc))
	}
	return out
}

// acyclic reports whether the graph has no cycle (Kahn's algorithm: every
// vertex can be taken once all it depends on are taken).
func (g *Graph[V]) acyclic() bool {
	pending := make(map[V]int, len(g.verts))
	var ready []V
	for v := range g.verts {
		n := g.deps[v].len()
		pending[v] = n
		if n == 0 {
			ready = append(ready, v)
		}
	}
	taken := 0
	for len(ready) > 0 {
		v := ready[len(ready)-1]
		ready = ready[:len(ready)-1]
		taken++
		for _, u := range g.users[v].items() {
			if pending[u]--; pending[u] == 0 {
				ready = append(ready, u)
			}
		}
	}
	return taken == len(g.verts)
}

// FormatCycle renders a cycle from Cycles as "a -> b -> c -> a".
func (g *Graph[V]) FormatCycle(cycle []V) string {
	if len(cycle) == 0 {
		return ""
	}
	var b strings.Builder
	for _, v := range cycle {
		b.WriteString(g.name(v))
		b.WriteString(" -> ")
	}
	b.WriteString(g.name(cycle[0]))
	return b.String()
}

// CycleError is returned by TopoOrder on a graph with cycles.
type CycleError[V comparable] struct {
	Cycles [][]V
	g      *Graph[V]
}

// Formatted returns each cycle rendered as "a -> b -> a".
func (e *CycleError[V]) Formatted() []string {
	out := make([]string, len(e.Cycles))
	for i, c := range e.Cycles {
		out[i] = e.g.FormatCycle(c)
	}
	return out
}

func (e *CycleError[V]) Error() string {
	f := e.Formatted()
	if len(f) == 1 {
		return "dependency cycle: " + f[0]
	}
	return fmt.Sprintf("%d dependency cycles: %s", len(f), strings.Join(f, "; "))
}

// TopoOrder returns every vertex, each after everything it depends on. Among
// vertices that could come next, the least comes first, so the order is
// deterministic. On a graph with cycles it returns a *CycleError.
func (g *Graph[V]) TopoOrder() ([]V, error) {
	pending := make(map[V]int, len(g.verts))
	ready := newHeap(g.less)
	for v := range g.verts {
		n := g.deps[v].len()
		pending[v] = n
		if n == 0 {
			ready.push(v)
		}
	}
	out := make([]V, 0, len(g.verts))
	for ready.len() > 0 {
		v := ready.pop()
		out = append(out, v)
		for _, u := range g.users[v].items() {
			pending[u]--
			if pending[u] == 0 {
				ready.push(u)
			}
		}
	}
	if len(out) != len(g.verts) {
		return nil, &CycleError[V]{Cycles: g.Cycles(), g: g}
	}
	return out, nil
}

// components returns the strongly connected components (Tarjan's
// algorithm, iterative so a long chain cannot exhaust the stack), each
// sorted, in no particular order.
func (g *Graph[V]) components() [][]V {
	type frame struct {
		v    V
		succ []V
		next int
	}
	index := make(map[V]int, len(g.verts))
	low := make(map[V]int, len(g.verts))
	onStack := make(map[V]bool)
	var stack []V
	var out [][]V
	counter := 0

	var frames []*frame
	enter := func(v V) {
		index[v], low[v] = counter, counter
		counter++
		stack = append(stack, v)
		onStack[v] = true
		succ := slices.Clone(g.deps[v].items())
		frames = append(frames, &frame{v: v, succ: succ})
	}
	for _, root := range g.Vertices() {
		if _, seen := index[root]; seen {
			continue
		}
		enter(root)
		for len(frames) > 0 {
			f := frames[len(frames)-1]
			if f.next < len(f.succ) {
				w := f.succ[f.next]
				f.next++
				if _, seen := index[w]; !seen {
					enter(w)
				} else if onStack[w] {
					low[f.v] = min(low[f.v], index[w])
				}
				continue
			}
			frames = frames[:len(frames)-1]
			if low[f.v] == index[f.v] {
				var scc []V
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					scc = append(scc, w)
					if w == f.v {
						break
					}
				}
				g.sort(scc)
				out = append(out, scc)
			}
			if len(frames) > 0 {
				p := frames[len(frames)-1]
				low[p.v] = min(low[p.v], low[f.v])
			}
		}
	}
	return out
}

// closedWalk returns a closed walk through every vertex of a strongly
// connected component (sorted), starting at its least vertex: from where it
// is, it goes to the nearest vertex not yet passed (breadth first, edges in
// sorted order), and at the end back to the start.
func (g *Graph[V]) closedWalk(scc []V) []V {
	start := scc[0]
	if len(scc) == 1 {
		return []V{start}
	}
	member := make(map[V]bool, len(scc))
	for _, v := range scc {
		member[v] = true
	}
	passed := map[V]bool{start: true}
	walk := []V{start}
	cur := start
	for len(passed) < len(scc) {
		path := g.shortestPath(cur, member, func(v V) bool { return !passed[v] })
		for _, v := range path {
			passed[v] = true
		}
		walk = append(walk, path...)
		cur = walk[len(walk)-1]
	}
	back := g.shortestPath(cur, member, func(v V) bool { return v == start })
	return append(walk, back[:len(back)-1]...)
}

// shortestPath returns the vertices after from on a shortest path, within
// member, to the first vertex found that satisfies goal.
func (g *Graph[V]) shortestPath(from V, member map[V]bool, goal func(V) bool) []V {
	prev := map[V]V{}
	seen := map[V]bool{from: true}
	queue := []V{from}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for _, w := range g.DependenciesOf(v) {
			if !member[w] || seen[w] {
				continue
			}
			seen[w] = true
			prev[w] = v
			if goal(w) {
				var path []V
				for x := w; x != from; x = prev[x] {
					path = append(path, x)
				}
				for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
					path[i], path[j] = path[j], path[i]
				}
				return path
			}
			queue = append(queue, w)
		}
	}
	// Unreachable inside a strongly connected component.
	panic("graph: component is not strongly connected")
}

// heap is a binary min-heap ordered by less.
type heap[V any] struct {
	less  func(a, b V) bool
	items []V
}

func newHeap[V any](less func(a, b V) bool) *heap[V] { return &heap[V]{less: less} }

func (h *heap[V]) len() int { return len(h.items) }

func (h *heap[V]) push(v V) {
	h.items = append(h.items, v)
	i := len(h.items) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !h.less(h.items[i], h.items[p]) {
			break
		}
		h.items[i], h.items[p] = h.items[p], h.items[i]
		i = p
	}
}

func (h *heap[V]) pop() V {
	top := h.items[0]
	last := len(h.items) - 1
	h.items[0] = h.items[last]
	var zero V
	h.items[last] = zero
	h.items = h.items[:last]
	i := 0
	for {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h.items) && h.less(h.items[l], h.items[m]) {
			m = l
		}
		if r < len(h.items) && h.less(h.items[r], h.items[m]) {
			m = r
		}
		if m == i {
			return top
		}
		h.items[i], h.items[m] = h.items[m], h.items[i]
		i = m
	}
}
