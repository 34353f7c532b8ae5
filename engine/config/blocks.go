package config

import (
	"fmt"
	"github.com/updplan/updplan/engine/encryption"

	version "github.com/hashicorp/go-version"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// backendSchemas are the bodies of the backends the engine knows.
var backendSchemas = map[string]*schema.Block{
	"local": {Attributes: []*schema.Attribute{
		{Name: "path", Type: cty.String, Optional: true, Doc: "State file, relative to the configuration directory (default updplan.state)."},
	}},
	"postgres": {Attributes: []*schema.Attribute{
		// The engine falls back to an environment variable when dsn is
		// not set (the DSN holds a password).
		{Name: "dsn", Type: cty.String, Optional: true, Sensitive: true, Doc: "PostgreSQL connection string."},
		{Name: "workspace", Type: cty.String, Optional: true, Doc: "Name under which the state is kept (default \"default\")."},
	}},
}

func (d *decoder) settings(b *hcl.Block) {
	if d.cfg.Settings != nil {
		d.diags = append(d.diags, duplicate("Duplicate updplan block", "An updplan block", d.cfg.Settings.DeclRange, b.DefRange))
		return
	}
	s := &Settings{DeclRange: b.DefRange}
	d.cfg.Settings = s
	content, diags := b.Body.Content(&hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "required_version"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "backend", LabelNames: []string{"type"}}, {Type: "encryption"}},
	})
	d.diags = append(d.diags, diags...)
	if a, ok := content.Attributes["required_version"]; ok {
		s.RequiredVersionRange = a.Expr.Range()
		v, diags := literalString(a.Expr, "required_version")
		d.diags = append(d.diags, diags...)
		if !diags.HasErrors() {
			if _, err := version.NewConstraint(v); err != nil {
				d.diags = append(d.diags, errorAt(a.Expr.Range(), "Invalid required_version",
					fmt.Sprintf("%q is not a version constraint: %s. Write one or more comma-separated constraints such as \">= 1.0, < 2.0\" or \"~> 1.2\".", v, err)))
			} else {
				s.RequiredVersion = v
			}
		}
	}
	for _, bb := range content.Blocks {
		if bb.Type == "encryption" {
			if s.Encryption != nil {
				d.diags = append(d.diags, duplicate("Duplicate encryption block", "An encryption block", s.Encryption.DeclRange, bb.DefRange))
				continue
			}
			spec, diags := encryption.Parse(bb.Body, bb.DefRange)
			d.diags = append(d.diags, diags...)
			s.Encryption = spec
			continue
		}
		typ := bb.Labels[0]
		if s.Backend != nil {
			d.diags = append(d.diags, duplicate("Duplicate backend block", "A backend block", s.Backend.DeclRange, bb.DefRange))
			continue
		}
		bs, ok := backendSchemas[typ]
		if !ok {
			d.diags = append(d.diags, errorAt(bb.LabelRanges[0], "Unknown backend type",
				fmt.Sprintf("There is no backend named %q.%s The backends are %s; use one of them.", typ, didYouMean(typ, []string{"local", "postgres"}), quotedList([]string{"local", "postgres"}))))
			continue
		}
		s.Backend = &Backend{Type: typ, Config: bb.Body, TypeRange: bb.LabelRanges[0], DeclRange: bb.DefRange}
		d.diags = append(d.diags, checkBody(bb.Body, bs, bb.DefRange, fmt.Sprintf("backend %q", typ), false)...)
	}
}

// reservedVariableNames may not name a variable (Terraform's list: they
// are, or may become, meta-arguments).
var reservedVariableNames = map[string]bool{
	"count": true, "for_each": true, "depends_on": true, "lifecycle": true,
	"providers": true, "source": true, "version": true, "locals": true,
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "sensitive"}, {Name: "nullable"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "validation"}},
}

var checkRuleSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "condition", Required: true}, {Name: "error_message", Required: true}},
}

