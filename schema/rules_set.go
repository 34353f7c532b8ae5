package schema

import (
	"fmt"
	"slices"
	"strings"

	"github.com/updplan/updplan/engine/addr"
	"github.com/zclconf/go-cty/cty"
)

// SetRules are the cross-object rules of the domain. Each gets every
// resource instance of the configuration, in any order, and reports
// problems in address order. Like object rules they judge only known
// values.
var SetRules = []SetRule{
	uniqueSiteCodes,
	siteHierarchy,
	uniqueCollectionNames,
	uniqueDeploymentPackageNames,
	uniqueAdvertisementNames,
	uniquePackageSources,
	uniquePackageShareNames,
	uniqueDistributionPoints,
	oneHardwareInventoryPerSite,
	uniqueShareNames,
	uniqueSyncHosts,
	uniqueCatalogDestinations,
	syncHostRules,
	advertisementProgramRules,
}

// ofType returns the objects of one resource type in address order.
func ofType(objs []Object, typ string) []Object {
	n := 0
	for _, o := range objs {
		if o.Type == typ {
			n++
		}
	}
	out := make([]Object, 0, n)
	for _, o := range objs {
		if o.Type == typ {
			out = append(out, o)
		}
	}
	slices.SortStableFunc(out, func(a, b Object) int { return addr.Compare(a.Addr, b.Addr) })
	return out
}

func objectProblem(o Object, p *Problem) ObjectProblem {
	return ObjectProblem{Addr: o.Addr, Problem: *p}
}

