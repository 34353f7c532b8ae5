package sitedb

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/zclconf/go-cty/cty"
)

func collectionConfig(site, name string, extra map[string]cty.Value) cty.Value {
	m := map[string]cty.Value{"site": sv(site), "name": sv(name)}
	for k, v := range extra {
		m[k] = v
	}
	return obj("collection", m)
}

func TestIDs(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		var ids []string
		for i, site := range []string{"LAB", "LAB", "XYZ", "LAB"} {
			v := apply(t, p, at("collection", fmt.Sprint("c", i)), cty.NilVal, collectionConfig(site, fmt.Sprint("C", i), nil))
			ids = append(ids, v.GetAttr("id").AsString())
		}
		if diff := cmp.Diff([]string{"LAB00001", "LAB00002", "XYZ00001", "LAB00003"}, ids); diff != "" {
			t.Errorf("ids (-want +got):\n%s", diff)
		}
		// Delete the newest: its id is never handed out again.
		last := read(t, p, at("collection", "c3"), obj("collection", map[string]cty.Value{"id": sv("LAB00003")}))
		resp := p.Apply(context.Background(), providers.ApplyRequest{TypeName: "collection", Addr: at("collection", "c3"), Prior: last, Planned: cty.NullVal(last.Type()), Config: cty.NullVal(last.Type()), Progress: providers.NoProgress})
		if resp.Diagnostics.HasErrors() {
			t.Fatal(diagText(resp.Diagnostics))
		}
		// A row made outside updplan takes the next id: it is skipped too.
		sqlExec(t, p, `INSERT INTO collections (id, site, name) VALUES ('LAB00004', 'LAB', 'console made')`)
		v := apply(t, p, at("collection", "c4"), cty.NilVal, collectionConfig("LAB", "C4", nil))
		if got := v.GetAttr("id").AsString(); got != "LAB00005" {
			t.Errorf("id after a deleted LAB00003 and a console-made LAB00004 = %s, want LAB00005", got)
		}
		// Derived ids.
		pkg := apply(t, p, at("package", "p"), cty.NilVal, obj("package", map[string]cty.Value{"site": sv("LAB"), "name": sv("Tool")}))
		prog := apply(t, p, at("program", "p"), cty.NilVal, obj("program", map[string]cty.Value{"package": pkg.GetAttr("id"), "name": sv("Scan"), "command_line": sv("x")}))
		dp := apply(t, p, at("distribution_point", "d"), cty.NilVal, obj("distribution_point", map[string]cty.Value{"site": sv("LAB"), "server": sv("DP01")}))
		sh := apply(t, p, at("sync_host", "s"), cty.NilVal, obj("sync_host", map[string]cty.Value{"site": sv("LAB"), "computer": sv("WS01")}))
		got := []string{pkg.GetAttr("id").AsString(), prog.GetAttr("id").AsString(), dp.GetAttr("id").AsString(), sh.GetAttr("id").AsString()}
		want := []string{"LAB00006", "LAB00006/Scan", `["Display=\\DP01\"]MSWNET:["SMS_SITE=LAB"]\\DP01\`, "LAB/WS01"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("derived ids (-want +got):\n%s", diff)
		}
		for _, id := range ids {
			if !regexp.MustCompile(`^[A-Z0-9]{3}[0-9A-F]{5}$`).MatchString(id) {
				t.Errorf("id %q is not <site code><5 hex>", id)
			}
		}
	})
}

func TestPlanIDs(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		cfg := collectionConfig("LAB", "A", nil)
		pr := plan(t, p, at("collection", "a"), cty.NilVal, cfg)
		if pr.Planned.GetAttr("id").IsKnown() {
			t.Errorf("planned id of a create is known: %#v", pr.Planned.GetAttr("id"))
		}
		v := apply(t, p, at("collection", "a"), cty.NilVal, cfg)
		pr = plan(t, p, at("collection", "a"), v, collectionConfig("LAB", "A", map[string]cty.Value{"comment": sv("x")}))
		if !pr.Planned.GetAttr("id").RawEquals(v.GetAttr("id")) {
			t.Errorf("planned id of an update = %#v, want the prior %#v", pr.Planned.GetAttr("id"), v.GetAttr("id"))
		}
	})
}

// An apply killed after the row was written but before state caught up
// leaves a row owned by the address; the next create adopts it.
func TestCreateAdoptsOwnedObject(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		a := at("collection", "scan")
		first := apply(t, p, a, cty.NilVal, collectionConfig("LAB", "Scan", map[string]cty.Value{"members": set("PC1")}))
		// State never learned of first: the engine plans a create again,
		// with a changed comment.
		second := apply(t, p, a, cty.NilVal, collectionConfig("LAB", "Scan", map[string]cty.Value{"members": set("PC1", "PC2"), "comment": sv("retry")}))
		if !second.GetAttr("id").RawEquals(first.GetAttr("id")) {
			t.Errorf("second create made %#v, want the adopted %#v", second.GetAttr("id"), first.GetAttr("id"))
		}
		if n := sqlCount(t, p, `SELECT COUNT(*) FROM collections`); n != 1 {
			t.Errorf("%d collections, want 1", n)
		}
		got := read(t, p, a, second)
		if diff := cmp.Diff(second.GoString(), got.GoString()); diff != "" {
			t.Errorf("adopted object not updated to the planned values (-want +got):\n%s", diff)
		}
		// Another address never adopts it.
		other := apply(t, p, at("collection", "other"), cty.NilVal, collectionConfig("LAB", "Other", nil))
		if other.GetAttr("id").RawEquals(first.GetAttr("id")) {
			t.Errorf("another address adopted %s", first.GetAttr("id").AsString())
		}
	})
}

func TestDrift(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		a := at("collection", "scan")
		v := apply(t, p, a, cty.NilVal, collectionConfig("LAB", "Scan", map[string]cty.Value{"members": set("PC1", "PC2"), "comment": sv("c")}))
		id := v.GetAttr("id").AsString()

		// Members written in another order are the same set: no drift.
		sqlExec(t, p, `UPDATE collections SET members = ? WHERE id = ?`, `["PC2","PC1"]`, id)
		if got := read(t, p, a, v); !got.RawEquals(v) {
			t.Errorf("reordered members read as drift:\n got %#v\nwant %#v", got, v)
		}
		// The console edits two attributes: each shows up.
		sqlExec(t, p, `UPDATE collections SET comment = ?, members = ? WHERE id = ?`, "edited", `["PC1"]`, id)
		got := read(t, p, a, v)
		if c := got.GetAttr("comment"); !c.RawEquals(sv("edited")) {
			t.Errorf("comment = %#v, want edited", c)
		}
		if m := got.GetAttr("members"); !m.RawEquals(set("PC1")) {
			t.Errorf("members = %#v, want [PC1]", m)
		}
		// Deleted in the console: null.
		sqlExec(t, p, `DELETE FROM collections WHERE id = ?`, id)
		if got := read(t, p, a, v); !got.IsNull() {
			t.Errorf("deleted collection read as %#v, want null", got)
		}

		// Other types drift attribute by attribute too.
		prog := at("program", "scan")
		sqlExec(t, p, `INSERT INTO packages (id, site, name) VALUES ('LAB00009', 'LAB', 'Tool')`)
		pv := apply(t, p, prog, cty.NilVal, obj("program", map[string]cty.Value{"package": sv("LAB00009"), "name": sv("Scan"), "command_line": sv("a.exe"), "platforms": set("x86", "x64")}))
		sqlExec(t, p, `UPDATE programs SET disabled = 1, max_run_minutes = 30, platforms = '["x64","x86"]' WHERE id = ?`, pv.GetAttr("id").AsString())
		got = read(t, p, prog, pv)
		want := with(pv, map[string]cty.Value{"disabled": cty.True, "max_run_minutes": cty.NumberIntVal(30)})
		if !got.RawEquals(want) {
			t.Errorf("program drift:\n got %#v\nwant %#v", got, want)
		}
	})
}

// members_include/members_exclude follow DSC's include/exclude semantics:
// Read reports the part of each that still holds, so a missing included or
// a present excluded member is drift, and other members are left alone.
func TestMembersIncludeExclude(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		a := at("collection", "sync")
		v := apply(t, p, a, cty.NilVal, collectionConfig("LAB", "Microsoft Updates Tool Sync", nil))
		id := v.GetAttr("id").AsString()
		sqlExec(t, p, `UPDATE collections SET members = ? WHERE id = ?`, `["OTHER","SRV01"]`, id)
		v = apply(t, p, a, read(t, p, a, v), collectionConfig("LAB", "Microsoft Updates Tool Sync", map[string]cty.Value{"members_include": set("WS01"), "members_exclude": set("SRV01")}))
		var stored string
		if err := p.s.db.QueryRow(p.s.bind(`SELECT members FROM collections WHERE id = ?`), id).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored != `["OTHER","WS01"]` {
			t.Errorf("members after include WS01 / exclude SRV01 = %s, want OTHER kept, WS01 added, SRV01 removed", stored)
		}
		if got := read(t, p, a, v); !got.RawEquals(v) {
			t.Errorf("in sync, but read\n %#v\nwant %#v", got, v)
		}
		// The console removes WS01 and adds SRV01: both are drift.
		sqlExec(t, p, `UPDATE collections SET members = ? WHERE id = ?`, `["OTHER","SRV01"]`, id)
		got := read(t, p, a, v)
		if inc := got.GetAttr("members_include"); !inc.RawEquals(cty.SetValEmpty(cty.String)) {
			t.Errorf("members_include = %#v, want empty (WS01 missing)", inc)
		}
		if exc := got.GetAttr("members_exclude"); !exc.RawEquals(cty.SetValEmpty(cty.String)) {
			t.Errorf("members_exclude = %#v, want empty (SRV01 present)", exc)
		}
		if m := got.GetAttr("members"); !m.IsNull() {
			t.Errorf("members = %#v, want null when managed with include/exclude", m)
		}
	})
}

func TestPlanRules(t *testing.T) {
	type rule struct {
		name    string
		setup   func(t *testing.T, p *Provider)
		typ     string
		prior   func(t *testing.T, p *Provider) cty.Value // nil: create
		config  cty.Value
		summary string // "" when the plan must pass
		path    string
	}
	deployment := func(enabled bool, allow bool) cty.Value {
		return obj("deployment", map[string]cty.Value{"site": sv("LAB"), "name": sv("Nov"), "updates": set("KB958644"), "collection": sv("LAB00001"),
			"start_time": sv("2026-12-01T02:00:00Z"), "allow_irreversible": cty.BoolVal(allow),
			"sms2003": cty.ObjectVal(map[string]cty.Value{"enabled": cty.BoolVal(enabled)})})
	}
	activeDeployment := func(t *testing.T, p *Provider) cty.Value {
		return apply(t, p, at("deployment", "x"), cty.NilVal, deployment(true, false))
	}
	// retiredDeployment had its SMS 2003 settings turned off by an apply.
	retiredDeployment := func(t *testing.T, p *Provider) cty.Value {
		return apply(t, p, at("deployment", "x"), activeDeployment(t, p), deployment(false, true))
	}
	labSite := func(t *testing.T, p *Provider) cty.Value {
		return apply(t, p, at("site", "x"), cty.NilVal, obj("site", map[string]cty.Value{"code": sv("LAB"), "name": sv("Lab"), "server": sv("S1")}))
	}
	inactiveDeployment := func(t *testing.T, p *Provider) cty.Value {
		return apply(t, p, at("deployment", "x"), cty.NilVal, deployment(false, false))
	}
	rules := []rule{
		{name: "collection name taken outside updplan", typ: "collection",
			setup: func(t *testing.T, p *Provider) {
				sqlExec(t, p, `INSERT INTO collections (id, site, name) VALUES ('LAB000FF', 'LAB', 'All Clients')`)
			},
			config: collectionConfig("LAB", "All Clients", nil), summary: "Duplicate collection name", path: "name"},
		{name: "collection name taken by another address", typ: "collection",
			setup: func(t *testing.T, p *Provider) {
				apply(t, p, at("collection", "first"), cty.NilVal, collectionConfig("LAB", "All Clients", nil))
			},
			config: collectionConfig("LAB", "All Clients", nil), summary: "Duplicate collection name", path: "name"},
		{name: "same collection name in another site", typ: "collection",
			setup: func(t *testing.T, p *Provider) {
				apply(t, p, at("collection", "first"), cty.NilVal, collectionConfig("LAB", "All Clients", nil))
			},
			config: collectionConfig("XYZ", "All Clients", nil)},
		{name: "collection keeps its own name", typ: "collection",
			prior: func(t *testing.T, p *Provider) cty.Value {
				return apply(t, p, at("collection", "x"), cty.NilVal, collectionConfig("LAB", "Mine", nil))
			},
			config: collectionConfig("LAB", "Mine", map[string]cty.Value{"comment": sv("c")})},
		{name: "deployment package source used by a package", typ: "deployment_package",
			setup: func(t *testing.T, p *Provider) {
				apply(t, p, at("package", "tool"), cty.NilVal, obj("package", map[string]cty.Value{"site": sv("LAB"), "name": sv("Tool"), "source_path": sv(`\\SRV01\PackageSrc`)}))
			},
			config:  obj("deployment_package", map[string]cty.Value{"site": sv("LAB"), "name": sv("Nov"), "source_path": sv(`\\srv01\packagesrc`)}),
			summary: "Source path already used", path: "source_path"},
		{name: "deployment package source used by another deployment package", typ: "deployment_package",
			setup: func(t *testing.T, p *Provider) {
				apply(t, p, at("deployment_package", "oct"), cty.NilVal, obj("deployment_package", map[string]cty.Value{"site": sv("LAB"), "name": sv("Oct"), "source_path": sv(`\\SRV01\Updates`)}))
			},
			config:  obj("deployment_package", map[string]cty.Value{"site": sv("LAB"), "name": sv("Nov"), "source_path": sv(`\\SRV01\Updates`)}),
			summary: "Source path already used", path: "source_path"},
		{name: "deployment package name taken", typ: "deployment_package",
			setup: func(t *testing.T, p *Provider) {
				apply(t, p, at("deployment_package", "oct"), cty.NilVal, obj("deployment_package", map[string]cty.Value{"site": sv("LAB"), "name": sv("Nov"), "source_path": sv(`\\SRV01\A`)}))
			},
			config:  obj("deployment_package", map[string]cty.Value{"site": sv("LAB"), "name": sv("Nov"), "source_path": sv(`\\SRV01\B`)}),
			summary: "Duplicate deployment package name", path: "name"},
		{name: "custom distribution point share taken", typ: "distribution_point",
			setup: func(t *testing.T, p *Provider) {
				apply(t, p, at("distribution_point", "a"), cty.NilVal, obj("distribution_point", map[string]cty.Value{"site": sv("LAB"), "server": sv("DP01"), "share": sv("Content")}))
			},
			config:  obj("distribution_point", map[string]cty.Value{"site": sv("LAB"), "server": sv("DP02"), "share": sv("content")}),
			summary: "Duplicate distribution point share", path: "share"},
		{name: "SMSPKG shares may repeat", typ: "distribution_point",
			setup: func(t *testing.T, p *Provider) {
				apply(t, p, at("distribution_point", "a"), cty.NilVal, obj("distribution_point", map[string]cty.Value{"site": sv("LAB"), "server": sv("DP01"), "share": sv("SMSPKGD$")}))
			},
			config: obj("distribution_point", map[string]cty.Value{"site": sv("LAB"), "server": sv("DP02"), "share": sv("SMSPKGD$")})},
		{name: "advertisement program missing", typ: "advertisement",
			setup: func(t *testing.T, p *Provider) {
				apply(t, p, at("package", "tool"), cty.NilVal, obj("package", map[string]cty.Value{"site": sv("LAB"), "name": sv("Tool")}))
			},
			config:  obj("advertisement", map[string]cty.Value{"site": sv("LAB"), "name": sv("Scan"), "collection": sv("LAB00002"), "package": sv("LAB00001"), "program": sv("Scan")}),
			summary: "Program not in package", path: "program"},
		// A package that does not exist is the engine's reference check.
		{name: "advertisement package missing", typ: "advertisement",
			config: obj("advertisement", map[string]cty.Value{"site": sv("LAB"), "name": sv("Scan"), "collection": sv("LAB00001"), "package": sv("LAB00002"), "program": sv("Scan")})},
		{name: "advertisement program planned in this run", typ: "advertisement",
			setup: func(t *testing.T, p *Provider) {
				plan(t, p, at("program", "scan"), cty.NilVal, obj("program", map[string]cty.Value{"package": sv("LAB00002"), "name": sv("Scan"), "command_line": sv("x")}))
			},
			config: obj("advertisement", map[string]cty.Value{"site": sv("LAB"), "name": sv("Scan"), "collection": sv("LAB00001"), "package": sv("LAB00002"), "program": sv("Scan")})},
		{name: "advertisement package unknown at plan time", typ: "advertisement",
			config: obj("advertisement", map[string]cty.Value{"site": sv("LAB"), "name": sv("Scan"), "collection": sv("LAB00001"), "package": cty.UnknownVal(cty.String), "program": sv("Scan")})},
		{name: "sms2003 turned off", typ: "deployment", prior: activeDeployment,
			config: deployment(false, false), summary: "Irreversible change refused", path: "sms2003.enabled"},
		{name: "sms2003 turned off with allow_irreversible", typ: "deployment", prior: activeDeployment,
			config: deployment(false, true)},
		{name: "sms2003 kept on", typ: "deployment", prior: activeDeployment,
			config: deployment(true, false)},
		{name: "sms2003 turned on again after it was turned off", typ: "deployment", prior: retiredDeployment,
			config: deployment(true, false), summary: "SMS 2003 settings cannot be turned on again", path: "sms2003.enabled"},
		{name: "sms2003 turned on again with allow_irreversible", typ: "deployment", prior: retiredDeployment,
			config: deployment(true, true), summary: "SMS 2003 settings cannot be turned on again", path: "sms2003.enabled"},
		{name: "sms2003 kept off after it was turned off", typ: "deployment", prior: retiredDeployment,
			config: with(deployment(false, true), map[string]cty.Value{"description": sv("SMS 2003 clients moved to deployment Nov-2003")})},
		{name: "sms2003 turned on for the first time", typ: "deployment", prior: inactiveDeployment,
			config: deployment(true, false)},
		{name: "sms2003 on in the replacement of a turned-off deployment", typ: "deployment", prior: retiredDeployment,
			config: with(deployment(true, false), map[string]cty.Value{"site": sv("LB2")})},
		// A parent that does not exist is the engine's reference check
		// (schema.ResolveReferences), which sees the whole configuration.
		{name: "parent site missing", typ: "site",
			config: obj("site", map[string]cty.Value{"code": sv("PRI"), "name": sv("Primary"), "server": sv("S1"), "parent": sv("CEN")})},
		{name: "site code changed", typ: "site", prior: labSite,
			config:  obj("site", map[string]cty.Value{"code": sv("LBX"), "name": sv("Lab"), "server": sv("S1")}),
			summary: "Site code cannot change", path: "code"},
		{name: "site name changed", typ: "site", prior: labSite,
			config:  obj("site", map[string]cty.Value{"code": sv("LAB"), "name": sv("Lab-2"), "server": sv("S1")}),
			summary: "Site name cannot change", path: "name"},
		{name: "site server changed", typ: "site", prior: labSite,
			config: obj("site", map[string]cty.Value{"code": sv("LAB"), "name": sv("Lab"), "server": sv("S2")})},
		{name: "advertisement name taken", typ: "advertisement",
			setup: func(t *testing.T, p *Provider) {
				apply(t, p, at("package", "tool"), cty.NilVal, obj("package", map[string]cty.Value{"site": sv("LAB"), "name": sv("Tool")}))
				apply(t, p, at("program", "scan"), cty.NilVal, obj("program", map[string]cty.Value{"package": sv("LAB00001"), "name": sv("Scan"), "command_line": sv("x")}))
				apply(t, p, at("advertisement", "first"), cty.NilVal, obj("advertisement", map[string]cty.Value{"site": sv("LAB"), "name": sv("Scan"), "collection": sv("LAB00009"), "package": sv("LAB00001"), "program": sv("Scan")}))
			},
			config:  obj("advertisement", map[string]cty.Value{"site": sv("LAB"), "name": sv("scan"), "collection": sv("LAB00009"), "package": sv("LAB00001"), "program": sv("Scan")}),
			summary: "Duplicate advertisement name", path: "name"},
		{name: "parent site exists", typ: "site",
			setup: func(t *testing.T, p *Provider) {
				apply(t, p, at("site", "central"), cty.NilVal, obj("site", map[string]cty.Value{"code": sv("CEN"), "name": sv("Central"), "server": sv("S0")}))
			},
			config: obj("site", map[string]cty.Value{"code": sv("PRI"), "name": sv("Primary"), "server": sv("S1"), "parent": sv("CEN")})},
		{name: "parent site unknown at plan time", typ: "site",
			config: obj("site", map[string]cty.Value{"code": sv("PRI"), "name": sv("Primary"), "server": sv("S1"), "parent": cty.UnknownVal(cty.String)})},
	}
	eachDriver(t, func(t *testing.T, d testDriver) {
		for _, r := range rules {
			t.Run(r.name, func(t *testing.T) {
				p := open(t, d)
				if r.setup != nil {
					r.setup(t, p)
				}
				prior := cty.NilVal
				if r.prior != nil {
					prior = r.prior(t, p)
				}
				pr := plan(t, p, at(r.typ, "x"), prior, r.config)
				if r.summary == "" {
					if pr.Diagnostics.HasErrors() {
						t.Fatalf("plan failed: %s", diagText(pr.Diagnostics))
					}
					return
				}
				wantDiag(t, pr.Diagnostics, r.summary, r.path)
			})
		}
	})
}

// Renaming the scan package or moving its source is planned, with a
// warning at the attribute: earlier SMS 2003 deployments keep the old one.
func TestScanPackageChangeWarns(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		cfg := func(name, src string) cty.Value {
			return obj("package", map[string]cty.Value{"site": sv("LAB"), "name": sv(name), "source_path": sv(src)})
		}
		prior := apply(t, p, at("package", "itmu"), cty.NilVal, cfg("Microsoft Updates Tool", `\\SRV\PackageSrc`))
		for _, tc := range []struct{ name, src, path string }{
			{"Microsoft Updates Tool", `\\SRV\PackageSrc`, ""},
			{"Microsoft Updates Tool 2", `\\SRV\PackageSrc`, "name"},
			{"Microsoft Updates Tool", `\\SRV\PackageSrc_1`, "source_path"},
		} {
			pr := plan(t, p, at("package", "itmu"), prior, cfg(tc.name, tc.src))
			var got []string
			for _, d := range pr.Diagnostics {
				if path, _ := providers.PathOf(d); d.Severity == hcl.DiagWarning && d.Summary == "Scan package changed under existing deployments" {
					got = append(got, pathString(path))
				}
			}
			want := []string(nil)
			if tc.path != "" {
				want = []string{tc.path}
			}
			if pr.Diagnostics.HasErrors() || !slices.Equal(got, want) {
				t.Errorf("%s %s: warnings at %v, want %v:\n%s", tc.name, tc.src, got, want, diagText(pr.Diagnostics))
			}
		}
	})
}

// The advertisement's program is checked again in the write transaction
// when it could not be checked at plan time.
func TestAdvertisementProgramCheckedAtApply(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		cfg := obj("advertisement", map[string]cty.Value{"site": sv("LAB"), "name": sv("Scan"), "collection": sv("LAB00001"), "package": cty.UnknownVal(cty.String), "program": sv("Scan")})
		pr := plan(t, p, at("advertisement", "a"), cty.NilVal, cfg)
		if pr.Diagnostics.HasErrors() {
			t.Fatal(diagText(pr.Diagnostics))
		}
		final := with(cfg, map[string]cty.Value{"package": sv("LAB00042")})
		resp := p.Apply(context.Background(), providers.ApplyRequest{TypeName: "advertisement", Addr: at("advertisement", "a"), Prior: cty.NullVal(cfg.Type()), Planned: pr.Planned, Config: final, Progress: providers.NoProgress})
		wantDiag(t, resp.Diagnostics, "Program not in package", "program")
		if n := sqlCount(t, p, `SELECT COUNT(*) FROM advertisements`); n != 0 {
			t.Errorf("%d advertisements written, want none", n)
		}
	})
}

// Values are bound, never spliced: hostile names are stored and read back
// as they are.
func TestHostileValues(t *testing.T) {
	names := []string{`O'Brien's "PCs"`, `'; DROP TABLE collections; --`, `Rechner für Größe ✓ 日本`, `back\slash ? $1 %s`}
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		for i, name := range names {
			a := at("collection", fmt.Sprint("c", i))
			v := apply(t, p, a, cty.NilVal, collectionConfig("LAB", name, map[string]cty.Value{"comment": sv(name), "members": set(name, "PC1")}))
			got := read(t, p, a, v)
			if !got.RawEquals(v) {
				t.Errorf("%q read back as %#v", name, got)
			}
			if n := sqlCount(t, p, `SELECT COUNT(*) FROM collections WHERE name = ?`, name); n != 1 {
				t.Errorf("%q: %d rows", name, n)
			}
		}
		if n := sqlCount(t, p, `SELECT COUNT(*) FROM collections`); n != len(names) {
			t.Errorf("%d collections, want %d", n, len(names))
		}
		// The duplicate check binds the name too.
		pr := plan(t, p, at("collection", "dup"), cty.NilVal, collectionConfig("LAB", names[1], nil))
		wantDiag(t, pr.Diagnostics, "Duplicate collection name", "name")
	})
}

