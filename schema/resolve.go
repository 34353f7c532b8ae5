package schema

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/updplan/updplan/engine/addr"
	"github.com/zclconf/go-cty/cty"
)

// Existing is one object the real world holds, as the reference checks see
// it: what a provider lists of its objects (providers.Inventory).
type Existing struct {
	Type string
	ID   string // the value of the type's IDAttribute
	Name string // the name people know it by ("" when it has none)
	Site string // the site it belongs to; for a site, its parent ("" for a central site)
	// Package is a program's package id.
	Package string
	// Owner is the address that manages it, "" for an object made outside
	// updplan.
	Owner string
}

// Lookup returns the existing objects of one resource type. A nil Lookup
// knows nothing of the real world (validate): ids found nowhere in the
// configuration are then left alone.
type Lookup func(typeName string) []Existing

// refTarget is one object an id may name: from the configuration (Addr
// set) or from the real world.
type refTarget struct {
	addr      addr.Instance // zero for an existing object
	typ       string
	id        string // "" while unknown (an object still to be created)
	name      string
	site      string
	siteKnown bool
	pkg       string // a program's package id
}

func (t refTarget) fromConfig() bool { return t.addr.Resource.Type != "" }

// label names the target in a sentence: its id and name, and its address
// when the configuration declares it.
func (t refTarget) label() string {
	s := t.id
	switch {
	case s == "" && t.fromConfig():
		s = t.addr.String()
	case t.fromConfig():
		s += " (" + t.addr.String() + ")"
	}
	if t.name != "" && t.typ != "site" {
		s += fmt.Sprintf(" %q", t.name)
	}
	return s
}

// resolver indexes the configuration's objects and the real world's for
// the reference checks.
type resolver struct {
	objs   []Object
	lookup Lookup
	// byType holds every target by type: configuration objects first (in
	// address order), then existing objects whose id the configuration
	// does not hold.
	byType map[string][]refTarget
	// index finds a target of a type by its id: byType[typ][index[typ][id]].
	index map[string]map[string]int
	// parents maps a site code to its parent code ("" for a central site).
	parents map[string]string
	// sitesKnown is false when the real world was not asked (validate):
	// a site missing from the configuration may still exist.
	sitesKnown bool
}

// nameAttr is the attribute people know an object of each type by.
var nameAttr = map[string]string{
	"site": "name", "collection": "name", "package": "name", "program": "name",
	"advertisement": "name", "distribution_point": "server", "sync_host": "computer",
	"deployment_package": "name", "deployment": "name",
}

func newResolver(objs []Object, lookup Lookup, types []string) *resolver {
	r := &resolver{objs: objs, lookup: lookup, byType: map[string][]refTarget{}, index: map[string]map[string]int{}, parents: map[string]string{}, sitesKnown: lookup != nil}
	rtOf := map[string]*ResourceType{}
	for _, rt := range Sitedb.ResourceTypes {
		rtOf[rt.Name] = rt
	}
	for _, typ := range types {
		rt := rtOf[typ]
		if rt == nil {
			continue
		}
		seen := map[string]bool{}
		for _, o := range ofType(objs, typ) {
			t := refTarget{addr: o.Addr, typ: typ}
			t.id, _ = strAttr(o.Value, rt.IDAttribute, "")
			t.name, _ = strAttr(o.Value, nameAttr[typ], "")
			if typ == "site" {
				pv, known := attr(o.Value, "parent")
				t.siteKnown = known
				if known && !pv.IsNull() && pv.Type().Equals(cty.String) {
					t.site = pv.AsString()
				}
			} else {
				t.site, t.siteKnown = strAttr(o.Value, "site", "")
			}
			t.pkg, _ = strAttr(o.Value, "package", "")
			if t.id != "" {
				seen[t.id] = true
			}
			r.byType[typ] = append(r.byType[typ], t)
		}
		if lookup == nil {
			continue
		}
		for _, e := range lookup(typ) {
			if seen[e.ID] {
				continue
			}
			r.byType[typ] = append(r.byType[typ], refTarget{typ: typ, id: e.ID, name: e.Name, site: e.Site, siteKnown: typ == "site" || e.Site != "", pkg: e.Package})
		}
	}
	for typ, list := range r.byType {
		idx := make(map[string]int, len(list))
		for i, t := range list {
			if _, dup := idx[t.id]; t.id != "" && !dup {
				idx[t.id] = i
			}
		}
		r.index[typ] = idx
	}
	// Sites: the configuration's parent codes win over the database's.
	for _, t := range r.byType["site"] {
		if t.id == "" || !t.siteKnown {
			continue
		}
		if _, dup := r.parents[t.id]; !dup {
			r.parents[t.id] = t.site
		}
	}
	// Programs take the site of their package.
	for i, t := range r.byType["program"] {
		if t.siteKnown || t.pkg == "" {
			continue
		}
		if p, ok := r.byID("package", t.pkg); ok && p.siteKnown {
			r.byType["program"][i].site, r.byType["program"][i].siteKnown = p.site, true
		}
	}
	return r
}

