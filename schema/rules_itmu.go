package schema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/updplan/updplan/engine/addr"
	"github.com/zclconf/go-cty/cty"
)

// The names ITMU Setup gives its objects (domain.md §0.1, §3). Setup
// suggests the base name "Microsoft Updates Tool"; the rules below know
// the objects by these names.
const (
	itmuPackageName     = "Microsoft Updates Tool"
	wuaPackageName      = "Windows Update Agent"
	itmuSyncCollection  = "Microsoft Updates Tool Sync"
	itmuScanPackageFold = "microsoft updates tool"
)

// isScanPackage reports whether a package is the inventory tool's scan
// package, by its name.
func isScanPackage(o Object) bool {
	name, ok := strAttr(o.Value, "name", "")
	return ok && fold(name) == itmuScanPackageFold
}

// ITMURules are the inventory tool's rules that need the whole hierarchy
// (the configuration's sites and, at plan time, the site database's):
// installed once, at the top site (domain.md §1.1); its package names
// unique in a site (§0.1); the sync collection holding the sync host (§3);
// the catalog on every distribution point of the scan package (§0.5).
func ITMURules(objs []Object, lookup Lookup) []ObjectProblem {
	r := newResolver(objs, lookup, []string{"site", "package", "collection", "distribution_point"})
	var out []ObjectProblem
	out = append(out, r.itmuOnce()...)
	out = append(out, r.itmuPackageNames()...)
	out = append(out, r.syncCollection()...)
	out = append(out, r.catalogCoverage()...)
	slices.SortStableFunc(out, func(a, b ObjectProblem) int { return addr.Compare(a.Addr, b.Addr) })
	return out
}

// itmuOnce: the tool is installed at the top site only. A scan package at
// a child site, with another at a site above it, is the tool installed
// twice; alone at a child, upper sites cannot report on it.
func (r *resolver) itmuOnce() []ObjectProblem {
	var out []ObjectProblem
	for _, o := range ofType(r.objs, "package") {
		if !isScanPackage(o) {
			continue
		}
		site, ok := strAttr(o.Value, "site", "")
		if !ok {
			continue
		}
		parent, known := r.parents[site]
		if !known || parent == "" {
			continue
		}
		var above []refTarget
		for _, t := range r.byType["package"] {
			if t.siteKnown && t.site != site && fold(t.name) == itmuScanPackageFold {
				if in, _ := r.ancestorOrSelf(t.site, site); in {
					above = append(above, t)
				}
			}
		}
		if len(above) > 0 {
			out = append(out, objectProblem(o, errorAt(path("site"), "Inventory tool installed twice",
				fmt.Sprintf("%s installs the inventory tool's scan package at site %s, and %s already has it at site %s above it. The Inventory Tool for Microsoft Updates is installed once, at the top site of the hierarchy: its objects flow down to the child sites, and scan results of two installations would mix. Remove %s and let site %s use the package of site %s.", o.Addr, site, above[0].label(), above[0].site, o.Addr, site, above[0].site))))
			continue
		}
		out = append(out, objectProblem(o, warningAt(path("site"), "Inventory tool below the top site",
			fmt.Sprintf("%s installs the inventory tool at site %s, which has the parent site %s. The tool belongs at the top site of the hierarchy: objects flow down to child sites, and upper sites cannot report on a scan tool installed lower down. Install it at the central site instead.", o.Addr, site, parent))))
	}
	return out
}

// itmuPackageNames: Setup's package names must not clash with another
// package of the site.
func (r *resolver) itmuPackageNames() []ObjectProblem {
	var out []ObjectProblem
	first := map[string]refTarget{}
	for _, t := range r.byType["package"] {
		if !t.siteKnown || (fold(t.name) != itmuScanPackageFold && fold(t.name) != fold(wuaPackageName)) {
			continue
		}
		k := t.site + "\x00" + fold(t.name)
		f, seen := first[k]
		if !seen {
			first[k] = t
			continue
		}
		dup, other := t, f
		if !dup.fromConfig() {
			dup, other = f, t
		}
		if !dup.fromConfig() {
			continue
		}
		o := Object{Addr: dup.addr}
		out = append(out, objectProblem(o, errorAt(path("name"), "Duplicate inventory tool package",
			fmt.Sprintf("Site %s has two packages named %q: %s and %s. The inventory tool's packages are found by their names, which must not clash with another object: remove one of them, or give the other package another name.", t.site, t.name, other.label(), dup.label()))))
	}
	return out
}