// fold is the comparison key of names Configuration Manager compares
// without regard to case.
func fold(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// duplicates reports every object after the first with the same key. key
// returns false when the key is not known yet.
func duplicates(objs []Object, key func(Object) (string, bool), report func(first, dup Object) *Problem) []ObjectProblem {
	var out []ObjectProblem
	first := map[string]Object{}
	for _, o := range objs {
		k, ok := key(o)
		if !ok {
			continue
		}
		if f, seen := first[k]; seen {
			out = append(out, objectProblem(o, report(f, o)))
			continue
		}
		first[k] = o
	}
	return out
}

func valueString(o Object, name string) string {
	s, _ := strAttr(o.Value, name, "")
	return s
}

func uniqueSiteCodes(objs []Object) []ObjectProblem {
	return duplicates(ofType(objs, "site"),
		func(o Object) (string, bool) { return strAttr(o.Value, "code", "") },
		func(first, dup Object) *Problem {
			return errorAt(path("code"), "Duplicate site code",
				fmt.Sprintf("%s has the same code %q as %s. Site codes must be unique in the hierarchy, Setup does not check this, and a code cannot change after install: give one of the sites another code.", dup.Addr, valueString(dup, "code"), first.Addr))
		})
}

// siteHierarchy: following parent codes from a site never leads back to it.
func siteHierarchy(objs []Object) []ObjectProblem {
	sites := ofType(objs, "site")
	parentOf := map[string]string{}
	for _, o := range sites {
		code, cok := strAttr(o.Value, "code", "")
		parent, pok := strAttr(o.Value, "parent", "")
		if cok && pok && code != parent { // a site naming itself is siteRules' finding
			if _, dup := parentOf[code]; !dup {
				parentOf[code] = parent
			}
		}
	}
	var out []ObjectProblem
	for _, o := range sites {
		code, ok := strAttr(o.Value, "code", "")
		if !ok {
			continue
		}
		chain := []string{code}
		for cur := parentOf[code]; cur != ""; cur = parentOf[cur] {
			chain = append(chain, cur)
			if cur == code {
				out = append(out, objectProblem(o, errorAt(path("parent"), "Site hierarchy cycle",
					fmt.Sprintf("The parent sites of %s lead back to it: %s. A hierarchy has one central site at the top: remove `parent` from that site, or correct the parent codes.", code, strings.Join(chain, " -> ")))))
				break
			}
			if len(chain) > len(parentOf)+1 {
				break // a cycle above this site, reported on its own members
			}
		}
	}
	return out
}

func uniqueCollectionNames(objs []Object) []ObjectProblem {
	return uniqueNamesPerSite(objs, "collection", "Collection names are unique in a site")
}

// uniqueAdvertisementNames: an advertisement's name is its unique
// user-friendly name (SMS_Advertisement, domain.md §8.3), here per site.
func uniqueAdvertisementNames(objs []Object) []ObjectProblem {
	return uniqueNamesPerSite(objs, "advertisement", "An advertisement's name is its unique user-friendly name")
}

// uniqueNamesPerSite reports objects of typ named as another of the same
// site; why says why the name must be unique.
func uniqueNamesPerSite(objs []Object, typ, why string) []ObjectProblem {
	return duplicates(ofType(objs, typ),
		func(o Object) (string, bool) {
			site, sok := strAttr(o.Value, "site", "")
			name, nok := strAttr(o.Value, "name", "")
			return site + "\x00" + fold(name), sok && nok
		},
		func(first, dup Object) *Problem {
			return errorAt(path("name"), "Duplicate "+typeWords(typ)+" name",
				fmt.Sprintf("%s has the same name %q as %s in site %s. %s: rename one of them.", dup.Addr, valueString(dup, "name"), first.Addr, valueString(dup, "site"), why))
		})
}

func uniqueDeploymentPackageNames(objs []Object) []ObjectProblem {
	return duplicates(ofType(objs, "deployment_package"),
		func(o Object) (string, bool) {
			name, ok := strAttr(o.Value, "name", "")
			return fold(name), ok
		},
		func(first, dup Object) *Problem {
			return errorAt(path("name"), "Duplicate deployment package name",
				fmt.Sprintf("%s has the same name %q as %s. Deployment package names are unique: rename one of them.", dup.Addr, valueString(dup, "name"), first.Addr))
		})
}

// normPath folds the spellings of one Windows path together.
func normPath(p string) string {
	p = strings.ReplaceAll(strings.TrimSpace(p), "/", `\`)
	return strings.ToLower(strings.TrimRight(p, `\`))
}

// uniquePackageSources: a deployment package's source folder is used by no
// other deployment package and no package.
func uniquePackageSources(objs []Object) []ObjectProblem {
	var out []ObjectProblem
	others := append(ofType(objs, "deployment_package"), ofType(objs, "package")...)
	for i, dp := range ofType(objs, "deployment_package") {
		src, ok := strAttr(dp.Value, "source_path", "")
		if !ok || normPath(src) == "" {
			continue
		}
		for j, o := range others {
			if o.Type == "deployment_package" && j >= i {
				continue // report each pair of deployment packages once, on the later one
			}
			if osrc, ok := strAttr(o.Value, "source_path", ""); ok && normPath(osrc) == normPath(src) {
				out = append(out, objectProblem(dp, errorAt(path("source_path"), "Shared package source",
					fmt.Sprintf("%s uses the source folder %q, which %s uses too. A deployment package's source must not be used by any other package: create a folder of its own and set `source_path` to it.", dp.Addr, src, o.Addr))))
				break
			}
		}
	}
	return out
}

// uniquePackageShareNames: a package-specific share name is unique across
// all packages, and a bare share name must not hold another package's
// folder: Configuration Manager deletes and recreates the whole share on
// every refresh of the package that names it alone.
func uniquePackageShareNames(objs []Object) []ObjectProblem {
	var out []ObjectProblem
	pkgs := ofType(objs, "package")
	type entry struct {
		o            Object
		full, share  string
		hasSubfolder bool
	}
	var es []entry
	for _, o := range pkgs {
		s, ok := strAttr(o.Value, "share_name", "")
		if !ok {
			continue
		}
		full := normPath(s)
		share, sub, _ := strings.Cut(full, `\`)
		es = append(es, entry{o: o, full: full, share: share, hasSubfolder: sub != ""})
	}
	for j := range es {
		for i := 0; i < j; i++ {
			a, b := es[i], es[j]
			switch {
			case a.full == b.full:
				out = append(out, objectProblem(b.o, errorAt(path("share_name"), "Duplicate package share name",
					fmt.Sprintf("%s uses the share name %q, as %s does. Package share names must be unique across all packages: choose another one.", b.o.Addr, valueString(b.o, "share_name"), a.o.Addr))))
			case a.share == b.share && a.hasSubfolder != b.hasSubfolder:
				bare, nested := a, b
				if a.hasSubfolder {
					bare, nested = b, a
				}
				out = append(out, objectProblem(bare.o, errorAt(path("share_name"), "Overlapping package share",
					fmt.Sprintf("%s names the whole share %q, which Configuration Manager deletes and recreates on every refresh of the package, and %s keeps its folder %q inside it. Use a folder of its own, e.g. %q.", bare.o.Addr, valueString(bare.o, "share_name"), nested.o.Addr, valueString(nested.o, "share_name"), valueString(bare.o, "share_name")+`\`+valueString(bare.o, "name")))))
			}
		}
	}
	slices.SortStableFunc(out, func(a, b ObjectProblem) int { return addr.Compare(a.Addr, b.Addr) })
	return out
}

func uniqueDistributionPoints(objs []Object) []ObjectProblem {
	dps := ofType(objs, "distribution_point")
	out := duplicates(dps,
		func(o Object) (string, bool) {
			site, sok := strAttr(o.Value, "site", "")
			server, vok := strAttr(o.Value, "server", "")
			return site + "\x00" + fold(server), sok && vok
		},
		func(first, dup Object) *Problem {
			return errorAt(path("server"), "Duplicate distribution point",
				fmt.Sprintf("%s and %s are both the distribution point on server %q of site %s. A server holds one distribution point per site: remove one of them.", first.Addr, dup.Addr, valueString(dup, "server"), valueString(dup, "site")))
		})
	out = append(out, duplicates(dps,
		func(o Object) (string, bool) {
			share, ok := strAttr(o.Value, "share", "")
			if !ok || smspkgRE.MatchString(share) {
				return "", false
			}
			return fold(share), true
		},
		func(first, dup Object) *Problem {
			return errorAt(path("share"), "Duplicate distribution point share",
				fmt.Sprintf("%s uses the custom share %q, as %s does. Custom distribution point shares must be unique: choose another share name.", dup.Addr, valueString(dup, "share"), first.Addr))
		})...)
	slices.SortStableFunc(out, func(a, b ObjectProblem) int { return addr.Compare(a.Addr, b.Addr) })
	return out
}

func oneHardwareInventoryPerSite(objs []Object) []ObjectProblem {
	return duplicates(ofType(objs, "hardware_inventory"),
		func(o Object) (string, bool) { return strAttr(o.Value, "site", "") },
		func(first, dup Object) *Problem {
			return errorAt(path("site"), "Second hardware inventory for a site",
				fmt.Sprintf("%s and %s both set the hardware inventory cycle of site %s, and a site has one. Remove one of them.", first.Addr, dup.Addr, valueString(dup, "site")))
		})
}

// uniqueShareNames: share names are unique per server. Two shares may ask
// for one name only when each takes the next free name if it is taken.
func uniqueShareNames(objs []Object) []ObjectProblem {
	groups := map[string][]Object{}
	var keys []string
	for _, o := range ofType(objs, "share") {
		server, sok := strAttr(o.Value, "server", "")
		name, nok := strAttr(o.Value, "name", "")
		if !sok || !nok {
			continue
		}
		k := fold(server) + "\x00" + fold(name)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], o)
	}
	var out []ObjectProblem
	for _, k := range keys {
		g := groups[k]
		strict := false
		for _, o := range g {
			if mode, ok := strAttr(o.Value, "on_name_taken", "fail"); ok && mode == "fail" {
				strict = true
			}
		}
		if len(g) < 2 || !strict {
			continue
		}
		for _, o := range g[1:] {
			out = append(out, objectProblem(o, errorAt(path("name"), "Duplicate share name",
				fmt.Sprintf("%s and %s both declare the share %q on server %q, and share names are unique per server. Choose another name, or set `on_name_taken = \"next_free\"` on both so that one becomes %s_1.", g[0].Addr, o.Addr, valueString(o, "name"), valueString(o, "server"), valueString(o, "name")))))
		}
	}
	slices.SortStableFunc(out, func(a, b ObjectProblem) int { return addr.Compare(a.Addr, b.Addr) })
	return out
}

