package engine

import (
	"fmt"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/encryption"
	"github.com/updplan/updplan/engine/eval"
	"github.com/updplan/updplan/engine/lang"
	"github.com/updplan/updplan/engine/state"
	"github.com/zclconf/go-cty/cty"
)

// Early evaluation: the settings read before the state or any object
// (the backend block, the encryption block) may use variables, from every
// source, and local values that depend only on variables, as OpenTofu 1.8
// allows. Anything else is an error at the reference.

// earlyRefs finds the variables and locals exprs need, locals in the order
// they must be evaluated (dependencies first), and reports every reference
// to something that is not known before the state is read. what names the
// settings ("backend", "encryption") for messages.
func earlyRefs(cfg *config.Config, exprs []hcl.Expression, what string) (vars []string, locals []string, diags hcl.Diagnostics) {
	const (
		visiting = 1
		done     = 2
	)
	seen := map[string]int{}
	var visit func(expr hcl.Expression, via string)
	visit = func(expr hcl.Expression, via string) {
		for _, t := range expr.Variables() {
			rng := t.SourceRange()
			root := t.RootName()
			name := ""
			if len(t) > 1 {
				if a, ok := t[1].(hcl.TraverseAttr); ok {
					name = a.Name
				}
			}
			switch root {
			case "path":
				continue
			case "var":
				if _, ok := cfg.Variables[name]; !ok {
					diags = append(diags, errorDiag("Reference to undeclared input variable",
						fmt.Sprintf("The %s settings refer to var.%s, which is not declared. Declare it with a variable block, or fix the name.", what, name), &rng))
					continue
				}
				if !slices.Contains(vars, name) {
					vars = append(vars, name)
				}
				continue
			case "local":
				l, ok := cfg.Locals[name]
				if !ok {
					diags = append(diags, errorDiag("Reference to undeclared local value",
						fmt.Sprintf("The %s settings refer to local.%s, which is not declared. Declare it in a locals block, or fix the name.", what, name), &rng))
					continue
				}
				switch seen[name] {
				case visiting:
					diags = append(diags, errorDiag("Cycle in local values",
						fmt.Sprintf("local.%s depends on itself. Break the cycle.", name), &rng))
				case 0:
					seen[name] = visiting
					visit(l.Expr, "local."+name)
					seen[name] = done
					locals = append(locals, name)
				}
				continue
			}
			whom := fmt.Sprintf("the %s settings", what)
			if via != "" {
				whom = fmt.Sprintf("%s, which the %s settings use,", via, what)
			}
			diags = append(diags, errorDiag(fmt.Sprintf("Invalid reference in %s settings", what),
				fmt.Sprintf("The %s settings are evaluated before updplan reads the state or any object, so they can use only variables and local values that depend only on variables; %s refer to %s. Pass the value as a variable instead (-var, a .updvars file or UPDPLAN_VAR_name).", what, whom, traversalString(t)), &rng))
		}
	}
	for _, e := range exprs {
		visit(e, "")
	}
	return vars, locals, diags
}

// traversalString renders a traversal's root and attributes for messages
// ("site.main.code").
func traversalString(t hcl.Traversal) string {
	s := t.RootName()
	for _, step := range t[1:] {
		a, ok := step.(hcl.TraverseAttr)
		if !ok {
			break
		}
		s += "." + a.Name
	}
	return s
}

