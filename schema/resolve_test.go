package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

// TestResolveReferences: ids known at plan time are found in the
// configuration or the real world (the lookup), in the sites their
// attribute's scope allows.
func TestResolveReferences(t *testing.T) {
	db := map[string][]Existing{
		"site": {
			{Type: "site", ID: "CEN", Name: "Central"},
			{Type: "site", ID: "BR1", Name: "Branch-1", Site: "CEN"},
			{Type: "site", ID: "BR2", Name: "Branch-2", Site: "CEN"},
		},
		"collection": {
			{Type: "collection", ID: "CEN00001", Name: "All SMS 2003 clients", Site: "CEN"},
			{Type: "collection", ID: "BR100001", Name: "Branch clients", Site: "BR1"},
		},
		"package":            {{Type: "package", ID: "CEN00002", Name: "Microsoft Updates Tool", Site: "CEN"}},
		"program":            {{Type: "program", ID: "CEN00002/Scan", Name: "Scan", Package: "CEN00002", Site: "CEN"}},
		"deployment_package": {{Type: "deployment_package", ID: "CEN00003", Name: "Central updates", Site: "CEN"}},
		"distribution_point": {{Type: "distribution_point", ID: "DP-BR2", Name: "BR2DP", Site: "BR2"}},
	}
	lookup := func(typ string) []Existing { return db[typ] }
	deployment := func(site, coll, pkg string) Object {
		return o(t, "deployment", "d", attrs{"site": s(site), "name": s("d"), "updates": strs("KB1"), "collection": s(coll), "package": s(pkg), "start_time": s("2026-12-01T02:00:00Z")}, nil)
	}
	tests := map[string]struct {
		objs []Object
		want []setFinding
	}{
		"parent's collection, own package": {[]Object{deployment("BR1", "CEN00001", "CEN00003")},
			[]setFinding{{"deployment.d", Finding{"error", "Object of another site", "package"}}}},
		"child's collection": {[]Object{deployment("CEN", "BR100001", "CEN00003")},
			[]setFinding{{"deployment.d", Finding{"error", "Object of another site", "collection"}}}},
		"built-in collection": {[]Object{deployment("CEN", "SMS00001", "CEN00003")}, nil},
		"unknown site and ids": {[]Object{deployment("ZZZ", "BR100042", "CEN0FFFF")},
			[]setFinding{
				{"deployment.d", Finding{"error", "Site not found", "site"}},
				{"deployment.d", Finding{"error", "Unknown collection", "collection"}},
				{"deployment.d", Finding{"error", "Unknown deployment package", "package"}},
			}},
		"sibling's distribution point": {[]Object{
			o(t, "package", "p", attrs{"site": s("BR1"), "name": s("p"), "distribute_to": strSetVal("DP-BR2")}, nil),
			o(t, "package", "q", attrs{"site": s("CEN"), "name": s("q"), "distribute_to": strSetVal("DP-BR2")}, nil),
		}, []setFinding{{"package.p", Finding{"error", "Object of another site", "distribute_to"}}}},
		"SMS 2003 dependent program": {[]Object{
			o(t, "deployment", "d", attrs{"site": s("BR1"), "name": s("d"), "updates": strs("KB1"), "collection": s("CEN00001"), "package": s("CEN00003"), "start_time": s("2026-12-01T02:00:00Z"),
				"sms2003": cty.ObjectVal(map[string]cty.Value{"enabled": cty.True, "dependent_program": s("CEN00002;;Scanner")})}, nil),
		}, []setFinding{
			{"deployment.d", Finding{"error", "Object of another site", "package"}},
			{"deployment.d", Finding{"error", "Unknown dependent program", "sms2003.dependent_program"}},
		}},
		"dependent program": {[]Object{
			o(t, "program", "a", attrs{"package": s("CEN00002"), "name": s("a"), "command_line": s("a"), "dependent_program": s("CEN00002;;Scan")}, nil),
			o(t, "program", "b", attrs{"package": s("CEN00002"), "name": s("b"), "command_line": s("b"), "dependent_program": s("CEN00002;;nothing")}, nil),
			o(t, "program", "c", attrs{"package": s("CEN00002"), "name": s("c"), "command_line": s("c"), "dependent_program": s("CEN0FFFF;;Scan")}, nil),
		}, []setFinding{
			{"program.b", Finding{"error", "Unknown dependent program", "dependent_program"}},
			{"program.c", Finding{"error", "Unknown package", "dependent_program"}},
		}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var got []setFinding
			for _, p := range ResolveReferences(tt.objs, lookup) {
				checkProblemShape(t, &p.Problem)
				got = append(got, setFinding{p.Addr.String(), Finding{severity(p.Severity), p.Summary, pathString(p.Path)}})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			// Without the real world (validate), ids the configuration
			// does not hold are left alone.
			for _, p := range ResolveReferences(tt.objs, nil) {
				t.Errorf("validate found %s: %s", p.Summary, p.Detail)
			}
		})
	}
}

func strSetVal(vs ...string) cty.Value {
	vals := make([]cty.Value, len(vs))
	for i, v := range vs {
		vals[i] = cty.StringVal(v)
	}
	return cty.SetVal(vals)
}
