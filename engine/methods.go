package engine

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/engine/state"
)

// Temporary bodies, replaced as the engine lands.

func pending(what string) hcl.Diagnostics {
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Not available yet", Detail: what + " is not part of this build yet."}}
}

// Load reads every configuration file in dir. The returned Config is never
// nil (its Files are needed to render diagnostics) even with errors.
func (e *Engine) Load(dir string) (*config.Config, hcl.Diagnostics) {
	return &config.Config{Dir: dir}, pending("Loading")
}

// Validate checks the configuration without reaching any server: structure,
// types, references, cycles, variable validations and the domain's rules.
func (e *Engine) Validate(ctx context.Context, cfg *config.Config, in Inputs) hcl.Diagnostics {
	return pending("validate")
}

// Init checks required_version, prepares the backend and lets each provider
// prepare (e.g. database migrations).
func (e *Engine) Init(ctx context.Context, cfg *config.Config, in Inputs) hcl.Diagnostics {
	return pending("init")
}

// Plan refreshes and plans. The plan is returned even with errors (Errored
// set) so it can be shown.
func (e *Engine) Plan(ctx context.Context, cfg *config.Config, in Inputs, opts PlanOptions) (*plan.Plan, hcl.Diagnostics) {
	return nil, pending("plan")
}

// Apply applies p (made just now, or read from a saved plan file, which is
// refused when the state or configuration moved on). It returns the new
// state, even after errors.
func (e *Engine) Apply(ctx context.Context, cfg *config.Config, p *plan.Plan, opts PlanOptions) (*state.State, hcl.Diagnostics) {
	return nil, pending("apply")
}

// Drift refreshes every object in state without writing anything and
// returns a refresh-only plan whose Drift lists what changed outside
// updplan.
func (e *Engine) Drift(ctx context.Context, cfg *config.Config, in Inputs, opts PlanOptions) (*plan.Plan, hcl.Diagnostics) {
	return nil, pending("drift")
}

// Import adopts the existing object id at target into state.
func (e *Engine) Import(ctx context.Context, cfg *config.Config, in Inputs, target addr.Instance, id string, opts PlanOptions) hcl.Diagnostics {
	return pending("import")
}

// Backend opens the backend the configuration names (the local file
// updplan.state beside the configuration by default).
func (e *Engine) Backend(cfg *config.Config) (state.Backend, hcl.Diagnostics) {
	return nil, pending("state backends")
}

// StateTypes decodes stored resource values with the schemas.
func (e *Engine) StateTypes() state.TypeFunc {
	return nil
}

// Outputs returns the root outputs recorded in state.
func (e *Engine) Outputs(ctx context.Context, cfg *config.Config) ([]OutputValue, hcl.Diagnostics) {
	return nil, pending("output")
}

// GraphDOT renders the dependency graph of the configuration in DOT.
func (e *Engine) GraphDOT(cfg *config.Config, in Inputs) (string, hcl.Diagnostics) {
	return "", pending("graph")
}
