package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/updplan/updplan/engine"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/providers/providertest"
)

// chainConfig writes n fake objects in chains of 10 references.
func chainConfig(n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i%10 == 0 {
			fmt.Fprintf(&b, "fake_thing \"t%d\" {\n  name = \"t%d\"\n}\n", i, i)
		} else {
			fmt.Fprintf(&b, "fake_thing \"t%d\" {\n  name  = \"t%d\"\n  value = fake_thing.t%d.id\n}\n", i, i, i-1)
		}
	}
	return b.String()
}

func benchEngine(b *testing.B, n int) (*engine.Engine, string) {
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(chainConfig(n)), 0o644); err != nil {
		b.Fatal(err)
	}
	return &engine.Engine{Providers: providers.NewRegistry(&providertest.Fake{}), Version: "0.1.0"}, dir
}

func benchApply(b *testing.B, n int) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		e, dir := benchEngine(b, n)
		b.StartTimer()
		cfg, diags := e.Load(dir)
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		p, diags := e.Plan(context.Background(), cfg, engine.Inputs{}, opts())
		if diags.HasErrors() {
			b.Fatal(diags)
		}
		if _, diags := e.Apply(context.Background(), cfg, p, opts()); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "objects/s")
}

func benchNoopPlan(b *testing.B, n int) {
	e, dir := benchEngine(b, n)
	cfg, _ := e.Load(dir)
	p, _ := e.Plan(context.Background(), cfg, engine.Inputs{}, opts())
	if _, diags := e.Apply(context.Background(), cfg, p, opts()); diags.HasErrors() {
		b.Fatal(diags)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cfg, _ := e.Load(dir)
		p, diags := e.Plan(context.Background(), cfg, engine.Inputs{}, opts())
		if diags.HasErrors() || p.Applyable() {
			b.Fatalf("not a no-op plan: %v", diags)
		}
	}
}

func BenchmarkApply1000(b *testing.B)     { benchApply(b, 1000) }
func BenchmarkApply10000(b *testing.B)    { benchApply(b, 10000) }
func BenchmarkNoopPlan1000(b *testing.B)  { benchNoopPlan(b, 1000) }
func BenchmarkNoopPlan10000(b *testing.B) { benchNoopPlan(b, 10000) }