// Concurrent Apply calls share transactions; a failing change leaves the
// others in its batch intact.
func TestGroupCommit(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		apply(t, p, at("collection", "taken"), cty.NilVal, collectionConfig("LAB", "Taken", nil))
		const n = 200
		ids := make([]string, n)
		errs := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				name := fmt.Sprint("C", i)
				if i%50 == 7 {
					name = "Taken" // fails in the write transaction
				}
				cfg := collectionConfig("LAB", name, nil)
				planned := with(cfg, map[string]cty.Value{"id": cty.UnknownVal(cty.String)})
				resp := p.Apply(context.Background(), providers.ApplyRequest{TypeName: "collection", Addr: at("collection", fmt.Sprint("c", i)), Prior: cty.NullVal(cfg.Type()), Planned: planned, Config: cfg, Progress: providers.NoProgress})
				if resp.Diagnostics.HasErrors() {
					errs[i] = resp.Diagnostics[0].Summary
					return
				}
				ids[i] = resp.NewState.GetAttr("id").AsString()
			}()
		}
		wg.Wait()
		seen := map[string]bool{}
		for i := range n {
			if i%50 == 7 {
				if errs[i] != "Duplicate collection name" {
					t.Errorf("c%d: error %q, want Duplicate collection name", i, errs[i])
				}
				continue
			}
			if errs[i] != "" || ids[i] == "" || seen[ids[i]] {
				t.Errorf("c%d: id %q, error %q", i, ids[i], errs[i])
			}
			seen[ids[i]] = true
		}
		if got := sqlCount(t, p, `SELECT COUNT(*) FROM collections`); got != 1+n-4 {
			t.Errorf("%d collections, want %d", got, 1+n-4)
		}
		// The counter kept up with the ids handed out in memory.
		next := apply(t, p, at("collection", "next"), cty.NilVal, collectionConfig("LAB", "Next", nil))
		if got, want := next.GetAttr("id").AsString(), objectID("LAB", int64(1+n-4+1)); got != want {
			t.Errorf("id after the concurrent creates = %s, want %s", got, want)
		}
	})
}

