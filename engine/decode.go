package engine

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// decodeAttributes decodes the common resource body (config.Resource's
// Config): native syntax (or frozen), arguments only (no nested or dynamic blocks;
// the meta-arguments config took out are hidden and not counted). It
// returns what hcldec.Decode followed by applyDefaults returns, without
// building a body schema and content per instance. ok is false when the
// body needs the general decoder: nested blocks, an argument the block does
// not have, a required argument missing, or any diagnostic at all, which
// the general decoder then reports in its own words.
func decodeAttributes(b *schema.Block, body hcl.Body, ctx *hcl.EvalContext) (val cty.Value, ok bool) {
	// value evaluates an argument; set is false when it is absent.
	var value func(name string) (v cty.Value, diags hcl.Diagnostics, set bool)
	switch body := body.(type) {
	case *hclsyntax.Body:
		if !onlyArguments(body, b) {
			return cty.NilVal, false
		}
		value = func(name string) (cty.Value, hcl.Diagnostics, bool) {
			a, set := body.Attributes[name]
			if !set {
				return cty.NilVal, nil, false
			}
			v, diags := a.Expr.Value(ctx)
			return v, diags, true
		}
	case *config.FrozenBody:
		for i := range body.Len() {
			if b.Attribute(body.Name(i)) == nil {
				return cty.NilVal, false
			}
		}
		value = func(name string) (cty.Value, hcl.Diagnostics, bool) {
			for i := range body.Len() {
				if body.Name(i) != name {
					continue
				}
				if v, ok := body.Value(i, ctx); ok {
					return v, nil, true
				}
				v, diags := body.Expr(i).Value(ctx)
				return v, diags, true
			}
			return cty.NilVal, nil, false
		}
	default:
		return cty.NilVal, false
	}
	empty, ok := b.AbsentBlockValues()
	if !ok {
		return cty.NilVal, false
	}
	vals := make(map[string]cty.Value, len(b.Attributes)+len(b.BlockTypes))
	for _, a := range b.Attributes {
		v, diags, set := value(a.Name)
		switch {
		case !set && a.Required, len(diags) > 0:
			return cty.NilVal, false
		case !set:
			vals[a.Name] = cty.NullVal(a.Type.WithoutOptionalAttributesDeep())
		default:
			v, err := convert.Convert(v, a.Type)
			if err != nil {
				return cty.NilVal, false
			}
			vals[a.Name] = v
		}
		if a.Default != cty.NilVal && vals[a.Name].IsNull() {
			vals[a.Name] = a.Default
		}
	}
	for name, v := range empty {
		vals[name] = v
	}
	if len(vals) == 0 {
		return cty.EmptyObjectVal, true
	}
	return cty.ObjectVal(vals), true
}

// onlyArguments reports whether a resource body holds nothing but
// arguments of b, besides the meta-arguments config has hidden.
func onlyArguments(sb *hclsyntax.Body, b *schema.Block) bool {
	for _, blk := range sb.Blocks {
		if !config.IsResourceMeta(blk.Type, true) {
			return false
		}
	}
	for name := range sb.Attributes {
		if b.Attribute(name) == nil && !config.IsResourceMeta(name, false) {
			return false
		}
	}
	return true
}
