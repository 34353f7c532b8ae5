package schema

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// objOf builds a value of resource type typ: the given attributes, null
// for the rest, as the engine hands it to rules before defaults.
func objOf(t testing.TB, typ string, attrs map[string]cty.Value) cty.Value {
	t.Helper()
	rt := LookupResourceType(typ)
	if rt == nil {
		t.Fatalf("no resource type %q", typ)
	}
	return fill(t, rt.Block.ImpliedType(), attrs)
}

func fill(t testing.TB, ty cty.Type, attrs map[string]cty.Value) cty.Value {
	t.Helper()
	vals := map[string]cty.Value{}
	for name, aty := range ty.AttributeTypes() {
		v, ok := attrs[name]
		switch {
		case !ok:
			v = cty.NullVal(aty)
		case v.IsKnown() && !v.IsNull() && aty.IsObjectType() && v.Type().IsObjectType():
			inner := map[string]cty.Value{}
			for k, iv := range v.AsValueMap() {
				inner[k] = iv
			}
			v = fill(t, aty, inner)
		}
		vals[name] = v
	}
	for name := range attrs {
		if !ty.HasAttribute(name) {
			t.Fatalf("test uses unknown attribute %q", name)
		}
	}
	return cty.ObjectVal(vals)
}

// Finding is a problem reduced to what the tests compare.
type Finding struct {
	Severity string
	Summary  string
	Path     string
}

func pathString(p cty.Path) string {
	var b strings.Builder
	for _, step := range p {
		switch s := step.(type) {
		case cty.GetAttrStep:
			if b.Len() > 0 {
				b.WriteString(".")
			}
			b.WriteString(s.Name)
		case cty.IndexStep:
			if s.Key.Type() == cty.Number {
				fmt.Fprintf(&b, "[%s]", s.Key.AsBigFloat().Text('f', 0))
			} else if s.Key.Type() == cty.String {
				fmt.Fprintf(&b, "[%q]", s.Key.AsString())
			} else {
				b.WriteString("[…]")
			}
		}
	}
	return b.String()
}

func severity(s hcl.DiagnosticSeverity) string {
	if s == hcl.DiagWarning {
		return "warning"
	}
	return "error"
}

func findings(t *testing.T, ps []*Problem) []Finding {
	t.Helper()
	var out []Finding
	for _, p := range ps {
		checkProblemShape(t, p)
		out = append(out, Finding{severity(p.Severity), p.Summary, pathString(p.Path)})
	}
	return out
}

var (
	unknownStr = cty.UnknownVal(cty.String)
	yes_       = cty.True
	no_        = cty.False
)

func access(principal, rights string) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{"principal": s(principal), "rights": s(rights)})
}

func accessSet(entries ...cty.Value) cty.Value {
	if len(entries) == 0 {
		return cty.SetValEmpty(cty.Object(map[string]cty.Type{"principal": cty.String, "rights": cty.String}))
	}
	return cty.SetVal(entries)
}

