package eval

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
// returns what hcldec.Decode followed by ApplyDefaults returns, without
// building a body schema and content per instance. ok is false when the
// body needs the general decoder: nested blocks, an argument the block does
// not have, a required argument missing, or any diagnostic at all, which
// the general decoder then reports in its own words.
func decodeAttributes(b *schema.Block, body hcl.Body, ctx *hcl.EvalContext) (val cty.Value, ok bool) {
	switch body := body.(type) {
	case *hclsyntax.Body:
		if !OnlyArguments(body, b) {
			return cty.NilVal, false
		}
		return decodeWith(b, func(name string) (cty.Value, bool, bool) {
			a, set := body.Attributes[name]
			if !set {
				return cty.NilVal, false, true
			}
			v, diags := a.Expr.Value(ctx)
			return v, true, len(diags) == 0
		})
	case *config.FrozenBody:
		return decodeFrozenWith(b, body, func(i int) (cty.Value, bool) {
			if v, ok := body.Value(i, ctx); ok {
				return v, true
			}
			v, diags := body.Expr(i).Value(ctx)
			return v, len(diags) == 0
		})
	}
	return cty.NilVal, false
}

// decodeFrozen is decodeAttributes for a frozen body evaluated in the scope
// lookup gives (config.FrozenBody.ValueIn); ok is false as soon as one
// argument is not answered that way.
func decodeFrozen(b *schema.Block, fb *config.FrozenBody, lookup func(root, attr string) (cty.Value, bool)) (val cty.Value, ok bool) {
	return decodeFrozenWith(b, fb, func(i int) (cty.Value, bool) { return fb.ValueIn(i, lookup) })
}

// decodeFrozenWith is decodeWith for a frozen body whose i-th argument's
// value is argument(i); ok is false when an argument is not one of b's.
func decodeFrozenWith(b *schema.Block, fb *config.FrozenBody, argument func(i int) (v cty.Value, ok bool)) (val cty.Value, ok bool) {
	for i := range fb.Len() {
		if b.Attribute(fb.Name(i)) == nil {
			return cty.NilVal, false
		}
	}
	return decodeWith(b, func(name string) (cty.Value, bool, bool) {
		for i := range fb.Len() {
			if fb.Name(i) == name {
				v, ok := argument(i)
				return v, true, ok
			}
		}
		return cty.NilVal, false, true
	})
}

// decodeWith builds the object of b from its arguments' values, defaults
// applied. value's set is false for an absent argument, and its ok false
// when the argument's value is not to be had without diagnostics; decodeWith's
// ok is then false, as when a value does not convert or a required argument
// is absent.
func decodeWith(b *schema.Block, value func(name string) (v cty.Value, set, ok bool)) (val cty.Value, ok bool) {
	empty, ok := b.AbsentBlockValues()
	if !ok {
		return cty.NilVal, false
	}
	vals := make(map[string]cty.Value, len(b.Attributes)+len(b.BlockTypes))
	for _, a := range b.Attributes {
		v, set, valueOK := value(a.Name)
		switch {
		case !set && a.Required, !valueOK:
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

// OnlyArguments reports whether a resource body holds nothing but
// arguments of b, besides the meta-arguments config has hidden.
func OnlyArguments(sb *hclsyntax.Body, b *schema.Block) bool {
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