// uniqueSyncHosts: one sync_host resource per computer and site (its id).
func uniqueSyncHosts(objs []Object) []ObjectProblem {
	return duplicates(ofType(objs, "sync_host"),
		func(o Object) (string, bool) {
			site, sok := strAttr(o.Value, "site", "")
			computer, cok := strAttr(o.Value, "computer", "")
			host, _, _ := strings.Cut(fold(computer), ".")
			return site + "\x00" + host, sok && cok
		},
		func(first, dup Object) *Problem {
			return errorAt(path("computer"), "Duplicate sync host",
				fmt.Sprintf("%s and %s both make %q the sync host of site %s. Remove one of them.", first.Addr, dup.Addr, valueString(dup, "computer"), valueString(dup, "site")))
		})
}

// uniqueCatalogDestinations: two catalogs in one folder would replace each
// other's copy on every apply.
func uniqueCatalogDestinations(objs []Object) []ObjectProblem {
	return duplicates(ofType(objs, "catalog"),
		func(o Object) (string, bool) {
			dest, ok := strAttr(o.Value, "destination", "")
			return normPath(dest), ok
		},
		func(first, dup Object) *Problem {
			return errorAt(path("destination"), "Duplicate catalog destination",
				fmt.Sprintf("%s and %s both keep a catalog in %q and would replace each other's copy. Give each catalog its own destination, or remove one of them.", first.Addr, dup.Addr, valueString(dup, "destination")))
		})
}