// syncCollection: the sync collection holds a sync host, and a sync host
// sits in the sync collection of its site (or of a site above it).
func (r *resolver) syncCollection() []ObjectProblem {
	var out []ObjectProblem
	hosts := ofType(r.objs, "sync_host")
	var syncColls []Object
	for _, c := range ofType(r.objs, "collection") {
		if name, ok := strAttr(c.Value, "name", ""); ok && fold(name) == fold(itmuSyncCollection) {
			syncColls = append(syncColls, c)
		}
	}
	holds := func(h Object, c Object) bool {
		if slices.Contains(h.Refs.Of("collection"), c.Addr.Resource) {
			return true
		}
		hid, hok := strAttr(h.Value, "collection", "")
		cid, cok := strAttr(c.Value, "id", "")
		return hok && cok && hid == cid
	}
	for _, c := range syncColls {
		held := false
		for _, h := range hosts {
			held = held || holds(h, c)
		}
		members := attrOrNil(c.Value, "members")
		include := attrOrNil(c.Value, "members_include")
		if held || hasElements(members) || hasElements(include) || !allKnown(c.Value, "members") {
			continue
		}
		out = append(out, objectProblem(c, errorAt(path("name"), "Sync collection without a sync host",
			fmt.Sprintf("%s is the inventory tool's %q collection, but no sync host is placed in it and it has no members. Without a sync host the catalog is never synchronized, and clients scan against an ever older one. Declare a sync_host with `collection = %s.id`, or add the sync host's computer to `members`.", c.Addr, itmuSyncCollection, c.Addr.Resource))))
	}
	for _, h := range hosts {
		site, ok := strAttr(h.Value, "site", "")
		if !ok {
			continue
		}
		var inScope []Object
		for _, c := range syncColls {
			cs, cok := strAttr(c.Value, "site", "")
			if in, known := r.ancestorOrSelf(cs, site); cok && (in || !known && cs == site) {
				inScope = append(inScope, c)
			}
		}
		if len(inScope) == 0 {
			continue
		}
		placed := false
		for _, c := range inScope {
			placed = placed || holds(h, c)
		}
		cv, _ := attr(h.Value, "collection")
		if placed || cv == cty.NilVal || (!cv.IsKnown() && len(h.Refs.Of("collection")) == 0) {
			continue // placed, or not known yet
		}
		p := path("collection")
		if cv.IsNull() {
			p = path("computer")
		}
		out = append(out, objectProblem(h, errorAt(p, "Sync host outside the sync collection",
			fmt.Sprintf("%s is not placed in %s, the inventory tool's %q collection of its site. The sync program is advertised to that collection only, so this host would never synchronize the catalog. Set `collection = %s.id`.", h.Addr, inScope[0].Addr, itmuSyncCollection, inScope[0].Addr.Resource))))
	}
	return out
}

func hasElements(v cty.Value) bool {
	return v != cty.NilVal && v.IsKnown() && !v.IsNull() && v.CanIterateElements() && v.LengthInt() > 0
}

// catalogCoverage: every distribution point that holds the scan package
// also gets the catalog, or its clients scan against a stale or missing
// one (the sync host copies each new catalog to all distribution points).
func (r *resolver) catalogCoverage() []ObjectProblem {
	catalogs := ofType(r.objs, "catalog")
	if len(catalogs) == 0 {
		return nil
	}
	dps := ofType(r.objs, "distribution_point")
	var out []ObjectProblem
	for _, pkg := range ofType(r.objs, "package") {
		if !isScanPackage(pkg) {
			continue
		}
		var held []Object
		dt, _ := attr(pkg.Value, "distribute_to")
		ids, _ := knownStrings(dt)
		if dt != cty.NilVal && dt.IsWhollyKnown() && !dt.IsNull() {
			for _, dp := range dps {
				if id, ok := strAttr(dp.Value, "id", ""); ok && slices.Contains(ids, id) {
					held = append(held, dp)
				}
			}
		} else {
			held = refersTo(pkg, "distribute_to", "distribution_point", dps)
		}
		for _, c := range catalogs {
			list, ok := attr(c.Value, "distribution_points")
			if !ok {
				continue
			}
			have, _ := knownStrings(list)
			if !list.IsWhollyKnown() {
				continue
			}
			var missing []string
			for _, dp := range held {
				cp, ok := strAttr(dp.Value, "content_path", "")
				if !ok || cp == "" {
					continue
				}
				if !slices.ContainsFunc(have, func(h string) bool { return sameContentPath(h, cp) }) {
					missing = append(missing, fmt.Sprintf("%s (%s)", dp.Addr, cp))
				}
			}
			if len(missing) > 0 {
				out = append(out, objectProblem(c, errorAt(path("distribution_points"), "Catalog missing on a distribution point",
					fmt.Sprintf("The scan package %s is on %s, but %s does not copy the catalog there. Clients that take the scan tool from those distribution points would scan against a stale or missing catalog. Add their content paths to `distribution_points` (e.g. `[for dp in distribution_point.NAME : dp.content_path]`).", pkg.Addr, strings.Join(missing, ", "), c.Addr))))
			}
		}
	}
	return out
}

func sameContentPath(a, b string) bool {
	n := func(s string) string {
		return strings.ToLower(strings.TrimRight(strings.ReplaceAll(strings.TrimSpace(s), `\`, "/"), "/"))
	}
	return n(a) == n(b)
}
