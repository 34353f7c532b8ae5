package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/schema"
)

// resourceMetaSchema pulls the meta-arguments out of a resource body; the
// rest is checked against the resource type's schema.
var resourceMetaSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "count"}, {Name: "for_each"}, {Name: "depends_on"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "lifecycle"}, {Type: "precondition"}, {Type: "postcondition"}},
}

// IsResourceMeta reports whether an argument (block false) or a block type
// (block true) of a resource body is a meta-argument: config takes it out,
// and Resource.Config hides it (it is still in a native body's syntax
// tree).
func IsResourceMeta(name string, block bool) bool {
	if block {
		for _, b := range resourceMetaSchema.Blocks {
			if b.Type == name {
				return true
			}
		}
		return false
	}
	for _, a := range resourceMetaSchema.Attributes {
		if a.Name == name {
			return true
		}
	}
	return false
}

// mentionsResourceMeta reports whether a native body has an argument or a
// block named as any meta-argument.
func mentionsResourceMeta(sb *hclsyntax.Body) bool {
	for name := range sb.Attributes {
		if IsResourceMeta(name, false) || IsResourceMeta(name, true) {
			return true
		}
	}
	for _, blk := range sb.Blocks {
		if IsResourceMeta(blk.Type, false) || IsResourceMeta(blk.Type, true) {
			return true
		}
	}
	return false
}

// lifecycleSchema: conditions may also stand inside lifecycle, where
// Terraform puts them.
var lifecycleSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "prevent_destroy"}, {Name: "create_before_destroy"}, {Name: "ignore_changes"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "precondition"}, {Type: "postcondition"}},
}

// countAndForEach returns the count and for_each of a block (nil when
// absent); both set is an error at for_each. verb says what the instances
// are for ("create", "read").
func (d *decoder) countAndForEach(meta *hcl.BodyContent, verb string) (count, forEach hcl.Expression) {
	if a, ok := meta.Attributes["count"]; ok {
		count = a.Expr
	}
	if a, ok := meta.Attributes["for_each"]; ok {
		if count != nil {
			d.diags = append(d.diags, errorAt(a.NameRange, `Invalid combination of "count" and "for_each"`,
				fmt.Sprintf(`The "count" and "for_each" meta-arguments are mutually exclusive: only one may say how many instances to %s. Remove one of them.`, verb)))
		} else {
			forEach = a.Expr
		}
	}
	return count, forEach
}

func (d *decoder) resource(b *hcl.Block, rt *schema.ResourceType) {
	name := b.Labels[0]
	if diags := checkName(name, b.LabelRanges[0], "resource"); diags.HasErrors() {
		d.diags = append(d.diags, diags...)
		return
	}
	key := addr.Resource{Type: b.Type, Name: name}
	if prev, ok := d.cfg.Resources[key]; ok {
		d.diags = append(d.diags, duplicate("Duplicate resource", fmt.Sprintf("A %s resource named %q", b.Type, name), prev.DeclRange, b.DefRange))
		return
	}
	meta, rest, diags := &hcl.BodyContent{}, b.Body, hcl.Diagnostics(nil)
	if sb, native := b.Body.(*hclsyntax.Body); !native || mentionsResourceMeta(sb) {
		// Otherwise there is nothing to take out, and no copy to make.
		meta, rest, diags = b.Body.PartialContent(resourceMetaSchema)
	}
	d.diags = append(d.diags, diags...)
	r := &Resource{Addr: key, Config: rest, TypeRange: b.TypeRange, DeclRange: b.DefRange}
	d.cfg.Resources[key] = r

	r.Count, r.ForEach = d.countAndForEach(meta, "create")
	if a, ok := meta.Attributes["depends_on"]; ok {
		r.DependsOn = d.dependsOn(a.Expr)
	}
	var lifecycle *hcl.Block
	for _, mb := range meta.Blocks {
		switch mb.Type {
		case "lifecycle":
			if lifecycle != nil {
				d.diags = append(d.diags, duplicate("Duplicate lifecycle block", "A lifecycle block for this resource", lifecycle.DefRange, mb.DefRange))
				continue
			}
			lifecycle = mb
			d.lifecycle(mb, rt, r)
		case "precondition":
			if rule := d.checkRule(mb); rule != nil {
				r.Preconditions = append(r.Preconditions, rule)
			}
		case "postcondition":
			if rule := d.checkRule(mb); rule != nil {
				r.Postconditions = append(r.Postconditions, rule)
			}
		}
	}
	bodyDiags := checkBody(rest, &rt.Block, b.DefRange, fmt.Sprintf("%s %q", b.Type, name), true)
	d.diags = append(d.diags, bodyDiags...)
	if sb, native := b.Body.(*hclsyntax.Body); native && !diags.HasErrors() && !bodyDiags.HasErrors() {
		if fb, ok := Freeze(sb); ok {
			r.Config = fb
		}
	}
}