func (r *resolver) byID(typ, id string) (refTarget, bool) {
	i, ok := r.index[typ][id]
	if !ok {
		return refTarget{}, false
	}
	return r.byType[typ][i], true
}

// siteExists reports whether a site is known, and whether that can be told.
func (r *resolver) siteExists(code string) (exists, decidable bool) {
	if _, ok := r.parents[code]; ok {
		return true, true
	}
	return false, r.sitesKnown
}

// ancestorOrSelf reports whether anc is site or one of the sites above it;
// known is false when the chain leaves what is known.
func (r *resolver) ancestorOrSelf(anc, site string) (is, known bool) {
	for cur, n := site, 0; n <= len(r.parents)+1; n++ {
		if cur == anc {
			return true, true
		}
		p, ok := r.parents[cur]
		if !ok {
			return false, false
		}
		if p == "" {
			return false, true
		}
		cur = p
	}
	return false, false // a cycle: siteHierarchy reports it
}

// inScope reports whether an object of site target may be named by an
// object of site own; known is false when the hierarchy does not tell.
func (r *resolver) inScope(scope RefScope, own, target string) (ok, known bool) {
	switch scope {
	case OwnSite:
		return own == target, true
	case OwnOrAncestor:
		return r.ancestorOrSelf(target, own)
	case OwnOrDescendant:
		return r.ancestorOrSelf(own, target)
	}
	return true, true
}

// scopeText says which sites a scope allows, seen from site own.
func scopeText(scope RefScope, own string) string {
	switch scope {
	case OwnSite:
		return "site " + own + " itself"
	case OwnOrAncestor:
		return "site " + own + " or a site above it"
	case OwnOrDescendant:
		return "site " + own + " or a site below it"
	}
	return "any site"
}

func scopeWhy(scope RefScope, typ string) string {
	switch scope {
	case OwnSite:
		return "Only deployment packages of the deployment's own site can be chosen (not a parent's or a child's)."
	case OwnOrAncestor:
		return fmt.Sprintf("Objects made at a parent site flow down to its children, so an object may use the %ss of its own site and of the sites above it, and nothing else crosses sites.", typeWords(typ))
	case OwnOrDescendant:
		return "A package is sent to distribution points of its own site and of the sites below it, never to those of a sibling or a parent site."
	}
	return ""
}

// typeWords is the resource type in words, e.g. "deployment package".
func typeWords(typ string) string { return strings.ReplaceAll(typ, "_", " ") }