func TestObjectRules(t *testing.T) {
	admins := []cty.Value{access("Administrators", "full"), access("SMS Admins", "full")}
	withAccess := func(extra ...cty.Value) cty.Value {
		return accessSet(append(append([]cty.Value{}, admins...), extra...)...)
	}
	tests := map[string]struct {
		typ   string
		attrs map[string]cty.Value
		want  []Finding
	}{
		"site fine":    {"site", map[string]cty.Value{"code": s("LAC"), "parent": s("LAB")}, nil},
		"site central": {"site", map[string]cty.Value{"code": s("LAB")}, nil},
		"site own parent": {"site", map[string]cty.Value{"code": s("LAB"), "parent": s("LAB")},
			[]Finding{{"error", "Site is its own parent", "parent"}}},
		"collection fine": {"collection", map[string]cty.Value{"members": strSetOf("A")}, nil},
		"collection members and include": {"collection", map[string]cty.Value{"members": strSetOf("A"), "members_include": strSetOf("B")},
			[]Finding{{"error", "Conflicting arguments", "members_include"}}},
		"collection members and both": {"collection", map[string]cty.Value{"members": strSetOf("A"), "members_include": strSetOf("B"), "members_exclude": strSetOf("C")},
			[]Finding{{"error", "Conflicting arguments", "members_include"}, {"error", "Conflicting arguments", "members_exclude"}}},
		"collection members unknown": {"collection", map[string]cty.Value{"members": cty.UnknownVal(cty.Set(cty.String)), "members_include": strSetOf("B")}, nil},
		"collection include and exclude same": {"collection", map[string]cty.Value{"members_include": strSetOf("PC1"), "members_exclude": strSetOf("pc1")},
			[]Finding{{"error", "Computer both included and excluded", "members_exclude"}}},
		"collection periodic without schedule": {"collection", map[string]cty.Value{"refresh": s("periodic")},
			[]Finding{{"error", "Missing refresh schedule", "refresh"}}},
		"collection periodic with unknown schedule": {"collection", map[string]cty.Value{"refresh": s("periodic"), "refresh_schedule": unknownStr}, nil},
		"collection periodic with schedule":         {"collection", map[string]cty.Value{"refresh": s("periodic"), "refresh_schedule": s("every 1 days")}, nil},
		"collection manual with schedule": {"collection", map[string]cty.Value{"refresh": s("manual"), "refresh_schedule": s("every 1 days")},
			[]Finding{{"warning", "Refresh schedule not used", "refresh_schedule"}}},
		"collection default refresh with schedule": {"collection", map[string]cty.Value{"refresh_schedule": s("every 1 days")},
			[]Finding{{"warning", "Refresh schedule not used", "refresh_schedule"}}},
		"collection unknown refresh": {"collection", map[string]cty.Value{"refresh": unknownStr}, nil},

		"advertisement fine": {"advertisement", map[string]cty.Value{"available_after": s("2026-12-01T00:00:00Z"), "expires_at": s("2026-12-31T00:00:00Z"), "schedule": strs("every 7 days"), "rerun": s("always")}, nil},
		"advertisement expires before available": {"advertisement", map[string]cty.Value{"available_after": s("2026-12-01T00:00:00Z"), "expires_at": s("2026-11-30T00:00:00Z")},
			[]Finding{{"error", "Advertisement expires before it is available", "expires_at"}}},
		"advertisement expires when available": {"advertisement", map[string]cty.Value{"available_after": s("2026-12-01T01:00:00+01:00"), "expires_at": s("2026-12-01T00:00:00Z")},
			[]Finding{{"error", "Advertisement expires before it is available", "expires_at"}}},
		"advertisement expiry unknown":         {"advertisement", map[string]cty.Value{"available_after": s("2026-12-01T00:00:00Z"), "expires_at": unknownStr}, nil},
		"advertisement bad time left to check": {"advertisement", map[string]cty.Value{"available_after": s("soon"), "expires_at": s("2026-12-01T00:00:00Z")}, nil},
		"advertisement duplicate assignments": {"advertisement", map[string]cty.Value{"schedule": strs("every 7 days", "EVERY  7 Days", "at logon", "At  Logon", "weekly on sun at 2:00", "bad schedule")},
			[]Finding{{"warning", "Duplicate assignment", "schedule[1]"}, {"warning", "Duplicate assignment", "schedule[3]"}}},
		"advertisement 16 assignments with unknowns": {"advertisement", map[string]cty.Value{"schedule": cty.ListVal(append(everyNDays(15), unknownStr))},
			[]Finding{{"error", "Too many items", "schedule"}}},
		"advertisement 15 assignments with unknowns": {"advertisement", map[string]cty.Value{"schedule": cty.ListVal(append(everyNDays(14), unknownStr))}, nil},
		"advertisement rerun without schedule": {"advertisement", map[string]cty.Value{"rerun": s("always")},
			[]Finding{{"warning", "Rerun behaviour not used", "rerun"}}},
		"advertisement rerun with empty schedule": {"advertisement", map[string]cty.Value{"rerun": s("never"), "schedule": strs()},
			[]Finding{{"warning", "Rerun behaviour not used", "rerun"}}},
		"advertisement default rerun":       {"advertisement", map[string]cty.Value{"rerun": s("if_failed")}, nil},
		"advertisement rerun unknown sched": {"advertisement", map[string]cty.Value{"rerun": s("always"), "schedule": cty.UnknownVal(cty.List(cty.String))}, nil},
		"distribution point server default": {"distribution_point", map[string]cty.Value{}, nil},
		"distribution point server SMSPKG":  {"distribution_point", map[string]cty.Value{"kind": s("server"), "share": s("SMSPKGD$")}, nil},
		"distribution point default kind custom share": {"distribution_point", map[string]cty.Value{"share": s("Content")},
			[]Finding{{"error", "Share not used by a server distribution point", "share"}}},
		"distribution point server_share": {"distribution_point", map[string]cty.Value{"kind": s("server_share"), "share": s("Content")}, nil},
		"distribution point server_share without share": {"distribution_point", map[string]cty.Value{"kind": s("server_share")},
			[]Finding{{"error", "Missing share", "kind"}}},
		"distribution point server_share unknown share": {"distribution_point", map[string]cty.Value{"kind": s("server_share"), "share": unknownStr}, nil},
		"distribution point bad share name": {"distribution_point", map[string]cty.Value{"kind": s("server_share"), "share": s(`\\dp1\Content`)},
			[]Finding{{"error", "Invalid share name", "share"}}},
		"distribution point local content": {"distribution_point", map[string]cty.Value{"content_path": s(`D:\SMSPKG`)}, nil},
		"distribution point posix content": {"distribution_point", map[string]cty.Value{"content_path": s(`/srv/dp1`)}, nil},
		"distribution point smb content":   {"distribution_point", map[string]cty.Value{"content_path": s(`smb://dp1/SMSPKGD$/content`)}, nil},
		"distribution point unc content": {"distribution_point", map[string]cty.Value{"content_path": s(`\\dp1\SMSPKGD$`)},
			[]Finding{{"error", "Invalid content path", "content_path"}}},
		"distribution point http content": {"distribution_point", map[string]cty.Value{"content_path": s(`https://dp1/x`)},
			[]Finding{{"error", "Invalid content path", "content_path"}}},
		"distribution point smb without share": {"distribution_point", map[string]cty.Value{"content_path": s(`smb://dp1`)},
			[]Finding{{"error", "Invalid content path", "content_path"}}},

		"deployment fine": {"deployment", map[string]cty.Value{"start_time": s("2026-12-01T00:00:00Z"), "deadline": s("2026-12-01T00:00:00Z"), "package": s("LAB00003"),
			"sms2003": cty.ObjectVal(map[string]cty.Value{"enabled": yes_, "schedule": s("every 1 days"), "max_install_minutes": cty.NumberIntVal(60)})}, nil},
		"deployment deadline before start": {"deployment", map[string]cty.Value{"start_time": s("2026-12-01T00:00:00Z"), "deadline": s("2026-11-01T00:00:00Z")},
			[]Finding{{"error", "Deadline before start time", "deadline"}}},
		"deployment local deadline before local start": {"deployment", map[string]cty.Value{"start_time": s("2026-12-01T02:00:00"), "deadline": s("2026-11-01T00:00:00")},
			[]Finding{{"error", "Deadline before start time", "deadline"}}},
		"deployment local and fixed times": {"deployment", map[string]cty.Value{"start_time": s("2026-12-01T02:00:00"), "deadline": s("2026-11-01T00:00:00Z")}, nil},
		"deployment deadline unknown":      {"deployment", map[string]cty.Value{"start_time": s("2026-12-01T00:00:00Z"), "deadline": unknownStr}, nil},
		"deployment sms2003 schedule while disabled": {"deployment", map[string]cty.Value{"sms2003": cty.ObjectVal(map[string]cty.Value{"schedule": s("every 1 days")})},
			[]Finding{{"warning", "SMS 2003 schedule not used", "sms2003.schedule"}}},
		"deployment sms2003 without a package": {"deployment", map[string]cty.Value{"sms2003": cty.ObjectVal(map[string]cty.Value{"enabled": yes_})},
			[]Finding{{"error", "SMS 2003 deployment without a deployment package", "sms2003.enabled"}}},
		"deployment sms2003 package unknown": {"deployment", map[string]cty.Value{"package": unknownStr, "sms2003": cty.ObjectVal(map[string]cty.Value{"enabled": yes_})}, nil},
		"deployment sms2003 max without schedule": {"deployment", map[string]cty.Value{"package": s("LAB00003"), "sms2003": cty.ObjectVal(map[string]cty.Value{"enabled": yes_, "max_install_minutes": cty.NumberIntVal(60)})},
			[]Finding{{"error", "Maximum installation time without a schedule", "sms2003.max_install_minutes"}}},
		"deployment sms2003 unknown enabled": {"deployment", map[string]cty.Value{"sms2003": cty.ObjectVal(map[string]cty.Value{"enabled": cty.UnknownVal(cty.Bool), "schedule": s("every 1 days")})}, nil},

		"share fine":                 {"share", map[string]cty.Value{"access": withAccess(access("Everyone", "read"))}, nil},
		"share everyone by SID":      {"share", map[string]cty.Value{"access": withAccess(access("S-1-1-0", "full"))}, []Finding{{"error", "Broad share access", `access[…].principal`}}},
		"share authenticated by SID": {"share", map[string]cty.Value{"access": withAccess(access("S-1-5-11", "change"))}, []Finding{{"error", "Broad share access", `access[…].principal`}}},
		"share guests":               {"share", map[string]cty.Value{"access": withAccess(access("Guests", "full"))}, []Finding{{"error", "Broad share access", `access[…].principal`}}},
		"share anonymous logon":      {"share", map[string]cty.Value{"access": withAccess(access(`NT AUTHORITY\ANONYMOUS LOGON`, "full"))}, []Finding{{"error", "Broad share access", `access[…].principal`}}},
		"share domain guests":        {"share", map[string]cty.Value{"access": withAccess(access(`CORP\Domain Guests`, "full"))}, []Finding{{"error", "Broad share access", `access[…].principal`}}},
		"share interactive":          {"share", map[string]cty.Value{"access": withAccess(access("Interactive", "full"))}, []Finding{{"error", "Broad share access", `access[…].principal`}}},
		"share network":              {"share", map[string]cty.Value{"access": withAccess(access(`NT AUTHORITY\Network`, "full"))}, []Finding{{"error", "Broad share access", `access[…].principal`}}},
		"share domain users by SID":  {"share", map[string]cty.Value{"access": withAccess(access("S-1-5-21-1-2-3-513", "full"))}, []Finding{{"error", "Broad share access", `access[…].principal`}}},
		"share guests read":          {"share", map[string]cty.Value{"access": withAccess(access("S-1-5-32-546", "read"))}, nil},
		"share domain admins by SID": {"share", map[string]cty.Value{"access": withAccess(access("S-1-5-21-1-2-3-512", "full"))}, nil},
		"share everyone full": {"share", map[string]cty.Value{"access": withAccess(access("Everyone", "full"))},
			[]Finding{{"error", "Broad share access", `access[…].principal`}}},
		"share domain users change with prefix": {"share", map[string]cty.Value{"access": withAccess(access(`CORP\domain users`, "change"))},
			[]Finding{{"error", "Broad share access", `access[…].principal`}}},
		"share builtin users full": {"share", map[string]cty.Value{"access": withAccess(access(`BUILTIN\Users`, "full"))},
			[]Finding{{"error", "Broad share access", `access[…].principal`}}},
		"share authenticated users": {"share", map[string]cty.Value{"access": withAccess(access(`NT AUTHORITY\Authenticated Users`, "change"))},
			[]Finding{{"error", "Broad share access", `access[…].principal`}}},
		"share broad allowed":         {"share", map[string]cty.Value{"access": withAccess(access("Everyone", "full")), "allow_broad_access": yes_}, nil},
		"share broad allowed unknown": {"share", map[string]cty.Value{"access": withAccess(access("Everyone", "full")), "allow_broad_access": cty.UnknownVal(cty.Bool)}, nil},
		"share broad not allowed": {"share", map[string]cty.Value{"access": withAccess(access("Everyone", "full")), "allow_broad_access": no_},
			[]Finding{{"error", "Broad share access", `access[…].principal`}}},
		"share everyone deny": {"share", map[string]cty.Value{"access": withAccess(access("Everyone", "deny"))}, nil},
		"share power users":   {"share", map[string]cty.Value{"access": withAccess(access("Power Users", "full"))}, nil},
		"share duplicate principal": {"share", map[string]cty.Value{"access": withAccess(access("sms admins", "read"))},
			[]Finding{{"error", "Duplicate access principal", "access[…]"}}},
		"share duplicate with builtin": {"share", map[string]cty.Value{"access": withAccess(access(`BUILTIN\Administrators`, "read"))},
			[]Finding{{"error", "Duplicate access principal", "access[…]"}}},
		"share no access": {"share", map[string]cty.Value{},
			[]Finding{{"warning", "Share without access entries", ""}}},
		"share empty access": {"share", map[string]cty.Value{"access": accessSet()},
			[]Finding{{"warning", "Share without access entries", ""}}},
		"share unknown access":    {"share", map[string]cty.Value{"access": cty.UnknownVal(accessSet().Type())}, nil},
		"share unknown principal": {"share", map[string]cty.Value{"access": withAccess(cty.ObjectVal(map[string]cty.Value{"principal": unknownStr, "rights": s("full")}))}, nil},

		"catalog url":   {"catalog", map[string]cty.Value{"source": cty.ObjectVal(map[string]cty.Value{"url": s("https://x/wsusscn2.cab")})}, nil},
		"catalog local": {"catalog", map[string]cty.Value{"source": cty.ObjectVal(map[string]cty.Value{"local_path": s("/srv/cab")})}, nil},
		"catalog both": {"catalog", map[string]cty.Value{"source": cty.ObjectVal(map[string]cty.Value{"url": s("https://x/wsusscn2.cab"), "local_path": s("/srv/cab")})},
			[]Finding{{"error", "Conflicting catalog sources", "source.local_path"}}},
		"catalog neither": {"catalog", map[string]cty.Value{"source": cty.ObjectVal(map[string]cty.Value{})},
			[]Finding{{"error", "Missing catalog source", "source"}}},
		"catalog unknown url": {"catalog", map[string]cty.Value{"source": cty.ObjectVal(map[string]cty.Value{"url": unknownStr})}, nil},
		"catalog unverified": {"catalog", map[string]cty.Value{"source": cty.ObjectVal(map[string]cty.Value{"local_path": s("/srv/cab")}), "verify_signature": no_},
			[]Finding{{"warning", "Catalog signature not verified", "verify_signature"}}},
		"catalog old format": {"catalog", map[string]cty.Value{"source": cty.ObjectVal(map[string]cty.Value{"local_path": s("/srv/cab")}), "file_name": s("WSUSSCAN.CAB")},
			[]Finding{{"warning", "Obsolete catalog", "file_name"}}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			rt := LookupResourceType(tt.typ)
			var ps []*Problem
			for _, rule := range rt.Rules {
				ps = append(ps, rule(objOf(t, tt.typ, tt.attrs))...)
			}
			if diff := cmp.Diff(tt.want, findings(t, ps)); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
				for _, p := range ps {
					t.Logf("%s: %s", p.Summary, p.Detail)
				}
			}
		})
	}
}

