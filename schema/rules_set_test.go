package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/updplan/updplan/engine/addr"
	"github.com/zclconf/go-cty/cty"
)

// o builds an Object named TYPE.NAME with the given attributes and
// references (attribute -> "TYPE.NAME" addresses).
func o(t *testing.T, typ, name string, attrs map[string]cty.Value, refs map[string]string) Object {
	t.Helper()
	obj := Object{
		Addr:  addr.Resource{Type: typ, Name: name}.Instance(addr.NoKey),
		Type:  typ,
		Value: objOf(t, typ, attrs),
	}
	for a, target := range refs {
		r, diags := addr.ParseResource(target)
		if diags.HasErrors() {
			t.Fatalf("bad reference %q: %s", target, diags.Error())
		}
		obj.Refs = append(obj.Refs, AttributeRef{Name: a, To: []addr.Resource{r}})
	}
	return obj
}

// setFinding is an ObjectProblem reduced to what the tests compare.
type setFinding struct {
	Addr string
	Finding
}

func runSetRules(t *testing.T, objs []Object) []setFinding {
	t.Helper()
	var out []setFinding
	for _, rule := range SetRules {
		for _, p := range rule(objs) {
			checkProblemShape(t, &p.Problem)
			out = append(out, setFinding{p.Addr.String(), Finding{severity(p.Severity), p.Summary, pathString(p.Path)}})
		}
	}
	return out
}

type attrs = map[string]cty.Value
type refs = map[string]string

