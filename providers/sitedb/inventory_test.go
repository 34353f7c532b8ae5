package sitedb

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// TestInventory: every object is listed with its name, its site (a site's
// parent, a program's package's site) and the address that owns it.
func TestInventory(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		apply(t, p, at("site", "cen"), cty.NilVal, obj("site", map[string]cty.Value{"code": sv("CEN"), "name": sv("Central"), "server": sv("S0")}))
		apply(t, p, at("site", "br1"), cty.NilVal, obj("site", map[string]cty.Value{"code": sv("BR1"), "name": sv("Branch"), "server": sv("S1"), "parent": sv("CEN")}))
		pkg := apply(t, p, at("package", "tool"), cty.NilVal, obj("package", map[string]cty.Value{"site": sv("CEN"), "name": sv("Tool")}))
		apply(t, p, at("program", "scan"), cty.NilVal, obj("program", map[string]cty.Value{"package": pkg.GetAttr("id"), "name": sv("Scan"), "command_line": sv("x")}))
		want := map[string][]schema.Existing{
			"site": {
				{Type: "site", ID: "BR1", Name: "Branch", Site: "CEN", Owner: "site.br1"},
				{Type: "site", ID: "CEN", Name: "Central", Owner: "site.cen"},
			},
			"package": {{Type: "package", ID: "CEN00001", Name: "Tool", Site: "CEN", Owner: "package.tool"}},
			"program": {{Type: "program", ID: "CEN00001/Scan", Name: "Scan", Site: "CEN", Package: "CEN00001", Owner: "program.scan"}},
		}
		for typ, w := range want {
			got, diags := p.Inventory(context.Background(), typ)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			if diff := cmp.Diff(w, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", typ, diff)
			}
		}
	})
}
