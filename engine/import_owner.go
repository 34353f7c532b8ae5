package engine

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/state"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// importOwner refuses to import into target an object another address
// manages: one in state holding the same id, or the address the real world
// records as its owner when the configuration or the state has that
// address. Two addresses managing one object would undo each other's
// changes on every apply, and each would see the other's as drift. An owner
// recorded for an address that neither the configuration nor the state
// knows any more (renamed without a moved block) is left behind: the import
// takes the object over.
func importOwner(cfg *config.Config, st *state.State, rt *schema.ResourceType, target addr.Instance, id string, v cty.Value, owner string, subject *hcl.Range) *hcl.Diagnostic {
	idOf := func(v cty.Value) string {
		if v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() || !v.Type().HasAttribute(rt.IDAttribute) {
			return ""
		}
		a := v.GetAttr(rt.IDAttribute)
		if a.IsNull() || !a.IsKnown() || !a.Type().Equals(cty.String) {
			return ""
		}
		return a.AsString()
	}
	want := idOf(v)
	if want == "" {
		want = id
	}
	if st != nil {
		for _, res := range st.Sorted() {
			if res.Addr != target && res.Type == rt.Name && idOf(res.Value) == want {
				return managedBy(rt, target, id, res.Addr.String(), "the state already holds it", subject)
			}
		}
	}
	if owner == "" || owner == target.String() {
		return nil
	}
	other, diags := addr.ParseInstance(owner)
	if diags.HasErrors() {
		return nil
	}
	_, inConfig := cfg.Resources[other.Resource]
	if inConfig || (st != nil && st.Get(other) != nil) {
		return managedBy(rt, target, id, owner, "the site database records it as that address's object", subject)
	}
	return nil
}

func managedBy(rt *schema.ResourceType, target addr.Instance, id, other, how string, subject *hcl.Range) *hcl.Diagnostic {
	return errorDiag("Object managed by another address",
		fmt.Sprintf("The %s %q is managed by %s (%s), so %s cannot import it: two addresses managing one object would undo each other's changes on every apply, and each would report the other's as drift. Import another object, or move the object to the new address with a `moved` block (or `updplan state mv %s %s`).",
			rt.Name, id, other, how, target, other, target), subject)
}
