package graph

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func strLess(a, b string) bool { return a < b }
func strName(s string) string  { return s }

// build makes a graph from "a->b" edges ("a depends on b") and lone vertices.
func build(specs ...string) *Graph[string] {
	g := New(strLess, strName)
	for _, s := range specs {
		if from, to, ok := strings.Cut(s, "->"); ok {
			g.Connect(from, to)
		} else {
			g.Add(s)
		}
	}
	return g
}

func TestQueries(t *testing.T) {
	g := build("c->b", "b->a", "d->a", "e", "c->a", "c->a")
	if g.Len() != 5 || g.EdgeCount() != 4 {
		t.Fatalf("Len, EdgeCount = %d, %d; want 5, 4", g.Len(), g.EdgeCount())
	}
	tests := map[string]struct{ got, want []string }{
		"vertices":           {g.Vertices(), []string{"a", "b", "c", "d", "e"}},
		"dependencies of c":  {g.DependenciesOf("c"), []string{"a", "b"}},
		"dependents of a":    {g.DependentsOf("a"), []string{"b", "c", "d"}},
		"dependents of e":    {g.DependentsOf("e"), []string{}},
		"ancestors of c":     {g.Ancestors("c"), []string{"a", "b"}},
		"ancestors of c, b":  {g.Ancestors("c", "b"), []string{"a", "b"}},
		"descendants of a":   {g.Descendants("a"), []string{"b", "c", "d"}},
		"descendants of b":   {g.Descendants("b"), []string{"c"}},
		"reverse deps of a":  {g.Reverse().DependenciesOf("a"), []string{"b", "c", "d"}},
		"reverse vertices":   {g.Reverse().Vertices(), []string{"a", "b", "c", "d", "e"}},
		"subgraph vertices":  {g.Subgraph(func(v string) bool { return v != "b" }).Vertices(), []string{"a", "c", "d", "e"}},
		"subgraph deps of c": {g.Subgraph(func(v string) bool { return v != "b" }).DependenciesOf("c"), []string{"a"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRemove(t *testing.T) {
	g := build("c->b", "b->a", "b->b", "d->b")
	g.Remove("b")
	g.Remove("zz")
	if g.Has("b") || g.EdgeCount() != 0 {
		t.Fatalf("after Remove: Has(b)=%v, EdgeCount=%d; want false, 0", g.Has("b"), g.EdgeCount())
	}
	if diff := cmp.Diff([]string{"a", "c", "d"}, g.Vertices()); diff != "" {
		t.Errorf("vertices (-want +got):\n%s", diff)
	}
	if len(g.DependenciesOf("c")) != 0 || len(g.DependentsOf("a")) != 0 {
		t.Errorf("edges to the removed vertex remain")
	}
}

func TestCycles(t *testing.T) {
	tests := map[string]struct {
		edges []string
		want  []string
	}{
		"acyclic":              {[]string{"a->b", "b->c", "a->c"}, nil},
		"self-loop":            {[]string{"a->a", "b->a"}, []string{"a -> a"}},
		"two":                  {[]string{"b->a", "a->b"}, []string{"a -> b -> a"}},
		"three, named in walk": {[]string{"c->a", "a->b", "b->c", "x->a"}, []string{"a -> b -> c -> a"}},
		"two separate cycles": {
			[]string{"z->y", "y->z", "b->a", "a->b", "m->a"},
			[]string{"a -> b -> a", "y -> z -> y"},
		},
		"component that is not a single cycle": {
			[]string{"a->b", "b->a", "a->c", "c->a"},
			[]string{"a -> b -> a -> c -> a"},
		},
		"cycle with a chord": {
			[]string{"a->b", "b->c", "c->d", "d->a", "b->d"},
			[]string{"a -> b -> c -> d -> a"},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			g := build(tt.edges...)
			var got []string
			for _, c := range g.Cycles() {
				got = append(got, g.FormatCycle(c))
				for i := range c {
					if !g.HasEdge(c[i], c[(i+1)%len(c)]) {
						t.Errorf("cycle %v: no edge %s -> %s", c, c[i], c[(i+1)%len(c)])
					}
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestTopoOrder(t *testing.T) {
	g := build("d->b", "d->c", "b->a", "c->a", "e", "f->e")
	got, err := g.TopoOrder()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b", "c", "d", "e", "f"}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	rev, err := g.Reverse().TopoOrder()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"d", "b", "c", "a", "f", "e"}, rev); diff != "" {
		t.Errorf("reverse (-want +got):\n%s", diff)
	}
}

func TestTopoOrderCycle(t *testing.T) {
	g := build("a->b", "b->c", "c->a", "d->d", "e->a")
	_, err := g.TopoOrder()
	var ce *CycleError[string]
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v; want a *CycleError", err)
	}
	if want := "2 dependency cycles: a -> b -> c -> a; d -> d"; err.Error() != want {
		t.Errorf("err = %q; want %q", err, want)
	}
}

func TestDOT(t *testing.T) {
	g := build(`b->a`, `q"x->a`)
	want := "digraph {\n\trankdir = \"RL\"\n\tnode [shape = \"box\"]\n\t\"a\"\n\t\"b\"\n\t\"q\\\"x\"\n\t\"b\" -> \"a\"\n\t\"q\\\"x\" -> \"a\"\n}\n"
	if diff := cmp.Diff(want, g.DOT(nil)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := g.DOT(strings.ToUpper); !strings.Contains(got, `"B" -> "A"`) {
		t.Errorf("DOT with a label function:\n%s", got)
	}
}

// describe renders Walk's results for comparison: vertex -> "ok", the
// error, or "skipped(X)".
func describe(g *Graph[string], errs map[string]error) map[string]string {
	out := map[string]string{}
	for _, v := range g.Vertices() {
		err := errs[v]
		var s *SkippedError[string]
		switch {
		case err == nil:
			out[v] = "ok"
		case errors.As(err, &s):
			out[v] = "skipped(" + s.Because + ")"
		case errors.Is(err, ErrCancelled):
			out[v] = "cancelled"
		case errors.Is(err, ErrCycle):
			out[v] = "cycle"
		default:
			out[v] = err.Error()
		}
	}
	return out
}

func TestWalk(t *testing.T) {
	tests := map[string]struct {
		edges []string
		fail  map[string]bool
		want  map[string]string
	}{
		"all succeed": {
			edges: []string{"b->a", "c->b", "d"},
			want:  map[string]string{"a": "ok", "b": "ok", "c": "ok", "d": "ok"},
		},
		"dependents of a failure are skipped, not repeated": {
			edges: []string{"b->a", "c->b", "d->c", "x->y"},
			fail:  map[string]bool{"b": true},
			want:  map[string]string{"a": "ok", "b": "b failed", "c": "skipped(b)", "d": "skipped(b)", "x": "ok", "y": "ok"},
		},
		"least failure is named when two fail": {
			edges: []string{"z->b", "z->a", "w->z"},
			fail:  map[string]bool{"a": true, "b": true},
			want:  map[string]string{"a": "a failed", "b": "b failed", "w": "skipped(a)", "z": "skipped(a)"},
		},
		"cycle vertices are not visited": {
			edges: []string{"a->b", "b->a", "c->a", "d"},
			want:  map[string]string{"a": "cycle", "b": "cycle", "c": "cycle", "d": "ok"},
		},
	}
	for name, tt := range tests {
		for _, par := range []int{1, 3, 100} {
			t.Run(fmt.Sprintf("%s/parallelism=%d", name, par), func(t *testing.T) {
				g := build(tt.edges...)
				var mu sync.Mutex
				doneAt := map[string]int{}
				step := 0
				errs := g.Walk(context.Background(), par, func(_ context.Context, v string) error {
					mu.Lock()
					defer mu.Unlock()
					for _, d := range g.DependenciesOf(v) {
						if _, ok := doneAt[d]; !ok {
							t.Errorf("%s visited before its dependency %s finished", v, d)
						}
					}
					step++
					doneAt[v] = step
					if tt.fail[v] {
						return errors.New(v + " failed")
					}
					return nil
				})
				if diff := cmp.Diff(tt.want, describe(g, errs)); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	}
}

func TestWalkOrderWithParallelismOne(t *testing.T) {
	g := build("d->b", "d->c", "b->a", "c->a", "e", "f->e")
	var got []string
	g.Walk(context.Background(), 1, func(_ context.Context, v string) error {
		got = append(got, v)
		return nil
	})
	want, _ := g.TopoOrder()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestWalkParallelismBound(t *testing.T) {
	g := New(strLess, strName)
	for i := range 50 {
		g.Add(fmt.Sprintf("v%02d", i))
	}
	const limit = 4
	var inFlight, peak, starts atomic.Int32
	// Every visit waits until `limit` visits are in flight (or no more can
	// start), so the walk must really overlap them, and the bound is
	// checked at the peak.
	var started sync.WaitGroup
	gate := make(chan struct{})
	var once sync.Once
	started.Add(limit)
	go func() { started.Wait(); once.Do(func() { close(gate) }) }()
	errs := g.Walk(context.Background(), limit, func(context.Context, string) error {
		n := inFlight.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		if starts.Add(1) <= limit {
			started.Done()
		}
		<-gate
		inFlight.Add(-1)
		return nil
	})
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	if p := peak.Load(); p != limit {
		t.Errorf("peak parallel visits = %d; want %d", p, limit)
	}
}

func TestWalkCancel(t *testing.T) {
	// a <- b <- c, and a failing x <- y. Cancelling during b: b finishes,
	// c is never started, y is still skipped because x failed.
	g := build("b->a", "c->b", "y->x")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errs := g.Walk(ctx, 1, func(ctx context.Context, v string) error {
		switch v {
		case "b":
			cancel()
			return nil
		case "x":
			return errors.New("x failed")
		}
		return nil
	})
	want := map[string]string{"a": "ok", "b": "ok", "c": "cancelled", "x": "cancelled", "y": "cancelled"}
	if diff := cmp.Diff(want, describe(g, errs)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !errors.Is(errs["c"], context.Canceled) {
		t.Errorf("errs[c] = %v; want it to match context.Canceled", errs["c"])
	}
	if !IsSkipped[string](errs["c"]) || IsSkipped[string](errors.New("x")) {
		t.Errorf("IsSkipped does not tell skipped from failed")
	}
}

func TestWalkCancelKeepsSkipCause(t *testing.T) {
	g := build("b->a", "c->b")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errs := g.Walk(ctx, 1, func(ctx context.Context, v string) error {
		if v == "a" {
			cancel()
			return errors.New("a failed")
		}
		return nil
	})
	want := map[string]string{"a": "a failed", "b": "skipped(a)", "c": "skipped(a)"}
	if diff := cmp.Diff(want, describe(g, errs)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := errs["c"].Error(); got != "not started because a failed" {
		t.Errorf("skip message = %q", got)
	}
}

func TestWalkDeterministicUnderRace(t *testing.T) {
	g := layered(200, 3)
	fail := func(v int) bool { return v%37 == 5 }
	var first map[string]string
	for range 5 {
		errs := g.Walk(context.Background(), 8, func(_ context.Context, v int) error {
			if fail(v) {
				return fmt.Errorf("%d failed", v)
			}
			return nil
		})
		got := map[string]string{}
		for v, err := range errs {
			got[fmt.Sprint(v)] = err.Error()
		}
		if first == nil {
			first = got
			continue
		}
		if diff := cmp.Diff(first, got); diff != "" {
			t.Fatalf("walk results differ between runs (-first +now):\n%s", diff)
		}
	}
	if len(first) == 0 {
		t.Fatal("no failures recorded; the test is not testing anything")
	}
}

// layered builds n vertices where vertex i depends on k earlier vertices
// chosen pseudo-randomly (but the same on every run): about k*n edges.
func layered(n, k int) *Graph[int] {
	g := New(func(a, b int) bool { return a < b }, func(v int) string { return fmt.Sprint(v) })
	h := uint64(88172645463325252)
	for i := range n {
		g.Add(i)
		for j := 0; j < k && i > 0; j++ {
			h ^= h << 13
			h ^= h >> 7
			h ^= h << 17
			g.Connect(i, int(h%uint64(i)))
		}
	}
	return g
}

func BenchmarkTopo10k(b *testing.B) {
	g := layered(10000, 3)
	if g.EdgeCount() < 29000 {
		b.Fatalf("only %d edges", g.EdgeCount())
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := g.TopoOrder(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWalk10k(b *testing.B) {
	g := layered(10000, 3)
	b.ReportAllocs()
	for b.Loop() {
		if errs := g.Walk(context.Background(), 10, func(context.Context, int) error { return nil }); len(errs) != 0 {
			b.Fatal(errs)
		}
	}
}

func BenchmarkCycles10k(b *testing.B) {
	g := layered(10000, 3)
	b.ReportAllocs()
	for b.Loop() {
		if c := g.Cycles(); len(c) != 0 {
			b.Fatal(c)
		}
	}
}

// TestLargeNeighbourSets crosses the size at which a vertex's neighbours
// get an index: edges stay unique, removable and counted.
func TestLargeNeighbourSets(t *testing.T) {
	g := New(func(a, b int) bool { return a < b }, func(v int) string { return fmt.Sprint(v) })
	const n = 3 * smallSet
	for i := 1; i <= n; i++ {
		g.Connect(i, 0)
		g.Connect(i, 0) // twice: still one edge
	}
	if g.EdgeCount() != n || len(g.DependentsOf(0)) != n || !g.HasEdge(n, 0) {
		t.Fatalf("edges = %d, dependents of 0 = %d", g.EdgeCount(), len(g.DependentsOf(0)))
	}
	for i := 1; i <= n; i += 2 {
		g.Remove(i)
	}
	if g.EdgeCount() != n/2 || len(g.DependentsOf(0)) != n/2 || g.HasEdge(1, 0) || !g.HasEdge(2, 0) {
		t.Fatalf("after removing the odd vertices: edges = %d, dependents of 0 = %v", g.EdgeCount(), g.DependentsOf(0))
	}
	g.Connect(0, 0)
	if len(g.Cycles()) != 1 {
		t.Fatalf("cycles = %v, want the self-loop", g.Cycles())
	}
}
