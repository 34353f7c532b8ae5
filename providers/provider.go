package providers

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// Provider manages the objects of its resource types.
//
// Values passed in and out are objects of the resource type's implied type
// (schema.Block.ImpliedType). A null value means "does not exist". Values
// passed in never carry marks (the engine keeps sensitivity itself), so a
// provider may call AsString and friends without unmarking.
// Implementations must be safe for concurrent calls of Read, Plan and Apply
// on different objects once configured.
type Provider interface {
	Name() string
	Schema() *schema.Provider
	// Configure is called once, before any other call but Schema, with the
	// provider block's value (defaults applied; an object of the provider's
	// config type, never null).
	Configure(ctx context.Context, req ConfigureRequest) hcl.Diagnostics
	// Read returns the actual state of one object; a null NewState means the
	// object is gone.
	Read(ctx context.Context, req ReadRequest) ReadResponse
	// Plan proposes the new value of one object: it fills computed
	// attributes it can know now and marks the others unknown, and says
	// which changed attributes force a replacement. Plan never changes the
	// real world.
	Plan(ctx context.Context, req PlanRequest) PlanResponse
	// Apply makes one planned change: create (Prior null), update, or
	// delete (Planned null). On failure it returns the state the object is
	// really in (it may have partly succeeded) with error diagnostics.
	Apply(ctx context.Context, req ApplyRequest) ApplyResponse
}

// ConfigureRequest carries the provider configuration.
type ConfigureRequest struct {
	Config cty.Value
	// WorkingDir is the configuration directory: relative paths in the
	// provider configuration (a SQLite file, a local share root) are
	// relative to it.
	WorkingDir string
	// Access says what the run does with the real objects. The engine may
	// configure a provider again with more access (a plan, then its
	// apply); Configure then replaces what it opened before.
	Access Access
}

// Access is what a run may do with a provider's real world.
type Access int

const (
	// AccessWrite (apply, destroy, import): the provider may create what
	// it needs, such as its database, schema or root folder.
	AccessWrite Access = iota
	// AccessRead (plan, drift): open what exists read-only and create,
	// migrate or change nothing; what does not exist yet reads as empty,
	// and a warning says what a writing run would create.
	AccessRead
	// AccessPrepare (init): as AccessWrite, but a store that only needs
	// upgrading is not an error: Prepare follows.
	AccessPrepare
)

// ReadRequest asks for the actual state of one object.
type ReadRequest struct {
	TypeName string
	Addr     addr.Instance
	Prior    cty.Value // the object as last recorded in state
	Private  []byte    // opaque data the provider returned with Prior
}

// ReadResponse is the object as it is now.
type ReadResponse struct {
	NewState    cty.Value // null: gone
	Private     []byte
	Diagnostics hcl.Diagnostics
}

// PlanRequest asks for the planned value of one object.
type PlanRequest struct {
	TypeName string
	Addr     addr.Instance
	// Prior is the refreshed state, or null for a create.
	Prior cty.Value
	// Config is the configuration value (defaults applied). It may hold
	// unknown values that depend on other objects' changes.
	Config cty.Value
	// Proposed is Config with computed attributes the configuration leaves
	// null taken from Prior (for an update) or unknown (for a create).
	Proposed     cty.Value
	PriorPrivate []byte
	// Reviewed is, when an apply plans a change once more just before
	// making it, the planned value that was reviewed; cty.NilVal while
	// planning. A provider that picks one of several equally good values
	// (the next free share name) picks the reviewed one again while it is
	// still free, so that the final plan does not depend on the order in
	// which objects are planned (another process applying a saved plan).
	Reviewed cty.Value
}

// PlanResponse is the provider's proposal.
type PlanResponse struct {
	// Planned must agree with Config on every attribute the configuration
	// sets; computed attributes may be known or unknown.
	Planned cty.Value
	// RequiresReplace lists the attribute paths whose change forces a
	// replacement (in addition to schema ForceNew attributes).
	RequiresReplace []cty.Path
	PlannedPrivate  []byte
	Diagnostics     hcl.Diagnostics
}