// ResolveReferences checks every id-valued attribute (Attribute.RefersTo)
// of every object: the id names an object of the right type that the
// configuration declares or the real world holds (lookup), and that object
// is in a site the attribute's Scope allows. A program's dependent_program
// (`<package id>;;<program name>`) is checked the same way. Ids that refer
// to objects still to be created are followed through the configuration's
// references. Problems come in address order.
func ResolveReferences(objs []Object, lookup Lookup) []ObjectProblem {
	types := []string{"site", "collection", "package", "program", "distribution_point", "deployment_package"}
	r := newResolver(objs, lookup, types)
	var out []ObjectProblem
	for _, rt := range Sitedb.ResourceTypes {
		for _, o := range ofType(objs, rt.Name) {
			for _, a := range rt.Block.Attributes {
				if a.RefersTo == "" {
					continue
				}
				for _, p := range r.checkAttribute(o, a) {
					out = append(out, objectProblem(o, p))
				}
			}
			switch rt.Name {
			case "program":
				for _, p := range r.checkDependentProgram(o, "dependent_program", path("dependent_program")) {
					out = append(out, objectProblem(o, p))
				}
			case "deployment":
				if sms, ok := attr(o.Value, "sms2003"); ok && !sms.IsNull() && sms.Type().HasAttribute("dependent_program") {
					// The SMS 2003 settings' dependent program, seen from the deployment's site.
					v := cty.ObjectVal(map[string]cty.Value{"site": o.Value.GetAttr("site"), "dependent_program": sms.GetAttr("dependent_program")})
					for _, p := range r.checkDependentProgram(Object{Addr: o.Addr, Type: o.Type, Value: v}, "dependent_program", path("sms2003", "dependent_program")) {
						out = append(out, objectProblem(o, p))
					}
				}
			}
		}
	}
	slices.SortStableFunc(out, func(a, b ObjectProblem) int { return addr.Compare(a.Addr, b.Addr) })
	return out
}

// ownSite is the site of the referring object: its site attribute, or a
// program's package's site.
func (r *resolver) ownSite(o Object) (string, bool) {
	if o.Type == "program" {
		if pkg, ok := strAttr(o.Value, "package", ""); ok && pkg != "" {
			if t, found := r.byID("package", pkg); found && t.siteKnown {
				return t.site, true
			}
			return "", false
		}
		for _, t := range r.configTargets(o, "package", "package") {
			if t.siteKnown {
				return t.site, true
			}
		}
		return "", false
	}
	s, ok := strAttr(o.Value, "site", "")
	return s, ok && s != ""
}

// configTargets are the configuration objects of type typ that o's
// attribute refers to.
func (r *resolver) configTargets(o Object, attrName, typ string) []refTarget {
	var out []refTarget
	for _, res := range o.Refs.Of(attrName) {
		if res.Type != typ {
			continue
		}
		for _, t := range r.byType[typ] {
			if t.fromConfig() && t.addr.Resource == res {
				out = append(out, t)
			}
		}
	}
	return out
}

func (r *resolver) checkAttribute(o Object, a *Attribute) []*Problem {
	v, _ := attr(o.Value, a.Name)
	switch {
	case v == cty.NilVal:
		return nil
	case !v.IsKnown():
		// Unknown as a whole: judge what the references say.
		return r.checkUnknown(o, a, path(a.Name))
	case v.IsNull():
		return nil
	}
	if v.Type().Equals(cty.String) {
		return r.checkID(o, a, v.AsString(), path(a.Name))
	}
	if !v.CanIterateElements() {
		return nil
	}
	var out []*Problem
	unknownSeen := false
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		p := cty.GetAttrPath(a.Name).Index(k)
		if v.Type().IsSetType() {
			p = path(a.Name) // a set element has no place of its own in the source
		}
		switch {
		case !e.IsKnown():
			if !unknownSeen {
				out = append(out, r.checkUnknown(o, a, path(a.Name))...)
				unknownSeen = true
			}
		case !e.IsNull() && e.Type().Equals(cty.String):
			out = append(out, r.checkID(o, a, e.AsString(), p)...)
		}
	}
	return out
}

