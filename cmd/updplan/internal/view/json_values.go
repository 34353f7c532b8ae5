package view

import (
	"encoding/json"
	"slices"

	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/state"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// ProviderSourcePrefix makes a provider's full name in plan and state JSON:
// "registry.updplan.dev/builtin/" + the provider name, e.g.
// "registry.updplan.dev/builtin/sitedb". The providers are built into
// updplan, so the name is stable and never resolved.
const ProviderSourcePrefix = "registry.updplan.dev/builtin/"

// ProviderFullName is the provider_name of Terraform's JSON for a built-in
// provider.
func ProviderFullName(provider string) string { return ProviderSourcePrefix + provider }

// jsonValue converts a value for JSON: sensitive and unknown leaves become
// null, and unknown object attributes are left out (as Terraform does).
func jsonValue(v cty.Value, path cty.Path, sens sensitivity) any {
	switch {
	case v == cty.NilVal || sens.at(path) || !v.IsKnown() || v.IsNull():
		return nil
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return redactURL(v.AsString())
	case ty == cty.Number:
		return json.Number(v.AsBigFloat().Text('f', -1))
	case ty == cty.Bool:
		return v.True()
	case ty.IsObjectType():
		m := map[string]any{}
		for name := range ty.AttributeTypes() {
			av := v.GetAttr(name)
			if !av.IsKnown() {
				continue
			}
			m[name] = jsonValue(av, path.GetAttr(name), sens)
		}
		return m
	case ty.IsMapType():
		m := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			m[k.AsString()] = jsonValue(e, path.Index(k), sens)
		}
		return m
	case ty.IsListType() || ty.IsTupleType():
		out := []any{}
		i := 0
		for it := v.ElementIterator(); it.Next(); i++ {
			_, e := it.Element()
			out = append(out, jsonValue(e, path.IndexInt(i), sens))
		}
		return out
	case ty.IsSetType():
		out := []any{}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			out = append(out, jsonValue(e, path.Index(e), sens))
		}
		return out
	}
	// Capsules and dynamic values: let cty decide, never for secrets (the
	// sensitive case returned above).
	if b, err := (ctyjson.SimpleJSONValue{Value: v}).MarshalJSON(); err == nil {
		return json.RawMessage(b)
	}
	return nil
}

// mask builds the *_sensitive, sensitive_values and after_unknown shapes
// the way Terraform's plan JSON does (internal/command/jsonstate
// SensitiveAsBool, jsonplan unknownAsBool): true where leaf reports true;
// a null or primitive value is false; an object or map is an object that
// mirrors the value, keeping only the entries that are not false (so it may
// be {}); a list, set or tuple is an array with one entry per element ([]
// when empty or unknown). unknownTrue makes an unknown collection true (the
// after_unknown rule) instead of empty.
func mask(v cty.Value, path cty.Path, leaf func(cty.Value, cty.Path) bool, unknownTrue bool) any {
	if v == cty.NilVal {
		return false
	}
	if leaf(v, path) {
		return true
	}
	ty := v.Type()
	switch {
	case v.IsNull() || ty.IsPrimitiveType() || ty == cty.DynamicPseudoType:
		return false
	case !v.IsKnown():
		if unknownTrue {
			return true
		}
		if ty.IsObjectType() || ty.IsMapType() {
			return false
		}
		return []any{}
	case ty.IsObjectType() || ty.IsMapType():
		m := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			p := path.GetAttr(k.AsString())
			if ty.IsMapType() {
				p = path.Index(k)
			}
			if x := mask(e, p, leaf, unknownTrue); x != false {
				m[k.AsString()] = x
			}
		}
		return m
	case ty.IsListType() || ty.IsTupleType() || ty.IsSetType():
		out := []any{}
		i := 0
		for it := v.ElementIterator(); it.Next(); i++ {
			_, e := it.Element()
			p := path.IndexInt(i)
			if ty.IsSetType() {
				p = path.Index(e)
			}
			out = append(out, mask(e, p, leaf, unknownTrue))
		}
		return out
	}
	return false
}