func (d *decoder) lifecycle(b *hcl.Block, rt *schema.ResourceType, r *Resource) {
	lc := &r.Lifecycle
	content, diags := b.Body.Content(lifecycleSchema)
	d.diags = append(d.diags, diags...)
	for _, cb := range content.Blocks {
		if rule := d.checkRule(cb); rule != nil {
			if cb.Type == "precondition" {
				r.Preconditions = append(r.Preconditions, rule)
			} else {
				r.Postconditions = append(r.Postconditions, rule)
			}
		}
	}
	if a, ok := content.Attributes["prevent_destroy"]; ok {
		v, diags := literalBool(a.Expr, "prevent_destroy")
		d.diags = append(d.diags, diags...)
		lc.PreventDestroy = v
	}
	if a, ok := content.Attributes["create_before_destroy"]; ok {
		v, diags := literalBool(a.Expr, "create_before_destroy")
		d.diags = append(d.diags, diags...)
		lc.CreateBeforeDestroy = v
	}
	a, ok := content.Attributes["ignore_changes"]
	if !ok {
		return
	}
	if hcl.ExprAsKeyword(a.Expr) == "all" {
		lc.IgnoreAll = true
		return
	}
	exprs, diags := hcl.ExprList(a.Expr)
	if diags.HasErrors() {
		d.diags = append(d.diags, errorAt(a.Expr.Range(), "Invalid ignore_changes",
			"ignore_changes must be a list of attribute names of this resource, such as [description, sms2003.schedule], or the keyword all. Write it in one of these forms."))
		return
	}
	for _, e := range exprs {
		trav, diags := hcl.RelTraversalForExpr(e)
		if diags.HasErrors() {
			d.diags = append(d.diags, errorAt(e.Range(), "Invalid ignore_changes element",
				"Each element of ignore_changes must be an attribute name of this resource, such as description or sms2003.schedule, written without quotes. Fix the element."))
			continue
		}
		if err := checkAttrPath(trav, &rt.Block, rt.Name); err != nil {
			d.diags = append(d.diags, err)
			continue
		}
		lc.IgnoreChanges = append(lc.IgnoreChanges, trav)
	}
}

// checkAttrPath checks that a relative traversal names an attribute or
// nested block of blk, as far as the schema describes it (steps into an
// attribute's value are not checked).
func checkAttrPath(trav hcl.Traversal, blk *schema.Block, typeName string) *hcl.Diagnostic {
	cur := blk
	for _, step := range trav {
		at, ok := step.(hcl.TraverseAttr)
		if !ok || cur == nil {
			continue
		}
		if cur.Attribute(at.Name) != nil {
			cur = nil
			continue
		}
		if nb := cur.BlockType(at.Name); nb != nil {
			cur = &nb.Block
			continue
		}
		detail := fmt.Sprintf("The %s resource type has no attribute or block named %q.%s ignore_changes lists attributes of this resource; fix the name.", typeName, at.Name, didYouMean(at.Name, cur.Names()))
		if at.Name == "all" && len(trav) == 1 {
			detail = "To ignore changes to every attribute, write ignore_changes = all, without brackets."
		}
		return errorAt(at.SrcRange, "Unknown attribute in ignore_changes", detail)
	}
	return nil
}

