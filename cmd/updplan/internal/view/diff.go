package view

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// The diff renderer draws Terraform's shapes: a line per attribute at
// indent(level) followed by its symbol, the names of one block aligned, nested
// blocks after the attributes, unchanged things counted in "# (N unchanged
// ... hidden)" comments.

type diffCtx struct {
	before, after sensitivity
	replace       []cty.Path
	// keep names the attributes shown even when unchanged (identifying ones).
	keep map[string]bool
}

func (c *diffCtx) sensitive(p cty.Path) bool { return c.before.at(p) || c.after.at(p) }

// sensitiveInside reports whether anything in the value at p is sensitive.
func (c *diffCtx) sensitiveInside(p cty.Path) bool {
	return c.before.inside(p) || c.after.inside(p)
}

func (c *diffCtx) forcesReplacement(p cty.Path) bool {
	for _, q := range c.replace {
		if q.Equals(p) {
			return true
		}
	}
	return false
}

type renderer struct {
	b     strings.Builder
	color bool
	// notes are Human.Notes, shown under the headers of changes.
	notes map[addr.Instance]string
}

// indent is the text before the symbol of a line at level.
func indent(level int) string { return strings.Repeat(" ", 4*level+2) }

// closeIndent is the text before the closing bracket of a block or
// collection whose inner lines are at level.
func closeIndent(level int) string { return strings.Repeat(" ", 4*level) }

func (r *renderer) sym(s string) string {
	if !r.color {
		return s
	}
	switch s {
	case "+":
		return ansiGreen + s + ansiReset
	case "-":
		return ansiRed + s + ansiReset
	case "~":
		return ansiYellow + s + ansiReset
	case "-/+", "+/-":
		return ansiRed + s[:1] + ansiReset + "/" + ansiGreen + s[2:] + ansiReset
	case "<=":
		return ansiCyan + s + ansiReset
	}
	return s
}

func (r *renderer) forces() string {
	if r.color {
		return " " + ansiRed + "# forces replacement" + ansiReset
	}
	return " # forces replacement"
}

func (r *renderer) bold(s string) string {
	if r.color {
		return ansiBold + s + ansiReset
	}
	return s
}

func (r *renderer) green(s string) string {
	if r.color {
		return ansiBold + ansiGreen + s + ansiReset
	}
	return s
}

// item is one attribute line (plus the lines of a multi-line value).
type item struct {
	sym   string
	name  string
	value string   // after "name = " on the first line
	more  []string // further lines, fully indented
}

func symbolOf(b, a cty.Value) string {
	switch {
	case b.IsNull() && !(a.IsKnown() && a.IsNull()):
		return "+"
	case a.IsKnown() && a.IsNull():
		return "-"
	}
	return "~"
}

// blockDiff renders the attributes and nested blocks of one object at level.
func (r *renderer) blockDiff(level int, blk *schema.Block, path cty.Path, b, a cty.Value, ctx *diffCtx) {
	var items []item
	hidden := 0
	for _, at := range blk.Attributes {
		bv, av := attrOf(b, at.Name), attrOf(a, at.Name)
		if !a.IsKnown() {
			av = cty.UnknownVal(at.Type)
		}
		it, ok, unchanged := r.attrDiff(level, path.GetAttr(at.Name), at.Name, at.Type, bv, av, ctx)
		switch {
		case ok:
			items = append(items, it)
		case unchanged:
			if level == 1 && ctx.keep[at.Name] && !bv.IsNull() {
				items = append(items, item{sym: " ", name: at.Name, value: r.valueString(path.GetAttr(at.Name), bv, ctx)})
			} else {
				hidden++
			}
		}
	}
	width := 0
	for _, it := range items {
		width = max(width, len(it.name))
	}
	for _, it := range items {
		fmt.Fprintf(&r.b, "%s%s %-*s = %s\n", indent(level), r.sym(it.sym), width, it.name, indentHeredoc(it.value, closeIndent(level+1)))
		for _, l := range it.more {
			r.b.WriteString(l + "\n")
		}
	}
	if hidden > 0 {
		fmt.Fprintf(&r.b, "%s  # (%d unchanged %s hidden)\n", indent(level), hidden, plural(hidden, "attribute", "attributes"))
	}
	wrote := len(items) > 0 || hidden > 0
	hiddenBlocks := 0
	for _, nb := range blk.BlockTypes {
		hiddenBlocks += r.nestedDiff(level, nb, path.GetAttr(nb.TypeName), attrOf(b, nb.TypeName), attrOfUnknown(a, nb.TypeName), ctx, &wrote)
	}
	if hiddenBlocks > 0 {
		if wrote {
			r.b.WriteString("\n")
		}
		fmt.Fprintf(&r.b, "%s  # (%d unchanged %s hidden)\n", indent(level), hiddenBlocks, plural(hiddenBlocks, "block", "blocks"))
	}
}