func (d *decoder) variable(b *hcl.Block) {
	name := b.Labels[0]
	nameRange := b.LabelRanges[0]
	if diags := checkName(name, nameRange, "variable"); diags.HasErrors() {
		d.diags = append(d.diags, diags...)
		return
	}
	if reservedVariableNames[name] {
		d.diags = append(d.diags, errorAt(nameRange, "Reserved variable name",
			fmt.Sprintf("The name %q is reserved for a meta-argument and cannot name a variable; choose another name.", name)))
		return
	}
	if prev, ok := d.cfg.Variables[name]; ok {
		d.diags = append(d.diags, duplicate("Duplicate variable", fmt.Sprintf("A variable named %q", name), prev.DeclRange, b.DefRange))
		return
	}
	v := &Variable{Name: name, Type: cty.DynamicPseudoType, Nullable: true, DeclRange: b.DefRange}
	d.cfg.Variables[name] = v
	content, diags := b.Body.Content(variableSchema)
	d.diags = append(d.diags, diags...)

	typeOK := true
	if a, ok := content.Attributes["type"]; ok {
		ty, defaults, diags := typeExpr(a.Expr)
		d.diags = append(d.diags, diags...)
		if diags.HasErrors() {
			typeOK = false
		} else {
			v.Type, v.Defaults = ty, defaults
		}
	}
	if a, ok := content.Attributes["description"]; ok {
		s, diags := literalString(a.Expr, "description")
		d.diags = append(d.diags, diags...)
		v.Description = s
	}
	if a, ok := content.Attributes["sensitive"]; ok {
		bv, diags := literalBool(a.Expr, "sensitive")
		d.diags = append(d.diags, diags...)
		v.Sensitive = bv
	}
	if a, ok := content.Attributes["nullable"]; ok {
		bv, diags := literalBool(a.Expr, "nullable")
		d.diags = append(d.diags, diags...)
		if !diags.HasErrors() {
			v.Nullable = bv
		}
	}
	if a, ok := content.Attributes["default"]; ok {
		val, diags := a.Expr.Value(nil)
		d.diags = append(d.diags, diags...)
		if !diags.HasErrors() && typeOK {
			if v.Defaults != nil {
				val = v.Defaults.Apply(val)
			}
			conv, err := convert.Convert(val, v.Type)
			switch {
			case err != nil:
				d.diags = append(d.diags, errorAt(a.Expr.Range(), "Invalid default value for variable",
					fmt.Sprintf("This default value is not compatible with the variable's type constraint: %s. Change the default or the type.", convertErr(err))))
			case conv.IsNull() && !v.Nullable:
				d.diags = append(d.diags, errorAt(a.Expr.Range(), "Invalid default value for variable",
					"A null default value is not valid when nullable = false. Give a non-null default or remove nullable = false."))
			default:
				v.Default = conv
			}
		}
	}
	for _, vb := range content.Blocks {
		rule := d.checkRule(vb)
		if rule == nil {
			continue
		}
		d.diags = append(d.diags, checkValidationRefs(rule.Condition, name)...)
		v.Validations = append(v.Validations, rule)
	}
}

// typeExpr reads a type constraint. In JSON the constraint is a string that
// holds the native syntax, as in Terraform.
func typeExpr(expr hcl.Expression) (cty.Type, *typeexpr.Defaults, hcl.Diagnostics) {
	if _, native := expr.(hclsyntax.Expression); !native {
		val, diags := expr.Value(nil)
		if !diags.HasErrors() && val.IsKnown() && !val.IsNull() && val.Type() == cty.String {
			rng := expr.Range()
			start := rng.Start
			start.Column++ // past the opening quote
			start.Byte++
			parsed, pdiags := hclsyntax.ParseExpression([]byte(val.AsString()), rng.Filename, start)
			if pdiags.HasErrors() {
				return cty.DynamicPseudoType, nil, pdiags
			}
			expr = parsed
		}
	}
	return typeexpr.TypeConstraintWithDefaults(expr)
}

// convertErr renders a conversion error with its path, if any.
func convertErr(err error) string {
	if pe, ok := err.(cty.PathError); ok && len(pe.Path) > 0 {
		return fmt.Sprintf("%s: %s", pathString(pe.Path), pe.Error())
	}
	return err.Error()
}

func pathString(p cty.Path) string { return "attribute " + schema.PathString(p) }

// checkValidationRefs requires a validation condition to refer to its
// variable and to nothing else: it is evaluated with only var.NAME in scope.
func checkValidationRefs(cond hcl.Expression, name string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	self := false
	for _, t := range cond.Variables() {
		if t.RootName() == "var" && len(t) > 1 {
			if a, ok := t[1].(hcl.TraverseAttr); ok && a.Name == name {
				self = true
				continue
			}
		}
		diags = append(diags, errorAt(t.SourceRange(), "Invalid reference in variable validation",
			fmt.Sprintf("The condition for variable %q can only refer to the variable itself, using var.%s. Remove this reference.", name, name)))
	}
	if !self && !diags.HasErrors() {
		diags = append(diags, errorAt(cond.Range(), "Invalid variable validation condition",
			fmt.Sprintf("The condition for variable %q must refer to var.%s in order to test incoming values. Rewrite the condition so it tests var.%s.", name, name, name)))
	}
	return diags
}

