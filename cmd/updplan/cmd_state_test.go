package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"

	"github.com/updplan/updplan/engine"
	"github.com/updplan/updplan/engine/state"
	"github.com/updplan/updplan/providers"
)

func testState(t *testing.T, addrs ...string) *state.State {
	t.Helper()
	st := state.New()
	for _, s := range addrs {
		a := mustInstance(t, s)
		st.Set(&state.Resource{Addr: a, Type: a.Resource.Type, Provider: "sitedb", Value: cty.EmptyObjectVal})
	}
	return st
}

func TestPlanMoves(t *testing.T) {
	st := testState(t, "site.a", "collection.c[0]", "collection.c[1]", "collection.d", `package.p["x"]`)
	tests := map[string]struct {
		src, dst string
		want     []string // "from -> to"
		err      string
	}{
		"one instance":            {src: "site.a", dst: "site.b", want: []string{"site.a -> site.b"}},
		"keyed instance to plain": {src: "collection.c[1]", dst: "collection.e", want: []string{"collection.c[1] -> collection.e"}},
		"plain to keyed":          {src: "site.a", dst: `site.a["LAB"]`, want: []string{`site.a -> site.a["LAB"]`}},
		"every instance":          {src: "collection.c", dst: "collection.all", want: []string{"collection.c[0] -> collection.all[0]", "collection.c[1] -> collection.all[1]"}},
		"string keys":             {src: "package.p", dst: "package.q", want: []string{`package.p["x"] -> package.q["x"]`}},
		"other type":              {src: "site.a", dst: "collection.a", err: "an object keeps its resource type"},
		"missing source":          {src: "site.zz", dst: "site.b", err: "The state has no object at site.zz"},
		"missing with suggestion": {src: "site.b", dst: "site.c", err: "Did you mean site.a?"},
		"destination taken":       {src: "collection.c[0]", dst: "collection.c[1]", err: "the state already has an object there"},
		"resource to instance":    {src: "collection.c", dst: "collection.x[0]", err: "the destination must be a resource too"},
		"same address":            {src: "site.a", dst: "site.a", err: "is already at site.a"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			moves, d := planMoves(st, mustInstance(t, tt.src), mustInstance(t, tt.dst))
			if tt.err != "" {
				if d == nil || !strings.Contains(d.Detail, tt.err) {
					t.Fatalf("planMoves error = %v, want one containing %q", d, tt.err)
				}
				return
			}
			if d != nil {
				t.Fatalf("planMoves: %s: %s", d.Summary, d.Detail)
			}
			var got []string
			for _, m := range moves {
				got = append(got, m[0].String()+" -> "+m[1].String())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("moves (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMatches(t *testing.T) {
	tests := []struct {
		pattern, inst string
		want          bool
	}{
		{"site.a", "site.a", true},
		{"collection.c", "collection.c[0]", true},
		{"collection.c", `collection.c["k"]`, true},
		{"collection.c[0]", "collection.c[1]", false},
		{"collection.c[0]", "collection.c", false},
		{"collection.c", "collection.cc", false},
		{"site.c", "collection.c", false},
	}
	for _, tt := range tests {
		if got := matches(mustInstance(t, tt.pattern), mustInstance(t, tt.inst)); got != tt.want {
			t.Errorf("matches(%s, %s) = %v, want %v", tt.pattern, tt.inst, got, tt.want)
		}
	}
}

func TestPushState(t *testing.T) {
	c := &cli{eng: &engine.Engine{Providers: providers.NewRegistry(), Version: version}}
	ctx := context.Background()
	stored := state.New()
	stored.Serial = 5
	tests := map[string]struct {
		incoming    func() *state.State
		force       bool
		err         string
		wantSerial  uint64
		wantLineage string
	}{
		"newer serial": {
			incoming:    func() *state.State { s := stored.DeepCopy(); s.Serial = 9; return s },
			wantSerial:  9,
			wantLineage: stored.Lineage,
		},
		"same serial is written as the next one": {
			incoming:    func() *state.State { return stored.DeepCopy() },
			wantSerial:  6,
			wantLineage: stored.Lineage,
		},
		"older serial": {
			incoming: func() *state.State { s := stored.DeepCopy(); s.Serial = 4; return s },
			err:      "The file has serial 4, older than the stored state's serial 5",
		},
		"older serial forced": {
			incoming:    func() *state.State { s := stored.DeepCopy(); s.Serial = 4; return s },
			force:       true,
			wantSerial:  6,
			wantLineage: stored.Lineage,
		},
		"other lineage": {
			incoming: func() *state.State { s := state.New(); s.Serial = 50; return s },
			err:      "The file is another state (lineage",
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			b := state.NewLocal(filepath.Join(t.TempDir(), "updplan.state"))
			defer b.Close()
			if err := b.Write(ctx, stored.DeepCopy()); err != nil {
				t.Fatal(err)
			}
			in := tt.incoming()
			diags := pushState(ctx, c, b, in, tt.force)
			got, err := b.Read(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if tt.err != "" {
				if !diags.HasErrors() || !strings.Contains(diags[0].Detail, tt.err) {
					t.Fatalf("pushState = %v, want an error containing %q", diags, tt.err)
				}
				if got.Serial != stored.Serial || got.Lineage != stored.Lineage {
					t.Errorf("refused push changed the stored state: serial %d lineage %s", got.Serial, got.Lineage)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatalf("pushState: %s", diags.Error())
			}
			if got.Serial != tt.wantSerial || got.Lineage != tt.wantLineage {
				t.Errorf("stored serial %d lineage %s, want %d %s", got.Serial, got.Lineage, tt.wantSerial, tt.wantLineage)
			}
		})
	}

	t.Run("no stored state", func(t *testing.T) {
		b := state.NewLocal(filepath.Join(t.TempDir(), "updplan.state"))
		defer b.Close()
		in := state.New()
		in.Serial = 3
		if diags := pushState(ctx, c, b, in, false); diags.HasErrors() {
			t.Fatalf("pushState: %s", diags.Error())
		}
		got, err := b.Read(ctx, nil)
		if err != nil || got == nil || got.Serial != 3 || got.Lineage != in.Lineage {
			t.Fatalf("stored %+v, %v; want serial 3 lineage %s", got, err, in.Lineage)
		}
	})

	t.Run("other lineage forced", func(t *testing.T) {
		b := state.NewLocal(filepath.Join(t.TempDir(), "updplan.state"))
		defer b.Close()
		if err := b.Write(ctx, stored.DeepCopy()); err != nil {
			t.Fatal(err)
		}
		in := state.New()
		if diags := pushState(ctx, c, b, in, true); diags.HasErrors() {
			t.Fatalf("pushState: %s", diags.Error())
		}
		got, _ := b.Read(ctx, nil)
		if got.Lineage != in.Lineage || got.Serial != stored.Serial+1 {
			t.Fatalf("stored lineage %s serial %d, want %s %d", got.Lineage, got.Serial, in.Lineage, stored.Serial+1)
		}
	})
}

func TestHasSensitive(t *testing.T) {
	st := testState(t, "site.a")
	if hasSensitive(st) {
		t.Fatal("plain state reported sensitive")
	}
	st.Outputs["pw"] = &state.Output{Value: cty.StringVal("x"), Sensitive: true}
	if !hasSensitive(st) {
		t.Fatal("sensitive output not seen")
	}
	st = testState(t, "site.a")
	st.Get(mustInstance(t, "site.a")).SensitivePaths = []cty.Path{cty.GetAttrPath("dsn")}
	if !hasSensitive(st) {
		t.Fatal("sensitive attribute not seen")
	}
}
