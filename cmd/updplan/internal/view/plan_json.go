package view

import (
	"io"
	"maps"
	"slices"
	"time"

	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/engine/state"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// PlanFormatVersion is the format_version of the plan JSON: Terraform's
// 1.2, so that terraform-json, OPA/conftest and other policy tools read it.
const PlanFormatVersion = "1.2"

// StateFormatVersion is the format_version of state JSON (show -json).
const StateFormatVersion = "1.0"

// WritePlanJSON writes a plan in Terraform's plan JSON format 1.2. Unlike
// Terraform, sensitive values are redacted (null) everywhere — before,
// after, planned_values, prior_state, variables, output_changes,
// configuration — while the before_sensitive/after_sensitive/
// sensitive_values masks still mark them.
func WritePlanJSON(w io.Writer, in PlanJSONInput) error {
	return writeJSONIndent(w, planJSON(in))
}

func planJSON(in PlanJSONInput) map[string]any {
	p, s := in.Plan, in.Schemas
	doc := map[string]any{
		"format_version":    PlanFormatVersion,
		"terraform_version": in.Version,
		"applyable":         p.Applyable(),
		"complete":          !p.Errored && len(p.Targets) == 0,
		"errored":           p.Errored,
	}
	if !p.Timestamp.IsZero() {
		doc["timestamp"] = p.Timestamp.UTC().Format(time.RFC3339)
	}

	vars := map[string]any{}
	for _, name := range sortedKeys(p.Variables) {
		v, marked := unmark(p.Variables[name])
		if p.SensitiveVariables[name] || len(marked) > 0 {
			// The value is left out (the key absent, as Terraform leaves
			// out a value it does not have); configuration.root_module.
			// variables marks the variable sensitive.
			vars[name] = map[string]any{}
			continue
		}
		vars[name] = map[string]any{"value": jsonValue(v, nil, sensitivity{})}
	}
	doc["variables"] = vars

	changes := slices.Clone(p.Changes)
	sortChanges(changes)
	rcs := []any{}
	planned := []any{}
	for _, c := range changes {
		rcs = append(rcs, resourceChangeJSON(c, s, false))
		if c.Action != plan.Delete {
			after, marked := unmark(c.After)
			sens := sensitivity{blk: blockOf(s, c.Type, after), paths: append(slices.Clone(c.AfterSensitive), marked...)}
			r := resourceJSON(c.Addr, c.Type, providerOf(c.Provider, c.Type, s), after, sens.paths, s)
			planned = append(planned, r)
		}
	}
	doc["resource_changes"] = rcs

	drift := slices.Clone(p.Drift)
	sortChanges(drift)
	rd := []any{}
	for _, c := range drift {
		rd = append(rd, resourceChangeJSON(c, s, true))
	}
	// Terraform's jsonplan omits resource_drift, relevant_attributes and
	// output_changes when they are empty (omitempty), and so does this.
	if len(rd) > 0 {
		doc["resource_drift"] = rd
	}
	if ra := relevantAttributes(p); len(ra) > 0 {
		doc["relevant_attributes"] = ra
	}

	outChanges := map[string]any{}
	plannedOutputs := map[string]any{}
	for _, o := range p.Outputs {
		outChanges[o.Name] = outputChangeJSON(o)
		if o.Action != plan.Delete {
			plannedOutputs[o.Name] = outputJSON(o.After, o.Sensitive)
		}
	}
	if len(outChanges) > 0 {
		doc["output_changes"] = outChanges
	}
	doc["planned_values"] = map[string]any{
		"outputs":     plannedOutputs,
		"root_module": map[string]any{"resources": planned},
	}

	if len(p.Checks) > 0 {
		doc["checks"] = checksJSON(p.Checks)
	}
	if p.PriorState != nil {
		doc["prior_state"] = stateJSON(p.PriorState, s, in.Version)
	}
	addDataJSON(doc, p, in.Version)
	doc["configuration"] = configurationJSON(in.Config, s)
	return doc
}

// checksJSON is the top-level "checks" of Terraform's plan JSON (its
// jsonchecks package): one entry per resource with conditions, with its
// aggregate status and one entry per instance; problems only for failures.
func checksJSON(checks []*plan.CheckResult) []any {
	out := []any{}
	for _, c := range checks {
		insts := []any{}
		for _, in := range c.Instances {
			a := map[string]any{"to_display": in.Addr.String()}
			if idx, ok := indexJSON(in.Addr.Key); ok {
				a["instance_key"] = idx
			}
			m := map[string]any{"address": a, "status": string(in.Status)}
			if len(in.Problems) > 0 {
				probs := []any{}
				for _, msg := range in.Problems {
					probs = append(probs, map[string]any{"message": msg})
				}
				m["problems"] = probs
			}
			insts = append(insts, m)
		}
		out = append(out, map[string]any{
			"address": map[string]any{
				"kind":       "resource",
				"mode":       "managed",
				"type":       c.Resource.Type,
				"name":       c.Resource.Name,
				"to_display": c.Resource.String(),
			},
			"status":    string(c.Status()),
			"instances": insts,
		})
	}
	return out
}

// resourceChangeJSON is one entry of resource_changes or resource_drift.
func resourceChangeJSON(c *plan.ResourceChange, s Schemas, drift bool) map[string]any {
	before, bMarked := unmark(c.Before)
	after, aMarked := unmark(c.After)
	if c.Action == plan.Create && !drift {
		before = cty.NullVal(after.Type())
	}
	if c.Action == plan.Delete {
		after = cty.NullVal(before.Type())
	}
	blk := blockOf(s, c.Type, before, after)
	bs := sensitivity{blk: blk, paths: append(slices.Clone(c.BeforeSensitive), bMarked...)}
	as := sensitivity{blk: blk, paths: append(slices.Clone(c.AfterSensitive), aMarked...)}

	change := map[string]any{
		"actions":          c.Action.Actions(),
		"before":           jsonValue(before, nil, bs),
		"after":            jsonValue(after, nil, as),
		"after_unknown":    afterUnknownJSON(after),
		"before_sensitive": sensMaskOrFalse(before, bs),
		"after_sensitive":  sensMaskOrFalse(after, as),
	}
	if len(c.ReplacePaths) > 0 {
		rp := []any{}
		for _, path := range c.ReplacePaths {
			rp = append(rp, pathJSON(path))
		}
		change["replace_paths"] = rp
	}
	if c.ImportID != "" && !drift {
		change["importing"] = map[string]any{"id": c.ImportID}
	}
	rc := map[string]any{
		"address":       c.Addr.String(),
		"mode":          "managed",
		"type":          c.Addr.Resource.Type,
		"name":          c.Addr.Resource.Name,
		"provider_name": ProviderFullName(providerOf(c.Provider, c.Type, s)),
		"change":        change,
	}
	if idx, ok := indexJSON(c.Addr.Key); ok {
		rc["index"] = idx
	}
	if c.PrevAddr != (addr.Instance{}) {
		rc["previous_address"] = c.PrevAddr.String()
	}
	if c.Reason != plan.ReasonNone {
		rc["action_reason"] = string(c.Reason)
	}
	return rc
}

// afterUnknownJSON is a resource change's after_unknown: {} when after is
// wholly known (lists included), the mask otherwise.
func afterUnknownJSON(after cty.Value) any {
	if after.IsWhollyKnown() {
		return map[string]any{}
	}
	return orEmptyObject(unknownMask(after))
}

// sensMaskOrFalse is Terraform's *_sensitive: false for a null value, the
// mask otherwise.
func sensMaskOrFalse(v cty.Value, sens sensitivity) any {
	if v.IsNull() {
		return false
	}
	return sensitiveMask(v, sens)
}

func outputChangeJSON(o *plan.OutputChange) map[string]any {
	before, bm := unmark(o.Before)
	after, am := unmark(o.After)
	sensitive := o.Sensitive || len(bm) > 0 || len(am) > 0
	if o.Action == plan.Create {
		before = cty.NullVal(after.Type())
	}
	if o.Action == plan.Delete {
		after = cty.NullVal(before.Type())
	}
	value := func(v cty.Value) any {
		if sensitive {
			return nil
		}
		return jsonValue(v, nil, sensitivity{})
	}
	var afterUnknown any = false
	if !after.IsKnown() {
		afterUnknown = true
	} else if !after.IsWhollyKnown() {
		afterUnknown = unknownMask(after)
	}
	return map[string]any{
		"actions":          o.Action.Actions(),
		"before":           value(before),
		"after":            value(after),
		"after_unknown":    afterUnknown,
		"before_sensitive": sensitive,
		"after_sensitive":  sensitive,
	}
}

// relevantAttributes lists the drifted attributes of objects the plan
// changes, as {resource, attribute: [path steps]}.
func relevantAttributes(p *plan.Plan) []any {
	out := []any{}
	drift := slices.Clone(p.Drift)
	sortChanges(drift)
	for _, d := range drift {
		c := p.Change(d.Addr)
		if c == nil || c.Action == plan.NoOp {
			continue
		}
		before, _ := unmark(d.Before)
		after, _ := unmark(d.After)
		for _, name := range changedAttributes(before, after) {
			out = append(out, map[string]any{"resource": d.Addr.String(), "attribute": []any{name}})
		}
	}
	return out
}

// changedAttributes names the top-level attributes that differ, sorted.
func changedAttributes(before, after cty.Value) []string {
	names := map[string]bool{}
	for _, v := range []cty.Value{before, after} {
		if v.Type().IsObjectType() {
			for n := range v.Type().AttributeTypes() {
				names[n] = true
			}
		}
	}
	var out []string
	for _, n := range sortedKeys(names) {
		b, a := attrOf(before, n), attrOf(after, n)
		if !(b.IsNull() && a.IsNull()) && !b.RawEquals(a) {
			out = append(out, n)
		}
	}
	return out
}

// stateJSON is Terraform's state representation (show -json of a state,
// prior_state of a plan).
func stateJSON(st *state.State, s Schemas, version string) map[string]any {
	return map[string]any{
		"format_version":    StateFormatVersion,
		"terraform_version": version,
		"values":            valuesJSON(st, s),
	}
}

// WriteStateJSON writes a state the way `show -json` does:
// {"format_version":"1.0","terraform_version","values":{"outputs",
// "root_module":{"resources":[...]}}}, sensitive values null with the
// sensitive_values masks kept.
func WriteStateJSON(w io.Writer, st *state.State, s Schemas, version string) error {
	return writeJSONIndent(w, stateJSON(st, s, version))
}

// configurationJSON is the "configuration" key. Constant values of
// sensitive attributes (provider secrets, sensitive resource attributes) and
// sensitive variable defaults are redacted.
func configurationJSON(c *ConfigSummary, s Schemas) map[string]any {
	providers := map[string]any{}
	root := map[string]any{}
	if c == nil {
		return map[string]any{"provider_config": providers, "root_module": root}
	}
	for _, name := range sortedKeys(c.ProviderConfigs) {
		var sensitive func(string) bool
		for _, p := range schema.Providers() {
			if p.Name == name {
				cfg := p.Config
				sensitive = func(a string) bool { at := cfg.Attribute(a); return at != nil && at.Sensitive }
			}
		}
		providers[name] = map[string]any{
			"name":        name,
			"full_name":   ProviderFullName(name),
			"expressions": redactExpressions(c.ProviderConfigs[name], sensitive),
		}
	}
	// Every provider a resource uses has an entry, configured or not, as
	// in Terraform: name and full_name, expressions only when a provider
	// block sets some.
	for _, r := range c.Resources {
		name := r.Provider
		if name == "" {
			name = providerOf("", r.Type, s)
		}
		if _, ok := providers[name]; !ok && name != "unknown" {
			providers[name] = map[string]any{"name": name, "full_name": ProviderFullName(name)}
		}
	}
	resources := []any{}
	for _, r := range c.Resources {
		var sensitive func(string) bool
		mode, types := "managed", s
		if r.Data {
			mode, types = "data", dataSchemas{}
		}
		if types != nil {
			if rt := types.ResourceType(r.Type); rt != nil {
				blk := rt.Block
				sensitive = func(a string) bool { at := blk.Attribute(a); return at != nil && at.Sensitive }
			}
		}
		provider := r.Provider
		if provider == "" {
			provider = providerOf("", r.Type, s)
		}
		m := map[string]any{
			"address":             r.Address,
			"mode":                mode,
			"type":                r.Type,
			"name":                r.Name,
			"provider_config_key": provider,
			"expressions":         redactExpressions(r.Expressions, sensitive),
			"schema_version":      0,
		}
		if r.CountExpression != nil {
			m["count_expression"] = r.CountExpression
		}
		if r.ForEachExpr != nil {
			m["for_each_expression"] = r.ForEachExpr
		}
		resources = append(resources, m)
	}
	root["resources"] = resources
	outputs := map[string]any{}
	for _, name := range sortedKeys(c.Outputs) {
		o := c.Outputs[name]
		expr := o.Expression
		if o.Sensitive {
			expr = redactExpressions(map[string]any{"x": expr}, func(string) bool { return true })["x"].(map[string]any)
		}
		out := map[string]any{"expression": orEmptyMap(expr)}
		if o.Sensitive {
			out["sensitive"] = true
		}
		outputs[name] = out
	}
	root["outputs"] = outputs
	variables := map[string]any{}
	for _, name := range sortedKeys(c.Variables) {
		v := c.Variables[name]
		m := map[string]any{}
		if v.Default != nil {
			if v.Sensitive {
				m["default"] = nil
			} else {
				m["default"] = v.Default
			}
		}
		if v.Description != "" {
			m["description"] = v.Description
		}
		if v.Sensitive {
			m["sensitive"] = true
		}
		variables[name] = m
	}
	root["variables"] = variables
	return map[string]any{"provider_config": providers, "root_module": root}
}

func orEmptyMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// redactExpressions copies expressions, replacing the constant_value of
// sensitive attributes with null (references are kept).
func redactExpressions(exprs map[string]any, sensitive func(string) bool) map[string]any {
	out := map[string]any{}
	for k, e := range exprs {
		m, ok := e.(map[string]any)
		if sensitive == nil || !sensitive(k) || !ok {
			out[k] = e
			continue
		}
		m = maps.Clone(m)
		if _, has := m["constant_value"]; has {
			m["constant_value"] = nil
		}
		out[k] = m
	}
	return out
}