// A refresh of 10,000 objects of three types is one query per type.
func TestReadManyQueryCount(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		var reqs []providers.ReadRequest
		tx, err := p.s.db.Begin()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO packages (id, site, name) VALUES ('LAB00001', 'LAB', 'Tool')`); err != nil {
			t.Fatal(err)
		}
		for i := range 10000 {
			var typ, q, id string
			switch i % 3 {
			case 0:
				typ, id = "collection", objectID("LAB", int64(i))
				q = `INSERT INTO collections (id, site, name, members) VALUES (?, 'LAB', ?, '["PC1"]')`
			case 1:
				typ, id = "program", programID("LAB00001", fmt.Sprint("P", i))
				q = `INSERT INTO programs (id, package, name, command_line) VALUES (?, 'LAB00001', ?, 'x')`
			default:
				typ, id = "sync_host", syncHostID("LAB", fmt.Sprint("WS", i))
				q = `INSERT INTO sync_hosts (id, site, computer) VALUES (?, 'LAB', ?)`
			}
			if _, err := tx.Exec(p.s.bind(q), id, fmt.Sprint("N", i)); err != nil {
				t.Fatal(err)
			}
			k := p.kinds[typ]
			prior := with(blockVal(&k.rt.Block, nil), map[string]cty.Value{k.idAttr: sv(id)})
			reqs = append(reqs, providers.ReadRequest{TypeName: typ, Addr: at(typ, fmt.Sprint("o", i)), Prior: prior})
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		// One that is gone.
		reqs = append(reqs, providers.ReadRequest{TypeName: "collection", Addr: at("collection", "gone"), Prior: with(blockVal(&p.kinds["collection"].rt.Block, nil), map[string]cty.Value{"id": sv("LABFFFFF")})})
		before := p.s.queries.Load()
		resps := p.ReadMany(context.Background(), reqs)
		queries := p.s.queries.Load() - before
		if queries > 3 {
			t.Errorf("ReadMany of %d objects of 3 types ran %d queries, want at most 3", len(reqs), queries)
		}
		for i, r := range resps[:len(resps)-1] {
			if r.Diagnostics.HasErrors() || r.NewState.IsNull() {
				t.Fatalf("response %d: %#v %s", i, r.NewState, diagText(r.Diagnostics))
			}
			if got, want := str(r.NewState, p.kinds[reqs[i].TypeName].idAttr), str(reqs[i].Prior, p.kinds[reqs[i].TypeName].idAttr); got != want {
				t.Fatalf("response %d is %s, want %s", i, got, want)
			}
		}
		if last := resps[len(resps)-1]; !last.NewState.IsNull() {
			t.Errorf("a missing object read as %#v", last.NewState)
		}
	})
}

// A job that fails after writing (here: an id taken by a row made outside
// updplan) makes the writer run its batch again with savepoints: the other
// jobs of the batch still land, the failed one leaves nothing.
func TestGroupCommitFailureAfterWrite(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		sqlExec(t, p, `INSERT INTO sync_hosts (id, site, computer) VALUES ('LAB/TAKEN', 'LAB', 'TAKEN')`)
		const n = 100
		errs := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				computer := fmt.Sprint("WS", i)
				if i%10 == 3 {
					computer = "TAKEN"
				}
				cfg := obj("sync_host", map[string]cty.Value{"site": sv("LAB"), "computer": sv(computer)})
				planned := with(cfg, map[string]cty.Value{"id": sv(syncHostID("LAB", computer))})
				resp := p.Apply(context.Background(), providers.ApplyRequest{TypeName: "sync_host", Addr: at("sync_host", fmt.Sprint("h", i)), Prior: cty.NullVal(cfg.Type()), Planned: planned, Config: cfg, Progress: providers.NoProgress})
				if resp.Diagnostics.HasErrors() {
					errs[i] = resp.Diagnostics[0].Summary
				}
			}()
		}
		wg.Wait()
		for i, e := range errs {
			want := ""
			if i%10 == 3 {
				want = "Object already exists"
			}
			if e != want {
				t.Errorf("h%d: error %q, want %q", i, e, want)
			}
		}
		if got := sqlCount(t, p, `SELECT COUNT(*) FROM sync_hosts`); got != 1+n-10 {
			t.Errorf("%d sync hosts, want %d", got, 1+n-10)
		}
		if got := sqlCount(t, p, `SELECT COUNT(*) FROM sync_hosts WHERE owner IS NULL`); got != 1 {
			t.Errorf("the row made outside updplan was taken over: %d unowned rows", got)
		}
	})
}

// create_before_destroy creates the replacement while the old object, owned
// by the same address, still exists: that one must not be adopted.
func TestCreateBeforeDestroyNotAdopted(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		a := at("collection", "scan")
		old := apply(t, p, a, cty.NilVal, collectionConfig("LAB", "Scan", nil))
		// site forces a replacement; the new object is created first.
		repl := apply(t, p, a, cty.NilVal, collectionConfig("XYZ", "Scan", nil))
		if repl.GetAttr("id").RawEquals(old.GetAttr("id")) {
			t.Fatalf("the replacement adopted the object it replaces (%s)", old.GetAttr("id").AsString())
		}
		resp := p.Apply(context.Background(), providers.ApplyRequest{TypeName: "collection", Addr: a, Prior: old, Planned: cty.NullVal(old.Type()), Config: cty.NullVal(old.Type()), Progress: providers.NoProgress})
		if resp.Diagnostics.HasErrors() {
			t.Fatal(diagText(resp.Diagnostics))
		}
		if got := read(t, p, a, repl); !got.RawEquals(repl) {
			t.Errorf("replacement read as %#v after the old one was deleted", got)
		}
	})
}

func TestResolve(t *testing.T) {
	obj := func(id, name cty.Value) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{"id": id, "name": name})
	}
	unknown := cty.UnknownVal(cty.String)
	null := cty.NullVal(cty.String)
	tests := map[string]struct{ planned, config, want cty.Value }{
		"known stays":               {obj(sv("A"), sv("n")), obj(null, sv("n")), obj(sv("A"), sv("n"))},
		"only the id unknown":       {obj(unknown, sv("n")), obj(null, sv("n")), obj(unknown, sv("n"))},
		"filled from configuration": {obj(unknown, unknown), obj(null, sv("n")), obj(unknown, sv("n"))},
		"still unknown in config":   {obj(unknown, unknown), obj(null, unknown), obj(unknown, unknown)},
		"null configuration":        {obj(unknown, unknown), cty.NullVal(obj(null, null).Type()), obj(unknown, unknown)},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := resolve(tt.planned, tt.config); !got.RawEquals(tt.want) {
				t.Errorf("resolve = %#v, want %#v", got, tt.want)
			}
		})
	}
}
