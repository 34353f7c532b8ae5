package engine

import (
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
)

// schemas returns every provider schema the language knows: the built-in
// ones (even when their provider is not part of this build yet) and those of
// registered providers (test providers such as the fake one).
func (e *Engine) schemas() []*schema.Provider {
	out := schema.Providers()
	if e.Providers == nil {
		return out
	}
	known := map[string]bool{}
	for _, p := range out {
		known[p.Name] = true
	}
	for _, p := range e.Providers.Schemas() {
		if !known[p.Name] {
			out = append(out, p)
		}
	}
	return out
}

// Schemas looks up resource types across every known provider; it
// satisfies view.Schemas.
type Schemas struct {
	byType map[string]*schema.ResourceType
	data   map[string]*schema.ResourceType
}

// DataSource returns the named data source type, or nil.
func (s Schemas) DataSource(name string) *schema.ResourceType { return s.data[name] }

// ResourceType returns the named resource type, or nil.
func (s Schemas) ResourceType(name string) *schema.ResourceType { return s.byType[name] }

// Schemas returns the lookup of every resource type (built once: the
// providers do not change during a run).
func (e *Engine) Schemas() Schemas {
	e.schemasOnce.Do(func() {
		e.schemaIndex = Schemas{byType: map[string]*schema.ResourceType{}, data: map[string]*schema.ResourceType{}}
		for _, p := range e.schemas() {
			for _, ds := range p.DataSources {
				e.schemaIndex.data[ds.Name] = ds
			}
			for _, rt := range p.ResourceTypes {
				e.schemaIndex.byType[rt.Name] = rt
			}
		}
	})
	return e.schemaIndex
}

// registry returns the provider registry, never nil.
func (e *Engine) registry() *providers.Registry {
	if e.Providers == nil {
		return providers.NewRegistry()
	}
	return e.Providers
}
