package engine

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/eval"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
)

// configureProviders configures, once per engine, every provider that
// manages one of the given resource types. Types whose provider is not part
// of this build are reported by the caller when an object needs it.
//
// access says what the run does with them: a provider configured for
// reading (plan) is configured again when a write needs it (the apply of
// that plan).
func (e *Engine) configureProviders(ctx context.Context, ev *eval.Evaluator, types map[string]bool, access providers.Access) hcl.Diagnostics {
	var diags hcl.Diagnostics
	names := map[string]providers.Provider{}
	for t := range types {
		if p, ok := e.registry().ForType(t); ok {
			names[p.Name()] = p
		}
	}
	e.dataProviders(ev.Config(), names)
	order := make([]string, 0, len(names))
	for n := range names {
		order = append(order, n)
	}
	sort.Strings(order)
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.configured == nil {
		e.configured = map[string]providers.Access{}
	}
	for _, n := range order {
		if had, ok := e.configured[n]; ok && (had != providers.AccessRead || access == providers.AccessRead) {
			continue
		}
		p := names[n]
		val, d := ev.DecodeProvider(p.Schema())
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		plain, _ := val.UnmarkDeep()
		start := time.Now()
		d = p.Configure(ctx, providers.ConfigureRequest{Config: plain, WorkingDir: ev.Config().Dir, Access: access})
		logPhase(ctx, "provider configured", start, "provider", n, "errors", errorCount(d))
		subject := providerRange(ev.Config(), n)
		for _, dd := range d {
			if dd.Subject != nil {
				continue
			}
			dd.Subject = subject
			if pb := ev.Config().Providers[n]; pb != nil {
				if path, ok := providers.PathOf(dd); ok {
					dd.Subject = rangePtr(rangeOfPath(pb.Config, &p.Schema().Config, path, pb.DeclRange))
				}
			}
		}
		diags = append(diags, d...)
		if !d.HasErrors() {
			e.configured[n] = access
		}
	}
	return diags
}

func providerRange(cfg *config.Config, name string) *hcl.Range {
	if pb := cfg.Providers[name]; pb != nil {
		return rangePtr(pb.DeclRange)
	}
	return nil
}

// providerFor returns the provider of a resource type, or a diagnostic
// saying it is not part of this build.
func (e *Engine) providerFor(typeName string, subject *hcl.Range) (providers.Provider, *hcl.Diagnostic) {
	if p, ok := e.registry().ForType(typeName); ok {
		return p, nil
	}
	rt := e.Schemas().ResourceType(typeName)
	provider := "unknown"
	if rt != nil {
		provider = rt.Provider
	}
	return nil, errorDiag("Provider not available",
		fmt.Sprintf("Objects of type %s are managed by the %s provider, which is not part of this build of updplan yet. `updplan validate` checks them; plan and apply cannot. Remove the block (or keep it out of this directory) to plan the rest.", typeName, provider), subject)
}

// locateProviderDiags gives provider diagnostics without a subject the
// range, in body, of the attribute they name, or the block's range decl.
func locateProviderDiags(diags hcl.Diagnostics, rt *schema.ResourceType, body hcl.Body, decl hcl.Range) hcl.Diagnostics {
	for _, d := range diags {
		if d.Subject != nil {
			continue
		}
		rng := decl
		if path, ok := providers.PathOf(d); ok {
			rng = rangeOfPath(body, &rt.Block, path, decl)
		}
		d.Subject = rangePtr(rng)
	}
	return diags
}

// Close releases every provider that holds connections.
func (e *Engine) Close() {
	for _, n := range e.registry().Names() {
		p, _ := e.registry().Provider(n)
		if c, ok := p.(providers.Closer); ok {
			_ = c.Close()
		}
	}
}
