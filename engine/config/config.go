package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/encryption"
	"github.com/zclconf/go-cty/cty"
)

// Config is one loaded configuration directory.
type Config struct {
	// Dir is the directory the files were read from (path.root).
	Dir string
	// Files maps every file name a diagnostic may point at (configuration
	// files, variable files) to its bytes and block navigation, for source
	// snippets. A configuration file that parsed keeps no syntax tree here
	// (Body is nil): the structures below hold what is needed of it.
	Files map[string]*hcl.File
	// Digest is a SHA-256 over the names and bytes of every configuration
	// file, in name order (used to refuse stale saved plans).
	Digest string

	Settings  *Settings // nil when there is no updplan block
	Variables map[string]*Variable
	Locals    map[string]*Local
	Outputs   map[string]*Output
	Providers map[string]*ProviderBlock
	Resources map[addr.Resource]*Resource
	// Data are the data blocks, keyed by data source type and name.
	Data    map[addr.Resource]*DataSource
	Imports []*Import
	Moved   []*Moved
}

// Settings is the updplan block.
type Settings struct {
	RequiredVersion      string // "" when not set
	RequiredVersionRange hcl.Range
	Backend              *Backend // nil: the default local backend
	// Encryption is the encryption block as written (nil: none); the
	// engine evaluates its passphrases early and builds it.
	Encryption *encryption.Spec
	DeclRange  hcl.Range
}

// Backend is the backend block: `backend "local" { path = ... }` or
// `backend "postgres" { dsn = ... }`.
type Backend struct {
	Type      string
	Config    hcl.Body
	TypeRange hcl.Range
	DeclRange hcl.Range
}

// Variable is a variable block.
type Variable struct {
	Name        string
	Description string
	// Type is the type constraint (cty.DynamicPseudoType when not given);
	// Defaults holds optional-attribute defaults from the type expression.
	Type      cty.Type
	Defaults  *typeexpr.Defaults
	Default   cty.Value // cty.NilVal when there is no default
	Sensitive bool
	Nullable  bool // true unless nullable = false
	// Validations are the validation blocks, evaluated with only var.NAME
	// in scope.
	Validations []*CheckRule
	DeclRange   hcl.Range
}

// Local is one entry of a locals block.
type Local struct {
	Name      string
	Expr      hcl.Expression
	DeclRange hcl.Range
}

// Output is an output block.
type Output struct {
	Name        string
	Description string
	Expr        hcl.Expression
	Sensitive   bool
	DependsOn   []hcl.Traversal
	DeclRange   hcl.Range
}

// ProviderBlock is a provider block; Config is its body, to be decoded with
// the provider's schema.
type ProviderBlock struct {
	Name      string
	Config    hcl.Body
	NameRange hcl.Range
	DeclRange hcl.Range
}

// Resource is a resource block.
type Resource struct {
	Addr addr.Resource
	// Config is the body without meta-arguments, to be decoded with the
	// resource type's schema (dynamic blocks still unexpanded). A native
	// body of plain arguments is a *FrozenBody.
	Config hcl.Body

	Count   hcl.Expression // nil when absent
	ForEach hcl.Expression // nil when absent

	DependsOn []hcl.Traversal
	Lifecycle Lifecycle

	Preconditions  []*CheckRule
	Postconditions []*CheckRule

	TypeRange hcl.Range
	DeclRange hcl.Range // `site "main"` header
}

// DataSource is a data block: `data "TYPE" "NAME" { ... }`, read during
// plan and referred to as data.TYPE.NAME.
type DataSource struct {
	Addr   addr.Resource
	Config hcl.Body // without count, for_each and depends_on
	// Count and ForEach expand the block into instances, as on a resource
	// (data.TYPE.NAME[0], data.TYPE.NAME["key"]); nil when absent.
	Count     hcl.Expression
	ForEach   hcl.Expression
	DependsOn []hcl.Traversal
	TypeRange hcl.Range // the type label
	DeclRange hcl.Range
}

// Lifecycle is the lifecycle block of a resource.
type Lifecycle struct {
	PreventDestroy      bool
	CreateBeforeDestroy bool
	// IgnoreChanges lists attribute paths (relative traversals such as
	// `description` or `sms2003.schedule`); IgnoreAll is `ignore_changes =
	// all`.
	IgnoreChanges []hcl.Traversal
	IgnoreAll     bool
}

// CheckRule is a validation, precondition or postcondition block.
type CheckRule struct {
	Condition    hcl.Expression
	ErrorMessage hcl.Expression
	DeclRange    hcl.Range
}

// Import is an import block: adopt the object with ID at To.
type Import struct {
	To        addr.Instance
	ToRange   hcl.Range
	ID        hcl.Expression
	DeclRange hcl.Range
}

// Moved is a moved block.
type Moved struct {
	From      addr.Instance
	To        addr.Instance
	DeclRange hcl.Range
}

// VarArg is one -var or -var-file argument, in command-line order.
type VarArg struct {
	File  string // -var-file=FILE; empty for -var
	Value string // -var NAME=VALUE
}

// RawValue is a variable value given from outside the configuration, not
// yet converted to the variable's type.
type RawValue struct {
	Value cty.Value
	// FromString is true for -var and environment values, which are
	// strings that the engine parses as HCL when the variable's type is not
	// string (Terraform's rule).
	FromString bool
	Source     string    // "file", "var", "env"
	Range      hcl.Range // where it was given (a file range, or a synthetic one)
}