// Rules never fail on values that are not known yet.
func TestObjectRulesOnUnknowns(t *testing.T) {
	for _, p := range Providers() {
		for _, rt := range p.ResourceTypes {
			ty := rt.Block.ImpliedType()
			allUnknown := map[string]cty.Value{}
			for name, aty := range ty.AttributeTypes() {
				allUnknown[name] = cty.UnknownVal(aty)
			}
			for _, v := range []cty.Value{cty.UnknownVal(ty), cty.NullVal(ty), cty.ObjectVal(allUnknown), cty.DynamicVal} {
				for _, rule := range rt.Rules {
					if ps := rule(v); len(ps) > 0 {
						t.Errorf("%s rule on %#v: %q, want nothing", rt.Name, v, ps[0].Summary)
					}
				}
			}
		}
	}
}

// The rules treat a null optional attribute as its default without looking
// the default up (the tables refer to the rules, so the rules cannot refer
// to the tables). This test keeps the two in step.
func TestRuleDefaultsMatchSchema(t *testing.T) {
	assumed := []struct {
		typ, block, attr string
		def              cty.Value
	}{
		{"collection", "", "refresh", s("manual")},
		{"advertisement", "", "rerun", s("if_failed")},
		{"distribution_point", "", "kind", s("server")},
		{"deployment", "sms2003", "enabled", cty.False},
		{"share", "", "on_name_taken", s("fail")},
		{"share", "", "allow_broad_access", cty.False},
		{"catalog", "", "verify_signature", cty.True},
		{"sync_host", "", "internet_access", cty.False},
		{"program", "", "run_mode", s("whether_or_not_user_logged_on")},
		{"program", "", "disabled", cty.False},
	}
	for _, a := range assumed {
		blk := &LookupResourceType(a.typ).Block
		if a.block != "" {
			blk = &blk.BlockType(a.block).Block
		}
		got := blk.Attribute(a.attr).Default
		if got == cty.NilVal || !got.RawEquals(a.def) {
			t.Errorf("%s %s: schema default %#v, the rules assume %#v", a.typ, a.attr, got, a.def)
		}
	}
}

// everyNDays returns n distinct schedules.
func everyNDays(n int) []cty.Value {
	out := make([]cty.Value, n)
	for i := range out {
		out[i] = s(fmt.Sprintf("every %d days", i+1))
	}
	return out
}
