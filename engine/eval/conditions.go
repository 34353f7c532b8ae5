package eval

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/config"
	"github.com/zclconf/go-cty/cty"
)

// CheckConditions evaluates precondition or postcondition blocks.
func (ev *Evaluator) CheckConditions(rules []*config.CheckRule, sc Scope, summary string) hcl.Diagnostics {
	_, _, diags := ev.Conditions(rules, sc, summary)
	return diags
}

// Conditions evaluates precondition or postcondition blocks and also
// reports their combined status ("pass", "fail", "error" or "unknown", as
// in Terraform's checks) and the messages of the failed ones. A message
// that holds a sensitive value is never returned or shown.
func (ev *Evaluator) Conditions(rules []*config.CheckRule, sc Scope, summary string) (status string, problems []string, diags hcl.Diagnostics) {
	status = "pass"
	worse := func(s string) {
		rank := map[string]int{"pass": 0, "unknown": 1, "error": 2, "fail": 3}
		if rank[s] > rank[status] {
			status = s
		}
	}
	for _, rule := range rules {
		ok, d := ev.Expr(rule.Condition, sc)
		diags = append(diags, d...)
		if d.HasErrors() {
			worse("error")
			continue
		}
		if !ok.IsKnown() {
			worse("unknown")
			continue
		}
		ok, _ = ok.Unmark()
		rng := rule.Condition.Range()
		if ok.IsNull() || ok.Type() != cty.Bool {
			worse("error")
			diags = append(diags, errorDiag("Invalid condition result", "A condition must be true or false.", &rng))
			continue
		}
		if ok.True() {
			continue
		}
		worse("fail")
		msg := "The condition is false."
		if m, d := ev.Expr(rule.ErrorMessage, sc); !d.HasErrors() && m.IsKnown() && !m.IsNull() && !m.IsMarked() && m.Type() == cty.String {
			msg = m.AsString()
		}
		problems = append(problems, msg)
		detail := msg + fmt.Sprintf("\n\nThis was checked by the condition at %s.", rng.String())
		if figures := ev.dataFigures(rule.Condition); figures != "" {
			detail += "\n\n" + figures
		}
		diags = append(diags, errorDiag(summary, detail, &rng))
	}
	return status, problems, diags
}
