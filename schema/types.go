package schema

import (
	"sort"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/updplan/updplan/engine/addr"
	"github.com/zclconf/go-cty/cty"
)

// Attribute is one argument or computed attribute of a block.
//
// Invariants: exactly one of Required, Optional or (Computed without
// Optional) describes who sets it; Optional+Computed means "the provider
// fills it when the configuration leaves it out". Default is cty.NilVal or a
// value of Type, and only on Optional attributes.
type Attribute struct {
	Name      string
	Type      cty.Type
	Doc       string
	Required  bool
	Optional  bool
	Computed  bool
	Sensitive bool
	ForceNew  bool // a change replaces the object
	// CredentialURL: a URL string that may carry credentials
	// (user:password@, a token in the query). The engine keeps it in the
	// state and in saved plans without them (schema.StoredURL: the
	// redacted URL and a hash that tells a change); the provider gets
	// the real URL from the configuration.
	CredentialURL bool
	Default       cty.Value // applied by the engine when the attribute is null
	// Checks run on known, non-null values only, during validate.
	Checks []Check
	// RefersTo names the resource type whose id the attribute holds (a
	// string, or each element of a set); "" for none. The reference checks
	// (ResolveReferences) find every such id in the configuration or the
	// real world, in the sites Scope allows.
	RefersTo string
	Scope    RefScope
}

// RefScope says in which sites, seen from the referring object's site, the
// object an id-valued attribute names may be.
type RefScope int

const (
	// AnySite: the attribute itself says where the object is (a site
	// code, a program's package).
	AnySite RefScope = iota
	// OwnOrAncestor: objects made at a parent site flow down to its
	// children (domain.md §1), so a child may use its ancestors'
	// collections and packages, and nothing else crosses sites.
	OwnOrAncestor
	// OwnSite: only the object's own site (a deployment's deployment
	// package, domain.md §10.4).
	OwnSite
	// OwnOrDescendant: a package is sent to distribution points of its own
	// site and its child sites (domain.md §6, ITMU note), never a sibling's.
	OwnOrDescendant
)

// Check validates one attribute value. It returns nil when the value is fine.
type Check func(v cty.Value) *Problem

// Problem is one finding of a check or rule, before it becomes a diagnostic
// with a source range.
type Problem struct {
	Severity hcl.DiagnosticSeverity // zero value means error
	Summary  string
	Detail   string // full sentences ending with what to do
	// Path inside the checked value (for object rules) the problem is about;
	// nil means the whole value.
	Path cty.Path
}

// NestingMode says how many times a nested block may appear and how the
// blocks are represented.
type NestingMode int

const (
	NestingSingle NestingMode = iota // at most one: an object, null when absent
	NestingList                      // a list of objects, order counts
	NestingSet                       // a set of objects, order never counts
	// NestingMap blocks carry one label, unique among the blocks of the
	// type (`server "SITESRV" { ... }`): a map of objects keyed by the
	// label. MinItems and MaxItems count the blocks.
	NestingMap
)

// LabelName is the name of the label of a NestingMap block, as HCL's
// diagnostics and the reference call it.
const LabelName = "name"

// HeaderSchema is how the block type's blocks are found in a body: with
// their label for NestingMap, without one otherwise.
func (nb *NestedBlock) HeaderSchema() hcl.BlockHeaderSchema {
	if nb.Nesting == NestingMap {
		return hcl.BlockHeaderSchema{Type: nb.TypeName, LabelNames: []string{LabelName}}
	}
	return hcl.BlockHeaderSchema{Type: nb.TypeName}
}

// NestedBlock is a block type that may appear inside another block.
type NestedBlock struct {
	TypeName string
	Doc      string
	Nesting  NestingMode
	MinItems int
	MaxItems int // 0 = unlimited
	ForceNew bool
	Block    Block
}

// Block is the body of a resource, provider or nested block.
type Block struct {
	Attributes []*Attribute
	BlockTypes []*NestedBlock
}