// checkUnknown judges an id not known yet (an object still to be created)
// through the configuration objects the attribute refers to.
func (r *resolver) checkUnknown(o Object, a *Attribute, p cty.Path) []*Problem {
	targets := r.configTargets(o, a.Name, a.RefersTo)
	if len(targets) == 0 {
		for _, res := range o.Refs.Of(a.Name) {
			if other := nameAttr[res.Type]; other != "" && res.Type != a.RefersTo {
				return []*Problem{errorAt(p, "Reference to the wrong kind of object",
					fmt.Sprintf("`%s` holds the id of a %s, but it refers to %s, a %s. Refer to a %s instead, e.g. %s.NAME.%s.", a.Name, typeWords(a.RefersTo), res, typeWords(res.Type), typeWords(a.RefersTo), a.RefersTo, idAttrOf(a.RefersTo)))}
			}
		}
		return nil
	}
	if a.Scope == AnySite {
		return nil
	}
	own, ok := r.ownSite(o)
	if !ok {
		return nil
	}
	var outside []refTarget
	for _, t := range targets {
		if !t.siteKnown {
			return nil
		}
		in, known := r.inScope(a.Scope, own, t.site)
		if !known || in {
			return nil
		}
		outside = append(outside, t)
	}
	return []*Problem{r.outOfScope(o, a, p, own, outside[0])}
}

func idAttrOf(typ string) string {
	if rt := Sitedb.ResourceType(typ); rt != nil {
		return rt.IDAttribute
	}
	return "id"
}

func (r *resolver) outOfScope(o Object, a *Attribute, p cty.Path, own string, t refTarget) *Problem {
	what := typeWords(a.RefersTo)
	return errorAt(p, "Object of another site",
		fmt.Sprintf("`%s` names the %s %s of site %s, but %s is in site %s and may only use a %s of %s. %s Use a %s of %s, or move one of the objects.",
			a.Name, what, t.label(), t.site, o.Addr, own, what, scopeText(a.Scope, own), scopeWhy(a.Scope, a.RefersTo), what, scopeText(a.Scope, own)))
}

// builtinCollectionRE matches the built-in collections every site has,
// e.g. SMS00001 (All Systems) (domain.md §7).
var builtinCollectionRE = regexp.MustCompile(`^SMS[0-9A-F]{5}$`)

// checkID judges a known id.
func (r *resolver) checkID(o Object, a *Attribute, id string, p cty.Path) []*Problem {
	if a.RefersTo == "site" {
		exists, decidable := r.siteExists(id)
		if exists || !decidable || id == "" {
			return nil
		}
		if o.Type == "site" && a.Name == "parent" {
			return []*Problem{errorAt(p, "Parent site not found", fmt.Sprintf("No site with code %q exists in the site database or in this configuration.%s Declare the parent site and refer to it (e.g. `parent = site.central.code`), correct the code, or remove `parent` for a central site.", id, r.didYouMean("site", id, nil)))}
		}
		return []*Problem{errorAt(p, "Site not found", fmt.Sprintf("No site with code %q exists in the site database or in this configuration, so %s would belong to no site.%s Declare the site (and refer to it, e.g. `site = site.lab.code`) or correct the code.", id, o.Addr, r.didYouMean("site", id, nil)))}
	}
	if a.RefersTo == "collection" && builtinCollectionRE.MatchString(id) {
		return nil // a built-in collection, in every site
	}
	t, found := r.byID(a.RefersTo, id)
	if !found {
		if r.lookup == nil {
			return nil // validate: the real world may hold it
		}
		own, _ := r.ownSite(o)
		what := typeWords(a.RefersTo)
		return []*Problem{errorAt(p, "Unknown "+what, fmt.Sprintf("No %s with id %q exists in the site database or in this configuration.%s Refer to the %s (e.g. `%s = %s.NAME.%s`) or correct the id.",
			what, id, r.didYouMean(a.RefersTo, id, scopeFilter(r, a.Scope, own)), what, a.Name, a.RefersTo, idAttrOf(a.RefersTo)))}
	}
	if a.Scope == AnySite || !t.siteKnown {
		return nil
	}
	own, ok := r.ownSite(o)
	if !ok {
		return nil
	}
	if in, known := r.inScope(a.Scope, own, t.site); known && !in {
		return []*Problem{r.outOfScope(o, a, p, own, t)}
	}
	return nil
}

// scopeFilter keeps the targets an object of site own may name.
func scopeFilter(r *resolver, scope RefScope, own string) func(refTarget) bool {
	if own == "" || scope == AnySite {
		return nil
	}
	return func(t refTarget) bool {
		if !t.siteKnown {
			return true
		}
		in, known := r.inScope(scope, own, t.site)
		return in || !known
	}
}

