package engine

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// checkBody runs the attribute checks of block on the attributes written in
// body (dynamic blocks already expanded), reporting each problem at the
// attribute's expression.
func checkBody(body hcl.Body, b *schema.Block, ctx *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	bs := &hcl.BodySchema{}
	for _, a := range b.Attributes {
		bs.Attributes = append(bs.Attributes, hcl.AttributeSchema{Name: a.Name})
	}
	for _, nb := range b.BlockTypes {
		bs.Blocks = append(bs.Blocks, hcl.BlockHeaderSchema{Type: nb.TypeName})
	}
	content, _, _ := body.PartialContent(bs)
	if content == nil {
		return nil
	}
	for _, a := range b.Attributes {
		attr, ok := content.Attributes[a.Name]
		if !ok || len(a.Checks) == 0 {
			continue
		}
		v, d := attr.Expr.Value(ctx)
		if d.HasErrors() {
			continue // reported by decoding
		}
		v, _ = v.UnmarkDeep()
		if !v.IsWhollyKnown() || v.IsNull() {
			continue
		}
		v, err := convert.Convert(v, a.Type)
		if err != nil {
			continue // reported by decoding
		}
		rng := attr.Expr.Range()
		for _, check := range a.Checks {
			if p := check(v); p != nil {
				diags = append(diags, problemDiag(p, &rng))
			}
		}
	}
	for _, nb := range b.BlockTypes {
		for _, blk := range content.Blocks {
			if blk.Type == nb.TypeName {
				diags = append(diags, checkBody(blk.Body, &nb.Block, ctx)...)
			}
		}
	}
	return diags
}

func problemDiag(p *schema.Problem, subject *hcl.Range) *hcl.Diagnostic {
	sev := hcl.DiagError
	if p.Severity == hcl.DiagWarning {
		sev = hcl.DiagWarning
	}
	return &hcl.Diagnostic{Severity: sev, Summary: p.Summary, Detail: p.Detail, Subject: subject}
}

// rangeOfPath finds the source range of the attribute or block at path in
// body, falling back to def.
func rangeOfPath(body hcl.Body, b *schema.Block, path cty.Path, def hcl.Range) hcl.Range {
	if body == nil || len(path) == 0 {
		return def
	}
	step, ok := path[0].(cty.GetAttrStep)
	if !ok {
		return def
	}
	if a := b.Attribute(step.Name); a != nil {
		content, _, _ := body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: step.Name}}})
		if content != nil {
			if attr, ok := content.Attributes[step.Name]; ok {
				return attr.Expr.Range()
			}
		}
		return def
	}
	nb := b.BlockType(step.Name)
	if nb == nil {
		return def
	}
	content, _, _ := body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: step.Name}}})
	if content == nil || len(content.Blocks) == 0 {
		return def
	}
	idx := 0
	rest := path[1:]
	if len(rest) > 0 {
		if is, ok := rest[0].(cty.IndexStep); ok {
			rest = rest[1:]
			switch {
			case nb.Nesting == schema.NestingList && is.Key.Type() == cty.Number:
				i, _ := is.Key.AsBigFloat().Int64()
				if int(i) < len(content.Blocks) {
					idx = int(i)
				}
			case nb.Nesting == schema.NestingSet && is.Key.Type().IsObjectType():
				idx = matchingBlock(content.Blocks, is.Key)
			}
		}
	}
	blk := content.Blocks[idx]
	return rangeOfPath(blk.Body, &nb.Block, rest, blk.DefRange)
}

// matchingBlock finds the block whose literal attributes equal those of
// elem (a set element), or 0.
func matchingBlock(blocks hcl.Blocks, elem cty.Value) int {
	for i, blk := range blocks {
		attrs, diags := blk.Body.JustAttributes()
		if diags.HasErrors() || len(attrs) == 0 {
			continue
		}
		match := true
		for name, attr := range attrs {
			v, d := attr.Expr.Value(nil)
			if d.HasErrors() || !elem.Type().HasAttribute(name) {
				continue
			}
			if !valuesEqual(v, elem.GetAttr(name)) {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return 0
}