// checkRule decodes a validation, precondition or postcondition block.
func (d *decoder) checkRule(b *hcl.Block) *CheckRule {
	content, diags := b.Body.Content(checkRuleSchema)
	d.diags = append(d.diags, diags...)
	cond, ok1 := content.Attributes["condition"]
	msg, ok2 := content.Attributes["error_message"]
	if !ok1 || !ok2 {
		return nil
	}
	return &CheckRule{Condition: cond.Expr, ErrorMessage: msg.Expr, DeclRange: b.DefRange}
}

func (d *decoder) locals(b *hcl.Block) {
	attrs, diags := b.Body.JustAttributes()
	d.diags = append(d.diags, diags...)
	names := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		names = append(names, a)
	}
	sortAttrs(names)
	for _, a := range names {
		if diags := checkName(a.Name, a.NameRange, "local value"); diags.HasErrors() {
			d.diags = append(d.diags, diags...)
			continue
		}
		if prev, ok := d.cfg.Locals[a.Name]; ok {
			d.diags = append(d.diags, duplicate("Duplicate local value", fmt.Sprintf("A local value named %q", a.Name), prev.DeclRange, a.NameRange))
			continue
		}
		d.cfg.Locals[a.Name] = &Local{Name: a.Name, Expr: a.Expr, DeclRange: a.NameRange}
	}
}

// sortAttrs orders attributes by source position, so that duplicates are
// reported on the later one.
func sortAttrs(list []*hcl.Attribute) {
	for i := 1; i < len(list); i++ {
		for j := i; j > 0 && list[j].Range.Start.Byte < list[j-1].Range.Start.Byte; j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
}

var outputSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "value", Required: true}, {Name: "description"}, {Name: "sensitive"}, {Name: "depends_on"}},
}

func (d *decoder) output(b *hcl.Block) {
	name := b.Labels[0]
	if diags := checkName(name, b.LabelRanges[0], "output"); diags.HasErrors() {
		d.diags = append(d.diags, diags...)
		return
	}
	if prev, ok := d.cfg.Outputs[name]; ok {
		d.diags = append(d.diags, duplicate("Duplicate output", fmt.Sprintf("An output named %q", name), prev.DeclRange, b.DefRange))
		return
	}
	o := &Output{Name: name, DeclRange: b.DefRange}
	d.cfg.Outputs[name] = o
	content, diags := b.Body.Content(outputSchema)
	d.diags = append(d.diags, diags...)
	if a, ok := content.Attributes["value"]; ok {
		o.Expr = a.Expr
	}
	if a, ok := content.Attributes["description"]; ok {
		s, diags := literalString(a.Expr, "description")
		d.diags = append(d.diags, diags...)
		o.Description = s
	}
	if a, ok := content.Attributes["sensitive"]; ok {
		bv, diags := literalBool(a.Expr, "sensitive")
		d.diags = append(d.diags, diags...)
		o.Sensitive = bv
	}
	if a, ok := content.Attributes["depends_on"]; ok {
		o.DependsOn = d.dependsOn(a.Expr)
	}
}

func (d *decoder) provider(b *hcl.Block) {
	name := b.Labels[0]
	p, ok := d.providers[name]
	if !ok {
		d.diags = append(d.diags, errorAt(b.LabelRanges[0], "Unknown provider",
			fmt.Sprintf("There is no provider named %q.%s The providers are %s; use one of them.", name, didYouMean(name, d.providerNames()), quotedList(d.providerNames()))))
		return
	}
	if prev, ok := d.cfg.Providers[name]; ok {
		d.diags = append(d.diags, duplicate("Duplicate provider configuration", fmt.Sprintf("A provider %q block", name), prev.DeclRange, b.DefRange))
		return
	}
	d.cfg.Providers[name] = &ProviderBlock{Name: name, Config: b.Body, NameRange: b.LabelRanges[0], DeclRange: b.DefRange}
	d.diags = append(d.diags, checkBody(b.Body, &p.Config, b.DefRange, fmt.Sprintf("provider %q", name), false)...)
}

var importSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "to", Required: true}, {Name: "id", Required: true}},
}

func (d *decoder) importBlock(b *hcl.Block) {
	content, diags := b.Body.Content(importSchema)
	d.diags = append(d.diags, diags...)
	to, ok1 := content.Attributes["to"]
	id, ok2 := content.Attributes["id"]
	if !ok1 || !ok2 {
		return
	}
	inst, ok := d.address(to.Expr, "to")
	if !ok {
		return
	}
	if prev, ok := d.importTo[inst]; ok {
		d.diags = append(d.diags, duplicate("Duplicate import target", fmt.Sprintf("An import block for %s", inst), prev, to.Expr.Range()))
		return
	}
	d.importTo[inst] = to.Expr.Range()
	d.cfg.Imports = append(d.cfg.Imports, &Import{To: inst, ToRange: to.Expr.Range(), ID: id.Expr, DeclRange: b.DefRange})
}

var movedSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "from", Required: true}, {Name: "to", Required: true}},
}

func (d *decoder) moved(b *hcl.Block) {
	content, diags := b.Body.Content(movedSchema)
	d.diags = append(d.diags, diags...)
	fromAttr, ok1 := content.Attributes["from"]
	toAttr, ok2 := content.Attributes["to"]
	if !ok1 || !ok2 {
		return
	}
	from, okFrom := d.address(fromAttr.Expr, "from")
	to, okTo := d.address(toAttr.Expr, "to")
	if !okFrom || !okTo {
		return
	}
	switch {
	case from == to:
		d.diags = append(d.diags, errorAt(toAttr.Expr.Range(), "Redundant moved block",
			fmt.Sprintf("This moved block moves %s to itself. Remove the block, or fix one of the addresses.", from)))
		return
	case from.Resource.Type != to.Resource.Type:
		d.diags = append(d.diags, errorAt(toAttr.Expr.Range(), "Resource type mismatch",
			fmt.Sprintf("A moved block can only rename a resource, not change its type: %s is a %s and %s a %s. Keep the type, or remove the old object and create the new one.",
				from, from.Resource.Type, to, to.Resource.Type)))
		return
	}
	if prev, ok := d.movedFrom[from]; ok {
		d.diags = append(d.diags, duplicate("Ambiguous move statements", fmt.Sprintf("A moved block from %s", from), prev, fromAttr.Expr.Range()))
		return
	}
	d.movedFrom[from] = fromAttr.Expr.Range()
	d.cfg.Moved = append(d.cfg.Moved, &Moved{From: from, To: to, DeclRange: b.DefRange})
}

// address reads a resource instance address written as a reference
// (`site.main`, `share.s["a"]`) and checks that its type exists.
func (d *decoder) address(expr hcl.Expression, what string) (addr.Instance, bool) {
	trav, diags := hcl.AbsTraversalForExpr(expr)
	if diags.HasErrors() {
		d.diags = append(d.diags, errorAt(expr.Range(), "Invalid resource address",
			fmt.Sprintf("The %s argument must be a resource address such as site.main, collection.c[0] or share.s[\"a\"], written without quotes.", what)))
		return addr.Instance{}, false
	}
	inst, diags := addr.InstanceFromTraversal(trav, string(rangeBytes(d.cfg, expr.Range())))
	if diags.HasErrors() {
		d.diags = append(d.diags, diags...)
		return addr.Instance{}, false
	}
	if _, ok := d.types[inst.Resource.Type]; !ok {
		rng := trav[0].SourceRange()
		d.diags = append(d.diags, errorAt(rng, "Unknown resource type",
			fmt.Sprintf("There is no resource type named %q.%s Use one of the resource types: %s.", inst.Resource.Type, didYouMean(inst.Resource.Type, d.typeNames()), quotedList(d.typeNames()))))
		return addr.Instance{}, false
	}
	return inst, true
}

// rangeBytes returns the source text of a range, for messages.
func rangeBytes(cfg *Config, rng hcl.Range) []byte {
	f := cfg.Files[rng.Filename]
	if f == nil || rng.End.Byte > len(f.Bytes) || rng.Start.Byte > rng.End.Byte || rng.Start.Byte < 0 {
		return nil
	}
	return f.Bytes[rng.Start.Byte:rng.End.Byte]
}