// didYouMean suggests what exists instead of id: an object whose name is
// what was written, one whose id is close, then the ids in scope.
func (r *resolver) didYouMean(typ, id string, keep func(refTarget) bool) string {
	var cands []refTarget
	for _, t := range r.byType[typ] {
		if keep == nil || keep(t) {
			cands = append(cands, t)
		}
	}
	if len(cands) == 0 {
		return fmt.Sprintf(" There is no %s to choose from.", typeWords(typ))
	}
	ref := func(t refTarget) string {
		if t.fromConfig() {
			return fmt.Sprintf("%s.%s", t.addr, idAttrOf(typ))
		}
		return fmt.Sprintf("%q", t.id)
	}
	for _, t := range cands {
		if t.name != "" && strings.EqualFold(strings.TrimSpace(t.name), strings.TrimSpace(id)) {
			return fmt.Sprintf(" %q is the name of %s, not its id: did you mean %s?", id, t.label(), ref(t))
		}
	}
	best, bestDist := refTarget{}, 3
	for _, t := range cands {
		if t.id == "" {
			continue
		}
		if d := levenshtein.Distance(strings.ToUpper(id), strings.ToUpper(t.id), nil); d < bestDist {
			best, bestDist = t, d
		}
	}
	s := ""
	if best.id != "" {
		s = fmt.Sprintf(" Did you mean %s?", ref(best))
	}
	labels := make([]string, 0, 5)
	for i, t := range cands {
		if i == 5 {
			labels = append(labels, fmt.Sprintf("and %d more", len(cands)-5))
			break
		}
		labels = append(labels, t.label())
	}
	return s + fmt.Sprintf(" The %ss that can be named here: %s.", typeWords(typ), strings.Join(labels, ", "))
}

// checkDependentProgram: `<package id>;;<program name>` names a program
// that exists, in a package of the program's site or a site above it.
func (r *resolver) checkDependentProgram(o Object, name string, p cty.Path) []*Problem {
	dep, ok := strAttr(o.Value, name, "")
	if !ok || dep == "" {
		return nil
	}
	pkgID, progName, found := strings.Cut(dep, ";;")
	if !found || pkgID == "" || progName == "" {
		return nil // the attribute check reports the form
	}
	pkg, pfound := r.byID("package", pkgID)
	if !pfound {
		if r.lookup == nil {
			return nil
		}
		return []*Problem{errorAt(p, "Unknown package", fmt.Sprintf("The dependent program %q names the package %q, and no package with that id exists in the site database or in this configuration.%s Write the id of the package, two semicolons and the program's name, e.g. \"${package.itmu.id};;${program.scan.name}\".", dep, pkgID, r.didYouMean("package", pkgID, nil)))}
	}
	var names []string
	exists := false
	for _, t := range r.byType["program"] {
		if t.pkg == pkgID {
			names = append(names, fmt.Sprintf("%q", t.name))
			if strings.EqualFold(t.name, progName) {
				exists = true
			}
		}
	}
	if !exists && (r.lookup != nil || pkg.fromConfig()) {
		list := "It has no programs."
		if len(names) > 0 {
			list = "Its programs: " + strings.Join(names, ", ") + "."
		}
		return []*Problem{errorAt(p, "Unknown dependent program", fmt.Sprintf("The dependent program %q names the program %q of package %s, which has no program of that name. %s Correct the program name, or declare the program.", dep, progName, pkg.label(), list))}
	}
	own, ok := r.ownSite(o)
	if ok && pkg.siteKnown {
		if in, known := r.inScope(OwnOrAncestor, own, pkg.site); known && !in {
			return []*Problem{errorAt(p, "Object of another site", fmt.Sprintf("The dependent program %q is in package %s of site %s, but %s is in site %s. %s Use a program of site %s or a site above it.", dep, pkg.label(), pkg.site, o.Addr, own, scopeWhy(OwnOrAncestor, "package"), own))}
		}
	}
	return nil
}
