package eval

import (
	"fmt"
	"math/big"
	"os"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/lang"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Evaluator holds the values known so far during one walk of the
// configuration and builds evaluation contexts from them. It is safe for
// the walk's concurrent visits.
type Evaluator struct {
	cfg   *config.Config
	funcs map[string]function.Function
	path  cty.Value
	vars  cty.Value // object of every variable

	// Traversals are the traversals of each resource body, found when the
	// dependency graph was built (frozen bodies rebuild theirs instead).
	Traversals map[addr.Resource][]hcl.Traversal
	// MaxCount, when above 0, stops the expansion of count after that
	// many instances: validate does not check a million of them.
	MaxCount int

	mu        sync.RWMutex
	locals    map[string]cty.Value
	resources map[addr.Resource]cty.Value
	outputs   map[string]cty.Value
	// data holds the data sources read so far: type -> name -> value.
	data map[string]map[string]cty.Value
}

// New returns an evaluator of cfg with the variables' values.
func New(cfg *config.Config, vars map[string]cty.Value) *Evaluator {
	cwd, _ := os.Getwd()
	varObj := cty.EmptyObjectVal
	if len(vars) > 0 {
		varObj = cty.ObjectVal(vars)
	}
	return &Evaluator{
		cfg:   cfg,
		funcs: lang.Functions(cfg.Dir),
		// path.root is the configuration directory as Terraform shows it,
		// ".": relative paths in resource arguments are resolved by the
		// providers against the configuration directory, so site
		// definitions and their plans do not depend on where updplan runs.
		path:      lang.PathValue(".", cwd),
		vars:      varObj,
		locals:    map[string]cty.Value{},
		resources: map[addr.Resource]cty.Value{},
		outputs:   map[string]cty.Value{},
		data:      map[string]map[string]cty.Value{},
	}
}

// Config is the configuration evaluated.
func (ev *Evaluator) Config() *config.Config { return ev.cfg }

// Output returns the value of an output evaluated so far.
func (ev *Evaluator) Output(name string) (cty.Value, bool) {
	ev.mu.RLock()
	defer ev.mu.RUnlock()
	v, ok := ev.outputs[name]
	return v, ok
}

// Scope carries the names that depend on the instance being evaluated:
// count.index, each.key/each.value and self.
type Scope struct {
	Key       addr.Key
	EachValue cty.Value // cty.NilVal when not for_each
	Self      cty.Value // cty.NilVal outside postconditions
}

// evalContext builds a context holding just what travs refer to.
func (ev *Evaluator) evalContext(travs []hcl.Traversal, sc Scope) *hcl.EvalContext {
	var buf [16]config.Reference
	refs := buf[:0]
	for _, t := range travs {
		ref := config.Reference{Root: t.RootName()}
		if len(t) > 1 {
			if a, ok := t[1].(hcl.TraverseAttr); ok {
				ref.Attr = a.Name
			}
		}
		refs = append(refs, ref)
	}
	return ev.evalContextOf(refs, sc)
}

// evalContextOf is evalContext for references given as each traversal's
// root name and first attribute name.
func (ev *Evaluator) evalContextOf(refs []config.Reference, sc Scope) *hcl.EvalContext {
	vars := map[string]cty.Value{"var": ev.vars, "path": ev.path, "local": cty.EmptyObjectVal}
	var locals map[string]cty.Value // made at the first local referred to
	res := map[string]map[string]cty.Value{}
	var data map[string]cty.Value
	ev.mu.RLock()
	for _, ref := range refs {
		root, name := ref.Root, ref.Attr
		switch root {
		case "var", "path":
		case "data":
			if byName, ok := ev.data[name]; ok {
				if data == nil {
					data = map[string]cty.Value{}
				}
				data[name] = cty.ObjectVal(byName)
			}
		case "local":
			if v, ok := ev.locals[name]; ok {
				if locals == nil {
					locals = map[string]cty.Value{}
				}
				locals[name] = v
			}
		case "count":
			if sc.Key.Kind() == addr.IntKeyKind {
				vars["count"] = cty.ObjectVal(map[string]cty.Value{"index": sc.Key.Value()})
			}
		case "each":
			if sc.EachValue != cty.NilVal {
				vars["each"] = cty.ObjectVal(map[string]cty.Value{"key": sc.Key.Value(), "value": sc.EachValue})
			}
		case "self":
			if sc.Self != cty.NilVal {
				vars["self"] = sc.Self
			}
		default:
			if v, ok := ev.resources[addr.Resource{Type: root, Name: name}]; ok {
				if res[root] == nil {
					res[root] = map[string]cty.Value{}
				}
				res[root][name] = v
			}
		}
	}
	ev.mu.RUnlock()
	if locals != nil {
		vars["local"] = cty.ObjectVal(locals)
	}
	if data != nil {
		vars["data"] = cty.ObjectVal(data)
	}
	for typ, byName := range res {
		vars[typ] = cty.ObjectVal(byName)
	}
	return &hcl.EvalContext{Variables: vars, Functions: ev.funcs}
}

// scopeValue returns root.attr as the context evalContextOf builds for a
// body referring to it would give it, when that context's root variable is
// a known, non-null, unmarked object with the attribute; ok is false
// otherwise. It lets a frozen body be evaluated without building the
// context (config.FrozenBody.ValueIn).
func (ev *Evaluator) scopeValue(root, attr string, sc Scope) (cty.Value, bool) {
	for i := 0; i < len(attr); i++ {
		if attr[i] >= 0x80 {
			return cty.NilVal, false // object attribute names are normalized
		}
	}
	switch root {
	case "var":
		return config.PlainAttr(ev.vars, attr)
	case "path":
		return config.PlainAttr(ev.path, attr)
	case "local":
		ev.mu.RLock()
		v, ok := ev.locals[attr]
		ev.mu.RUnlock()
		return v, ok
	case "count":
		if sc.Key.Kind() == addr.IntKeyKind && attr == "index" {
			return sc.Key.Value(), true
		}
	case "each":
		if sc.EachValue != cty.NilVal {
			switch attr {
			case "key":
				return sc.Key.Value(), true
			case "value":
				return sc.EachValue, true
			}
		}
	case "self":
		return config.PlainAttr(sc.Self, attr)
	case "data":
		ev.mu.RLock()
		byName, ok := ev.data[attr]
		var v cty.Value
		if ok {
			v = cty.ObjectVal(byName)
		}
		ev.mu.RUnlock()
		return v, ok
	default:
		ev.mu.RLock()
		v, ok := ev.resources[addr.Resource{Type: root, Name: attr}]
		ev.mu.RUnlock()
		return v, ok
	}
	return cty.NilVal, false
}

// SetLocal records the value of a local, for the expressions that refer to
// it.
func (ev *Evaluator) SetLocal(name string, v cty.Value) {
	ev.mu.Lock()
	ev.locals[name] = v
	ev.mu.Unlock()
}

// SetResource records the value references see of a resource (RefValue).
func (ev *Evaluator) SetResource(a addr.Resource, v cty.Value) {
	ev.mu.Lock()
	ev.resources[a] = v
	ev.mu.Unlock()
}

// SetData records the value of a data source (data.TYPE.NAME).
func (ev *Evaluator) SetData(a addr.Resource, v cty.Value) {
	ev.mu.Lock()
	byName := ev.data[a.Type]
	// A fresh map: contexts built earlier hold objects made from the old one.
	next := make(map[string]cty.Value, len(byName)+1)
	for k, x := range byName {
		next[k] = x
	}
	next[a.Name] = v
	ev.data[a.Type] = next
	ev.mu.Unlock()
}

// DecodeData evaluates the arguments of one instance of a data block
// (sc: its count.index or each.key and each.value) with the data source's
// schema, defaults applied.
func (ev *Evaluator) DecodeData(ds *config.DataSource, rt *schema.ResourceType, sc Scope) (cty.Value, hcl.Diagnostics) {
	spec := rt.Block.DecoderSpec()
	ctx := ev.evalContext(hcldec.Variables(ds.Config, spec), sc)
	val, diags := hcldec.Decode(ds.Config, spec, ctx)
	if diags.HasErrors() {
		return cty.UnknownVal(rt.Block.ImpliedType()), diags
	}
	return ApplyDefaults(&rt.Block, val), diags
}

// SetOutput records the value of an output.
func (ev *Evaluator) SetOutput(name string, v cty.Value) {
	ev.mu.Lock()
	ev.outputs[name] = v
	ev.mu.Unlock()
}

// Expr evaluates one expression in the instance scope sc.
func (ev *Evaluator) Expr(expr hcl.Expression, sc Scope) (cty.Value, hcl.Diagnostics) {
	return expr.Value(ev.evalContext(expr.Variables(), sc))
}

// Instance is one expanded instance of a resource block.
type Instance struct {
	Addr  addr.Instance
	Scope Scope
}

// Expand evaluates count or for_each. known is false when the set of
// instances cannot be known yet (validate with unknown variables).
func (ev *Evaluator) Expand(r *config.Resource) (insts []Instance, known bool, diags hcl.Diagnostics) {
	switch {
	case r.Count != nil:
		v, d := ev.Expr(r.Count, Scope{})
		if d.HasErrors() {
			return nil, false, d
		}
		v, _ = v.Unmark()
		rng := r.Count.Range()
		if !v.IsKnown() {
			return nil, false, nil
		}
		if v.IsNull() || v.Type() != cty.Number {
			return nil, false, hcl.Diagnostics{errorDiag("Invalid count argument", "count must be a whole number, 0 or more.", &rng)}
		}
		bf := v.AsBigFloat()
		n, acc := bf.Int64()
		if acc != big.Exact || n < 0 {
			return nil, false, hcl.Diagnostics{errorDiag("Invalid count argument", "count must be a whole number, 0 or more.", &rng)}
		}
		if ev.MaxCount > 0 && n > int64(ev.MaxCount) {
			n = int64(ev.MaxCount)
		}
		insts = make([]Instance, 0, n)
		for i := 0; i < int(n); i++ {
			k := addr.IntKey(i)
			insts = append(insts, Instance{Addr: r.Addr.Instance(k), Scope: Scope{Key: k}})
		}
		return insts, true, nil
	case r.ForEach != nil:
		v, d := ev.Expr(r.ForEach, Scope{})
		if d.HasErrors() {
			return nil, false, d
		}
		rng := r.ForEach.Range()
		if v.IsMarked() {
			return nil, false, hcl.Diagnostics{errorDiag("Invalid for_each argument", "for_each cannot use sensitive values: the keys would appear in addresses and plans.", &rng)}
		}
		if !v.IsKnown() {
			return nil, false, nil
		}
		if v.IsNull() {
			return nil, false, hcl.Diagnostics{errorDiag("Invalid for_each argument", "for_each must be a map, an object or a set of strings, not null.", &rng)}
		}
		ty := v.Type()
		switch {
		case ty.IsMapType() || ty.IsObjectType():
			for it := v.ElementIterator(); it.Next(); {
				k, val := it.Element()
				key := addr.StrKey(k.AsString())
				insts = append(insts, Instance{Addr: r.Addr.Instance(key), Scope: Scope{Key: key, EachValue: val}})
			}
		case ty.IsSetType() && ty.ElementType() == cty.String:
			for it := v.ElementIterator(); it.Next(); {
				_, val := it.Element()
				if !val.IsKnown() {
					return nil, false, nil
				}
				if val.IsNull() {
					return nil, false, hcl.Diagnostics{errorDiag("Invalid for_each argument", "A set used in for_each cannot contain null.", &rng)}
				}
				key := addr.StrKey(val.AsString())
				insts = append(insts, Instance{Addr: r.Addr.Instance(key), Scope: Scope{Key: key, EachValue: val}})
			}
		default:
			return nil, false, hcl.Diagnostics{errorDiag("Invalid for_each argument",
				fmt.Sprintf("for_each must be a map, an object or a set of strings; this is a %s. Convert a list with toset(...).", ty.FriendlyName()), &rng)}
		}
		return insts, true, nil
	}
	return []Instance{{Addr: r.Addr.Instance(addr.NoKey)}}, true, nil
}

// ExpandData evaluates a data block's count or for_each, as Expand does a
// resource's.
func (ev *Evaluator) ExpandData(ds *config.DataSource) (insts []Instance, known bool, diags hcl.Diagnostics) {
	return ev.Expand(ds.AsResource())
}

// DecodeInstance evaluates the body of one instance: dynamic blocks
// expanded, decoded with the resource type's spec, defaults applied. It also
// returns the expanded body, where problems with the value are placed.
func (ev *Evaluator) DecodeInstance(r *config.Resource, rt *schema.ResourceType, sc Scope) (cty.Value, hcl.Body, hcl.Diagnostics) {
	spec := rt.Block.DecoderSpec()
	var ctx *hcl.EvalContext
	if fb, frozen := r.Config.(*config.FrozenBody); frozen {
		// Most frozen bodies are evaluated without building a context.
		if val, ok := decodeFrozen(&rt.Block, fb, func(root, attr string) (cty.Value, bool) { return ev.scopeValue(root, attr, sc) }); ok {
			return val, r.Config, nil
		}
		var buf [16]config.Reference
		ctx = ev.evalContextOf(fb.AppendReferences(buf[:0]), sc)
	} else {
		ctx = ev.evalContext(BodyTraversals(ev.Traversals, r, spec), sc)
	}
	if val, ok := decodeAttributes(&rt.Block, r.Config, ctx); ok {
		return val, r.Config, nil
	}
	body := dynblock.Expand(r.Config, ctx)
	val, diags := hcldec.Decode(body, spec, ctx)
	if diags.HasErrors() {
		return cty.UnknownVal(rt.Block.ImpliedType()), body, diags
	}
	return ApplyDefaults(&rt.Block, val), body, diags
}

// BodyTraversals returns the traversals of a resource body: those found
// when the graph was built (known, shared: append to a clip of it),
// rebuilt by a frozen body, or found again with spec (nil: the graph's
// only).
func BodyTraversals(known map[addr.Resource][]hcl.Traversal, r *config.Resource, spec hcldec.Spec) []hcl.Traversal {
	if travs, ok := known[r.Addr]; ok {
		return travs
	}
	if fb, frozen := r.Config.(*config.FrozenBody); frozen {
		return fb.AllVariables()
	}
	if spec == nil {
		return nil
	}
	return dynblock.VariablesHCLDec(r.Config, spec)
}

// DecodeProvider evaluates a provider block (or an empty one) with only
// variables and path in scope.
func (ev *Evaluator) DecodeProvider(ps *schema.Provider) (cty.Value, hcl.Diagnostics) {
	pb := ev.cfg.Providers[ps.Name]
	spec := ps.Config.DecoderSpec()
	if pb == nil {
		return ApplyDefaults(&ps.Config, cty.NullVal(ps.Config.ImpliedType())), nil
	}
	var diags hcl.Diagnostics
	travs := hcldec.Variables(pb.Config, spec)
	for _, t := range travs {
		if root := t.RootName(); root != "var" && root != "path" {
			rng := t.SourceRange()
			diags = append(diags, errorDiag("Invalid provider configuration reference",
				fmt.Sprintf("A provider block may only refer to variables (var.NAME) and path.root/path.cwd, because providers are configured before any object is read. Replace the reference to %q with a variable.", root), &rng))
		}
	}
	if diags.HasErrors() {
		return cty.NilVal, diags
	}
	val, d := hcldec.Decode(pb.Config, spec, ev.evalContext(travs, Scope{}))
	diags = append(diags, d...)
	if d.HasErrors() {
		return cty.NilVal, diags
	}
	return ApplyDefaults(&ps.Config, val), diags
}

// ApplyDefaults fills schema defaults into null attributes. A null value is
// treated as an empty object (provider blocks that are absent).
func ApplyDefaults(b *schema.Block, v cty.Value) cty.Value {
	if !v.IsKnown() {
		return v
	}
	if !v.IsNull() && !needsDefaults(b, v) {
		return v // nothing to fill: no new object
	}
	ty := b.ImpliedType()
	attrs := map[string]cty.Value{}
	for name := range ty.AttributeTypes() {
		if v.IsNull() {
			attrs[name] = cty.NullVal(ty.AttributeType(name))
		} else {
			attrs[name] = v.GetAttr(name)
		}
	}
	for _, a := range b.Attributes {
		if cur := attrs[a.Name]; cur.IsNull() && a.Default != cty.NilVal {
			attrs[a.Name] = a.Default
		}
	}
	for _, nb := range b.BlockTypes {
		cur := attrs[nb.TypeName]
		if cur.IsNull() || !cur.IsKnown() {
			continue
		}
		switch nb.Nesting {
		case schema.NestingSingle:
			attrs[nb.TypeName] = ApplyDefaults(&nb.Block, cur)
		case schema.NestingList, schema.NestingSet:
			if cur.LengthInt() == 0 {
				continue
			}
			var elems []cty.Value
			for it := cur.ElementIterator(); it.Next(); {
				_, ev := it.Element()
				elems = append(elems, ApplyDefaults(&nb.Block, ev))
			}
			if nb.Nesting == schema.NestingList {
				attrs[nb.TypeName] = cty.ListVal(elems)
			} else {
				attrs[nb.TypeName] = cty.SetVal(elems)
			}
		case schema.NestingMap:
			if cur.LengthInt() == 0 {
				continue
			}
			elems := cur.AsValueMap()
			for k, ev := range elems {
				elems[k] = ApplyDefaults(&nb.Block, ev)
			}
			attrs[nb.TypeName] = cty.MapVal(elems)
		}
	}
	if len(attrs) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(attrs)
}

// RefValue combines the instance values of a resource into the value
// references see: the object itself, a tuple (count) or an object keyed by
// each.key (for_each).
func RefValue(r *config.Resource, vals []cty.Value, insts []Instance) cty.Value {
	switch {
	case r.Count != nil:
		if len(vals) == 0 {
			return cty.EmptyTupleVal
		}
		return cty.TupleVal(vals)
	case r.ForEach != nil:
		m := make(map[string]cty.Value, len(insts))
		for i, in := range insts {
			m[in.Addr.Key.Str()] = vals[i]
		}
		return cty.ObjectVal(m)
	}
	if len(insts) == 0 {
		return cty.DynamicVal
	}
	return vals[0]
}

// DataRefValue is RefValue for a data block: data.TYPE.NAME is the
// object read, a tuple (count) or an object keyed by each.key (for_each).
func DataRefValue(ds *config.DataSource, vals []cty.Value, insts []Instance) cty.Value {
	return RefValue(ds.AsResource(), vals, insts)
}

// UnmarkDeep is v.UnmarkDeepWithPaths() without rebuilding a value that
// holds no marks, the common case.
func UnmarkDeep(v cty.Value) (cty.Value, []cty.PathValueMarks) {
	if !mayHoldMarks(v) {
		return v, nil
	}
	return v.UnmarkDeepWithPaths()
}

// mayHoldMarks reports whether v or a value in it may be marked: objects
// are looked into attribute by attribute without building anything, other
// collections by cty's own walk.
func mayHoldMarks(v cty.Value) bool {
	if v.IsMarked() {
		return true
	}
	ty := v.Type()
	switch {
	case v.IsNull() || !v.IsKnown() || ty.IsPrimitiveType():
		return false
	case ty.IsObjectType():
		for name := range ty.AttributeTypes() {
			if mayHoldMarks(v.GetAttr(name)) {
				return true
			}
		}
		return false
	}
	return v.ContainsMarked()
}

// MarkSensitive marks the schema's sensitive attributes of v, so that
// references to them stay sensitive.
func MarkSensitive(b *schema.Block, v cty.Value) cty.Value {
	if v.IsNull() || !v.IsKnown() {
		return v
	}
	var paths []cty.Path
	for _, a := range b.Attributes {
		if a.Sensitive {
			paths = append(paths, cty.GetAttrPath(a.Name))
		}
	}
	if len(paths) == 0 {
		return v
	}
	pvm := make([]cty.PathValueMarks, len(paths))
	for i, p := range paths {
		pvm[i] = cty.PathValueMarks{Path: p, Marks: cty.NewValueMarks(lang.Sensitive)}
	}
	return v.MarkWithPaths(pvm)
}

// SensitivePaths lists the schema's sensitive attributes plus the paths
// marked in v (values that came from sensitive variables).
func SensitivePaths(b *schema.Block, marked []cty.PathValueMarks) []cty.Path {
	var out []cty.Path
	for _, a := range b.Attributes {
		if a.Sensitive {
			out = append(out, cty.GetAttrPath(a.Name))
		}
	}
	for _, pm := range marked {
		if _, ok := pm.Marks[lang.Sensitive]; ok {
			out = append(out, pm.Path)
		}
	}
	return out
}

// needsDefaults reports whether ApplyDefaults would change v (a known,
// non-null object of b's type).
func needsDefaults(b *schema.Block, v cty.Value) bool {
	for _, a := range b.Attributes {
		if a.Default != cty.NilVal && v.GetAttr(a.Name).IsNull() {
			return true
		}
	}
	for _, nb := range b.BlockTypes {
		cur := v.GetAttr(nb.TypeName)
		if cur.IsNull() || !cur.IsKnown() {
			continue
		}
		if nb.Nesting == schema.NestingSingle {
			if needsDefaults(&nb.Block, cur) {
				return true
			}
			continue
		}
		for it := cur.ElementIterator(); it.Next(); {
			_, ev := it.Element()
			if ev.IsKnown() && !ev.IsNull() && needsDefaults(&nb.Block, ev) {
				return true
			}
		}
	}
	return false
}

func errorDiag(summary, detail string, subject *hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: subject}
}