func attrOfUnknown(obj cty.Value, name string) cty.Value {
	if obj != cty.NilVal && !obj.IsKnown() {
		return cty.DynamicVal
	}
	return attrOf(obj, name)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// nestedDiff renders the blocks of one nested block type and returns how
// many were unchanged (hidden).
func (r *renderer) nestedDiff(level int, nb *schema.NestedBlock, path cty.Path, b, a cty.Value, ctx *diffCtx, wrote *bool) int {
	one := func(sym string, p cty.Path, bv, av cty.Value) {
		if *wrote {
			r.b.WriteString("\n")
		}
		*wrote = true
		forces := ""
		if ctx.forcesReplacement(p) || (nb.ForceNew && sym != "~" && ctx.forcesReplacement(path)) {
			forces = r.forces()
		}
		header := nb.TypeName
		if is, ok := lastIndex(p); ok && nb.Nesting == schema.NestingMap && is.Key.Type() == cty.String {
			header += fmt.Sprintf(" %q", is.Key.AsString())
		}
		if !av.IsKnown() {
			fmt.Fprintf(&r.b, "%s%s %s {%s\n%s  # (known after apply)\n%s}\n", indent(level), r.sym(sym), header, forces, indent(level+1), closeIndent(level+1))
			return
		}
		fmt.Fprintf(&r.b, "%s%s %s {%s\n", indent(level), r.sym(sym), header, forces)
		r.blockDiff(level+1, &nb.Block, p, bv, av, ctx)
		fmt.Fprintf(&r.b, "%s}\n", closeIndent(level+1))
	}
	if !a.IsKnown() {
		one(symbolOf(b, cty.DynamicVal), path, b, a)
		return 0
	}
	switch nb.Nesting {
	case schema.NestingSingle:
		if b.IsNull() && a.IsNull() {
			return 0
		}
		if b.RawEquals(a) {
			return 1
		}
		one(symbolOf(b, a), path, b, a)
		return 0
	case schema.NestingList:
		be, ae := elements(b), elements(a)
		hidden := 0
		if len(be) == len(ae) {
			for i := range be {
				if be[i].RawEquals(ae[i]) {
					hidden++
					continue
				}
				one("~", path.IndexInt(i), be[i], ae[i])
			}
			return hidden
		}
		for _, op := range lcsDiff(be, ae) {
			switch op.sym {
			case " ":
				hidden++
			case "-":
				one("-", path.IndexInt(op.bi), op.v, cty.NullVal(op.v.Type()))
			case "+":
				one("+", path.IndexInt(op.ai), cty.NullVal(op.v.Type()), op.v)
			}
		}
		return hidden
	case schema.NestingMap: // by label, in label order
		bm, am := map[string]cty.Value{}, map[string]cty.Value{}
		if !b.IsNull() && b.IsKnown() {
			bm = b.AsValueMap()
		}
		if !a.IsNull() {
			am = a.AsValueMap()
		}
		labels := make([]string, 0, len(bm)+len(am))
		for k := range bm {
			labels = append(labels, k)
		}
		for k := range am {
			if _, ok := bm[k]; !ok {
				labels = append(labels, k)
			}
		}
		sort.Strings(labels)
		hidden := 0
		for _, k := range labels {
			bv, inB := bm[k]
			av, inA := am[k]
			p := path.Index(cty.StringVal(k))
			switch {
			case !inA:
				one("-", p, bv, cty.NullVal(bv.Type()))
			case !inB:
				one("+", p, cty.NullVal(av.Type()), av)
			case bv.RawEquals(av):
				hidden++
			default:
				one("~", p, bv, av)
			}
		}
		return hidden
	default: // set: element-wise, order never shown as a change
		ops, hidden := setDiff(elements(b), elements(a))
		for _, op := range ops {
			if op.sym == "-" {
				one("-", path.Index(op.v), op.v, cty.NullVal(op.v.Type()))
			} else {
				one("+", path.Index(op.v), cty.NullVal(op.v.Type()), op.v)
			}
		}
		return hidden
	}
}

// attrDiff renders one attribute. ok is false when there is nothing to show;
// unchanged then says whether it counts as a hidden unchanged attribute.
func (r *renderer) attrDiff(level int, path cty.Path, name string, ty cty.Type, b, a cty.Value, ctx *diffCtx) (it item, ok, unchanged bool) {
	if b.IsNull() && a.IsKnown() && a.IsNull() {
		return item{}, false, false
	}
	it.name = name
	forces := ""
	if ctx.forcesReplacement(path) {
		forces = r.forces()
	}
	if a.IsWhollyKnown() && b.RawEquals(a) {
		return item{}, false, true
	}
	it.sym = symbolOf(b, a)
	if ctx.sensitive(path) {
		it.value = sensitiveValue
		if it.sym == "-" {
			it.value += " -> null"
		}
		it.value += forces
		return it, true, false
	}
	if !a.IsKnown() {
		if b.IsNull() {
			it.value = knownAfterApply + forces
			return it, true, false
		}
		if isPrimitiveCollection(b.Type()) {
			// A collection becoming unknown: show the old elements going.
			it = r.collectionDiff(level, path, name, b.Type(), b, cty.NullVal(b.Type()), ctx)
			it.sym = "~"
			if len(it.more) == 0 {
				it.value = strings.TrimSuffix(it.value, " -> null") + " -> " + knownAfterApply
			} else {
				it.more[len(it.more)-1] = strings.TrimSuffix(it.more[len(it.more)-1], " -> null") + " -> " + knownAfterApply
			}
			it.value += forces
			return it, true, false
		}
		it.value = primitiveString(b) + " -> " + knownAfterApply + forces
		return it, true, false
	}
	collTy := ty
	if collTy == cty.DynamicPseudoType {
		collTy = a.Type()
		if a.IsNull() {
			collTy = b.Type()
		}
	}
	if isPrimitiveCollection(collTy) {
		it = r.collectionDiff(level, path, name, collTy, b, a, ctx)
		it.value += forces
		return it, true, false
	}
	switch it.sym {
	case "+":
		it.value = r.valueString(path, a, ctx)
	case "-":
		it.value = r.valueString(path, b, ctx) + " -> null"
	default:
		it.value = r.valueString(path, b, ctx) + " -> " + r.valueString(path, a, ctx)
	}
	it.value += forces
	return it, true, false
}

// valueString renders a value on one line (collections compactly), or the
// placeholder for sensitive and unknown values.
func (r *renderer) valueString(path cty.Path, v cty.Value, ctx *diffCtx) string {
	if ctx != nil && ctx.sensitiveInside(path) {
		return sensitiveValue
	}
	if v.Type().IsPrimitiveType() {
		return primitiveString(v) // a multi-line string as a heredoc
	}
	return compactValue(v)
}

// compactValue renders any value on one line in HCL syntax.
func compactValue(v cty.Value) string {
	switch {
	case v.IsNull():
		return "null"
	case !v.IsKnown():
		return knownAfterApply
	case v.Type() == cty.String:
		return hclQuote(v.AsString())
	case v.Type().IsPrimitiveType():
		return primitiveString(v)
	case v.Type().IsListType() || v.Type().IsSetType() || v.Type().IsTupleType():
		var parts []string
		for _, e := range elements(v) {
			parts = append(parts, compactValue(e))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case v.Type().IsMapType() || v.Type().IsObjectType():
		m := mapElements(v)
		var parts []string
		for _, k := range sortedKeys(m) {
			parts = append(parts, objectKey(k, v.Type().IsObjectType())+" = "+compactValue(m[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return v.Type().FriendlyName()
}

// objectKey renders a key: bare when it is an object attribute name that is a
// valid identifier, quoted otherwise.
func objectKey(k string, object bool) string {
	if object && hclsyntax.ValidIdentifier(k) {
		return k
	}
	return hclQuote(k)
}

// collectionDiff renders a list, set or map of primitives element by
// element.
func (r *renderer) collectionDiff(level int, path cty.Path, name string, ty cty.Type, b, a cty.Value, ctx *diffCtx) item {
	it := item{sym: symbolOf(b, a), name: name}
	inner := level + 1
	var lines []string
	hidden := 0
	elemStr := func(p cty.Path, v cty.Value) string {
		if ctx.sensitiveInside(p) {
			return sensitiveValue
		}
		return compactValue(v)
	}
	open, closing, sep := "[", "]", ","
	if ty.IsMapType() {
		open, closing, sep = "{", "}", ""
		bm, am := mapElements(b), mapElements(a)
		keys := map[string]bool{}
		for k := range bm {
			keys[k] = true
		}
		for k := range am {
			keys[k] = true
		}
		width := 0
		for k := range keys {
			width = max(width, len(hclQuote(k)))
		}
		for _, k := range sortedKeys(keys) {
			bv, inB := bm[k]
			av, inA := am[k]
			p := path.IndexString(k)
			key := fmt.Sprintf("%-*s", width, hclQuote(k))
			switch {
			case inB && inA && av.IsWhollyKnown() && bv.RawEquals(av):
				hidden++
			case inB && inA:
				lines = append(lines, fmt.Sprintf("%s%s %s = %s -> %s", indent(inner), r.sym("~"), key, elemStr(p, bv), elemStr(p, av)))
			case inB:
				lines = append(lines, fmt.Sprintf("%s%s %s = %s -> null", indent(inner), r.sym("-"), key, elemStr(p, bv)))
			default:
				lines = append(lines, fmt.Sprintf("%s%s %s = %s", indent(inner), r.sym("+"), key, elemStr(p, av)))
			}
		}
	} else {
		be, ae := elements(b), elements(a)
		var ops []diffOp
		if ty.IsSetType() {
			ops, hidden = setDiff(be, ae)
		} else {
			ops = lcsDiff(be, ae)
		}
		run := 0
		flush := func() {
			if run > 0 {
				lines = append(lines, fmt.Sprintf("%s  # (%d unchanged %s hidden)", indent(inner), run, plural(run, "element", "elements")))
				run = 0
			}
		}
		for _, op := range ops {
			if op.sym == " " {
				run++
				continue
			}
			flush()
			p := path.Index(op.v)
			if !ty.IsSetType() {
				idx := op.ai
				if op.sym == "-" {
					idx = op.bi
				}
				p = path.IndexInt(idx)
			}
			lines = append(lines, fmt.Sprintf("%s%s %s%s", indent(inner), r.sym(op.sym), elemStr(p, op.v), sep))
		}
		flush()
	}
	if hidden > 0 {
		lines = append(lines, fmt.Sprintf("%s  # (%d unchanged %s hidden)", indent(inner), hidden, plural(hidden, "element", "elements")))
	}
	if len(lines) == 0 {
		it.value = open + closing
		if it.sym == "-" {
			it.value += " -> null"
		}
		return it
	}
	it.value = open
	tail := closeIndent(inner) + closing
	if it.sym == "-" {
		tail += " -> null"
	}
	it.more = append(lines, tail)
	return it
}

type diffOp struct {
	sym    string // " ", "+", "-"
	v      cty.Value
	bi, ai int // index in before / after
}

// lcsDiff diffs two lists with a longest common subsequence, so an
// insertion shows as one "+", not as every later element changing.
func lcsDiff(b, a []cty.Value) []diffOp {
	n, m := len(b), len(a)
	l := make([][]int, n+1)
	for i := range l {
		l[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[j].IsWhollyKnown() && b[i].RawEquals(a[j]) {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	var ops []diffOp
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[j].IsWhollyKnown() && b[i].RawEquals(a[j]):
			ops = append(ops, diffOp{sym: " ", v: a[j], bi: i, ai: j})
			i++
			j++
		case i < n && (j == m || l[i+1][j] >= l[i][j+1]):
			// On a tie the removal comes first, as in Terraform.
			ops = append(ops, diffOp{sym: "-", v: b[i], bi: i, ai: j})
			i++
		default:
			ops = append(ops, diffOp{sym: "+", v: a[j], bi: i, ai: j})
			j++
		}
	}
	return ops
}

// setDiff returns the removed and added elements, sorted by their rendering
// (removals first on a tie), and how many are in both.
func setDiff(b, a []cty.Value) ([]diffOp, int) {
	contains := func(list []cty.Value, v cty.Value) bool {
		for _, e := range list {
			if e.IsWhollyKnown() && e.RawEquals(v) {
				return true
			}
		}
		return false
	}
	var ops []diffOp
	same := 0
	for _, v := range b {
		if contains(a, v) {
			same++
		} else {
			ops = append(ops, diffOp{sym: "-", v: v})
		}
	}
	for _, v := range a {
		if !v.IsWhollyKnown() || !contains(b, v) {
			ops = append(ops, diffOp{sym: "+", v: v})
		}
	}
	sort.SliceStable(ops, func(i, j int) bool {
		ki, kj := compactValue(ops[i].v), compactValue(ops[j].v)
		if ki != kj {
			return ki < kj
		}
		return ops[i].sym == "-" && ops[j].sym == "+"
	})
	return ops, same
}

// indentHeredoc indents the lines after the first of a value holding
// heredocs: the text four spaces deeper than base, the EOT markers at base.
func indentHeredoc(s, base string) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	lines := strings.Split(s, "\n")
	for i := 1; i < len(lines); i++ {
		if strings.HasPrefix(lines[i], "EOT") {
			lines[i] = base + lines[i]
		} else {
			lines[i] = base + "    " + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

// lastIndex is the last step of p when it is an index.
func lastIndex(p cty.Path) (cty.IndexStep, bool) {
	if len(p) == 0 {
		return cty.IndexStep{}, false
	}
	is, ok := p[len(p)-1].(cty.IndexStep)
	return is, ok
}
