package engine

import (
	"github.com/updplan/updplan/engine/encryption"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/engine/state"
	"github.com/updplan/updplan/providers"
	"github.com/zclconf/go-cty/cty"
)

// Engine runs the phases against one set of providers.
type Engine struct {
	Providers *providers.Registry
	// Version is updplan's version, checked against required_version.
	Version string
	// Inputs are the variable values given to this run (-var, -var-file,
	// the environment), for the settings evaluated before anything else:
	// the backend and encryption blocks. Commands without -var flags
	// still give the environment.
	Inputs Inputs
	// planVars are the variables of the saved plan being applied, which
	// the backend settings use when Inputs do not set them.
	planVars map[string]cty.Value

	enc    *encryption.Encryption // built once per configuration
	encFor *config.Config

	mu         sync.Mutex
	configured map[string]providers.Access // providers configured by this engine, and how
	// secrets are the strings of sensitive variable values seen by this
	// engine, taken out of every diagnostic it returns (scrub).
	secrets map[string]bool

	schemasOnce sync.Once
	schemaIndex Schemas
}

// Inputs are the root variable values given from outside the
// configuration files.
type Inputs struct {
	// Args are -var and -var-file in command-line order.
	Args []config.VarArg
	// Env is the process environment (UPDPLAN_VAR_name=value entries are
	// read from it).
	Env []string
}

// Hooks let the command line show progress. Every field may be nil; calls
// may come from several goroutines at once. ApplyStart and ApplyComplete
// come once per provider call: a replacement comes as its two halves, a
// Delete change (the old object) and a Create change (the new one), in the
// order they run, never with a replace action.
type Hooks struct {
	RefreshStart    func(a addr.Instance)
	RefreshComplete func(a addr.Instance, elapsed time.Duration)
	ApplyStart      func(c *plan.ResourceChange)
	ApplyProgress   func(ev providers.ProgressEvent)
	// ApplyComplete gets the object as applied (null after a delete or a
	// failure).
	ApplyComplete func(c *plan.ResourceChange, elapsed time.Duration, newState cty.Value, diags hcl.Diagnostics)
	// Waiting is called once while waiting for another holder's lock.
	LockWaiting func(holder state.LockInfo)
}

// PlanOptions select what a plan covers.
type PlanOptions struct {
	Mode        plan.Mode
	Refresh     bool // false with -refresh=false
	Targets     []addr.Instance
	Replace     []addr.Instance
	Parallelism int
	// Lock is false with -lock=false; LockTimeout is -lock-timeout.
	Lock        bool
	LockTimeout time.Duration
	Operation   string // "plan", "apply", "drift", ... recorded in lock info
	Hooks       Hooks
}

// OutputValue is a root output for `updplan output`.
type OutputValue struct {
	Name      string
	Value     cty.Value
	Sensitive bool
}
