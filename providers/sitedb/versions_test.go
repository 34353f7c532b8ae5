package sitedb

import (
	"context"
	"testing"

	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// A package's source_version and a deployment package's content_version
// rise by one whenever content_hash changes, and only then; an unknown hash
// at plan time leaves the version unknown, and apply settles it.
func TestContentVersions(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		for _, tc := range []struct {
			typ, version string
			cfg          func(hash cty.Value, extra string) cty.Value
		}{
			{"package", "source_version", func(hash cty.Value, extra string) cty.Value {
				return obj("package", map[string]cty.Value{"site": sv("LAB"), "name": sv("Microsoft Updates Tool"), "source_path": sv(`\\S\PackageSrc`), "content_hash": hash, "description": sv(extra)})
			}},
			{"deployment_package", "content_version", func(hash cty.Value, extra string) cty.Value {
				return obj("deployment_package", map[string]cty.Value{"site": sv("LAB"), "name": sv("Monthly"), "source_path": sv(`\\S\Updates\Monthly`), "content_hash": hash, "description": sv(extra)})
			}},
		} {
			a := at(tc.typ, "x")
			version := func(v cty.Value) string {
				x := v.GetAttr(tc.version)
				if !x.IsKnown() {
					return "unknown"
				}
				return x.AsBigFloat().String()
			}
			v := apply(t, p, a, cty.NilVal, tc.cfg(sv("aaa"), "one"))
			steps := []struct {
				hash      cty.Value
				extra     string
				planned   string
				afterward string
			}{
				{sv("aaa"), "two", "1", "1"},                       // another attribute: same content
				{sv("bbb"), "two", "2", "2"},                       // new content
				{cty.UnknownVal(cty.String), "two", "unknown", ""}, // known only at apply
			}
			for _, s := range steps {
				pr := plan(t, p, a, v, tc.cfg(s.hash, s.extra))
				if pr.Diagnostics.HasErrors() {
					t.Fatalf("%s: %s", tc.typ, diagText(pr.Diagnostics))
				}
				if got := version(pr.Planned); got != s.planned {
					t.Errorf("%s hash %#v: planned %s %s, want %s", tc.typ, s.hash, tc.version, got, s.planned)
				}
				if s.afterward != "" {
					v = apply(t, p, a, v, tc.cfg(s.hash, s.extra))
					if got := version(v); got != s.afterward {
						t.Errorf("%s hash %#v: applied %s %s, want %s", tc.typ, s.hash, tc.version, got, s.afterward)
					}
				}
			}
			// The hash becomes known at apply: the version rises then.
			rt := schema.Sitedb.ResourceType(tc.typ)
			pr := plan(t, p, a, v, tc.cfg(cty.UnknownVal(cty.String), "two"))
			resp := p.Apply(context.Background(), providers.ApplyRequest{TypeName: tc.typ, Addr: a, Prior: v, Planned: pr.Planned, Config: tc.cfg(sv("ccc"), "two"), Progress: providers.NoProgress})
			if resp.Diagnostics.HasErrors() {
				t.Fatalf("%s: %s", tc.typ, diagText(resp.Diagnostics))
			}
			if got := version(resp.NewState); got != "3" {
				t.Errorf("%s: applied with a hash known at apply: %s %s, want 3", tc.typ, tc.version, got)
			}
			if got := read(t, p, a, resp.NewState); !got.RawEquals(resp.NewState) {
				t.Errorf("%s read back differs: %#v", rt.Name, got)
			}
		}
	})
}
