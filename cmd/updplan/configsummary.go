package main

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/updplan/updplan/cmd/updplan/internal/view"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/schema"
)

// configSummary describes the configuration for the "configuration" key of
// the plan JSON: constant values and references of every expression, as
// Terraform writes them. Sensitive attributes and the defaults of
// sensitive variables get no constant_value.
func configSummary(cfg *config.Config) *view.ConfigSummary {
	sum := &view.ConfigSummary{
		ProviderConfigs: map[string]map[string]any{},
		Outputs:         map[string]view.ConfigOutput{},
		Variables:       map[string]view.ConfigVariable{},
	}
	for name, pb := range cfg.Providers {
		for _, ps := range schema.Providers() {
			if ps.Name == name {
				sum.ProviderConfigs[name] = bodyExpressions(pb.Config, &ps.Config)
			}
		}
	}
	var addrs []addr.Resource
	for a := range cfg.Resources {
		addrs = append(addrs, a)
	}
	slices.SortFunc(addrs, addr.CompareResources)
	for _, a := range addrs {
		r := cfg.Resources[a]
		sum.Resources = append(sum.Resources, configResource(a.String(), a, schema.LookupResourceType(a.Type), r.Config, r.Count, r.ForEach))
	}
	addrs = addrs[:0]
	for a := range cfg.Data {
		addrs = append(addrs, a)
	}
	slices.SortFunc(addrs, addr.CompareResources)
	for _, a := range addrs {
		ds := cfg.Data[a]
		cr := configResource("data."+a.String(), a, schema.DataSource(a.Type), ds.Config, ds.Count, ds.ForEach)
		cr.Data = true
		sum.Resources = append(sum.Resources, cr)
	}
	for name, o := range cfg.Outputs {
		sum.Outputs[name] = view.ConfigOutput{Expression: expression(o.Expr, o.Sensitive), Sensitive: o.Sensitive}
	}
	for name, v := range cfg.Variables {
		cv := view.ConfigVariable{Description: v.Description, Sensitive: v.Sensitive}
		if v.Default != cty.NilVal && !v.Sensitive {
			cv.Default = valueJSON(v.Default)
		}
		sum.Variables[name] = cv
	}
	return sum
}

// configResource is a resource or data block of the summary.
func configResource(address string, a addr.Resource, rt *schema.ResourceType, body hcl.Body, count, forEach hcl.Expression) view.ConfigResource {
	cr := view.ConfigResource{Address: address, Type: a.Type, Name: a.Name}
	if rt != nil {
		cr.Provider = rt.Provider
		cr.Expressions = bodyExpressions(body, &rt.Block)
	}
	if count != nil {
		cr.CountExpression = expression(count, false)
	}
	if forEach != nil {
		cr.ForEachExpr = expression(forEach, false)
	}
	return cr
}

// bodyExpressions maps every attribute and nested block set in body to its
// expression (nested blocks: a list of such maps, labeled blocks a map of
// them by label).
func bodyExpressions(body hcl.Body, b *schema.Block) map[string]any {
	out := map[string]any{}
	if body == nil {
		return out
	}
	bs := &hcl.BodySchema{}
	for _, a := range b.Attributes {
		bs.Attributes = append(bs.Attributes, hcl.AttributeSchema{Name: a.Name})
	}
	for _, nb := range b.BlockTypes {
		bs.Blocks = append(bs.Blocks, nb.HeaderSchema())
	}
	content, _, _ := body.PartialContent(bs)
	if content == nil {
		return out
	}
	for name, attr := range content.Attributes {
		sensitive := false
		if sa := b.Attribute(name); sa != nil {
			sensitive = sa.Sensitive
		}
		out[name] = expression(attr.Expr, sensitive)
	}
	for _, blk := range content.Blocks {
		nb := b.BlockType(blk.Type)
		if nb == nil {
			continue
		}
		if nb.Nesting == schema.NestingMap {
			m, _ := out[blk.Type].(map[string]any)
			if m == nil {
				m = map[string]any{}
			}
			m[blk.Labels[0]] = bodyExpressions(blk.Body, &nb.Block)
			out[blk.Type] = m
			continue
		}
		list, _ := out[blk.Type].([]map[string]any)
		out[blk.Type] = append(list, bodyExpressions(blk.Body, &nb.Block))
	}
	return out
}

// expression is {"constant_value": v} for an expression without
// references, {"references": [...]} otherwise, {} for a sensitive constant.
func expression(e hcl.Expression, sensitive bool) map[string]any {
	vars := e.Variables()
	if len(vars) == 0 {
		if sensitive {
			return map[string]any{}
		}
		v, diags := e.Value(nil)
		if diags.HasErrors() || !v.IsWhollyKnown() {
			return map[string]any{}
		}
		return map[string]any{"constant_value": valueJSON(redactURLs(v))}
	}
	var refs []string
	for _, t := range vars {
		for _, r := range references(t) {
			if !slices.Contains(refs, r) {
				refs = append(refs, r)
			}
		}
	}
	return map[string]any{"references": refs}
}

// references unwraps a traversal as Terraform does: site.main.code gives
// "site.main.code" and "site.main"; var.x gives "var.x".
func references(t hcl.Traversal) []string {
	parts := traversalParts(t)
	if len(parts) == 0 {
		return nil
	}
	switch parts[0] {
	case "var", "local", "path", "count", "each":
		if len(parts) < 2 {
			return []string{parts[0]}
		}
		return []string{parts[0] + parts[1]}
	}
	var out []string
	for n := len(parts); n >= 2; n-- {
		out = append(out, strings.Join(parts[:n], ""))
	}
	return out
}

// traversalParts renders each step: "site", ".main", "[0]", ".code".
func traversalParts(t hcl.Traversal) []string {
	var parts []string
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			parts = append(parts, s.Name)
		case hcl.TraverseAttr:
			parts = append(parts, "."+s.Name)
		case hcl.TraverseIndex:
			if k, err := addr.KeyFromValue(s.Key); err == nil {
				parts = append(parts, k.String())
			} else {
				return parts
			}
		default:
			return parts
		}
	}
	return parts
}

// valueJSON is a wholly known value as JSON.
func valueJSON(v cty.Value) json.RawMessage {
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return json.RawMessage("null")
	}
	return b
}

// redactURLs hides the credentials of every URL among v's strings (a
// catalog source written with user:password@ or ?sig=).
func redactURLs(v cty.Value) cty.Value {
	out, _ := cty.Transform(v, func(_ cty.Path, v cty.Value) (cty.Value, error) {
		if v.Type() == cty.String && v.IsKnown() && !v.IsNull() && !v.IsMarked() {
			if r := schema.RedactURL(v.AsString()); r != v.AsString() {
				return cty.StringVal(r), nil
			}
		}
		return v, nil
	})
	return out
}
