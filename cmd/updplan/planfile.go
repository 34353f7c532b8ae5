package main

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/encryption"
	"github.com/updplan/updplan/engine/plan"
)

// planTarget is the encryption block's plan target (nil: plans are not
// encrypted).
func (c *cli) planTarget(cfg *config.Config) (*encryption.Target, hcl.Diagnostics) {
	enc, diags := c.eng.Encryption(cfg)
	if enc == nil {
		return nil, diags
	}
	return enc.Plan, diags
}

// writePlanFile saves p for "updplan apply FILE", encrypted when the
// configuration's encryption block has a plan target.
func (c *cli) writePlanFile(cfg *config.Config, path string, p *plan.Plan) hcl.Diagnostics {
	enc, diags := c.planTarget(cfg)
	if diags.HasErrors() {
		return diags
	}
	if err := plan.WriteFile(path, p, enc); err != nil {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Plan not saved",
			Detail:   fmt.Sprintf("Cannot save the plan: %s. Give -out a path in a writable directory.", err),
		}}
	}
	return nil
}

// readPlanFile reads a plan saved by "updplan plan -out", decrypting it
// with the configuration's encryption block when it is encrypted.
func (c *cli) readPlanFile(cfg *config.Config, path string) (*plan.Plan, hcl.Diagnostics) {
	enc, diags := c.planTarget(cfg)
	if diags.HasErrors() {
		return nil, diags
	}
	p, err := plan.ReadFile(path, c.eng.StateTypes(), enc)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Unreadable plan file",
			Detail:   fmt.Sprintf("Cannot use the saved plan: %s. Give a file written by \"updplan plan -out=FILE\", or make a new plan.", err),
		}}
	}
	return p, nil
}
