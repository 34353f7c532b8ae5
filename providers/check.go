package providers

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// CheckPlanned checks a provider's planned value against the configuration
// it was planned from: it must be of the resource type's implied type;
// every attribute the configuration sets must be planned with that value
// (recursively through nested blocks); an attribute the configuration leaves
// null must stay null unless it is computed; a value the configuration knows
// only after apply must stay unknown. Computed attributes may be anything.
//
// It returns one readable problem per disagreement, e.g.
// `attribute "name": planned "b" but the configuration says "a"`; sensitive
// values are never shown. A null config (a delete) requires a null plan.
// Marks on either value are ignored.
func CheckPlanned(rt *schema.ResourceType, config, planned cty.Value) []string {
	c := &checker{}
	config, _ = config.UnmarkDeep()
	planned, _ = planned.UnmarkDeep()
	if !c.wholeValue(rt, "planned", planned) {
		return c.problems
	}
	if config.IsNull() || !config.IsKnown() {
		if !planned.IsNull() {
			c.add("", "planned an object but the configuration is null (a delete)")
		}
		return c.problems
	}
	if planned.IsNull() {
		c.add("", "planned null (no object) but the configuration describes one")
		return c.problems
	}
	c.plannedBlock(&rt.Block, "", config, planned)
	return c.problems
}

// CheckApplied checks a provider's applied value against the plan: it must
// be wholly known, of the resource type's implied type, null exactly when
// the plan is (a delete), and equal to every known value in the plan;
// unknown planned values may become anything.
//
// It returns one readable problem per disagreement, e.g.
// `attribute "name": applied "b" but the plan says "a"`; sensitive values
// are never shown. Marks on either value are ignored.
func CheckApplied(rt *schema.ResourceType, planned, applied cty.Value) []string {
	c := &checker{}
	planned, _ = planned.UnmarkDeep()
	applied, _ = applied.UnmarkDeep()
	if !c.wholeValue(rt, "applied", applied) {
		return c.problems
	}
	switch {
	case planned.IsNull() && applied.IsNull():
		return nil
	case planned.IsNull():
		c.add("", "applied an object but the plan deletes it")
		return c.problems
	case applied.IsNull():
		c.add("", "applied null (no object) but the plan describes one")
		return c.problems
	}
	if !applied.IsWhollyKnown() {
		c.unknownPaths(&rt.Block, "", applied)
	}
	if planned.IsKnown() && planned.Type().Equals(applied.Type()) {
		c.appliedBlock(&rt.Block, "", planned, applied, applying)
	}
	return c.problems
}

// CheckFinalPlan checks the plan a provider makes at apply time, with the
// values known by then, against the plan that was reviewed: every value the
// reviewed plan knew must be the same and still known; values it knew only
// after apply may now be anything.
func CheckFinalPlan(rt *schema.ResourceType, reviewed, final cty.Value) []string {
	c := &checker{}
	reviewed, _ = reviewed.UnmarkDeep()
	final, _ = final.UnmarkDeep()
	if !c.wholeValue(rt, "planned", final) {
		return c.problems
	}
	switch {
	case reviewed.IsNull() && final.IsNull():
		return nil
	case reviewed.IsNull() != final.IsNull():
		c.add("", "planned a different action than the reviewed plan")
		return c.problems
	}
	if reviewed.IsKnown() && reviewed.Type().Equals(final.Type()) {
		c.appliedBlock(&rt.Block, "", reviewed, final, finalPlanning)
	}
	return c.problems
}

type checker struct {
	problems []string
}

// roles names the two sides of a comparison in problems: "planned ... but
// the configuration says ...", "applied ... but the plan says ...".
type roles struct {
	verb        string // what the provider did: "planned", "applied"
	who         string // what it is held to: "the configuration", "the plan"
	keepUnknown bool   // an unknown in who's value must stay unknown
	knownStays  bool   // a known value in who's must not become unknown
}

var (
	planning = roles{verb: "planned", who: "the configuration", keepUnknown: true}
	applying = roles{verb: "applied", who: "the plan"}
	// finalPlanning holds the plan made at apply time to the reviewed one.
	finalPlanning = roles{verb: "planned", who: "the reviewed plan", knownStays: true}
)