// dependsOn reads a depends_on list: references to whole resources or
// resource instances.
func (d *decoder) dependsOn(expr hcl.Expression) []hcl.Traversal {
	exprs, diags := hcl.ExprList(expr)
	if diags.HasErrors() {
		d.diags = append(d.diags, errorAt(expr.Range(), "Invalid depends_on",
			"depends_on must be a list of resource references, such as [site.main, share.pkgsrc]. Write it as a list."))
		return nil
	}
	var out []hcl.Traversal
	for _, e := range exprs {
		trav, diags := hcl.AbsTraversalForExpr(e)
		if diags.HasErrors() {
			d.diags = append(d.diags, errorAt(e.Range(), "Invalid depends_on reference",
				"Each element of depends_on must be a reference to a resource, such as site.main, written without quotes. Fix the element."))
			continue
		}
		root := trav.RootName()
		if _, ok := d.types[root]; !ok {
			d.diags = append(d.diags, errorAt(trav[0].SourceRange(), "Invalid depends_on reference",
				fmt.Sprintf("%q is not a resource type.%s depends_on lists resources, such as site.main; fix the reference.", root, didYouMean(root, d.typeNames()))))
			continue
		}
		if len(trav) < 2 {
			d.diags = append(d.diags, errorAt(trav.SourceRange(), "Invalid depends_on reference",
				fmt.Sprintf("A reference in depends_on must name a resource: %s.NAME. Add the resource name.", root)))
			continue
		}
		if _, ok := trav[1].(hcl.TraverseAttr); !ok {
			d.diags = append(d.diags, errorAt(trav[1].SourceRange(), "Invalid depends_on reference",
				fmt.Sprintf("A reference in depends_on must name a resource: %s.NAME. Fix the reference.", root)))
			continue
		}
		extra := 2
		if len(trav) > 2 {
			if _, ok := trav[2].(hcl.TraverseIndex); ok {
				extra = 3
			}
		}
		if len(trav) > extra {
			rng := hcl.RangeBetween(trav[extra].SourceRange(), trav[len(trav)-1].SourceRange())
			d.diags = append(d.diags, errorAt(rng, "Invalid depends_on reference",
				"References in depends_on must be to a whole resource or one of its instances, not to an attribute of it. Remove the attribute from the reference."))
			continue
		}
		out = append(out, trav)
	}
	return out
}

// checkBody checks a body structurally against a block schema: unknown
// arguments and blocks, required arguments, computed-only attributes,
// nested block counts and (when allowDynamic) dynamic blocks. what names the
// enclosing block in messages, e.g. `site "main"`.
func checkBody(body hcl.Body, blk *schema.Block, declRange hcl.Range, what string, allowDynamic bool) hcl.Diagnostics {
	if plainBodyPasses(body, blk) {
		return nil
	}
	return checkContent(body, blk, declRange, what, allowDynamic)
}

// plainBodyPasses reports whether a native body of arguments only passes
// checkContent without a word, found without building its content: every
// argument is one blk lets be set, every required one is set, and blk
// requires no block.
func plainBodyPasses(body hcl.Body, blk *schema.Block) bool {
	sb, native := body.(*hclsyntax.Body)
	if !native || len(sb.Blocks) > 0 {
		return false
	}
	for name := range sb.Attributes {
		if a := blk.Attribute(name); a == nil || (a.Computed && !a.Optional) {
			return false
		}
	}
	for _, a := range blk.Attributes {
		if _, set := sb.Attributes[a.Name]; a.Required && !set {
			return false
		}
	}
	for _, nb := range blk.BlockTypes {
		if nb.MinItems > 0 {
			return false
		}
	}
	return true
}

