package config

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

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
	values   []cty.Value  // of literals and index steps
}

// pos is an hcl.Pos in a third of the memory.
type pos struct{ line, column, byte int32 }

// span is an hcl.Range without its file name, which the body holds once.
type span struct{ start, end pos }

// frozenAttr is an argument. Its range runs from its name to the end of
// its expression, and its "=" is one byte on one line: both are checked
// when freezing, and rebuilt.
type frozenAttr struct {
	name      string
	nameRange span
	equals    pos
	expr      frozenExpr
}

type exprKind uint8

const (
	literalExpr   exprKind = iota // hclsyntax.LiteralValueExpr
	stringExpr                    // hclsyntax.TemplateExpr of one literal between quotes on one line
	traversalExpr                 // hclsyntax.ScopeTraversalExpr
	templateExpr                  // hclsyntax.TemplateExpr of literals and traversals
	wrapExpr                      // hclsyntax.TemplateWrapExpr around one of those
)

type frozenExpr struct {
	kind  exprKind
	val   int32 // literalExpr, stringExpr: the value is FrozenBody.values[val]
	rng   span
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
	key  int32  // indexStep: the key is FrozenBody.values[key]
	name string // rootStep, attrStep
	rng  span
}

// Freeze freezes a native resource body whose blocks are all meta-argument
// blocks (config takes them out; they are left behind, as the
// meta-arguments are). ok is false when the body does not freeze.
func Freeze(sb *hclsyntax.Body) (*FrozenBody, bool) {
	for _, blk := range sb.Blocks {
		if !IsResourceMeta(blk.Type, true) {
			return nil, false
		}
	}
	fb := &FrozenBody{file: sb.SrcRange.Filename, attrs: make([]frozenAttr, 0, len(sb.Attributes))}
	fr := freezer{file: fb.file, ok: true, body: fb}
	fb.src, fb.end = fr.span(sb.SrcRange), fr.span(sb.EndRange)
	for name, a := range sb.Attributes {
		if IsResourceMeta(name, false) {
			continue
		}
		fa := frozenAttr{name: name, nameRange: fr.span(a.NameRange), equals: fr.pos(a.EqualsRange.Start)}
		fa.expr = fr.expr(a.Expr, true)
		if a.SrcRange != hcl.RangeBetween(a.NameRange, a.Expr.Range()) || a.EqualsRange != fa.equalsRange(fb.file) {
			fr.ok = false
		}
		fb.attrs = append(fb.attrs, fa)
	}
	if !fr.ok {
		return nil, false
	}
	slices.SortFunc(fb.attrs, func(x, y frozenAttr) int { return cmp.Compare(x.nameRange.start.byte, y.nameRange.start.byte) })
	return fb, true
}

