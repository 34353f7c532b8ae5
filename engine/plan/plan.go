package plan

import (
	"time"

	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/state"
	"github.com/zclconf/go-cty/cty"
)

// Action is what a change does. Its rune is the symbol shown in plans.
type Action rune

const (
	NoOp             Action = ' '
	Create           Action = '+'
	Read             Action = '<'
	Update           Action = '~'
	DeleteThenCreate Action = '±' // replace, delete first (the default)
	CreateThenDelete Action = '∓' // replace with create_before_destroy
	Delete           Action = '-'
)

// String is the action's name as used in JSON ("create", "update", ...).
func (a Action) String() string {
	switch a {
	case NoOp:
		return "no-op"
	case Create:
		return "create"
	case Read:
		return "read"
	case Update:
		return "update"
	case DeleteThenCreate, CreateThenDelete:
		return "replace"
	case Delete:
		return "delete"
	}
	return "unknown"
}

// Actions is the action as Terraform's plan JSON lists it.
func (a Action) Actions() []string {
	switch a {
	case DeleteThenCreate:
		return []string{"delete", "create"}
	case CreateThenDelete:
		return []string{"create", "delete"}
	}
	return []string{a.String()}
}

// IsReplace reports whether the action replaces the object.
func (a Action) IsReplace() bool { return a == DeleteThenCreate || a == CreateThenDelete }

// Reason explains an action, for display and plan JSON (action_reason).
// Apply never branches on it.
type Reason string

const (
	ReasonNone                  Reason = ""
	ReplaceBecauseCannotUpdate  Reason = "replace_because_cannot_update"
	ReplaceByRequest            Reason = "replace_by_request"
	DeleteBecauseNoResourceConf Reason = "delete_because_no_resource_config"
	DeleteBecauseCountIndex     Reason = "delete_because_count_index"
	DeleteBecauseEachKey        Reason = "delete_because_each_key"
	DeleteBecauseNoMoveTarget   Reason = "delete_because_no_move_target"
)

// ResourceChange is the planned change of one resource instance.
//
// Invariants: Before is null for Create; After is null for Delete; After
// may hold unknown values (known after apply) but Before never does.
type ResourceChange struct {
	Addr addr.Instance
	// PrevAddr is set when a moved block renamed the object; zero otherwise.
	PrevAddr addr.Instance
	Type     string // resource type
	Provider string // provider name

	Action Action
	// CreateBeforeDestroy from the lifecycle block (here, beside Action,
	// it takes no room of its own: a plan holds one change per instance).
	CreateBeforeDestroy bool
	Reason              Reason

	Before cty.Value
	After  cty.Value
	// Config is the configuration value the change was planned from (null
	// for a delete), handed back to the provider at apply.
	Config cty.Value

	// ReplacePaths are the attributes whose change forces the replacement.
	ReplacePaths []cty.Path
	// BeforeSensitive and AfterSensitive list the sensitive attribute paths.
	BeforeSensitive []cty.Path
	AfterSensitive  []cty.Path

	// ImportID is set when the change adopts an existing object (import
	// block); Before is then the imported object.
	ImportID string

	// Private is the provider's opaque data from Plan, handed to Apply.
	Private []byte

	// Dependencies are the resources this one refers to: applied before it
	// on create/update, after it on delete.
	Dependencies []addr.Resource
}

// OutputChange is the planned change of a root output.
type OutputChange struct {
	Name      string
	Action    Action // Create, Update, Delete or NoOp
	Before    cty.Value
	After     cty.Value // may be unknown
	Sensitive bool
}

// Mode is the kind of plan.
type Mode int

const (
	NormalMode Mode = iota
	DestroyMode
	RefreshOnlyMode
)

func (m Mode) String() string {
	switch m {
	case DestroyMode:
		return "destroy"
	case RefreshOnlyMode:
		return "refresh-only"
	}
	return "normal"
}