// ApplyRequest asks the provider to make one change.
type ApplyRequest struct {
	TypeName string
	// Addr is the address that owns the object. Providers that can should
	// record it with the object, so that a create interrupted before state
	// caught up is adopted, not duplicated, on the next run.
	Addr           addr.Instance
	Prior          cty.Value // null for a create
	Planned        cty.Value // null for a delete; unknowns are filled by Apply
	Config         cty.Value // null for a delete
	PlannedPrivate []byte
	// Progress reports long work (a catalog copied to many distribution
	// points). It is never nil.
	Progress ProgressFunc
}

// ApplyResponse is the object after the change.
type ApplyResponse struct {
	// NewState must be wholly known and agree with every known planned
	// attribute; null after a delete. After a failure it is the real state
	// (e.g. the object exists but was not fully updated), or Prior.
	NewState    cty.Value
	Private     []byte
	Diagnostics hcl.Diagnostics
}

// ProgressEvent reports how far a long operation has come.
type ProgressEvent struct {
	Addr  addr.Instance
	Label string // what is being done, e.g. "copy to \\\\DP01\\SMSPKGD$"
	Done  int64  // bytes or steps done
	Total int64  // 0 when unknown
	Final bool   // the step with this label is finished
}

// ProgressFunc receives progress events; it must be cheap and safe for
// concurrent use.
type ProgressFunc func(ProgressEvent)

// NoProgress discards progress events.
func NoProgress(ProgressEvent) {}

// Importer is implemented by providers that can adopt existing objects.
type Importer interface {
	// Import returns the object identified by ID (the resource type's
	// IDAttribute), or a null State with an error diagnostic when there is
	// none.
	Import(ctx context.Context, req ImportRequest) ImportResponse
}

// ImportRequest names an existing object.
type ImportRequest struct {
	TypeName string
	Addr     addr.Instance
	ID       string
}

// ImportResponse is the adopted object.
type ImportResponse struct {
	State       cty.Value
	Private     []byte
	Diagnostics hcl.Diagnostics
	// Owner is the address the real world records as managing the object
	// ("" when none is recorded). The engine refuses to import an object
	// another address of the configuration or state manages.
	Owner string
}

// BatchReader is implemented by providers that read many objects at once
// (one query for all collections), so a refresh of 10,000 objects is not
// 10,000 round trips.
type BatchReader interface {
	// ReadMany answers every request, in order: len(responses) ==
	// len(reqs).
	ReadMany(ctx context.Context, reqs []ReadRequest) []ReadResponse
}

// SteadyPlanner is implemented by providers whose Plan of an existing
// object, when the proposed value equals the prior value exactly, always
// answers that prior value unchanged, with the prior private data, no
// replacement and no diagnostics, and has no side effect later calls depend
// on. The engine then skips the Plan call (and its check) for such objects,
// so a no-op plan of many objects costs no provider work per object.
type SteadyPlanner interface {
	PlansSteady(typeName string) bool
}

// Validator is implemented by providers that check a configuration value
// without reaching the real world (called by validate).
type Validator interface {
	ValidateResource(ctx context.Context, typeName string, config cty.Value) hcl.Diagnostics
}

// Inventory is implemented by providers that can list the objects they
// hold, for the engine's reference checks at plan time
// (schema.ResolveReferences): ids that name no object, or one of a site
// the referring object may not use.
type Inventory interface {
	// Inventory lists every object of one resource type.
	Inventory(ctx context.Context, typeName string) ([]schema.Existing, hcl.Diagnostics)
}

// Preparer is implemented by providers with work to do at `updplan init`
// (e.g. database migrations).
type Preparer interface {
	Prepare(ctx context.Context) hcl.Diagnostics
}

// Closer is implemented by providers holding connections.
type Closer interface {
	Close() error
}

// DataReader is implemented by providers with data sources (their schema's
// DataSources): read-only lookups made during plan.
type DataReader interface {
	ReadData(ctx context.Context, req ReadDataRequest) ReadDataResponse
}

// ReadDataRequest asks for the result of one data source.
type ReadDataRequest struct {
	TypeName string
	// Config holds the arguments, wholly known; the computed attributes
	// are null.
	Config cty.Value
}

// ReadDataResponse is the data source's value: Config with every computed
// attribute filled in.
type ReadDataResponse struct {
	State       cty.Value
	Diagnostics hcl.Diagnostics
}
