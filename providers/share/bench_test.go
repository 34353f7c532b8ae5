package share

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/zclconf/go-cty/cty"
)

// BenchmarkPlanApply1000 plans 1,000 new shares on one server, then
// applies them, each phase with 10 workers as the engine's default
// parallelism would, then reads them all back in one batch. Every apply is
// durable (fsync), so the figure depends on the disk; concurrent applies
// share writes (group commit).
func BenchmarkPlanApply1000(b *testing.B) {
	const n, workers = 1000, 10
	cfgs := make([]cty.Value, n)
	for i := range cfgs {
		cfgs[i] = shareCfg(map[string]cty.Value{"name": sv(fmt.Sprintf("Share%04d", i)), "path": sv(fmt.Sprintf(`D:\Shares\%04d`, i))})
	}
	// each runs f for every share on workers goroutines.
	each := func(f func(i int)) {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < n; i += workers {
					f(i)
				}
			}()
		}
		wg.Wait()
	}
	for b.Loop() {
		b.StopTimer()
		p, _ := open(b)
		b.StartTimer()
		objs := make([]object, n)
		planned := make([]cty.Value, n)
		each(func(i int) {
			objs[i].addr = at(fmt.Sprintf("s%04d", i))
			var d hcl.Diagnostics
			if planned[i], d = plan(b, p, objs[i], cfgs[i]); d.HasErrors() {
				b.Error(d.Error())
			}
		})
		each(func(i int) {
			resp := applyPlanned(p, objs[i], planned[i], cfgs[i])
			if resp.Diagnostics.HasErrors() {
				b.Error(resp.Diagnostics.Error())
			}
			objs[i].state, objs[i].private = resp.NewState, resp.Private
		})
		reqs := make([]providers.ReadRequest, n)
		for i, o := range objs {
			reqs[i] = providers.ReadRequest{TypeName: "share", Addr: o.addr, Prior: o.state, Private: o.private}
		}
		for i, r := range p.ReadMany(context.Background(), reqs) {
			if r.NewState.IsNull() {
				b.Fatalf("share %d is gone", i)
			}
		}
	}
}