// Attribute returns the attribute with the given name, or nil.
func (b *Block) Attribute(name string) *Attribute {
	for _, a := range b.Attributes {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// BlockType returns the nested block type with the given name, or nil.
func (b *Block) BlockType(name string) *NestedBlock {
	for _, nb := range b.BlockTypes {
		if nb.TypeName == name {
			return nb
		}
	}
	return nil
}

// Names returns every attribute and block type name, sorted (for "Did you
// mean" suggestions).
func (b *Block) Names() []string {
	var names []string
	for _, a := range b.Attributes {
		names = append(names, a.Name)
	}
	for _, nb := range b.BlockTypes {
		names = append(names, nb.TypeName)
	}
	sort.Strings(names)
	return names
}

// derived caches what is computed from a block: schemas are immutable
// once built, and the engine asks for these for every object.
type derived struct {
	spec hcldec.Spec
	ty   cty.Type
	// absent holds what the spec decodes for each nested block type from
	// a body that has none of them; nil when one of them is required.
	absent map[string]cty.Value
}

var derivedCache sync.Map // *Block -> *derived

func (b *Block) derived() *derived {
	if d, ok := derivedCache.Load(b); ok {
		return d.(*derived)
	}
	spec := b.buildSpec()
	d, _ := derivedCache.LoadOrStore(b, &derived{spec: spec, ty: hcldec.ImpliedType(spec), absent: b.absentBlocks(spec.(hcldec.ObjectSpec))})
	return d.(*derived)
}

// absentBlocks decodes an empty body with only the nested block types of
// spec.
func (b *Block) absentBlocks(spec hcldec.ObjectSpec) map[string]cty.Value {
	if len(b.BlockTypes) == 0 {
		return map[string]cty.Value{}
	}
	only := hcldec.ObjectSpec{}
	for _, nb := range b.BlockTypes {
		only[nb.TypeName] = spec[nb.TypeName]
	}
	v, diags := hcldec.Decode(hcl.EmptyBody(), only, nil)
	if diags.HasErrors() {
		return nil
	}
	return v.AsValueMap()
}

// AbsentBlockValues returns the value of each nested block type in a body
// that has none of them, as the decoder spec decodes it (a null single
// block, an empty list, set or map); ok is false when one of them is required.
func (b *Block) AbsentBlockValues() (values map[string]cty.Value, ok bool) {
	d := b.derived()
	return d.absent, d.absent != nil
}

// ImpliedType is the object type of a value of this block.
func (b *Block) ImpliedType() cty.Type { return b.derived().ty }

// DecoderSpec is the hcldec spec that decodes a body of this block. Computed
// attributes that cannot be set are decoded as optional and rejected by
// validation, so the diagnostic can say why. The spec is shared: do not
// modify it.
func (b *Block) DecoderSpec() hcldec.Spec { return b.derived().spec }

func (b *Block) buildSpec() hcldec.Spec {
	spec := hcldec.ObjectSpec{}
	for _, a := range b.Attributes {
		spec[a.Name] = &hcldec.AttrSpec{Name: a.Name, Type: a.Type, Required: a.Required}
	}
	for _, nb := range b.BlockTypes {
		inner := nb.Block.buildSpec()
		switch nb.Nesting {
		case NestingSingle:
			spec[nb.TypeName] = &hcldec.BlockSpec{TypeName: nb.TypeName, Nested: inner, Required: nb.MinItems > 0}
		case NestingList:
			spec[nb.TypeName] = &hcldec.BlockListSpec{TypeName: nb.TypeName, Nested: inner, MinItems: nb.MinItems, MaxItems: nb.MaxItems}
		case NestingSet:
			spec[nb.TypeName] = &hcldec.BlockSetSpec{TypeName: nb.TypeName, Nested: inner, MinItems: nb.MinItems, MaxItems: nb.MaxItems}
		case NestingMap:
			// BlockMapSpec has no item limits: the structure check of
			// engine/config counts the blocks.
			spec[nb.TypeName] = &hcldec.BlockMapSpec{TypeName: nb.TypeName, LabelNames: []string{LabelName}, Nested: inner}
		}
	}
	return spec
}

// ResourceType is one kind of managed object.
type ResourceType struct {
	Name     string // e.g. "site"; the HCL block type
	Provider string // the provider that manages it, e.g. "sitedb"
	Doc      string
	Block    Block
	// Rules check one object's whole value (attributes that must agree with
	// each other). They run during validate on values that may hold unknowns.
	Rules []ObjectRule
	// IDAttribute names the attribute that identifies an existing object for
	// import (e.g. "id", or "code" for a site).
	IDAttribute string
}

// ObjectRule checks one object. Problems carry a Path into the object.
type ObjectRule func(obj cty.Value) []*Problem

// Provider is a provider's configuration block and resource types.
type Provider struct {
	Name          string
	Doc           string
	Config        Block
	ResourceTypes []*ResourceType
	// DataSources are the provider's read-only lookups (data blocks),
	// described like resource types: arguments, then computed results.
	DataSources []*ResourceType
}

// ResourceType returns the named resource type of this provider, or nil.
func (p *Provider) ResourceType(name string) *ResourceType {
	for _, rt := range p.ResourceTypes {
		if rt.Name == name {
			return rt
		}
	}
	return nil
}

// Object is what a cross-object rule sees of one resource instance during
// validate: its configuration value (unknown where it refers to values known
// only after apply) and which resources each top-level attribute refers to.
type Object struct {
	Addr  addr.Instance
	Type  string
	Value cty.Value
	Refs  AttributeRefs
}

// AttributeRefs lists, per top-level attribute, the resources it refers to
// (directly or through locals), each attribute once. A slice and not a map:
// a plan holds one per resource, and most have one or two entries.
type AttributeRefs []AttributeRef

// AttributeRef is the resources one attribute refers to.
type AttributeRef struct {
	Name string
	To   []addr.Resource
}

// Of returns the resources attribute name refers to.
func (r AttributeRefs) Of(name string) []addr.Resource {
	for _, a := range r {
		if a.Name == name {
			return a.To
		}
	}
	return nil
}

// ObjectProblem is a problem a cross-object rule found on one object.
type ObjectProblem struct {
	Addr addr.Instance
	Problem
}

// SetRule checks relations between objects (unique names in a site, an
// advertisement agreeing with its program, ...).
type SetRule func(objs []Object) []ObjectProblem