// checkContent is checkBody on the body's content.
func checkContent(body hcl.Body, blk *schema.Block, declRange hcl.Range, what string, allowDynamic bool) hcl.Diagnostics {
	bs := &hcl.BodySchema{}
	for _, a := range blk.Attributes {
		bs.Attributes = append(bs.Attributes, hcl.AttributeSchema{Name: a.Name})
	}
	for _, nb := range blk.BlockTypes {
		bs.Blocks = append(bs.Blocks, nb.HeaderSchema())
	}
	if allowDynamic && len(blk.BlockTypes) > 0 {
		bs.Blocks = append(bs.Blocks, hcl.BlockHeaderSchema{Type: "dynamic", LabelNames: []string{"type"}})
	}
	content, diags := body.Content(bs)
	labelDiags(diags, blk)

	for _, a := range blk.Attributes {
		set, ok := content.Attributes[a.Name]
		switch {
		case ok && a.Computed && !a.Optional:
			diags = append(diags, errorAt(set.NameRange, "Computed attribute",
				fmt.Sprintf("%q is computed by the provider and cannot be set. Remove the argument; other blocks can refer to the value once it is known.", a.Name)))
		case !ok && a.Required:
			diags = append(diags, errorAt(declRange, "Missing required argument",
				fmt.Sprintf("The argument %q is required in %s, but no definition was found. Add %s = ... to the block.", a.Name, what, a.Name)))
		}
	}

	literal := map[string][]*hcl.Block{}
	dynamic := map[string]bool{}
	for _, b := range content.Blocks {
		if b.Type != "dynamic" {
			literal[b.Type] = append(literal[b.Type], b)
			continue
		}
		label := b.Labels[0]
		nb := blk.BlockType(label)
		if nb == nil {
			names := make([]string, 0, len(blk.BlockTypes))
			for _, t := range blk.BlockTypes {
				names = append(names, t.TypeName)
			}
			diags = append(diags, errorAt(b.LabelRanges[0], "Unsupported block type",
				fmt.Sprintf("Blocks of type %q are not expected in %s, so a dynamic block cannot generate them.%s The dynamic block's label must be one of %s.", label, what, didYouMean(label, names), quotedList(names))))
			continue
		}
		dynamic[label] = true
		diags = append(diags, checkDynamic(b, nb, what)...)
	}
	for _, nb := range blk.BlockTypes {
		blocks := literal[nb.TypeName]
		inner := fmt.Sprintf("%s block in %s", nb.TypeName, what)
		for _, b := range blocks {
			diags = append(diags, checkBody(b.Body, &nb.Block, b.DefRange, inner, allowDynamic)...)
		}
		if nb.Nesting == schema.NestingMap {
			diags = append(diags, duplicateLabels(nb, blocks, what)...)
		}
		if dynamic[nb.TypeName] {
			continue // the number of generated blocks is known only at evaluation
		}
		switch {
		case nb.Nesting == schema.NestingSingle && len(blocks) > 1:
			diags = append(diags, errorAt(blocks[1].DefRange, fmt.Sprintf("Duplicate %s block", nb.TypeName),
				fmt.Sprintf("Only one %s block is allowed in %s; another was declared at %s. Merge them into one.", nb.TypeName, what, blocks[0].DefRange.String())))
		case nb.Nesting == schema.NestingSingle && nb.MinItems > 0 && len(blocks) == 0:
			diags = append(diags, errorAt(declRange, fmt.Sprintf("Missing %s block", nb.TypeName),
				fmt.Sprintf("A %s block is required in %s. Add one.", nb.TypeName, what)))
		case nb.Nesting != schema.NestingSingle && nb.MaxItems > 0 && len(blocks) > nb.MaxItems:
			diags = append(diags, errorAt(blocks[nb.MaxItems].DefRange, fmt.Sprintf("Too many %s blocks", nb.TypeName),
				fmt.Sprintf("No more than %d %s blocks are allowed in %s. Remove the extra ones.", nb.MaxItems, nb.TypeName, what)))
		case nb.Nesting != schema.NestingSingle && len(blocks) < nb.MinItems:
			diags = append(diags, errorAt(declRange, fmt.Sprintf("Insufficient %s blocks", nb.TypeName),
				fmt.Sprintf("At least %d %s blocks are required in %s. Add the missing ones.", nb.MinItems, nb.TypeName, what)))
		}
	}
	return diags
}

