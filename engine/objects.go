package engine

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// checkValue runs the attribute checks of block on a decoded value
// (unknown and null parts are skipped) and returns each problem with the
// path of the value it is about.
func checkValue(b *schema.Block, v cty.Value, path cty.Path) []*schema.Problem {
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	var out []*schema.Problem
	for _, a := range b.Attributes {
		if len(a.Checks) == 0 {
			continue
		}
		av := v.GetAttr(a.Name)
		if av.IsNull() || !av.IsWhollyKnown() {
			continue
		}
		ap := append(path.Copy(), cty.GetAttrStep{Name: a.Name})
		for _, check := range a.Checks {
			if p := check(av); p != nil {
				q := *p
				q.Path = append(ap.Copy(), p.Path...)
				out = append(out, &q)
			}
		}
	}
	for _, nb := range b.BlockTypes {
		bv := v.GetAttr(nb.TypeName)
		if bv.IsNull() || !bv.IsKnown() {
			continue
		}
		bp := append(path.Copy(), cty.GetAttrStep{Name: nb.TypeName})
		if nb.Nesting == schema.NestingSingle {
			out = append(out, checkValue(&nb.Block, bv, bp)...)
			continue
		}
		for it := bv.ElementIterator(); it.Next(); {
			k, ev := it.Element()
			out = append(out, checkValue(&nb.Block, ev, append(bp.Copy(), cty.IndexStep{Key: k}))...)
		}
	}
	return out
}

// instanceProblems runs the attribute checks and object rules of a
// resource type on one decoded object and places each problem in body.
func instanceProblems(rt *schema.ResourceType, v cty.Value, body hcl.Body, decl hcl.Range) hcl.Diagnostics {
	var diags hcl.Diagnostics
	probs := checkValue(&rt.Block, v, nil)
	for _, rule := range rt.Rules {
		probs = append(probs, rule(v)...)
	}
	for _, p := range probs {
		rng := rangeOfPath(body, &rt.Block, p.Path, decl)
		diags = append(diags, problemDiag(p, &rng))
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
	content, _, _ := body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{nb.HeaderSchema()}})
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
			case nb.Nesting == schema.NestingMap && is.Key.Type() == cty.String && is.Key.IsKnown():
				for i, blk := range content.Blocks {
					if len(blk.Labels) == 1 && blk.Labels[0] == is.Key.AsString() {
						idx = i
						if len(rest) == 0 {
							return blk.LabelRanges[0]
						}
						break
					}
				}
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
