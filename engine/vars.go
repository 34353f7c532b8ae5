package engine

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/lang"
	"github.com/updplan/updplan/engine/plan"
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
		}
		if v.Sensitive {
			e.addSecrets(val)
			val = val.Mark(lang.Sensitive)
		}
		if r := raw[name]; !d.HasErrors() && (r != nil || v.Default != cty.NilVal) {
			diags = append(diags, validateVariable(cfg, v, val, raw[name])...)
		}
		vals[name] = val
	}
	return vals, e.scrub(diags)
}

// addSecrets remembers the strings of a sensitive value, for scrub.
func (e *Engine) addSecrets(v cty.Value) {
	v, _ = v.UnmarkDeep()
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.secrets == nil {
		e.secrets = map[string]bool{}
	}
	_ = cty.Walk(v, func(_ cty.Path, x cty.Value) (bool, error) {
		if !x.IsKnown() || x.IsNull() {
			return false, nil
		}
		switch x.Type() {
		case cty.String:
			e.secrets[x.AsString()] = true
		case cty.Number:
			e.secrets[x.AsBigFloat().Text('f', -1)] = true
		}
		return true, nil
	})
}

// minSecretLen is the shortest sensitive string scrub takes out of
// messages: shorter ones would blank out ordinary words.
const minSecretLen = 3

// scrub takes the values of sensitive variables out of the summaries and
// details of diags, which checks, functions and providers write from plain
// values (an invalid site code, schedule or share name, a duplicate name,
// tonumber or file of a secret, an id built from one).
func (e *Engine) scrub(diags hcl.Diagnostics) hcl.Diagnostics {
	e.mu.Lock()
	var secrets []string
	for s := range e.secrets {
		if len(s) >= minSecretLen {
			// As written, quoted (%q escapes), and as a check that folds
			// case quotes it back.
			q := strconv.Quote(s)
			secrets = append(secrets, s, q[1:len(q)-1], strings.ToLower(s), strings.ToUpper(s))
		}
	}
	e.mu.Unlock()
	if len(secrets) == 0 {
		return diags
	}
	// Longest first, so a secret holding another is taken out whole.
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	for i, d := range diags {
		sum, det := d.Summary, d.Detail
		for _, s := range secrets {
			sum = strings.ReplaceAll(sum, s, "(sensitive value)")
			det = strings.ReplaceAll(det, s, "(sensitive value)")
		}
		if sum != d.Summary || det != d.Detail {
			c := *d
			c.Summary, c.Detail = sum, det
			diags[i] = &c
		}
	}
	return diags
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
		if m, d := rule.ErrorMessage.Value(ctx); !d.HasErrors() && m.IsKnown() && !m.IsNull() && m.Type() == cty.String {
			plainMsg, _ := m.Unmark()
			msg = plainMsg.AsString()
			if m.IsMarked() {
				// As Terraform: a message that interpolates a sensitive
				// value is not shown at all.
				msg = "The error message included a sensitive value, so it will not be displayed."
			}
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

// CheckSavedPlanVariables checks the -var and -var-file values given with
// a saved plan (in.Args) against the values the plan was made with. They
// are accepted, as OpenTofu accepts them, so that the settings evaluated
// before the plan is read (an encryption block's passphrase, the backend)
// can be given the same way as at `plan -out`; a value that differs from
// the plan's is refused, naming the variable but never its value: a saved
// plan is applied exactly as it was reviewed.
func (e *Engine) CheckSavedPlanVariables(cfg *config.Config, in Inputs, p *plan.Plan) hcl.Diagnostics {
	if len(in.Args) == 0 {
		return nil
	}
	given, diags := config.LoadVarValues(cfg, in.Args, nil)
	base, _ := config.LoadVarValues(cfg, nil, nil) // the variable files read anyway
	for _, name := range sortedKeys(given) {
		v := cfg.Variables[name]
		r := given[name]
		if v == nil || r == nil || (base[name] != nil && base[name].Value.RawEquals(r.Value)) {
			continue
		}
		val, d := variableValue(v, r, false)
		if v.Sensitive {
			e.addSecrets(val)
		}
		if d.HasErrors() {
			diags = append(diags, d...)
			continue
		}
		planned, ok := p.Variables[name]
		if ok && valuesEqual(val, planned) {
			continue
		}
		var subject *hcl.Range
		if !v.Sensitive { // the snippet would print a sensitive value
			subject = rangePtr(r.Range)
		}
		diags = append(diags, errorDiag("Variable differs from the saved plan",
			fmt.Sprintf("The value given for variable %q is not the one the plan was made with. A saved plan is applied exactly as it was reviewed; -var and -var-file with a plan file only serve to open it (the variables an encryption passphrase or the backend settings use). Give the value the plan was made with, leave the option out, or make a new plan.", name), subject))
	}
	return e.scrub(diags)
}
