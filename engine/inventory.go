package engine

import (
	"context"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
)

// inventory is the real world's objects as the reference checks see them,
// listed once per type and only for the types a check asks about.
type inventory struct {
	ctx   context.Context
	e     *Engine
	types map[string][]schema.Existing
	diags hcl.Diagnostics
}

func (e *Engine) inventory(ctx context.Context) *inventory {
	return &inventory{ctx: ctx, e: e, types: map[string][]schema.Existing{}}
}

// lookup lists the objects of a type through its provider, when the
// provider can (providers.Inventory); nothing otherwise.
func (inv *inventory) lookup(typeName string) []schema.Existing {
	if list, ok := inv.types[typeName]; ok {
		return list
	}
	var list []schema.Existing
	if p, ok := inv.e.registry().ForType(typeName); ok && inv.e.isConfigured(p.Name()) {
		if ip, ok := p.(providers.Inventory); ok {
			var d hcl.Diagnostics
			list, d = ip.Inventory(inv.ctx, typeName)
			inv.diags = append(inv.diags, d...)
		}
	}
	inv.types[typeName] = list
	return list
}

// isConfigured reports whether this engine configured the named provider.
func (e *Engine) isConfigured(name string) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	_, ok := e.configured[name]
	return ok
}
