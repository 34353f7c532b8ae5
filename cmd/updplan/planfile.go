package main

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/engine/state"
)

// Saved plan files come from engine/plan (plan.WriteFile / plan.ReadFile),
// which is not committed yet: until it is, -out, apply PLANFILE and show
// PLANFILE refuse clearly instead of writing a format nobody reads.

func planFileMissing() hcl.Diagnostics {
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Saved plans not available",
		Detail:   "Saving and reading plan files is not available yet in this build. Run \"updplan apply\" without a plan file and review the plan it shows before approving.",
	}}
}

func writePlanFile(path string, p *plan.Plan) hcl.Diagnostics {
	return planFileMissing()
}

func readPlanFile(path string, types state.TypeFunc) (*plan.Plan, hcl.Diagnostics) {
	return nil, planFileMissing()
}
