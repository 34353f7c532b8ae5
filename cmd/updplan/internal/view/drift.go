package view

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// DriftFormatVersion is the format_version of the drift report JSON.
const DriftFormatVersion = "1.0"

// driftAttr is one attribute that changed outside updplan.
type driftAttr struct {
	path          string // dotted: "description", "sms2003.enabled"
	p             cty.Path
	before, after cty.Value
	sensitive     bool
}

// driftAttributes lists what changed in one drifted object, in schema
// order: attributes, then the attributes of single nested blocks, then
// whole list and set blocks.
func driftAttributes(c *plan.ResourceChange, s Schemas) []driftAttr {
	if c.Action == plan.Delete {
		return nil
	}
	before, bm := unmark(c.Before)
	after, am := unmark(c.After)
	blk := blockOf(s, c.Type, before, after)
	bs := sensitivity{blk: blk, paths: append(slices.Clone(c.BeforeSensitive), bm...)}
	as := sensitivity{blk: blk, paths: append(slices.Clone(c.AfterSensitive), am...)}
	var out []driftAttr
	var walk func(blk *schema.Block, path cty.Path, prefix string, b, a cty.Value)
	walk = func(blk *schema.Block, path cty.Path, prefix string, b, a cty.Value) {
		for _, at := range blk.Attributes {
			bv, av := attrOf(b, at.Name), attrOf(a, at.Name)
			if (bv.IsNull() && av.IsNull()) || bv.RawEquals(av) {
				continue
			}
			p := path.GetAttr(at.Name)
			out = append(out, driftAttr{path: prefix + at.Name, p: p, before: bv, after: av, sensitive: bs.inside(p) || as.inside(p)})
		}
		for _, nb := range blk.BlockTypes {
			bv, av := attrOf(b, nb.TypeName), attrOf(a, nb.TypeName)
			if (bv.IsNull() && av.IsNull()) || bv.RawEquals(av) {
				continue
			}
			p := path.GetAttr(nb.TypeName)
			if nb.Nesting == schema.NestingSingle && !bv.IsNull() && !av.IsNull() {
				walk(&nb.Block, p, prefix+nb.TypeName+".", bv, av)
				continue
			}
			out = append(out, driftAttr{path: prefix + nb.TypeName, p: p, before: bv, after: av, sensitive: bs.inside(p) || as.inside(p)})
		}
	}
	walk(blk, nil, "", before, after)
	return out
}

func driftAction(c *plan.ResourceChange) string {
	if c.Action == plan.Delete {
		return "delete"
	}
	return "update"
}

// DriftReport writes the human report of `updplan drift` for a plan made
// by engine.Drift: what changed outside updplan (p.Drift), then the
// pending changes — declared in the configuration but not applied
// (p.Changes) — each listed and counted apart.
func (h *Human) DriftReport(p *plan.Plan, s Schemas) {
	r := &renderer{color: h.Color, notes: h.Notes}
	drift := slices.Clone(p.Drift)
	sortChanges(drift)
	pending := visibleChanges(p)
	if len(drift) > 0 {
		r.b.WriteString(r.bold("Objects changed outside of updplan (drift)") + "\n\n")
		for _, c := range drift {
			r.resourceChange(c, s, true)
			r.b.WriteString("\n")
		}
	}
	if len(pending) > 0 {
		r.b.WriteString(r.bold("Pending changes: declared in the configuration but not applied") + "\n\n")
		h.legend(r, pending)
		for _, c := range pending {
			r.resourceChange(c, s, false)
			r.b.WriteString("\n")
		}
	}
	h.unchangedNotes(r, pending, "Objects without pending changes:")
	checked := len(checkedObjects(p))
	if len(drift) == 0 {
		fmt.Fprintf(&r.b, "%s Every object in the state matches the real world (%d checked).\n", r.green("No drift."), checked)
	} else {
		fmt.Fprintf(&r.b, "%s %d of %d objects changed outside updplan. Run \"updplan apply -refresh-only\" to record it in the state, or \"updplan apply\" to undo it.\n",
			r.bold("Drift found:"), len(drift), checked)
	}
	if len(pending) == 0 {
		fmt.Fprintf(&r.b, "%s Everything the configuration declares is applied.\n", r.green("No pending changes."))
	} else {
		add, change, destroy, _ := p.Summary()
		fmt.Fprintf(&r.b, "%s %d declared but not applied (%d to add, %d to change, %d to destroy). Run \"updplan plan\" to review them and \"updplan apply\" to make them.\n",
			r.bold("Pending changes:"), len(pending), add, change, destroy)
	}
	io.WriteString(h.Out, r.b.String())
}

