package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/eval"
	"github.com/updplan/updplan/engine/graph"
	"github.com/updplan/updplan/engine/lang"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// resourceVisitor handles one resource block during a walk, given its
// expanded instances (known is false when they cannot be known yet). It
// returns the value references to the resource see.
type resourceVisitor func(ctx context.Context, r *config.Resource, rt *schema.ResourceType, insts []eval.Instance, known bool) (cty.Value, hcl.Diagnostics)

// errVisitFailed marks a vertex whose diagnostics were already recorded.
var errVisitFailed = errors.New("failed")

// diagCollector gathers diagnostics from concurrent visits.
type diagCollector struct {
	mu    sync.Mutex
	diags hcl.Diagnostics
}

func (c *diagCollector) add(d hcl.Diagnostics) {
	if len(d) == 0 {
		return
	}
	c.mu.Lock()
	c.diags = append(c.diags, d...)
	c.mu.Unlock()
}

// walk evaluates locals, resources (through visit) and outputs in
// dependency order. Vertices that depend on a failed one are skipped
// without repeating its error.
func (e *Engine) walk(ctx context.Context, ev *eval.Evaluator, cg *configGraph, visit resourceVisitor) hcl.Diagnostics {
	var dc diagCollector
	types := e.Schemas()
	// The walk itself may run many vertices at once; provider calls are
	// limited to the parallelism inside the visitors.
	results := cg.g.Walk(ctx, 64, func(ctx context.Context, n node) error {
		switch n.kind {
		case varNode:
			return nil
		case localNode:
			l := ev.Config().Locals[n.name]
			v, d := ev.Expr(l.Expr, eval.Scope{})
			dc.add(d)
			if d.HasErrors() {
				return errVisitFailed
			}
			ev.SetLocal(n.name, v)
		case resourceNode:
			r := ev.Config().Resources[n.res]
			rt := types.ResourceType(n.res.Type)
			if rt == nil {
				return errVisitFailed
			}
			insts, known, d := ev.Expand(r)
			dc.add(d)
			if d.HasErrors() {
				return errVisitFailed
			}
			v, d := visit(ctx, r, rt, insts, known)
			dc.add(d)
			if d.HasErrors() {
				return errVisitFailed
			}
			ev.SetResource(n.res, v)
		case dataNode:
			v, d := e.visitData(ctx, ev, cg, n.res)
			dc.add(d)
			if d.HasErrors() {
				return errVisitFailed
			}
			ev.SetData(n.res, v)
		case outputNode:
			o := ev.Config().Outputs[n.name]
			v, d := ev.Expr(o.Expr, eval.Scope{})
			dc.add(d)
			if d.HasErrors() {
				return errVisitFailed
			}
			if !o.Sensitive && lang.IsSensitive(v) {
				dc.add(hcl.Diagnostics{sensitiveOutputDiag(o)})
				return errVisitFailed
			}
			ev.SetOutput(n.name, v)
		}
		return nil
	})
	for _, n := range cg.g.Vertices() {
		err := results[n]
		if err == nil || errors.Is(err, errVisitFailed) || graph.IsSkipped[node](err) {
			continue // reported by the failed vertex itself, or cancelled
		}
		dc.add(hcl.Diagnostics{errorDiag("Internal error", fmt.Sprintf("Evaluating %s failed: %s.", n, err), nil)})
	}
	return dc.diags
}

// sensitiveOutputDiag refuses an output that holds a sensitive value (a
// sensitive variable, a sensitive attribute, or a computed value built from
// one) without sensitive = true, as Terraform does: an output is exported
// (output -json, remote state readers), so exporting a secret must be
// asked for.
func sensitiveOutputDiag(o *config.Output) *hcl.Diagnostic {
	rng := o.Expr.Range()
	return errorDiag("Output refers to sensitive values",
		fmt.Sprintf("The value of output %q holds a sensitive value (a sensitive variable or attribute, or a value a provider built from one). To reduce the risk of exporting a secret by accident, an output holding one must be marked sensitive. If you do mean to export it, add sensitive = true to the output block.", o.Name), &rng)
}
