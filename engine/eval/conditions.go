package eval

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/config"
	"github.com/zclconf/go-cty/cty"
)

// CheckConditions evaluates precondition or postcondition blocks.
func (ev *Evaluator) CheckConditions(rules []*config.CheckRule, sc Scope, summary string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, rule := range rules {
		ok, d := ev.Expr(rule.Condition, sc)
		diags = append(diags, d...)
		if d.HasErrors() || !ok.IsKnown() {
			continue
		}
		ok, _ = ok.Unmark()
		rng := rule.Condition.Range()
		if ok.IsNull() || ok.Type() != cty.Bool {
			diags = append(diags, errorDiag("Invalid condition result", "A condition must be true or false.", &rng))
			continue
		}
		if ok.True() {
			continue
		}
		msg := "The condition is false."
		if m, d := ev.Expr(rule.ErrorMessage, sc); !d.HasErrors() && m.IsKnown() && !m.IsNull() && !m.IsMarked() && m.Type() == cty.String {
			msg = m.AsString()
		}
		diags = append(diags, errorDiag(summary, msg+fmt.Sprintf("\n\nThis was checked by the condition at %s.", rng.String()), &rng))
	}
	return diags
}