// labelDiags rewrites HCL's diagnostic for a labeled block written without
// its label (an unlabeled `server { name = ... }` of old) to say what to
// write instead.
func labelDiags(diags hcl.Diagnostics, blk *schema.Block) {
	for _, d := range diags {
		for _, nb := range blk.BlockTypes {
			if nb.Nesting == schema.NestingMap && d.Summary == fmt.Sprintf("Missing %s for %s", schema.LabelName, nb.TypeName) {
				d.Summary = fmt.Sprintf("Missing %s block label", nb.TypeName)
				d.Detail = fmt.Sprintf("Each %s block is labeled with its name, which must be unique: %s \"NAME\" { ... }. Write the name after the block type, in quotes, and remove any name argument inside the block.", nb.TypeName, nb.TypeName)
			}
		}
	}
}

// duplicateLabels reports each labeled block whose label an earlier block
// of its type already has, at the later block's label.
func duplicateLabels(nb *schema.NestedBlock, blocks []*hcl.Block, what string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	first := map[string]*hcl.Block{}
	for _, b := range blocks {
		if len(b.Labels) != 1 {
			continue
		}
		label := b.Labels[0]
		if f, dup := first[label]; dup {
			diags = append(diags, errorAt(b.LabelRanges[0], fmt.Sprintf("Duplicate %s block", nb.TypeName),
				fmt.Sprintf("Two %s blocks in %s are labeled %q; labels are unique, and this one was first declared at %s. Merge the two blocks, or give this one another label.", nb.TypeName, what, label, f.DefRange.String())))
			continue
		}
		first[label] = b
	}
	return diags
}

var dynamicSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "for_each", Required: true}, {Name: "iterator"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "content"}},
}

// dynamicMapSchema is dynamicSchema for labeled blocks: labels = [key]
// gives each generated block its label.
var dynamicMapSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "for_each", Required: true}, {Name: "iterator"}, {Name: "labels", Required: true}},
	Blocks:     dynamicSchema.Blocks,
}

// checkDynamic checks a dynamic block and its content against the schema of
// the block type it generates.
func checkDynamic(b *hcl.Block, nb *schema.NestedBlock, what string) hcl.Diagnostics {
	ds := dynamicSchema
	if nb.Nesting == schema.NestingMap {
		ds = dynamicMapSchema
	}
	content, diags := b.Body.Content(ds)
	if a, ok := content.Attributes["iterator"]; ok {
		trav, tdiags := hcl.AbsTraversalForExpr(a.Expr)
		if tdiags.HasErrors() || len(trav) != 1 {
			diags = append(diags, errorAt(a.Expr.Range(), "Invalid dynamic iterator name",
				"The iterator must be a single name, such as ace, written without quotes. Fix the name."))
		}
	}
	var first *hcl.Block
	for _, c := range content.Blocks {
		if first != nil {
			diags = append(diags, errorAt(c.DefRange, "Duplicate content block",
				fmt.Sprintf("A dynamic block has exactly one content block; another was declared at %s. Merge them into one.", first.DefRange.String())))
			continue
		}
		first = c
		diags = append(diags, checkBody(c.Body, &nb.Block, c.DefRange, fmt.Sprintf("dynamic %q content in %s", nb.TypeName, what), true)...)
	}
	if first == nil {
		diags = append(diags, errorAt(b.DefRange, "Missing content block",
			fmt.Sprintf("A dynamic %q block needs a content block describing each generated %s block. Add content { ... }.", nb.TypeName, nb.TypeName)))
	}
	return diags
}