// Plan is everything needed to show a change and apply exactly it.
type Plan struct {
	Mode Mode

	// Changes holds one entry per resource instance in configuration or
	// state, sorted by address (no-ops included).
	Changes []*ResourceChange
	// Drift lists objects that changed outside updplan since the last run:
	// Update (attributes differ) or Delete (gone), Before = state, After =
	// what refresh read. Sorted by address.
	Drift []*ResourceChange
	// Outputs sorted by name.
	Outputs []*OutputChange

	// Variables holds the value of every root variable the plan used.
	Variables map[string]cty.Value
	// SensitiveVariables names the variables declared sensitive.
	SensitiveVariables map[string]bool

	// PrevRunState is the state as stored when planning began; PriorState is
	// it after refresh.
	PrevRunState *state.State
	PriorState   *state.State

	// ConfigDigest is a digest of every configuration file; apply of a
	// saved plan refuses when the configuration changed.
	ConfigDigest string

	Targets []addr.Instance
	Replace []addr.Instance

	// Checks are the results of preconditions and postconditions, sorted
	// by resource address.
	Checks []*CheckResult

	// Reads are the data sources read while planning, sorted by address.
	// A saved plan keeps them for show; apply never uses them: it reads
	// every data source again and checks the conditions on what it read.
	Reads []*DataRead

	Timestamp time.Time
	// Errored is true when planning failed part way; such a plan is shown
	// but never applied.
	Errored bool
}

// DataRead is one data source instance read during plan: data.TYPE.NAME
// (data.TYPE.NAME[0], data.TYPE.NAME["key"] with count or for_each) and its
// value (unknown when its arguments are known only after apply).
type DataRead struct {
	Addr  addr.Instance // Resource.Type is the data source type
	Value cty.Value
}

// String is the data source's address, data.TYPE.NAME.
func (r *DataRead) String() string { return "data." + r.Addr.String() }

// Change returns the change of an instance, or nil.
func (p *Plan) Change(a addr.Instance) *ResourceChange {
	for _, c := range p.Changes {
		if c.Addr == a {
			return c
		}
	}
	return nil
}

// Summary counts the changes as Terraform's "Plan: N to add, N to change,
// N to destroy." line does (a replace counts as one add and one destroy).
func (p *Plan) Summary() (add, change, destroy, imports int) {
	for _, c := range p.Changes {
		switch {
		case c.Action == Create:
			add++
		case c.Action == Update:
			change++
		case c.Action == Delete:
			destroy++
		case c.Action.IsReplace():
			add++
			destroy++
		}
		if c.ImportID != "" {
			imports++
		}
	}
	return
}

// Applyable reports whether applying the plan would change anything: any
// resource change that is not a no-op, an import, a move, or an output
// change; in refresh-only mode, any drift. This decides exit code 2 of
// `plan -detailed-exitcode`.
func (p *Plan) Applyable() bool {
	if p.Errored {
		return false
	}
	if p.Mode == RefreshOnlyMode {
		if len(p.Drift) > 0 {
			return true
		}
	} else {
		for _, c := range p.Changes {
			if c.Action != NoOp || c.ImportID != "" || c.PrevAddr != (addr.Instance{}) {
				return true
			}
		}
	}
	for _, o := range p.Outputs {
		if o.Action != NoOp {
			return true
		}
	}
	return false
}

// CheckStatus is the result of a resource's preconditions and
// postconditions: pass, fail, error or unknown (not evaluated yet: the
// values are known only after apply).
type CheckStatus string

const (
	CheckPass    CheckStatus = "pass"
	CheckFail    CheckStatus = "fail"
	CheckError   CheckStatus = "error"
	CheckUnknown CheckStatus = "unknown"
)

// CombineStatus folds statuses as Terraform does: any fail, else any
// error, else any unknown, else pass (pass for none).
func CombineStatus(list ...CheckStatus) CheckStatus {
	out := CheckPass
	for _, s := range list {
		switch {
		case s == CheckFail:
			return CheckFail
		case s == CheckError:
			out = CheckError
		case s == CheckUnknown && out == CheckPass:
			out = CheckUnknown
		}
	}
	return out
}

// CheckResult is the outcome of the conditions of one resource block, per
// instance (plan JSON "checks").
type CheckResult struct {
	Resource  addr.Resource
	Instances []CheckInstance // sorted by address
}

// Status is the aggregate status of the resource's instances.
func (c *CheckResult) Status() CheckStatus {
	list := make([]CheckStatus, len(c.Instances))
	for i, in := range c.Instances {
		list[i] = in.Status
	}
	if len(list) == 0 {
		return CheckUnknown
	}
	return CombineStatus(list...)
}

// CheckInstance is the outcome for one instance; Problems are the error
// messages of the failed conditions (never a sensitive one).
type CheckInstance struct {
	Addr     addr.Instance
	Status   CheckStatus
	Problems []string
}