// sensitiveMask is Terraform's *_sensitive and sensitive_values shape.
func sensitiveMask(v cty.Value, sens sensitivity) any {
	return mask(v, nil, func(_ cty.Value, p cty.Path) bool { return sens.at(p) }, false)
}

// unknownMask is Terraform's after_unknown shape.
func unknownMask(v cty.Value) any {
	return mask(v, nil, func(v cty.Value, _ cty.Path) bool {
		return !v.IsKnown() && (v.Type().IsPrimitiveType() || v.Type() == cty.DynamicPseudoType)
	}, true)
}

// pathJSON renders a path as Terraform's list of steps.
func pathJSON(p cty.Path) []any {
	out := []any{}
	for _, step := range p {
		switch s := step.(type) {
		case cty.GetAttrStep:
			out = append(out, s.Name)
		case cty.IndexStep:
			out = append(out, jsonValue(s.Key, nil, sensitivity{}))
		}
	}
	return out
}

// indexJSON is the "index" of an instance: a number, a string, or absent.
func indexJSON(k addr.Key) (any, bool) {
	switch k.Kind() {
	case addr.IntKeyKind:
		return k.Int(), true
	case addr.StrKeyKind:
		return k.Str(), true
	}
	return nil, false
}

// resourceJSON is one resource of a values representation (planned_values,
// prior_state, show -json of state).
func resourceJSON(a addr.Instance, typ, provider string, v cty.Value, sensPaths []cty.Path, s Schemas) map[string]any {
	v, marked := unmark(v)
	sens := sensitivity{blk: blockOf(s, typ, v), paths: append(slices.Clone(sensPaths), marked...)}
	r := map[string]any{
		"address":          a.String(),
		"mode":             "managed",
		"type":             a.Resource.Type,
		"name":             a.Resource.Name,
		"provider_name":    ProviderFullName(provider),
		"schema_version":   0,
		"values":           orEmptyObject(jsonValue(v, nil, sens)),
		"sensitive_values": orEmptyObject(sensitiveMask(v, sens)),
	}
	if idx, ok := indexJSON(a.Key); ok {
		r["index"] = idx
	}
	return r
}

func orEmptyObject(x any) any {
	if x == nil || x == false {
		return map[string]any{}
	}
	return x
}

// outputJSON is one output of a values representation.
func outputJSON(v cty.Value, sensitive bool) map[string]any {
	v, marked := unmark(v)
	sensitive = sensitive || len(marked) > 0
	o := map[string]any{"sensitive": sensitive}
	if v.IsWhollyKnown() {
		if t, err := ctyjson.MarshalType(v.Type()); err == nil {
			o["type"] = json.RawMessage(t)
		}
		if !sensitive {
			o["value"] = jsonValue(v, nil, sensitivity{})
		} else {
			o["value"] = nil
		}
	}
	return o
}

// valuesJSON is Terraform's values representation of a state.
func valuesJSON(st *state.State, s Schemas) map[string]any {
	outputs := map[string]any{}
	resources := []any{}
	if st != nil {
		for _, name := range sortedKeys(st.Outputs) {
			o := st.Outputs[name]
			outputs[name] = outputJSON(o.Value, o.Sensitive)
		}
		for _, r := range st.Sorted() {
			resources = append(resources, resourceJSON(r.Addr, r.Type, providerOf(r.Provider, r.Type, s), r.Value, r.SensitivePaths, s))
		}
	}
	return map[string]any{
		"outputs":     outputs,
		"root_module": map[string]any{"resources": resources},
	}
}

// providerOf is the provider's name, taken from the schema when the
// record does not carry it.
func providerOf(provider, typ string, s Schemas) string {
	if provider != "" {
		return provider
	}
	if s != nil {
		if rt := s.ResourceType(typ); rt != nil {
			return rt.Provider
		}
	}
	return "unknown"
}