// sameComputer compares computer names, also when one is written as a DNS
// name and the other as a NetBIOS name.
func sameComputer(a, b string) bool {
	a, b = fold(a), fold(b)
	if a == "" || b == "" {
		return false
	}
	if a == b {
		return true
	}
	ha, _, _ := strings.Cut(a, ".")
	hb, _, _ := strings.Cut(b, ".")
	return (ha == a || hb == b) && ha == hb
}

// refersTo returns the objects of type typ that o's attribute refers to.
func refersTo(o Object, attrName, typ string, objs []Object) []Object {
	var out []Object
	for _, r := range o.Refs.Of(attrName) {
		if r.Type != typ {
			continue
		}
		for _, t := range objs {
			if t.Addr.Resource == r {
				out = append(out, t)
			}
		}
	}
	return out
}

func syncHostRules(objs []Object) []ObjectProblem {
	var out []ObjectProblem
	sites := ofType(objs, "site")
	collections := ofType(objs, "collection")
	for _, h := range ofType(objs, "sync_host") {
		computer, cok := strAttr(h.Value, "computer", "")
		if !cok {
			continue
		}
		// The site server with Internet access (the source guide's security note).
		if inet, ok := boolAttr(h.Value, "internet_access", false); ok && inet {
			code, codeKnown := strAttr(h.Value, "site", "")
			candidates := refersTo(h, "site", "site", sites)
			if len(candidates) == 0 && codeKnown {
				for _, s := range sites {
					if c, ok := strAttr(s.Value, "code", ""); ok && c == code {
						candidates = append(candidates, s)
					}
				}
			}
			for _, s := range candidates {
				if server, ok := strAttr(s.Value, "server", ""); ok && sameComputer(server, computer) {
					out = append(out, objectProblem(h, warningAt(path("internet_access"), "Site server with Internet access",
						fmt.Sprintf("The sync host %q is the site server of %s and is given Internet access. The site server needs no Internet access, and giving it access raises its risk; a workstation is the recommended sync host. Choose a workstation as `computer`, or set `internet_access = false` and take the catalog from a local catalog location.", computer, s.Addr))))
					break
				}
			}
		}
		// The sync collection must keep the host as a member.
		for _, c := range refersTo(h, "collection", "collection", collections) {
			if members, _ := knownStrings(attrOrNil(c.Value, "members")); isSet(c.Value, "members") && !containsFold(members, computer) && allKnown(c.Value, "members") {
				out = append(out, objectProblem(h, errorAt(path("collection"), "Sync host not in its collection",
					fmt.Sprintf("%s sets its exact members and leaves out the sync host %q, so the two resources would undo each other's changes and the catalog would never be synchronized. Add %q to `members` of %s.", c.Addr, computer, computer, c.Addr))))
			}
			if excluded, _ := knownStrings(attrOrNil(c.Value, "members_exclude")); containsFold(excluded, computer) {
				out = append(out, objectProblem(h, errorAt(path("collection"), "Sync host excluded from its collection",
					fmt.Sprintf("%s excludes the sync host %q from its members, so the catalog would never be synchronized. Remove %q from `members_exclude` of %s.", c.Addr, computer, computer, c.Addr))))
			}
		}
	}
	return out
}

