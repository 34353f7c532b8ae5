package state

import (
	"maps"
	"slices"

	"github.com/updplan/updplan/engine/addr"
	"github.com/zclconf/go-cty/cty"
)

// FormatVersion is the version of the state file format this build writes.
const FormatVersion = 1

// State is the recorded world.
//
// Invariants: Lineage is fixed for the life of a state and identifies it;
// Serial grows by one with every write that changes it.
type State struct {
	Version        int
	Serial         uint64
	Lineage        string
	UpdplanVersion string

	Outputs   map[string]*Output
	Resources map[addr.Instance]*Resource

	// Replayed is set by Read when it replayed the journal of an apply
	// that was killed: the stored state is behind until Write folds the
	// journal in. Not stored.
	Replayed bool
}

// Output is a root output value recorded after apply.
type Output struct {
	Value     cty.Value
	Sensitive bool
}

// Resource is one managed object.
type Resource struct {
	Addr     addr.Instance
	Type     string
	Provider string
	// Value is an object of the resource type's implied type, wholly known.
	Value cty.Value
	// SensitivePaths lists the attributes that are sensitive.
	SensitivePaths []cty.Path
	// Private is the provider's opaque data.
	Private []byte
	// Dependencies are the resources it referred to when last applied, so
	// that a destroy runs in reverse order even without configuration.
	Dependencies []addr.Resource
}

// New returns an empty state with a fresh lineage.
func New() *State {
	return &State{
		Version:   FormatVersion,
		Lineage:   NewLineage(),
		Outputs:   map[string]*Output{},
		Resources: map[addr.Instance]*Resource{},
	}
}

// Get returns the resource at a, or nil.
func (s *State) Get(a addr.Instance) *Resource {
	if s == nil {
		return nil
	}
	return s.Resources[a]
}

// Set records r, replacing any resource at its address.
func (s *State) Set(r *Resource) { s.Resources[r.Addr] = r }

// Remove forgets the resource at a.
func (s *State) Remove(a addr.Instance) { delete(s.Resources, a) }

// Addrs returns every resource address in order.
func (s *State) Addrs() []addr.Instance {
	if s == nil {
		return nil
	}
	out := make([]addr.Instance, 0, len(s.Resources))
	for a := range s.Resources {
		out = append(out, a)
	}
	slices.SortFunc(out, addr.Compare)
	return out
}

// Sorted returns every resource in address order.
func (s *State) Sorted() []*Resource {
	addrs := s.Addrs()
	out := make([]*Resource, len(addrs))
	for i, a := range addrs {
		out[i] = s.Resources[a]
	}
	return out
}

// DeepCopy returns a copy that shares no maps or slices with s (cty values
// are immutable and shared).
func (s *State) DeepCopy() *State {
	if s == nil {
		return nil
	}
	c := *s
	c.Outputs = make(map[string]*Output, len(s.Outputs))
	for k, v := range s.Outputs {
		o := *v
		c.Outputs[k] = &o
	}
	c.Resources = make(map[addr.Instance]*Resource, len(s.Resources))
	for k, v := range s.Resources {
		r := *v
		r.SensitivePaths = slices.Clone(v.SensitivePaths)
		r.Private = slices.Clone(v.Private)
		r.Dependencies = slices.Clone(v.Dependencies)
		c.Resources[k] = &r
	}
	return &c
}

// Copy returns a copy of s whose maps change independently of s's, while
// the resources and outputs themselves are shared: the copy's holder
// replaces a resource (Set a changed copy) and never changes one in place.
// It is what a plan needs of the state it reads; DeepCopy is for changing
// resources.
func (s *State) Copy() *State {
	if s == nil {
		return nil
	}
	c := *s
	c.Outputs = maps.Clone(s.Outputs)
	c.Resources = maps.Clone(s.Resources)
	return &c
}

// Empty reports whether the state records no resources and no outputs.
func (s *State) Empty() bool {
	return s == nil || (len(s.Resources) == 0 && len(s.Outputs) == 0)
}
