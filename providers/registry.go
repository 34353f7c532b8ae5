package providers

import (
	"fmt"
	"sort"

	"github.com/updplan/updplan/schema"
)

// Registry holds the built-in providers by name.
type Registry struct {
	byName map[string]Provider
	byType map[string]Provider // resource type -> provider
	order  []string
}

// NewRegistry wires the given providers. It panics on two providers with
// one name or one resource type: that is a programming error in main.
func NewRegistry(ps ...Provider) *Registry {
	r := &Registry{byName: map[string]Provider{}, byType: map[string]Provider{}}
	for _, p := range ps {
		if _, dup := r.byName[p.Name()]; dup {
			panic(fmt.Sprintf("provider %q registered twice", p.Name()))
		}
		r.byName[p.Name()] = p
		r.order = append(r.order, p.Name())
		for _, rt := range p.Schema().ResourceTypes {
			if other, dup := r.byType[rt.Name]; dup {
				panic(fmt.Sprintf("resource type %q of provider %q is also served by %q", rt.Name, p.Name(), other.Name()))
			}
			r.byType[rt.Name] = p
		}
	}
	return r
}

// Provider returns the named provider.
func (r *Registry) Provider(name string) (Provider, bool) {
	p, ok := r.byName[name]
	return p, ok
}

// ForType returns the provider that manages a resource type.
func (r *Registry) ForType(typeName string) (Provider, bool) {
	p, ok := r.byType[typeName]
	return p, ok
}

// Names lists the registered providers in registration order.
func (r *Registry) Names() []string { return append([]string(nil), r.order...) }

// Schemas returns the schema of every registered provider, sorted by name.
func (r *Registry) Schemas() []*schema.Provider {
	var out []*schema.Provider
	for _, n := range r.order {
		out = append(out, r.byName[n].Schema())
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
