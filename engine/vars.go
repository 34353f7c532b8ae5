package engine

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/lang"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// variableValues evaluates every root variable from the inputs, defaults
// and validations. With allowUnknown (validate), a variable without a value
// is unknown instead of an error. Sensitive variables come back marked.
func (e *Engine) variableValues(cfg *config.Config, in Inputs, allowUnknown bool) (map[string]cty.Value, hcl.Diagnostics) {
	raw, diags := config.LoadVarValues(cfg, in.Args, in.Env)
	vals := make(map[string]cty.Value, len(cfg.Variables))
	for _, name := range sortedKeys(cfg.Variables) {
		v := cfg.Variables[name]
		val, d := variableValue(v, raw[name], allowUnknown)
		diags = append(diags, d...)
		if d.HasErrors() {
			val = cty.UnknownVal(v.Type)
		} else if r := raw[name]; r != nil || v.Default != cty.NilVal {
			diags = append(diags, validateVariable(cfg, v, val, raw[name])...)
		}
		if v.Sensitive {
			val = val.Mark(lang.Sensitive)
		}
		vals[name] = val
	}
	return vals, diags
}

func variableValue(v *config.Variable, raw *config.RawValue, allowUnknown bool) (cty.Value, hcl.Diagnostics) {
	ty := v.Type
	if ty == cty.NilType {
		ty = cty.DynamicPseudoType
	}
	var val cty.Value
	var subject hcl.Range
	switch {
	case raw != nil:
		subject = raw.Range
		val = raw.Value
		if raw.FromString && ty != cty.String && ty != cty.DynamicPseudoType {
			expr, diags := hclsyntax.ParseExpression([]byte(raw.Value.AsString()), raw.Range.Filename, raw.Range.Start)
			if diags.HasErrors() {
				return cty.NilVal, hcl.Diagnostics{errorDiag("Invalid value for input variable",
					fmt.Sprintf("The value given for variable %q is not valid HCL for its type %s. Write it as an HCL value, e.g. -var '%s=[\"a\", \"b\"]' for a list.", v.Name, ty.FriendlyName(), v.Name), rangePtr(subject))}
			}
			val, diags = expr.Value(nil)
			if diags.HasErrors() {
				return cty.NilVal, diags
			}
		}
	case v.Default != cty.NilVal:
		val = v.Default
		subject = v.DeclRange
	default:
		if allowUnknown {
			return cty.UnknownVal(ty), nil
		}
		return cty.NilVal, hcl.Diagnostics{errorDiag("No value for required variable",
			fmt.Sprintf("The variable %q has no default and no value was given. Set it with -var '%s=...', in updplan.updvars or a *.auto.updvars file, or in the environment as UPDPLAN_VAR_%s.", v.Name, v.Name, v.Name), rangePtr(v.DeclRange))}
	}
	if val.IsNull() {
		if !v.Nullable {
			return cty.NilVal, hcl.Diagnostics{errorDiag("Required variable is null",
				fmt.Sprintf("The variable %q does not accept null (nullable = false). Give it a value.", v.Name), rangePtr(subject))}
		}
		return cty.NullVal(ty), nil
	}
	if v.Defaults != nil {
		val = v.Defaults.Apply(val)
	}
	conv, err := convert.Convert(val, ty)
	if err != nil {
		return cty.NilVal, hcl.Diagnostics{errorDiag("Invalid value for input variable",
			fmt.Sprintf("The value given for variable %q is not suitable: %s. The variable's type is %s.", v.Name, err, ty.FriendlyName()), rangePtr(subject))}
	}
	return conv, nil
}

func validateVariable(cfg *config.Config, v *config.Variable, val cty.Value, raw *config.RawValue) hcl.Diagnostics {
	var diags hcl.Diagnostics
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(map[string]cty.Value{v.Name: val})},
		Functions: lang.Functions(cfg.Dir),
	}
	for _, rule := range v.Validations {
		ok, d := rule.Condition.Value(ctx)
		if d.HasErrors() {
			diags = append(diags, d...)
			continue
		}
		if !ok.IsKnown() {
			continue
		}
		ok, _ = ok.Unmark()
		if ok.IsNull() || ok.Type() != cty.Bool {
			rng := rule.Condition.Range()
			diags = append(diags, errorDiag("Invalid validation condition", "The condition of a validation block must be true or false.", &rng))
			continue
		}
		if ok.True() {
			continue
		}
		msg := "The value is not valid."
		if m, d := rule.ErrorMessage.Value(ctx); !d.HasErrors() && m.IsKnown() && !m.IsNull() && m.Type() == cty.String && !m.IsMarked() {
			msg = m.AsString()
		}
		subject := rule.Condition.Range()
		if raw != nil && raw.Range.Filename != "" {
			subject = raw.Range
		}
		cond := rule.Condition.Range()
		diags = append(diags, errorDiag("Invalid value for variable",
			fmt.Sprintf("%s\n\nThis was checked by the validation rule at %s.", msg, cond.String()), &subject))
	}
	return diags
}
