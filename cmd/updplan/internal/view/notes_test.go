package view

import (
	"bytes"
	"strings"
	"testing"

	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/plan"
)

// TestNotes: a note shows under the header of its object's change, a note
// of an object without a shown change in the list before the changes, in
// address order; a deleted object and a drifted one get none inline, and
// a destroy plan lists none.
func TestNotes(t *testing.T) {
	notes := map[string]string{
		"deployment.november": "compliance: 9,312 of 10,000 clients reported (93.1%), 71.4% compliant, 688 stale",
		"program.scan":        "compliance: note of a moved object",
		"catalog.wsus":        "compliance: note of an imported object",
		"package.old_tool":    "compliance: note of a deleted object",
		"share.pkgsrc":        "compliance: note of a drifted and updated object",
		"collection.zzz":      "compliance: note of an object not in the plan",
	}
	render := func(p *plan.Plan, drift bool) string {
		var out bytes.Buffer
		h := &Human{Out: &out, Err: &out, Notes: map[addr.Instance]string{}}
		for a, n := range notes {
			typ, name, _ := strings.Cut(a, ".")
			h.Notes[inst(typ, name)] = n
		}
		if drift {
			h.DriftReport(p, testSchemas{})
		} else {
			h.Plan(p, testSchemas{})
		}
		return out.String()
	}

	out := render(mixedPlan(), false)
	for _, want := range []string{
		"Objects without changes:\n  # collection.zzz: compliance: note of an object not in the plan\n\n",
		"  # program.old_scan has moved to program.scan\n  # compliance: note of a moved object\n",
		"  # deployment.november must be replaced\n  # compliance: 9,312 of 10,000 clients reported (93.1%), 71.4% compliant, 688 stale\n-/+ resource",
		"  # catalog.wsus will be imported\n  # (imported from",
		"  # compliance: note of an imported object\n",
		"  # share.pkgsrc will be updated in-place\n  # compliance: note of a drifted and updated object\n  ~ resource",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "note of a deleted object") {
		t.Errorf("a deleted object has a note:\n%s", out)
	}
	if n := strings.Count(out, "note of a drifted and updated object"); n != 1 {
		t.Errorf("the drifted object's note shows %d times, want once (not under its drift):\n%s", n, out)
	}

	destroy := mixedPlan()
	destroy.Mode = plan.DestroyMode
	if out := render(destroy, false); strings.Contains(out, "Objects without changes:") {
		t.Errorf("a destroy plan lists notes:\n%s", out)
	}

	drift := render(mixedPlan(), true)
	if !strings.Contains(drift, "Objects without pending changes:\n  # collection.zzz: ") {
		t.Errorf("drift report lacks the list:\n%s", drift)
	}
}