func allKnown(obj cty.Value, name string) bool {
	v, ok := attr(obj, name)
	return ok && v.IsWhollyKnown()
}

func containsFold(list []string, s string) bool {
	for _, e := range list {
		if sameComputer(e, s) {
			return true
		}
	}
	return false
}

// findProgram finds the one program an advertisement points at: through
// its references, or by equal known package id and name. It returns false
// when that is not known (yet) or ambiguous.
func findProgram(ad Object, programs []Object) (Object, bool) {
	name, nameKnown := strAttr(ad.Value, "program", "")
	candidates := refersTo(ad, "program", "program", programs)
	if len(candidates) == 0 {
		for _, r := range ad.Refs.Of("package") {
			if r.Type != "package" {
				continue
			}
			for _, p := range programs {
				if slices.Contains(p.Refs.Of("package"), r) {
					candidates = append(candidates, p)
				}
			}
		}
	}
	if len(candidates) == 0 {
		if pkg, ok := strAttr(ad.Value, "package", ""); ok {
			for _, p := range programs {
				if ppkg, ok := strAttr(p.Value, "package", ""); ok && strings.EqualFold(ppkg, pkg) {
					candidates = append(candidates, p)
				}
			}
		}
	}
	if nameKnown {
		candidates = slices.DeleteFunc(candidates, func(p Object) bool {
			pname, ok := strAttr(p.Value, "name", "")
			return !ok || !strings.EqualFold(pname, name)
		})
	}
	if len(candidates) != 1 {
		return Object{}, false
	}
	return candidates[0], true
}

// advertisementProgramRules: the advertisement's assignments must agree
// with the program's flags, or Configuration Manager silently does not
// advertise the program (ONUSERLOGOFF needs NOUSERLOGGEDIN, ...).
func advertisementProgramRules(objs []Object) []ObjectProblem {
	var out []ObjectProblem
	programs := ofType(objs, "program")
	for _, ad := range ofType(objs, "advertisement") {
		prog, ok := findProgram(ad, programs)
		if !ok {
			continue
		}
		if disabled, ok := boolAttr(prog.Value, "disabled", false); ok && disabled {
			out = append(out, objectProblem(ad, warningAt(path("program"), "Advertised program is disabled",
				fmt.Sprintf("%s advertises %s, which is disabled, so clients will not run it. Set `disabled = false` on %s, or remove the advertisement.", ad.Addr, prog.Addr, prog.Addr))))
		}
		mode, ok := strAttr(prog.Value, "run_mode", "whether_or_not_user_logged_on")
		if !ok {
			continue
		}
		sched, _ := attr(ad.Value, "schedule")
		entries, keys := knownStrings(sched)
		for i, e := range entries {
			p := cty.GetAttrPath("schedule").Index(keys[i])
			switch assignmentEvent(e) {
			case "at logoff":
				if mode != "only_when_no_user_logged_on" {
					out = append(out, objectProblem(ad, errorAt(p, "Assignment does not match the program",
						fmt.Sprintf("%s runs %s at logoff, but the program's run_mode is %q. Configuration Manager advertises a program at logoff only when it runs when no user is logged on, and would silently skip this one. Set `run_mode = \"only_when_no_user_logged_on\"` on %s, or use another assignment.", ad.Addr, prog.Addr, mode, prog.Addr))))
				}
			case "at logon":
				if mode == "only_when_no_user_logged_on" {
					out = append(out, objectProblem(ad, errorAt(p, "Assignment does not match the program",
						fmt.Sprintf("%s runs %s at logon, but the program runs only when no user is logged on, so it could never run then. Set `run_mode` on %s to \"whether_or_not_user_logged_on\" or \"only_when_user_logged_on\", or use another assignment.", ad.Addr, prog.Addr, prog.Addr))))
				}
			case "at startup":
				if mode == "only_when_user_logged_on" {
					out = append(out, objectProblem(ad, warningAt(p, "Assignment does not match the program",
						fmt.Sprintf("%s runs %s at system startup, when no user is logged on yet, but the program runs only when a user is logged on. Set `run_mode` on %s to \"whether_or_not_user_logged_on\", or use another assignment.", ad.Addr, prog.Addr, prog.Addr))))
				}
			}
		}
	}
	return out
}