func (c *checker) add(path, msg string) {
	if path == "" {
		c.problems = append(c.problems, msg)
		return
	}
	c.problems = append(c.problems, fmt.Sprintf("attribute %q: %s", path, msg))
}

// wholeValue checks that v is a known value of the type's implied type.
func (c *checker) wholeValue(rt *schema.ResourceType, what string, v cty.Value) bool {
	if v == cty.NilVal {
		c.add("", fmt.Sprintf("%s no value at all (cty.NilVal)", what))
		return false
	}
	want := rt.Block.ImpliedType()
	if !v.Type().Equals(want) {
		if errs := v.Type().TestConformance(want); len(errs) > 0 {
			c.add("", fmt.Sprintf("%s a value of the wrong type: %s", what, errs[0].Error()))
		} else {
			c.add("", fmt.Sprintf("%s a value of type %s, not the object type of %s", what, v.Type().FriendlyName(), rt.Name))
		}
		return false
	}
	if !v.IsKnown() {
		c.add("", fmt.Sprintf("%s a wholly unknown object; only attributes may be unknown", what))
		return false
	}
	return true
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (c *checker) plannedBlock(b *schema.Block, path string, config, planned cty.Value) {
	for _, a := range b.Attributes {
		p := join(path, a.Name)
		cv, pv := config.GetAttr(a.Name), planned.GetAttr(a.Name)
		switch {
		case !cv.IsKnown():
			if pv.IsKnown() {
				c.add(p, fmt.Sprintf("planned %s but the configuration knows it only after apply", show(pv, a.Sensitive)))
			}
		case cv.IsNull():
			if !a.Computed && !pv.IsNull() {
				c.add(p, fmt.Sprintf("planned %s but the configuration leaves it null", show(pv, a.Sensitive)))
			}
		default:
			c.agree(p, cv, pv, a.Sensitive, planning)
		}
	}
	for _, nb := range b.BlockTypes {
		c.nested(nb, join(path, nb.TypeName), config.GetAttr(nb.TypeName), planned.GetAttr(nb.TypeName), planning)
	}
}

// appliedBlock holds got to every known value of want (r: applying, or
// finalPlanning).
func (c *checker) appliedBlock(b *schema.Block, path string, want, got cty.Value, r roles) {
	for _, a := range b.Attributes {
		c.agree(join(path, a.Name), want.GetAttr(a.Name), got.GetAttr(a.Name), a.Sensitive, r)
	}
	for _, nb := range b.BlockTypes {
		c.nested(nb, join(path, nb.TypeName), want.GetAttr(nb.TypeName), got.GetAttr(nb.TypeName), r)
	}
}

// nested compares the blocks of one nested block type.
func (c *checker) nested(nb *schema.NestedBlock, path string, want, got cty.Value, r roles) {
	mismatch := func() {
		c.add(path, fmt.Sprintf("%s %s but %s has %s", r.verb, blockCount(nb, got), r.who, blockCount(nb, want)))
	}
	if !want.IsKnown() {
		if r.keepUnknown && got.IsKnown() {
			c.add(path, fmt.Sprintf("%s known blocks but %s knows them only after apply", r.verb, r.who))
		}
		return
	}
	if !got.IsKnown() {
		if r.keepUnknown || r.knownStays {
			c.add(path, fmt.Sprintf("%s blocks known only after apply but %s knows them", r.verb, r.who))
		}
		return
	}
	if want.IsNull() || got.IsNull() {
		if want.IsNull() != got.IsNull() {
			mismatch()
		}
		return
	}
	block := func(p string, w, g cty.Value) {
		if r.keepUnknown {
			c.plannedBlock(&nb.Block, p, w, g)
		} else {
			c.appliedBlock(&nb.Block, p, w, g, r)
		}
	}
	switch nb.Nesting {
	case schema.NestingSingle:
		block(path, want, got)
	case schema.NestingList:
		if want.LengthInt() != got.LengthInt() {
			mismatch()
			return
		}
		for i := range want.LengthInt() {
			k := cty.NumberIntVal(int64(i))
			block(fmt.Sprintf("%s[%d]", path, i), want.Index(k), got.Index(k))
		}
	case schema.NestingMap:
		if !sameKeys(want, got) {
			mismatch()
			return
		}
		for it := want.ElementIterator(); it.Next(); {
			k, w := it.Element()
			block(fmt.Sprintf("%s[%q]", path, k.AsString()), w, got.Index(k))
		}
	case schema.NestingSet:
		// Set elements have no identity to pair them by. Without computed
		// attributes inside, the sets must be equal; with them, only the
		// number of blocks can be held.
		if !hasComputed(&nb.Block) && want.IsWhollyKnown() {
			c.agree(path, want, got, blockSensitive(&nb.Block), r)
			return
		}
		if want.IsWhollyKnown() && want.LengthInt() != got.LengthInt() {
			mismatch()
		}
	}
}

// sameKeys reports whether two known maps have the same keys.
func sameKeys(a, b cty.Value) bool {
	if a.LengthInt() != b.LengthInt() {
		return false
	}
	for it := a.ElementIterator(); it.Next(); {
		k, _ := it.Element()
		if !b.HasIndex(k).True() {
			return false
		}
	}
	return true
}

func blockCount(nb *schema.NestedBlock, v cty.Value) string {
	switch {
	case v.IsNull():
		if nb.Nesting == schema.NestingSingle {
			return "no block"
		}
		return "no blocks"
	case !v.IsKnown():
		return "blocks known only after apply"
	case nb.Nesting == schema.NestingSingle:
		return "a block"
	case v.LengthInt() == 1:
		return "1 block"
	}
	return fmt.Sprintf("%d blocks", v.LengthInt())
}

func hasComputed(b *schema.Block) bool {
	for _, a := range b.Attributes {
		if a.Computed {
			return true
		}
	}
	for _, nb := range b.BlockTypes {
		if hasComputed(&nb.Block) {
			return true
		}
	}
	return false
}

func blockSensitive(b *schema.Block) bool {
	for _, a := range b.Attributes {
		if a.Sensitive {
			return true
		}
	}
	for _, nb := range b.BlockTypes {
		if blockSensitive(&nb.Block) {
			return true
		}
	}
	return false
}

// agree compares got with want where want is set. With r.keepUnknown (the
// configuration against the plan), an unknown in want must stay unknown;
// without it (the plan against the applied value), an unknown in want
// allows anything. Wholly known values are compared whole, so a problem
// shows the whole attribute; values with unknowns inside are compared
// element by element.
func (c *checker) agree(path string, want, got cty.Value, sensitive bool, r roles) {
	switch {
	case !want.IsKnown():
		if r.keepUnknown && got.IsKnown() {
			c.add(path, fmt.Sprintf("%s %s but %s knows it only after apply", r.verb, show(got, sensitive), r.who))
		}
		return
	case !got.IsKnown():
		// An unknown applied value is reported once, by unknownPaths.
		if r.keepUnknown || r.knownStays {
			c.add(path, fmt.Sprintf("%s a value known only after apply but %s says %s", r.verb, r.who, show(want, sensitive)))
		}
		return
	case want.IsWhollyKnown() || want.IsNull() || got.IsNull():
		if !want.RawEquals(got) && !equalKnown(want, got) {
			if sensitive {
				c.add(path, fmt.Sprintf("%s a value that differs from what %s says (sensitive, not shown)", r.verb, r.who))
				return
			}
			c.add(path, fmt.Sprintf("%s %s but %s says %s", r.verb, show(got, false), r.who, show(want, false)))
		}
		return
	}
	ty := want.Type()
	switch {
	case ty.IsListType() || ty.IsTupleType():
		if want.LengthInt() != got.LengthInt() {
			c.add(path, fmt.Sprintf("%s %d elements but %s has %d", r.verb, got.LengthInt(), r.who, want.LengthInt()))
			return
		}
		for i := range want.LengthInt() {
			k := cty.NumberIntVal(int64(i))
			c.agree(fmt.Sprintf("%s[%d]", path, i), want.Index(k), got.Index(k), sensitive, r)
		}
	case ty.IsMapType():
		wm, gm := want.AsValueMap(), got.AsValueMap()
		for _, k := range sortedKeys(wm) {
			p := fmt.Sprintf("%s[%q]", path, k)
			if gv, ok := gm[k]; ok {
				c.agree(p, wm[k], gv, sensitive, r)
			} else {
				c.add(p, fmt.Sprintf("%s no element but %s has one", r.verb, r.who))
			}
		}
		for _, k := range sortedKeys(gm) {
			if _, ok := wm[k]; !ok {
				c.add(fmt.Sprintf("%s[%q]", path, k), fmt.Sprintf("%s an element but %s has none", r.verb, r.who))
			}
		}
	case ty.IsObjectType():
		for _, name := range sortedKeys(ty.AttributeTypes()) {
			c.agree(path+"."+name, want.GetAttr(name), got.GetAttr(name), sensitive, r)
		}
	case ty.IsSetType():
		// Unknown elements cannot be paired with others; a set whose
		// length is known must keep it.
		if r.keepUnknown && want.Length().IsKnown() && !want.Length().RawEquals(got.Length()) {
			c.add(path, fmt.Sprintf("%s %d elements but %s has %d", r.verb, got.LengthInt(), r.who, want.LengthInt()))
		}
	}
}

// equalKnown reports whether two wholly known values are equal, ignoring
// marks.
func equalKnown(a, b cty.Value) bool {
	if !a.IsWhollyKnown() || !b.IsWhollyKnown() {
		return false
	}
	eq := a.Equals(b)
	return eq.IsKnown() && eq.True()
}

func (c *checker) unknownPaths(b *schema.Block, path string, v cty.Value) {
	for _, a := range b.Attributes {
		if !v.GetAttr(a.Name).IsWhollyKnown() {
			c.add(join(path, a.Name), "still unknown after apply; the applied value must be wholly known")
		}
	}
	for _, nb := range b.BlockTypes {
		bv := v.GetAttr(nb.TypeName)
		p := join(path, nb.TypeName)
		switch {
		case !bv.IsKnown():
			c.add(p, "blocks still unknown after apply; the applied value must be wholly known")
		case bv.IsNull() || bv.IsWhollyKnown():
		case nb.Nesting == schema.NestingSingle:
			c.unknownPaths(&nb.Block, p, bv)
		case nb.Nesting == schema.NestingList:
			for i, ev := range bv.AsValueSlice() {
				c.unknownPaths(&nb.Block, fmt.Sprintf("%s[%d]", p, i), ev)
			}
		case nb.Nesting == schema.NestingMap:
			for k, ev := range bv.AsValueMap() {
				c.unknownPaths(&nb.Block, fmt.Sprintf("%s[%q]", p, k), ev)
			}
		default:
			c.add(p, "blocks still partly unknown after apply; the applied value must be wholly known")
		}
	}
}

func sortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// show renders a value for a problem: short, never a sensitive value.
func show(v cty.Value, sensitive bool) string {
	switch {
	case !v.IsKnown():
		return "(known after apply)"
	case v.IsNull():
		return "null"
	case sensitive:
		return "(sensitive value)"
	}
	s := render(v)
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}

func render(v cty.Value) string {
	if !v.IsKnown() {
		return "(known after apply)"
	}
	if v.IsNull() {
		return "null"
	}
	ty := v.Type()
	switch {
	case ty == cty.String:
		return strconv.Quote(v.AsString())
	case ty == cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case ty == cty.Bool:
		return strconv.FormatBool(v.True())
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		var parts []string
		for _, e := range v.AsValueSlice() {
			parts = append(parts, render(e))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case ty.IsMapType() || ty.IsObjectType():
		m := v.AsValueMap()
		var parts []string
		for _, k := range sortedKeys(m) {
			parts = append(parts, k+" = "+render(m[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return "a value of type " + ty.FriendlyName()
}

// ProposedNew is the value the engine proposes to a provider's Plan
// (PlanRequest.Proposed): config, with every computed attribute the
// configuration leaves null taken from prior, or unknown when prior is null
// (a create). Nested single and list blocks are merged element by element
// when prior has the same blocks; set blocks are taken from config. A null
// config proposes null (a delete).
func ProposedNew(rt *schema.ResourceType, prior, config cty.Value) cty.Value {
	return proposedBlock(&rt.Block, prior, config)
}

// ProposedIsPrior reports, without building it, that ProposedNew(rt,
// prior, config) is exactly prior: an existing object whose configuration
// asks for nothing new. It may answer false for some values that
// ProposedNew would reproduce (it compares raw values), never true for one
// it would not.
func ProposedIsPrior(rt *schema.ResourceType, prior, config cty.Value) bool {
	if prior.IsNull() || !prior.IsKnown() {
		return false
	}
	return proposedIsPrior(&rt.Block, prior, config)
}

// proposedIsPrior compares attribute by attribute: walking each value once
// is much cheaper than building the proposed object and comparing it whole.
func proposedIsPrior(b *schema.Block, prior, config cty.Value) bool {
	if config.IsNull() || !config.IsKnown() {
		return sameKnown(config, prior)
	}
	for _, a := range b.Attributes {
		cv, pv := config.GetAttr(a.Name), prior.GetAttr(a.Name)
		if a.Computed && cv.IsNull() {
			if !pv.IsWhollyKnown() {
				return false
			}
			continue // proposed as the prior value
		}
		if !sameKnown(cv, pv) {
			return false
		}
	}
	for _, nb := range b.BlockTypes {
		cv, pv := config.GetAttr(nb.TypeName), prior.GetAttr(nb.TypeName)
		switch {
		case cv.IsNull() || !cv.IsKnown() || pv.IsNull() || !pv.IsKnown() || nb.Nesting == schema.NestingSet:
			if !sameKnown(cv, pv) {
				return false
			}
		case nb.Nesting == schema.NestingSingle:
			if !proposedIsPrior(&nb.Block, pv, cv) {
				return false
			}
		case nb.Nesting == schema.NestingList:
			if cv.LengthInt() != pv.LengthInt() {
				return false
			}
			for i := 0; i < cv.LengthInt(); i++ {
				idx := cty.NumberIntVal(int64(i))
				if !proposedIsPrior(&nb.Block, pv.Index(idx), cv.Index(idx)) {
					return false
				}
			}
		case nb.Nesting == schema.NestingMap:
			if !sameKeys(cv, pv) {
				return false
			}
			for it := cv.ElementIterator(); it.Next(); {
				k, e := it.Element()
				if !proposedIsPrior(&nb.Block, pv.Index(k), e) {
					return false
				}
			}
		}
	}
	return true
}

// sameKnown reports whether a and b are the same wholly known value.
func sameKnown(a, b cty.Value) bool {
	return a.RawEquals(b) && a.IsWhollyKnown()
}

func proposedBlock(b *schema.Block, prior, config cty.Value) cty.Value {
	if config.IsNull() || !config.IsKnown() {
		return config
	}
	if !prior.IsNull() && !prior.IsKnown() {
		prior = cty.NullVal(config.Type())
	}
	attrs := config.AsValueMap()
	for _, a := range b.Attributes {
		if !a.Computed || !attrs[a.Name].IsNull() {
			continue
		}
		if prior.IsNull() {
			attrs[a.Name] = cty.UnknownVal(a.Type)
		} else {
			attrs[a.Name] = prior.GetAttr(a.Name)
		}
	}
	for _, nb := range b.BlockTypes {
		cv := attrs[nb.TypeName]
		var pv cty.Value
		if prior.IsNull() {
			pv = cty.NullVal(cv.Type())
		} else {
			pv = prior.GetAttr(nb.TypeName)
		}
		switch {
		case cv.IsNull() || !cv.IsKnown():
		case nb.Nesting == schema.NestingSingle:
			attrs[nb.TypeName] = proposedBlock(&nb.Block, pv, cv)
		case nb.Nesting == schema.NestingList:
			elems := cv.AsValueSlice()
			var prevs []cty.Value
			if !pv.IsNull() && pv.IsKnown() {
				prevs = pv.AsValueSlice()
			}
			for i, e := range elems {
				p := cty.NullVal(e.Type())
				if i < len(prevs) {
					p = prevs[i]
				}
				elems[i] = proposedBlock(&nb.Block, p, e)
			}
			if len(elems) > 0 {
				attrs[nb.TypeName] = cty.ListVal(elems)
			}
		case nb.Nesting == schema.NestingMap:
			elems := cv.AsValueMap()
			for k, e := range elems {
				p := cty.NullVal(e.Type())
				if !pv.IsNull() && pv.IsKnown() && pv.HasIndex(cty.StringVal(k)).True() {
					p = pv.Index(cty.StringVal(k))
				}
				elems[k] = proposedBlock(&nb.Block, p, e)
			}
			if len(elems) > 0 {
				attrs[nb.TypeName] = cty.MapVal(elems)
			}
		}
	}
	if len(attrs) == 0 {
		return config
	}
	return cty.ObjectVal(attrs)
}