func TestSetRules(t *testing.T) {
	site := func(t *testing.T, name, code, server string) Object {
		return o(t, "site", name, attrs{"code": s(code), "name": s(name), "server": s(server)}, nil)
	}
	prog := func(t *testing.T, name, runMode string, disabled bool) Object {
		return o(t, "program", name, attrs{"package": unknownStr, "name": s(name), "command_line": s("x.exe"), "run_mode": s(runMode), "disabled": cty.BoolVal(disabled)},
			refs{"package": "package.itmu"})
	}
	ad := func(t *testing.T, name, program string, sched ...string) Object {
		return o(t, "advertisement", name, attrs{"site": s("LAB"), "name": s(name), "collection": unknownStr, "package": unknownStr, "program": s(program), "schedule": strs(sched...)},
			refs{"package": "package.itmu", "program": "program." + program})
	}
	tests := map[string]struct {
		objs func(t *testing.T) []Object
		want []setFinding
	}{
		"unique site codes": {func(t *testing.T) []Object {
			return []Object{site(t, "b", "LAB", "s2"), site(t, "a", "LAB", "s1"), site(t, "c", "LAC", "s3")}
		}, []setFinding{{"site.b", Finding{"error", "Duplicate site code", "code"}}}},
		"site code unknown": {func(t *testing.T) []Object {
			return []Object{site(t, "a", "LAB", "s1"), o(t, "site", "b", attrs{"code": unknownStr}, nil)}
		}, nil},
		"site hierarchy cycle": {func(t *testing.T) []Object {
			return []Object{
				o(t, "site", "a", attrs{"code": s("LAB"), "parent": s("LAC")}, nil),
				o(t, "site", "b", attrs{"code": s("LAC"), "parent": s("LAB")}, nil),
				o(t, "site", "c", attrs{"code": s("LAD"), "parent": s("LAB")}, nil),
				o(t, "site", "d", attrs{"code": s("CEN")}, nil),
				o(t, "site", "e", attrs{"code": s("CHI"), "parent": s("CEN")}, nil),
				o(t, "site", "f", attrs{"code": s("SLF"), "parent": s("SLF")}, nil),
			}
		}, []setFinding{
			{"site.a", Finding{"error", "Site hierarchy cycle", "parent"}},
			{"site.b", Finding{"error", "Site hierarchy cycle", "parent"}},
		}},
		"collection names per site": {func(t *testing.T) []Object {
			return []Object{
				o(t, "collection", "a", attrs{"site": s("LAB"), "name": s("ITMU Sync")}, nil),
				o(t, "collection", "b", attrs{"site": s("LAB"), "name": s("itmu sync")}, nil),
				o(t, "collection", "c", attrs{"site": s("LAC"), "name": s("ITMU Sync")}, nil),
			}
		}, []setFinding{{"collection.b", Finding{"error", "Duplicate collection name", "name"}}}},
		"deployment package names and sources": {func(t *testing.T) []Object {
			return []Object{
				o(t, "deployment_package", "a", attrs{"site": s("LAB"), "name": s("Dec"), "source_path": s(`\\srv\upd\dec`)}, nil),
				o(t, "deployment_package", "b", attrs{"site": s("LAB"), "name": s("DEC"), "source_path": s(`\\SRV\upd\dec\`)}, nil),
				o(t, "deployment_package", "c", attrs{"site": s("LAB"), "name": s("Jan"), "source_path": s(`\\srv\PkgSource`)}, nil),
				o(t, "deployment_package", "d", attrs{"site": s("LAB"), "name": s("Feb"), "source_path": unknownStr}, nil),
				o(t, "package", "itmu", attrs{"site": s("LAB"), "name": s("Microsoft Updates Tool"), "source_path": s(`\\srv\pkgsource`)}, nil),
			}
		}, []setFinding{
			{"deployment_package.b", Finding{"error", "Duplicate deployment package name", "name"}},
			{"deployment_package.b", Finding{"error", "Shared package source", "source_path"}},
			{"deployment_package.c", Finding{"error", "Shared package source", "source_path"}},
		}},
		"two packages may share a source": {func(t *testing.T) []Object {
			return []Object{
				o(t, "package", "a", attrs{"site": s("LAB"), "name": s("A"), "source_path": s(`\\srv\src`)}, nil),
				o(t, "package", "b", attrs{"site": s("LAB"), "name": s("B"), "source_path": s(`\\srv\src`)}, nil),
			}
		}, nil},
		"package share names": {func(t *testing.T) []Object {
			return []Object{
				o(t, "package", "a", attrs{"site": s("LAB"), "name": s("A"), "share_name": s(`ITMU`)}, nil),
				o(t, "package", "b", attrs{"site": s("LAB"), "name": s("B"), "share_name": s(`itmu\cab`)}, nil),
				o(t, "package", "c", attrs{"site": s("LAB"), "name": s("C"), "share_name": s(`Other\x`)}, nil),
				o(t, "package", "d", attrs{"site": s("LAB"), "name": s("D"), "share_name": s(`other\X`)}, nil),
				o(t, "package", "e", attrs{"site": s("LAB"), "name": s("E"), "share_name": s(`Other\y`)}, nil),
			}
		}, []setFinding{
			{"package.a", Finding{"error", "Overlapping package share", "share_name"}},
			{"package.d", Finding{"error", "Duplicate package share name", "share_name"}},
		}},
		"distribution points": {func(t *testing.T) []Object {
			return []Object{
				o(t, "distribution_point", "a", attrs{"site": s("LAB"), "server": s("DP1"), "share": s("SMSPKGD$")}, nil),
				o(t, "distribution_point", "b", attrs{"site": s("LAB"), "server": s("dp1")}, nil),
				o(t, "distribution_point", "c", attrs{"site": s("LAB"), "server": s("DP2"), "share": s("SMSPKGD$")}, nil),
				o(t, "distribution_point", "d", attrs{"site": s("LAB"), "server": s("DP3"), "kind": s("server_share"), "share": s("Content")}, nil),
				o(t, "distribution_point", "e", attrs{"site": s("LAB"), "server": s("DP4"), "kind": s("server_share"), "share": s("content")}, nil),
			}
		}, []setFinding{
			{"distribution_point.b", Finding{"error", "Duplicate distribution point", "server"}},
			{"distribution_point.e", Finding{"error", "Duplicate distribution point share", "share"}},
		}},
		"one hardware inventory per site": {func(t *testing.T) []Object {
			return []Object{
				o(t, "hardware_inventory", "a", attrs{"site": s("LAB")}, nil),
				o(t, "hardware_inventory", "b", attrs{"site": s("LAB")}, nil),
				o(t, "hardware_inventory", "c", attrs{"site": s("LAC")}, nil),
			}
		}, []setFinding{{"hardware_inventory.b", Finding{"error", "Second hardware inventory for a site", "site"}}}},
		"share names per server": {func(t *testing.T) []Object {
			return []Object{
				o(t, "share", "a", attrs{"server": s("SRV"), "name": s("PackageSrc"), "path": s("/a")}, nil),
				o(t, "share", "b", attrs{"server": s("srv"), "name": s("packagesrc"), "path": s("/b")}, nil),
				o(t, "share", "c", attrs{"server": s("SRV2"), "name": s("PackageSrc"), "path": s("/c")}, nil),
				o(t, "share", "d", attrs{"server": s("SRV3"), "name": s("PackageSrc"), "path": s("/d"), "on_name_taken": s("next_free")}, nil),
				o(t, "share", "e", attrs{"server": s("SRV3"), "name": s("PackageSrc"), "path": s("/e"), "on_name_taken": s("next_free")}, nil),
			}
		}, []setFinding{{"share.b", Finding{"error", "Duplicate share name", "name"}}}},
		"duplicate sync hosts and catalogs": {func(t *testing.T) []Object {
			return []Object{
				o(t, "sync_host", "a", attrs{"site": s("LAB"), "computer": s("WS1")}, nil),
				o(t, "sync_host", "b", attrs{"site": s("LAB"), "computer": s("ws1.corp.example")}, nil),
				o(t, "sync_host", "c", attrs{"site": s("LAC"), "computer": s("WS1")}, nil),
				o(t, "catalog", "a", attrs{"destination": s("/srv/PkgSource")}, nil),
				o(t, "catalog", "b", attrs{"destination": s("/srv/PkgSource/")}, nil),
				o(t, "catalog", "c", attrs{"destination": unknownStr}, nil),
			}
		}, []setFinding{
			{"sync_host.b", Finding{"error", "Duplicate sync host", "computer"}},
			{"catalog.b", Finding{"error", "Duplicate catalog destination", "destination"}},
		}},
		"sync host on the site server with internet": {func(t *testing.T) []Object {
			return []Object{
				site(t, "main", "LAB", "srv1.corp.example"),
				site(t, "second", "LAC", "srv1"),
				site(t, "third", "LAD", "srv1"),
				o(t, "sync_host", "h", attrs{"site": s("LAB"), "computer": s("SRV1"), "internet_access": yes_}, nil),
				o(t, "sync_host", "ws", attrs{"site": s("LAC"), "computer": s("WS1"), "internet_access": yes_}, nil),
				o(t, "sync_host", "offline", attrs{"site": s("LAC"), "computer": s("srv1"), "internet_access": no_}, nil),
				o(t, "sync_host", "unknown", attrs{"site": s("LAD"), "computer": s("srv1"), "internet_access": cty.UnknownVal(cty.Bool)}, nil),
			}
		}, []setFinding{{"sync_host.h", Finding{"warning", "Site server with Internet access", "internet_access"}}}},
		"sync host matched by reference": {func(t *testing.T) []Object {
			return []Object{
				site(t, "main", "LAB", "srv1"),
				o(t, "sync_host", "h", attrs{"site": unknownStr, "computer": s("srv1"), "internet_access": yes_}, refs{"site": "site.main"}),
			}
		}, []setFinding{{"sync_host.h", Finding{"warning", "Site server with Internet access", "internet_access"}}}},
		"sync host left out of its collection": {func(t *testing.T) []Object {
			return []Object{
				o(t, "collection", "sync", attrs{"site": s("LAB"), "name": s("Microsoft Updates Tool Sync"), "members": strSetOf("WS2")}, nil),
				o(t, "collection", "excl", attrs{"site": s("LAB"), "name": s("Other"), "members_exclude": strSetOf("ws1")}, nil),
				o(t, "collection", "ok", attrs{"site": s("LAB"), "name": s("Fine"), "members": strSetOf("ws1.corp.example")}, nil),
				o(t, "sync_host", "a", attrs{"site": s("LAB"), "computer": s("WS1"), "collection": unknownStr}, refs{"collection": "collection.sync"}),
				o(t, "sync_host", "b", attrs{"site": s("LAC"), "computer": s("WS1"), "collection": unknownStr}, refs{"collection": "collection.excl"}),
				o(t, "sync_host", "c", attrs{"site": s("LAD"), "computer": s("WS1"), "collection": unknownStr}, refs{"collection": "collection.ok"}),
			}
		}, []setFinding{
			{"sync_host.a", Finding{"error", "Sync host not in its collection", "collection"}},
			{"sync_host.b", Finding{"error", "Sync host excluded from its collection", "collection"}},
		}},
		"advertisement flags agree with the program": {func(t *testing.T) []Object {
			return []Object{
				prog(t, "nouser", "only_when_no_user_logged_on", false),
				prog(t, "user", "only_when_user_logged_on", false),
				prog(t, "any", "whether_or_not_user_logged_on", false),
				prog(t, "off", "whether_or_not_user_logged_on", true),
				ad(t, "logoff_ok", "nouser", "at logoff", "every 7 days"),
				ad(t, "logoff_bad", "any", "every 7 days", "At Logoff"),
				ad(t, "logon_ok", "user", "at logon"),
				ad(t, "logon_bad", "nouser", "at logon"),
				ad(t, "startup_user", "user", "at startup"),
				ad(t, "disabled", "off", "as soon as possible"),
			}
		}, []setFinding{
			{"advertisement.disabled", Finding{"warning", "Advertised program is disabled", "program"}},
			{"advertisement.logoff_bad", Finding{"error", "Assignment does not match the program", "schedule[1]"}},
			{"advertisement.logon_bad", Finding{"error", "Assignment does not match the program", "schedule[0]"}},
			{"advertisement.startup_user", Finding{"warning", "Assignment does not match the program", "schedule[0]"}},
		}},
		"advertisement program found by package reference and name": {func(t *testing.T) []Object {
			p := prog(t, "scan", "only_when_user_logged_on", false)
			a := o(t, "advertisement", "a", attrs{"site": s("LAB"), "name": s("a"), "collection": unknownStr, "package": unknownStr, "program": s("scan"), "schedule": strs("at logoff")},
				refs{"package": "package.itmu"})
			return []Object{p, prog(t, "other", "only_when_no_user_logged_on", false), a}
		}, []setFinding{{"advertisement.a", Finding{"error", "Assignment does not match the program", "schedule[0]"}}}},
		"advertisement program found by literal package id": {func(t *testing.T) []Object {
			p := o(t, "program", "scan", attrs{"package": s("LAB00006"), "name": s("Scan"), "command_line": s("x.exe"), "run_mode": s("only_when_user_logged_on")}, nil)
			a := o(t, "advertisement", "a", attrs{"site": s("LAB"), "name": s("a"), "collection": s("LAB0002C"), "package": s("LAB00006"), "program": s("scan"), "schedule": strs("at logoff")}, nil)
			other := o(t, "advertisement", "b", attrs{"site": s("LAB"), "name": s("b"), "collection": s("LAB0002C"), "package": s("LAB00007"), "program": s("scan"), "schedule": strs("at logoff")}, nil)
			return []Object{p, a, other}
		}, []setFinding{{"advertisement.a", Finding{"error", "Assignment does not match the program", "schedule[0]"}}}},
		"advertisement program unknown run mode": {func(t *testing.T) []Object {
			p := o(t, "program", "scan", attrs{"package": unknownStr, "name": s("scan"), "command_line": s("x.exe"), "run_mode": unknownStr}, refs{"package": "package.itmu"})
			return []Object{p, ad(t, "a", "scan", "at logoff")}
		}, nil},
		"advertisement default run mode": {func(t *testing.T) []Object {
			p := o(t, "program", "scan", attrs{"package": unknownStr, "name": s("scan"), "command_line": s("x.exe")}, refs{"package": "package.itmu"})
			return []Object{p, ad(t, "a", "scan", "at logoff")}
		}, []setFinding{{"advertisement.a", Finding{"error", "Assignment does not match the program", "schedule[0]"}}}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := runSetRules(t, tt.objs(t))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// Cross-object rules never fail on objects whose values are not known.
func TestSetRulesOnUnknowns(t *testing.T) {
	var objs []Object
	for _, p := range Providers() {
		for _, rt := range p.ResourceTypes {
			for _, name := range []string{"a", "b"} {
				objs = append(objs, Object{
					Addr:  addr.Resource{Type: rt.Name, Name: name}.Instance(addr.NoKey),
					Type:  rt.Name,
					Value: cty.UnknownVal(rt.Block.ImpliedType()),
				})
			}
		}
	}
	if got := runSetRules(t, objs); len(got) > 0 {
		t.Errorf("problems on unknown values: %+v", got)
	}
}
