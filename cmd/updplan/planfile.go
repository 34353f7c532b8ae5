package main

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/engine/state"
)

// writePlanFile saves p for "updplan apply FILE".
func writePlanFile(path string, p *plan.Plan) hcl.Diagnostics {
	if err := plan.WriteFile(path, p); err != nil {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Plan not saved",
			Detail:   fmt.Sprintf("Cannot save the plan: %s. Give -out a path in a writable directory.", err),
		}}
	}
	return nil
}

// readPlanFile reads a plan saved by "updplan plan -out".
func readPlanFile(path string, types state.TypeFunc) (*plan.Plan, hcl.Diagnostics) {
	p, err := plan.ReadFile(path, types)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Unreadable plan file",
			Detail:   fmt.Sprintf("Cannot use the saved plan: %s. Give a file written by \"updplan plan -out=FILE\", or make a new plan.", err),
		}}
	}
	return p, nil
}