// earlyEvaluator evaluates what exprs need (see earlyRefs) from in and
// returns an evaluator that holds those variables (sensitive ones marked)
// and locals. Variables the expressions do not use are not read, so a
// missing required variable elsewhere is reported later, by the command,
// not here.
func (e *Engine) earlyEvaluator(cfg *config.Config, in Inputs, exprs []hcl.Expression, what string) (*eval.Evaluator, hcl.Diagnostics) {
	varNames, localNames, diags := earlyRefs(cfg, exprs, what)
	if diags.HasErrors() {
		return nil, diags
	}
	vals := map[string]cty.Value{}
	if len(varNames) > 0 {
		raw, d := config.LoadVarValues(cfg, in.Args, in.Env)
		diags = append(diags, d...)
		if d.HasErrors() {
			return nil, diags
		}
		for _, name := range varNames {
			v := cfg.Variables[name]
			if pv, ok := e.planVars[name]; ok {
				// Applying a saved plan: the value it was planned with, so
				// that it is applied to the state it was planned against.
				if v.Sensitive {
					pv = pv.Mark(lang.Sensitive)
				}
				vals[name] = pv
				continue
			}
			val, d := variableValue(v, raw[name], false)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			diags = append(diags, validateVariable(cfg, v, val, raw[name])...)
			if v.Sensitive {
				val = val.Mark(lang.Sensitive)
			}
			vals[name] = val
		}
		if diags.HasErrors() {
			return nil, diags
		}
	}
	ev := eval.New(cfg, vals)
	for _, name := range localNames {
		v, d := ev.Expr(cfg.Locals[name].Expr, eval.Scope{})
		diags = append(diags, d...)
		if d.HasErrors() {
			return nil, diags
		}
		ev.SetLocal(name, v)
	}
	return ev, diags
}

// backendExprs are the expressions of the backend block's arguments.
func backendExprs(cfg *config.Config) (map[string]*hcl.Attribute, []hcl.Expression, hcl.Diagnostics) {
	if cfg.Settings == nil || cfg.Settings.Backend == nil {
		return nil, nil, nil
	}
	attrs, diags := cfg.Settings.Backend.Config.JustAttributes()
	var exprs []hcl.Expression
	for _, name := range sortedKeys(attrs) {
		exprs = append(exprs, attrs[name].Expr)
	}
	return attrs, exprs, diags
}

// validateEarly checks, without evaluating, that the backend and
// encryption settings refer only to what early evaluation can give them (for validate).
func validateEarly(cfg *config.Config) hcl.Diagnostics {
	var out hcl.Diagnostics
	if _, exprs, diags := backendExprs(cfg); !diags.HasErrors() { // else reported by the structure check
		_, _, d := earlyRefs(cfg, exprs, "backend")
		out = append(out, d...)
	}
	if cfg.Settings != nil && cfg.Settings.Encryption != nil {
		_, _, d := earlyRefs(cfg, cfg.Settings.Encryption.PassphraseExprs(), "encryption")
		out = append(out, d...)
	}
	return out
}

// Encryption builds the configuration's encryption block (nil when there
// is none): its key providers' settings are evaluated early, like the
// backend's, with e.Inputs. It is built once per configuration, so that
// each key is derived once per run.
func (e *Engine) Encryption(cfg *config.Config) (*encryption.Encryption, hcl.Diagnostics) {
	if cfg.Settings == nil || cfg.Settings.Encryption == nil {
		return nil, nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.enc != nil && e.encFor == cfg {
		return e.enc, nil
	}
	spec := cfg.Settings.Encryption
	ev, diags := e.earlyEvaluator(cfg, e.Inputs, spec.PassphraseExprs(), "encryption")
	if diags.HasErrors() {
		return nil, diags
	}
	enc, d := spec.Build(func(expr hcl.Expression) (cty.Value, hcl.Diagnostics) { return ev.Expr(expr, eval.Scope{}) }, e.Inputs.Env)
	diags = append(diags, d...)
	if d.HasErrors() {
		return nil, diags
	}
	e.enc, e.encFor = enc, cfg
	return enc, diags
}

// encryptBackend makes be encrypt with the state target of cfg's
// encryption block.
func (e *Engine) encryptBackend(cfg *config.Config, be state.Backend) hcl.Diagnostics {
	enc, diags := e.Encryption(cfg)
	if diags.HasErrors() {
		return diags
	}
	if es, ok := be.(interface{ SetEncryption(*encryption.Target) }); ok && enc != nil {
		es.SetEncryption(enc.State)
	}
	return diags
}