// freezer freezes the parts of one body; ok turns false at the first part
// that does not freeze.
type freezer struct {
	file string
	ok   bool
	body *FrozenBody // takes the values
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
		return frozenExpr{kind: literalExpr, rng: fr.span(e.SrcRange), val: fr.value(e.Val)}
	case *hclsyntax.ScopeTraversalExpr:
		fe := frozenExpr{kind: traversalExpr, rng: fr.span(e.SrcRange), steps: make([]frozenStep, len(e.Traversal))}
		for i, t := range e.Traversal {
			switch t := t.(type) {
			case hcl.TraverseRoot:
				fe.steps[i] = frozenStep{kind: rootStep, name: t.Name, rng: fr.span(t.SrcRange)}
			case hcl.TraverseAttr:
				fe.steps[i] = frozenStep{kind: attrStep, name: t.Name, rng: fr.span(t.SrcRange)}
			case hcl.TraverseIndex:
				fe.steps[i] = frozenStep{kind: indexStep, key: fr.value(t.Key), rng: fr.span(t.SrcRange)}
			default:
				fr.ok = false
			}
		}
		return fe
	case *hclsyntax.TemplateExpr:
		if !top {
			break
		}
		if lit, ok := quoted(e); ok {
			return frozenExpr{kind: stringExpr, rng: fr.span(e.SrcRange), val: fr.value(lit.Val)}
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

func (fr *freezer) value(v cty.Value) int32 {
	fr.body.values = append(fr.body.values, v)
	return int32(len(fr.body.values) - 1)
}

// quoted returns the one literal of a template that is just a quoted
// string on one line, where the literal's range is the template's without
// the quotes (and so need not be kept).
func quoted(e *hclsyntax.TemplateExpr) (*hclsyntax.LiteralValueExpr, bool) {
	if len(e.Parts) != 1 {
		return nil, false
	}
	lit, ok := e.Parts[0].(*hclsyntax.LiteralValueExpr)
	if !ok {
		return nil, false
	}
	var fr freezer
	return lit, lit.SrcRange == fr.span(e.SrcRange).inside().in(e.SrcRange.Filename)
}

// inside is the span without its first and last character, on one line.
func (s span) inside() span {
	if s.start.line != s.end.line {
		return span{} // matches no literal's range
	}
	s.start.column++
	s.start.byte++
	s.end.column--
	s.end.byte--
	return s
}

func (p pos) thaw() hcl.Pos {
	return hcl.Pos{Line: int(p.line), Column: int(p.column), Byte: int(p.byte)}
}

func (s span) in(file string) hcl.Range {
	return hcl.Range{Filename: file, Start: s.start.thaw(), End: s.end.thaw()}
}

func (e *frozenExpr) thaw(b *FrozenBody) hclsyntax.Expression {
	switch e.kind {
	case literalExpr:
		return &hclsyntax.LiteralValueExpr{Val: b.values[e.val], SrcRange: e.rng.in(b.file)}
	case stringExpr:
		lit := &hclsyntax.LiteralValueExpr{Val: b.values[e.val], SrcRange: e.rng.inside().in(b.file)}
		return &hclsyntax.TemplateExpr{Parts: []hclsyntax.Expression{lit}, SrcRange: e.rng.in(b.file)}
	case traversalExpr:
		return &hclsyntax.ScopeTraversalExpr{Traversal: e.traversal(b), SrcRange: e.rng.in(b.file)}
	case templateExpr:
		parts := make([]hclsyntax.Expression, len(e.parts))
		for i := range e.parts {
			parts[i] = e.parts[i].thaw(b)
		}
		return &hclsyntax.TemplateExpr{Parts: parts, SrcRange: e.rng.in(b.file)}
	default: // wrapExpr
		return &hclsyntax.TemplateWrapExpr{Wrapped: e.parts[0].thaw(b), SrcRange: e.rng.in(b.file)}
	}
}

func (e *frozenExpr) traversal(b *FrozenBody) hcl.Traversal {
	t := make(hcl.Traversal, len(e.steps))
	for i, s := range e.steps {
		switch s.kind {
		case rootStep:
			t[i] = hcl.TraverseRoot{Name: s.name, SrcRange: s.rng.in(b.file)}
		case attrStep:
			t[i] = hcl.TraverseAttr{Name: s.name, SrcRange: s.rng.in(b.file)}
		default:
			t[i] = hcl.TraverseIndex{Key: b.values[s.key], SrcRange: s.rng.in(b.file)}
		}
	}
	return t
}

// appendTraversals appends the traversals of e, in source order.
func (e *frozenExpr) appendTraversals(out []hcl.Traversal, b *FrozenBody) []hcl.Traversal {
	if e.kind == traversalExpr {
		return append(out, e.traversal(b))
	}
	for i := range e.parts {
		out = e.parts[i].appendTraversals(out, b)
	}
	return out
}

// equalsRange is the range of the argument's "=".
func (a *frozenAttr) equalsRange(file string) hcl.Range {
	end := a.equals
	end.column++
	end.byte++
	return span{a.equals, end}.in(file)
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
	expr := a.expr.thaw(b)
	name := a.nameRange.in(b.file)
	return &hclsyntax.Attribute{
		Name: a.name, Expr: expr,
		SrcRange: hcl.RangeBetween(name, expr.Range()), NameRange: name, EqualsRange: a.equalsRange(b.file),
	}
}

// Len is the number of arguments.
func (b *FrozenBody) Len() int { return len(b.attrs) }

// Name is the name of the i-th argument, in source order.
func (b *FrozenBody) Name(i int) string { return b.attrs[i].name }

// Expr rebuilds the expression of the i-th argument.
func (b *FrozenBody) Expr(i int) hcl.Expression { return b.attrs[i].expr.thaw(b) }

// Variables rebuilds the traversals of the i-th argument, in source order
// (what its expression's Variables returns).
func (b *FrozenBody) Variables(i int) []hcl.Traversal {
	return b.attrs[i].expr.appendTraversals(nil, b)
}

// AllVariables rebuilds the traversals of every argument, in source order.
func (b *FrozenBody) AllVariables() []hcl.Traversal {
	var out []hcl.Traversal
	for i := range b.attrs {
		out = b.attrs[i].expr.appendTraversals(out, b)
	}
	return out
}

// Value evaluates the i-th argument without rebuilding its expression,
// when that gives what the expression's own Value would, without
// diagnostics: a literal; a reference through attributes of known, non-null,
// unmarked objects found in ctx's own variables; a template or a wrapped
// template of those whose parts are known, unmarked strings. ok is false
// for anything else, and Expr(i).Value(ctx) answers, with its diagnostics.
func (b *FrozenBody) Value(i int, ctx *hcl.EvalContext) (v cty.Value, ok bool) {
	if ctx == nil {
		return cty.NilVal, false
	}
	return b.ValueIn(i, func(root, attr string) (cty.Value, bool) {
		v, found := ctx.Variables[root] // not found here: maybe in a parent
		if !found {
			return cty.NilVal, false
		}
		return PlainAttr(v, attr)
	})
}

// ValueIn is Value with the context's variables given by lookup, which
// returns root.attr where the context's root would be a known, non-null,
// unmarked object with that attribute, and false otherwise. A reference
// without an attribute step is not answered.
func (b *FrozenBody) ValueIn(i int, lookup func(root, attr string) (cty.Value, bool)) (v cty.Value, ok bool) {
	return b.attrs[i].expr.value(b, lookup)
}

// PlainAttr returns obj's attribute name where a traversal step takes it
// without a word: obj is a known, non-null, unmarked object with that
// attribute (cty.NilVal is none of these). ok is false otherwise.
func PlainAttr(obj cty.Value, name string) (attr cty.Value, ok bool) {
	if obj.IsMarked() || !obj.Type().IsObjectType() || !obj.IsKnown() || obj.IsNull() || !obj.Type().HasAttribute(name) {
		return cty.NilVal, false
	}
	return obj.GetAttr(name), true
}

// plainString reports whether v is a known, non-null, unmarked string: a
// template part HCL's template takes as it is.
func plainString(v cty.Value) bool {
	return !v.IsMarked() && v.Type() == cty.String && v.IsKnown() && !v.IsNull()
}

func (e *frozenExpr) value(b *FrozenBody, lookup func(root, attr string) (cty.Value, bool)) (cty.Value, bool) {
	switch e.kind {
	case literalExpr:
		return b.values[e.val], true
	case stringExpr:
		v := b.values[e.val]
		if !plainString(v) {
			return cty.NilVal, false
		}
		return cty.StringVal(v.AsString()), true
	case traversalExpr:
		if len(e.steps) < 2 || e.steps[1].kind != attrStep {
			return cty.NilVal, false
		}
		v, ok := lookup(e.steps[0].name, e.steps[1].name)
		if !ok {
			return cty.NilVal, false
		}
		for _, s := range e.steps[2:] {
			if s.kind != attrStep {
				return cty.NilVal, false
			}
			if v, ok = PlainAttr(v, s.name); !ok {
				return cty.NilVal, false
			}
		}
		return v, true
	case templateExpr:
		var sb strings.Builder
		for i := range e.parts {
			v, ok := e.parts[i].value(b, lookup)
			if !ok || !plainString(v) {
				return cty.NilVal, false
			}
			sb.WriteString(v.AsString())
		}
		return cty.StringVal(sb.String()), true
	default: // wrapExpr
		return e.parts[0].value(b, lookup)
	}
}

// Reference is what an evaluation context needs to know of a traversal:
// its root name and the name of its first attribute step ("" when it has
// none).
type Reference struct{ Root, Attr string }

// AppendReferences appends the references of every traversal of the body,
// in source order, without rebuilding the traversals.
func (b *FrozenBody) AppendReferences(dst []Reference) []Reference {
	for i := range b.attrs {
		dst = b.attrs[i].expr.appendReferences(dst)
	}
	return dst
}

func (e *frozenExpr) appendReferences(dst []Reference) []Reference {
	if e.kind == traversalExpr {
		ref := Reference{Root: e.steps[0].name}
		if len(e.steps) > 1 && e.steps[1].kind == attrStep {
			ref.Attr = e.steps[1].name
		}
		return append(dst, ref)
	}
	for i := range e.parts {
		dst = e.parts[i].appendReferences(dst)
	}
	return dst
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
