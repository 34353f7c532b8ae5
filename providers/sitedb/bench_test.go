package sitedb

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/updplan/updplan/internal/cputime"
	"github.com/updplan/updplan/providers"
	"github.com/zclconf/go-cty/cty"
)

const benchObjects = 10000

// benchParallelism is the engine's default -parallelism.
const benchParallelism = 10

func collectionApplies() []providers.ApplyRequest {
	reqs := make([]providers.ApplyRequest, benchObjects)
	for i := range reqs {
		cfg := collectionConfig("LAB", fmt.Sprint("Collection ", i), map[string]cty.Value{"members": set(fmt.Sprint("PC", i)), "comment": sv("bench")})
		reqs[i] = providers.ApplyRequest{
			TypeName: "collection", Addr: at("collection", fmt.Sprint("c", i)),
			Prior: cty.NullVal(cfg.Type()), Planned: with(cfg, map[string]cty.Value{"id": cty.UnknownVal(cty.String)}), Config: cfg,
			Progress: providers.NoProgress,
		}
	}
	return reqs
}

// BenchmarkApplyCollections10k creates 10,000 collections on SQLite through
// concurrent Apply calls, as the engine does, and reports objects/s.
func BenchmarkApplyCollections10k(b *testing.B) {
	reqs := collectionApplies()
	var total, cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		p := openWith(b, providerConfig("sqlite", "site.db", "", "5s"), b.TempDir())
		var next atomic.Int64
		var failed atomic.Int64
		var wg sync.WaitGroup
		b.StartTimer()
		start, startCPU := time.Now(), cputime.Process()
		for range benchParallelism {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					i := next.Add(1) - 1
					if i >= benchObjects {
						return
					}
					if resp := p.Apply(context.Background(), reqs[i]); resp.Diagnostics.HasErrors() {
						failed.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		total += time.Since(start)
		cpu += cputime.Process() - startCPU
		b.StopTimer()
		if n := failed.Load(); n > 0 {
			b.Fatalf("%d applies failed", n)
		}
		p.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(benchObjects*b.N)/total.Seconds(), "objects/s")
	// On a shared machine the wall clock measures the neighbours too; the
	// CPU time the process used per object does not.
	b.ReportMetric(float64(cpu.Microseconds())/float64(benchObjects*b.N), "cpu-µs/object")
}

// BenchmarkReadMany10k refreshes 10,000 collections on SQLite with one
// ReadMany call.
func BenchmarkReadMany10k(b *testing.B) {
	p := openWith(b, providerConfig("sqlite", "site.db", "", "5s"), b.TempDir())
	applies := collectionApplies()
	reads := make([]providers.ReadRequest, len(applies))
	var wg sync.WaitGroup
	for w := range benchParallelism {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(applies); i += benchParallelism {
				resp := p.Apply(context.Background(), applies[i])
				if resp.Diagnostics.HasErrors() {
					b.Errorf("apply: %s", diagText(resp.Diagnostics))
					return
				}
				reads[i] = providers.ReadRequest{TypeName: "collection", Addr: applies[i].Addr, Prior: resp.NewState}
			}
		}()
	}
	wg.Wait()
	var total time.Duration
	for b.Loop() {
		start := time.Now()
		resps := p.ReadMany(context.Background(), reads)
		total += time.Since(start)
		if resps[len(resps)-1].NewState.IsNull() {
			b.Fatal("object missing")
		}
	}
	b.ReportMetric(float64(benchObjects*b.N)/total.Seconds(), "objects/s")
}