// WriteDriftJSON writes the stable drift report of `drift -json`:
//
//	{"format_version":"1.0","in_sync":bool,"timestamp",
//	 "objects_checked":N, "drift_count":D, "pending_count":P,
//	 "drift":[{"address","type","provider","action":"update"|"delete",
//	           "attributes":[{"path","before","after","sensitive"}]}],
//	 "pending_changes":[{"address","type","provider","action"}]}
//
// Sensitive values are null (with "sensitive": true). Pending changes are
// what the configuration declares and was never applied; a change that
// would only undo drift is not one. in_sync is true when both lists are
// empty.
func WriteDriftJSON(w io.Writer, p *plan.Plan, s Schemas) error {
	drift := slices.Clone(p.Drift)
	sortChanges(drift)
	list := []any{}
	for _, c := range drift {
		attrs := []any{}
		for _, a := range driftAttributes(c, s) {
			m := map[string]any{"path": a.path, "before": nil, "after": nil}
			if a.sensitive {
				m["sensitive"] = true
			} else {
				m["before"] = jsonValue(a.before, nil, sensitivity{})
				m["after"] = jsonValue(a.after, nil, sensitivity{})
			}
			attrs = append(attrs, m)
		}
		list = append(list, map[string]any{
			"address":    c.Addr.String(),
			"type":       c.Addr.Resource.Type,
			"provider":   providerOf(c.Provider, c.Type, s),
			"action":     driftAction(c),
			"attributes": attrs,
		})
	}
	pending := []any{}
	for _, c := range visibleChanges(p) {
		pending = append(pending, map[string]any{
			"address":  c.Addr.String(),
			"type":     c.Addr.Resource.Type,
			"provider": providerOf(c.Provider, c.Type, s),
			"action":   uiAction(c),
		})
	}
	doc := map[string]any{
		"format_version":  DriftFormatVersion,
		"in_sync":         len(list) == 0 && len(pending) == 0,
		"objects_checked": len(checkedObjects(p)),
		"drift_count":     len(list),
		"pending_count":   len(pending),
		"drift":           list,
		"pending_changes": pending,
	}
	if !p.Timestamp.IsZero() {
		doc["timestamp"] = p.Timestamp.UTC().Format(time.RFC3339)
	}
	return writeJSONIndent(w, doc)
}

// checkedObjects are the objects refresh read: those in the prior state
// and the drifted ones (deleted objects are no longer in the prior state).
func checkedObjects(p *plan.Plan) []addr.Instance {
	seen := map[addr.Instance]bool{}
	for _, a := range p.PriorState.Addrs() {
		seen[a] = true
	}
	for _, c := range p.Drift {
		seen[c.Addr] = true
	}
	out := make([]addr.Instance, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	addr.SortInstances(out)
	return out
}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Errors    int         `xml:"errors,attr"`
	Skipped   int         `xml:"skipped,attr"`
	Timestamp string      `xml:"timestamp,attr,omitempty"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteDriftJUnit writes drift as JUnit XML for CI: a suite "updplan drift"
// with one test case per object checked; a drifted object fails, listing
// its drifted attributes (sensitive ones as "(sensitive value)").
func WriteDriftJUnit(w io.Writer, p *plan.Plan, s Schemas) error {
	drifted := map[addr.Instance]*plan.ResourceChange{}
	for _, c := range p.Drift {
		drifted[c.Addr] = c
	}
	suite := junitSuite{Name: "updplan drift"}
	if !p.Timestamp.IsZero() {
		suite.Timestamp = p.Timestamp.UTC().Format("2006-01-02T15:04:05")
	}
	for _, a := range checkedObjects(p) {
		tc := junitCase{Name: a.String(), ClassName: a.Resource.Type}
		if c := drifted[a]; c != nil {
			tc.Failure = driftFailure(c, s)
			suite.Failures++
		}
		suite.Tests++
		suite.Cases = append(suite.Cases, tc)
	}
	pendingSuite := junitSuite{Name: "updplan pending changes", Timestamp: suite.Timestamp}
	for _, c := range visibleChanges(p) {
		pendingSuite.Cases = append(pendingSuite.Cases, junitCase{Name: c.Addr.String(), ClassName: c.Addr.Resource.Type, Failure: pendingFailure(c)})
		pendingSuite.Tests++
		pendingSuite.Failures++
	}
	doc := junitSuites{Name: "updplan drift", Tests: suite.Tests + pendingSuite.Tests, Failures: suite.Failures + pendingSuite.Failures,
		Suites: []junitSuite{suite, pendingSuite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// pendingFailure is the failure of a pending change: declared, not applied.
func pendingFailure(c *plan.ResourceChange) *junitFailure {
	outcome := map[string]string{
		"create": "created", "update": "updated in place", "delete": "destroyed",
		"replace": "replaced", "import": "imported", "move": "moved",
	}[uiAction(c)]
	return &junitFailure{
		Type:    "pending",
		Message: fmt.Sprintf("%s is declared but not applied: it will be %s", c.Addr, outcome),
		Text:    "The configuration calls for this change and it was never applied. Run \"updplan plan\" to review it and \"updplan apply\" to make it.",
	}
}

func driftFailure(c *plan.ResourceChange, s Schemas) *junitFailure {
	if c.Action == plan.Delete {
		return &junitFailure{
			Type:    "deleted",
			Message: c.Addr.String() + " has been deleted outside of updplan",
			Text:    c.Addr.String() + " no longer exists. Run \"updplan plan\" to see how updplan would recreate it, or remove it from the configuration.",
		}
	}
	var b strings.Builder
	for _, a := range driftAttributes(c, s) {
		if a.sensitive {
			fmt.Fprintf(&b, "%s: %s\n", a.path, sensitiveValue)
			continue
		}
		fmt.Fprintf(&b, "%s: %s -> %s\n", a.path, compactValue(a.before), compactValue(a.after))
	}
	return &junitFailure{
		Type:    "changed",
		Message: c.Addr.String() + " has changed outside of updplan",
		Text:    b.String(),
	}
}
