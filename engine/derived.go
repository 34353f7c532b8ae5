package engine

import (
	"slices"
	"strings"

	"github.com/updplan/updplan/engine/eval"
	"github.com/updplan/updplan/engine/lang"
	"github.com/updplan/updplan/engine/state"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// Values a provider builds from a secret.
//
// A provider computes some attributes from its arguments: a sync host's id
// is "<site>/<computer>", a program's "<package>/<name>", a share's unc
// "\\server\name". When such an argument is sensitive (set from a
// sensitive variable, or declared sensitive by the schema), the provider
// hands the secret back in clear inside a computed string, and the plan,
// apply, show, the state's sensitive_values and outputs would show it.
//
// The engine does not ask each provider to declare which attribute it
// derives from which (a declaration that a new provider or a new id format
// can forget); it looks at what the provider returned: any computed
// attribute (computed-only, or optional+computed the configuration left
// unset) of an object whose configuration carries a sensitive string, and
// whose value holds that string's text (as written or case-folded, the way
// ids are upper-cased) anywhere (a string, an element, a map key), is
// marked sensitive as a whole. A computed value still unknown at plan is
// checked when apply learns it. Strings shorter than minSecretLen are not
// looked for: they would mark ordinary words.

// sensitiveTexts lists the strings a configuration value carries at its
// sensitive paths: those marked (from sensitive variables) and the
// schema's sensitive attributes.
func sensitiveTexts(b *schema.Block, cfg cty.Value, marked []cty.PathValueMarks) []string {
	if cfg.IsNull() || !cfg.IsKnown() || !cfg.Type().IsObjectType() {
		return nil
	}
	var out []string
	add := func(v cty.Value) {
		collectStrings(v, func(s string) {
			if len(s) >= minSecretLen {
				out = append(out, strings.ToLower(s))
			}
		})
	}
	for _, a := range b.Attributes {
		if a.Sensitive && cfg.Type().HasAttribute(a.Name) {
			add(cfg.GetAttr(a.Name))
		}
	}
	for _, pm := range marked {
		if _, ok := pm.Marks[lang.Sensitive]; !ok {
			continue
		}
		if v, err := pm.Path.Apply(cfg); err == nil {
			add(v)
		}
	}
	return out
}

// collectStrings calls f with every known string in v: strings, elements,
// attribute values and map keys.
func collectStrings(v cty.Value, f func(string)) {
	v, _ = v.UnmarkDeep()
	_ = cty.Walk(v, func(_ cty.Path, v cty.Value) (bool, error) {
		if v.IsNull() || !v.IsKnown() {
			return false, nil
		}
		ty := v.Type()
		switch {
		case ty == cty.String:
			f(v.AsString())
		case ty.IsMapType():
			for it := v.ElementIterator(); it.Next(); {
				k, _ := it.Element()
				f(k.AsString())
			}
		}
		return true, nil
	})
}

// derivedSensitive returns the paths of v's computed attributes that hold
// the text of one of secrets (lower-cased, from sensitiveTexts), except
// those already in have.
func derivedSensitive(b *schema.Block, cfg, v cty.Value, secrets []string, have []cty.Path) []cty.Path {
	if len(secrets) == 0 || v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() {
		return nil
	}
	var out []cty.Path
	for _, a := range b.Attributes {
		if !a.Computed || a.Sensitive || !v.Type().HasAttribute(a.Name) {
			continue
		}
		if a.Optional && !cfg.IsNull() && cfg.IsKnown() && !cfg.GetAttr(a.Name).IsNull() {
			continue // set by the configuration, marked as it was written
		}
		p := cty.GetAttrPath(a.Name)
		if slices.ContainsFunc(have, func(q cty.Path) bool { return q.Equals(p) }) {
			continue
		}
		found := false
		collectStrings(v.GetAttr(a.Name), func(s string) {
			if found {
				return
			}
			s = strings.ToLower(s)
			for _, sec := range secrets {
				if strings.Contains(s, sec) {
					found = true
					return
				}
			}
		})
		if found {
			out = append(out, p)
		}
	}
	return out
}

// withDerived returns paths plus the computed attributes of v that hold a
// sensitive string of the configuration cfg (with its marks).
func withDerived(b *schema.Block, cfg cty.Value, marks []cty.PathValueMarks, v cty.Value, paths []cty.Path) []cty.Path {
	return append(paths, derivedSensitive(b, cfg, v, sensitiveTexts(b, cfg, marks), paths)...)
}

// markPaths marks v sensitive at paths.
func markPaths(v cty.Value, paths []cty.Path) cty.Value {
	if len(paths) == 0 || v.IsNull() || !v.IsKnown() {
		return v
	}
	pvm := make([]cty.PathValueMarks, len(paths))
	for i, p := range paths {
		pvm[i] = cty.PathValueMarks{Path: p, Marks: cty.NewValueMarks(lang.Sensitive)}
	}
	return v.MarkWithPaths(pvm)
}

// stateValue is a resource's value from the state with its sensitive
// attributes marked: those the schema declares and those recorded as
// sensitive (set from a sensitive variable, or computed from one). Every
// reference to an object the run does not plan or apply anew sees it so.
func stateValue(b *schema.Block, res *state.Resource) cty.Value {
	return markPaths(eval.MarkSensitive(b, res.Value), res.SensitivePaths)
}
