package view

import (
	"io"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/engine/state"
	"github.com/updplan/updplan/schema"
)

// Human renders for people: colour only when Color is set (a terminal, no
// -no-color, no NO_COLOR), wrapped at Width (0 = no wrapping).
type Human struct {
	Out   io.Writer // results
	Err   io.Writer // diagnostics
	Color bool
	Width int
	// Files are the parsed sources diagnostics point into (for snippets).
	Files map[string]*hcl.File
	// Notes are one-line remarks about objects (the compliance figures of
	// a deployment), shown by Plan and DriftReport as a "# " comment under
	// the header of the object's change, or, for an object without a
	// change shown, in a list of their own before the changes.
	Notes map[addr.Instance]string
}

// Schemas gives renderers the resource types (sensitive attributes,
// attribute order, provider names).
type Schemas interface {
	ResourceType(name string) *schema.ResourceType
}

// PlanJSONInput is what the plan JSON (show -json, format 1.2) is made of.
type PlanJSONInput struct {
	Plan    *plan.Plan
	Schemas Schemas
	// Version is updplan's version (terraform_version in the JSON).
	Version string
	// Config describes the configuration for the "configuration" key; may
	// be nil.
	Config *ConfigSummary
}

// ConfigSummary is the part of the configuration the plan JSON repeats.
type ConfigSummary struct {
	ProviderConfigs map[string]map[string]any // provider -> constant expressions
	Resources       []ConfigResource
	Outputs         map[string]ConfigOutput
	Variables       map[string]ConfigVariable
}

// ConfigResource is one resource block in the configuration summary.
type ConfigResource struct {
	Address  string
	Type     string
	Name     string
	Provider string
	// Data is set for a data block (mode "data", address data.TYPE.NAME).
	Data bool
	// Expressions maps attribute name -> {"constant_value": v} or
	// {"references": [...]}.
	Expressions     map[string]any
	CountExpression map[string]any
	ForEachExpr     map[string]any
}

// ConfigOutput is one output block in the configuration summary.
type ConfigOutput struct {
	Expression map[string]any
	Sensitive  bool
}

// ConfigVariable is one variable block in the configuration summary.
type ConfigVariable struct {
	Default     any
	Description string
	Sensitive   bool
}

var _ = state.FormatVersion
