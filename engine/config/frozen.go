package config

import (
	"cmp"
	"math"
	"slices"
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// FrozenBody is a resource body of plain arguments kept without its syntax
// tree. Most resource bodies set each argument to a literal, a reference
// or a string template of literals and references; the native parser's
// tree for such a body takes several times the memory of what it says,
// and a large configuration keeps every body until the run ends. A frozen
// body holds just the arguments, their expressions and their positions,
// and rebuilds the parser's own nodes when asked (Thaw, Expr, Variables),
// so every value, reference and diagnostic is the native syntax's own.
//
// Only bodies whose every argument freezes are frozen; anything else
// (nested blocks, function calls, operators, lists) keeps its syntax tree.
type FrozenBody struct {
	file     string
	src, end span
	attrs    []frozenAttr // in source order
}

// pos is an hcl.Pos in a third of the memory.
type pos struct{ line, column, byte int32 }

// span is an hcl.Range without its file name, which the body holds once.
type span struct{ start, end pos }

type frozenAttr struct {
	name                   string
	src, nameRange, equals span
	expr                   frozenExpr
}

type exprKind uint8

const (
	literalExpr   exprKind = iota // hclsyntax.LiteralValueExpr
	traversalExpr                 // hclsyntax.ScopeTraversalExpr
	templateExpr                  // hclsyntax.TemplateExpr of literals and traversals
	wrapExpr                      // hclsyntax.TemplateWrapExpr around one of those
)

type frozenExpr struct {
	kind  exprKind
	rng   span
	val   cty.Value    // literalExpr
	steps []frozenStep // traversalExpr
	parts []frozenExpr // templateExpr's parts; wrapExpr's one wrapped expression
}

type stepKind uint8

const (
	rootStep stepKind = iota
	attrStep
	indexStep
)

type frozenStep struct {
	kind stepKind
	name string    // rootStep, attrStep
	key  cty.Value // indexStep
	rng  span
}

// freezeBody freezes a native resource body whose blocks are all
// meta-argument blocks (config has taken them out; they are left behind,
// as the meta-arguments are). ok is false when the body does not freeze.
func freezeBody(sb *hclsyntax.Body) (*FrozenBody, bool) {
	for _, blk := range sb.Blocks {
		if !IsResourceMeta(blk.Type, true) {
			return nil, false
		}
	}
	fb := &FrozenBody{file: sb.SrcRange.Filename, attrs: make([]frozenAttr, 0, len(sb.Attributes))}
	fr := freezer{file: fb.file, ok: true}
	fb.src, fb.end = fr.span(sb.SrcRange), fr.span(sb.EndRange)
	for name, a := range sb.Attributes {
		if IsResourceMeta(name, false) {
			continue
		}
		fa := frozenAttr{name: name, src: fr.span(a.SrcRange), nameRange: fr.span(a.NameRange), equals: fr.span(a.EqualsRange)}
		fa.expr = fr.expr(a.Expr, true)
		fb.attrs = append(fb.attrs, fa)
	}
	if !fr.ok {
		return nil, false
	}
	slices.SortFunc(fb.attrs, func(x, y frozenAttr) int { return cmp.Compare(x.src.start.byte, y.src.start.byte) })
	return fb, true
}

// freezer freezes the parts of one body; ok turns false at the first part
// that does not freeze.
type freezer struct {
	file string
	ok   bool
}

func (fr *freezer) span(r hcl.Range) span {
	if r.Filename != fr.file {
		fr.ok = false
	}
	return span{fr.pos(r.Start), fr.pos(r.End)}
}

func (fr *freezer) pos(p hcl.Pos) pos {
	for _, v := range []int{p.Line, p.Column, p.Byte} {
		if v < 0 || v > math.MaxInt32 {
			fr.ok = false
		}
	}
	return pos{int32(p.Line), int32(p.Column), int32(p.Byte)}
}

// expr freezes a literal, a traversal, or (when top) a template of those.
func (fr *freezer) expr(e hclsyntax.Expression, top bool) frozenExpr {
	switch e := e.(type) {
	case *hclsyntax.LiteralValueExpr:
		return frozenExpr{kind: literalExpr, rng: fr.span(e.SrcRange), val: e.Val}
	case *hclsyntax.ScopeTraversalExpr:
		fe := frozenExpr{kind: traversalExpr, rng: fr.span(e.SrcRange), steps: make([]frozenStep, len(e.Traversal))}
		for i, t := range e.Traversal {
			switch t := t.(type) {
			case hcl.TraverseRoot:
				fe.steps[i] = frozenStep{kind: rootStep, name: t.Name, rng: fr.span(t.SrcRange)}
			case hcl.TraverseAttr:
				fe.steps[i] = frozenStep{kind: attrStep, name: t.Name, rng: fr.span(t.SrcRange)}
			case hcl.TraverseIndex:
				fe.steps[i] = frozenStep{kind: indexStep, key: t.Key, rng: fr.span(t.SrcRange)}
			default:
				fr.ok = false
			}
		}
		return fe
	case *hclsyntax.TemplateExpr:
		if !top {
			break
		}
		fe := frozenExpr{kind: templateExpr, rng: fr.span(e.SrcRange), parts: make([]frozenExpr, len(e.Parts))}
		for i, p := range e.Parts {
			fe.parts[i] = fr.expr(p, false)
		}
		return fe
	case *hclsyntax.TemplateWrapExpr:
		if !top {
			break
		}
		return frozenExpr{kind: wrapExpr, rng: fr.span(e.SrcRange), parts: []frozenExpr{fr.expr(e.Wrapped, false)}}
	}
	fr.ok = false
	return frozenExpr{}
}

func (p pos) thaw() hcl.Pos {
	return hcl.Pos{Line: int(p.line), Column: int(p.column), Byte: int(p.byte)}
}

func (s span) in(file string) hcl.Range {
	return hcl.Range{Filename: file, Start: s.start.thaw(), End: s.end.thaw()}
}

func (e *frozenExpr) thaw(file string) hclsyntax.Expression {
	switch e.kind {
	case literalExpr:
		return &hclsyntax.LiteralValueExpr{Val: e.val, SrcRange: e.rng.in(file)}
	case traversalExpr:
		return &hclsyntax.ScopeTraversalExpr{Traversal: e.traversal(file), SrcRange: e.rng.in(file)}
	case templateExpr:
		parts := make([]hclsyntax.Expression, len(e.parts))
		for i := range e.parts {
			parts[i] = e.parts[i].thaw(file)
		}
		return &hclsyntax.TemplateExpr{Parts: parts, SrcRange: e.rng.in(file)}
	default: // wrapExpr
		return &hclsyntax.TemplateWrapExpr{Wrapped: e.parts[0].thaw(file), SrcRange: e.rng.in(file)}
	}
}

func (e *frozenExpr) traversal(file string) hcl.Traversal {
	t := make(hcl.Traversal, len(e.steps))
	for i, s := range e.steps {
		switch s.kind {
		case rootStep:
			t[i] = hcl.TraverseRoot{Name: s.name, SrcRange: s.rng.in(file)}
		case attrStep:
			t[i] = hcl.TraverseAttr{Name: s.name, SrcRange: s.rng.in(file)}
		default:
			t[i] = hcl.TraverseIndex{Key: s.key, SrcRange: s.rng.in(file)}
		}
	}
	return t
}

// appendTraversals appends the traversals of e, in source order.
func (e *frozenExpr) appendTraversals(out []hcl.Traversal, file string) []hcl.Traversal {
	if e.kind == traversalExpr {
		return append(out, e.traversal(file))
	}
	for i := range e.parts {
		out = e.parts[i].appendTraversals(out, file)
	}
	return out
}

// Thaw rebuilds the native body: the one config's PartialContent left, less
// the hidden meta-arguments.
func (b *FrozenBody) Thaw() *hclsyntax.Body {
	sb := &hclsyntax.Body{
		Attributes: make(hclsyntax.Attributes, len(b.attrs)),
		SrcRange:   b.src.in(b.file),
		EndRange:   b.end.in(b.file),
	}
	for i := range b.attrs {
		sb.Attributes[b.attrs[i].name] = b.attribute(i)
	}
	return sb
}

func (b *FrozenBody) attribute(i int) *hclsyntax.Attribute {
	a := &b.attrs[i]
	return &hclsyntax.Attribute{
		Name: a.name, Expr: a.expr.thaw(b.file),
		SrcRange: a.src.in(b.file), NameRange: a.nameRange.in(b.file), EqualsRange: a.equals.in(b.file),
	}
}

// Len is the number of arguments.
func (b *FrozenBody) Len() int { return len(b.attrs) }

// Name is the name of the i-th argument, in source order.
func (b *FrozenBody) Name(i int) string { return b.attrs[i].name }

// Expr rebuilds the expression of the i-th argument.
func (b *FrozenBody) Expr(i int) hcl.Expression { return b.attrs[i].expr.thaw(b.file) }

// Variables rebuilds the traversals of the i-th argument, in source order
// (what its expression's Variables returns).
func (b *FrozenBody) Variables(i int) []hcl.Traversal {
	return b.attrs[i].expr.appendTraversals(nil, b.file)
}

// AllVariables rebuilds the traversals of every argument, in source order.
func (b *FrozenBody) AllVariables() []hcl.Traversal {
	var out []hcl.Traversal
	for i := range b.attrs {
		out = b.attrs[i].expr.appendTraversals(out, b.file)
	}
	return out
}

// Content is the native body's Content.
func (b *FrozenBody) Content(schema *hcl.BodySchema) (*hcl.BodyContent, hcl.Diagnostics) {
	return b.Thaw().Content(schema)
}

// PartialContent is the native body's PartialContent.
func (b *FrozenBody) PartialContent(schema *hcl.BodySchema) (*hcl.BodyContent, hcl.Body, hcl.Diagnostics) {
	return b.Thaw().PartialContent(schema)
}

// JustAttributes is the native body's JustAttributes.
func (b *FrozenBody) JustAttributes() (hcl.Attributes, hcl.Diagnostics) {
	return b.Thaw().JustAttributes()
}

// MissingItemRange is the native body's MissingItemRange.
func (b *FrozenBody) MissingItemRange() hcl.Range {
	start := b.src.start.thaw()
	return hcl.Range{Filename: b.file, Start: start, End: start}
}

// blockNav answers the diagnostic renderer's "in which block" questions as
// the native syntax's navigation does, from each top-level block's range
// and header instead of the file's syntax tree (which it would keep).
type blockNav struct {
	file   string
	blocks []navBlock
}

type navBlock struct {
	start, end int // byte offsets of the block
	typ        string
	labels     []string
	def        span
}

func newBlockNav(sb *hclsyntax.Body) *blockNav {
	nav := &blockNav{file: sb.SrcRange.Filename, blocks: make([]navBlock, len(sb.Blocks))}
	fr := freezer{file: nav.file}
	for i, blk := range sb.Blocks {
		rng := blk.Range()
		nav.blocks[i] = navBlock{start: rng.Start.Byte, end: rng.End.Byte, typ: blk.Type, labels: blk.Labels, def: fr.span(blk.DefRange())}
	}
	return nav
}

func (n *blockNav) at(offset int) *navBlock {
	for i := range n.blocks {
		if b := &n.blocks[i]; offset >= b.start && offset < b.end {
			return b
		}
	}
	return nil
}

// ContextString names the top-level block holding offset.
func (n *blockNav) ContextString(offset int) string {
	b := n.at(offset)
	if b == nil {
		return ""
	}
	s := b.typ
	for _, l := range b.labels {
		s += " " + strconv.Quote(l)
	}
	return s
}

// ContextDefRange is the definition range of the top-level block holding
// offset.
func (n *blockNav) ContextDefRange(offset int) hcl.Range {
	b := n.at(offset)
	if b == nil {
		return hcl.Range{}
	}
	return b.def.in(n.file)
}
