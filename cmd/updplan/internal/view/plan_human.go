package view

import (
	"fmt"
	"io"
	"slices"
	"strings"

	wordwrap "github.com/mitchellh/go-wordwrap"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/plan"
	"github.com/zclconf/go-cty/cty"
)

// Plan writes a plan to h.Out the way Terraform does, with two differences:
// drift is shown whenever there is any (also when the plan is otherwise
// empty), and the wording names the site rather than "infrastructure".
func (h *Human) Plan(p *plan.Plan, s Schemas) {
	r := &renderer{color: h.Color, notes: h.Notes}
	if p.Errored {
		r.b.WriteString(h.para(r.bold("Planning failed.") + " updplan found errors while planning; the changes below are incomplete and this plan cannot be applied."))
	}

	changes := visibleChanges(p)
	outputs := changedOutputs(p)

	if len(p.Drift) > 0 {
		h.drift(r, p, s, len(changes) > 0)
	}
	if len(p.Reads) > 0 {
		h.reads(r, p.Reads)
	}
	if p.Mode != plan.DestroyMode {
		h.unchangedNotes(r, changes, "Objects without changes:")
	}

	switch {
	case p.Mode == plan.RefreshOnlyMode:
		if len(p.Drift) == 0 {
			r.b.WriteString(r.bold("No changes.") + " Your site still matches the configuration.\n\n")
			r.b.WriteString(h.para("updplan has checked that the real objects still match the result of your most recent changes, and found no differences."))
		}
		if len(outputs) > 0 {
			h.outputChanges(r, outputs)
		}
		io.WriteString(h.Out, r.b.String())
		return
	case len(changes) == 0 && len(outputs) == 0:
		if p.Errored {
			// Nothing to claim about the site: planning stopped early.
			io.WriteString(h.Out, r.b.String())
			return
		}
		if p.Mode == plan.DestroyMode {
			r.b.WriteString(r.bold("No changes.") + " No objects need to be destroyed.\n\n")
			r.b.WriteString(h.para("Either you have not created any objects yet or the existing objects were already deleted outside of updplan."))
		} else {
			r.b.WriteString(r.bold("No changes.") + " Your site matches the configuration.\n\n")
			r.b.WriteString(h.para("updplan has compared your real objects against your configuration and found no differences, so no changes are needed."))
		}
		io.WriteString(h.Out, r.b.String())
		return
	}

	if len(changes) > 0 {
		h.legend(r, changes)
		r.b.WriteString("updplan will perform the following actions:\n\n")
		for _, c := range changes {
			r.resourceChange(c, s, false)
			r.b.WriteString("\n")
		}
		add, change, destroy, imports := p.Summary()
		if imports > 0 {
			fmt.Fprintf(&r.b, "%s %d to import, %d to add, %d to change, %d to destroy.\n", r.bold("Plan:"), imports, add, change, destroy)
		} else {
			fmt.Fprintf(&r.b, "%s %d to add, %d to change, %d to destroy.\n", r.bold("Plan:"), add, change, destroy)
		}
	}
	if len(outputs) > 0 {
		if len(changes) > 0 {
			r.b.WriteString("\n")
		}
		h.outputChanges(r, outputs)
		if len(changes) == 0 {
			r.b.WriteString("\n")
			r.b.WriteString(h.para("You can apply this plan to save these new output values to the updplan state, without changing any real objects."))
		}
	}
	io.WriteString(h.Out, r.b.String())
}

// para wraps a paragraph at h.Width and ends it with a blank line.
func (h *Human) para(s string) string {
	if h.Width > 0 {
		s = wordwrap.WrapString(s, uint(h.Width))
	}
	return s + "\n\n"
}

func (h *Human) rule() string {
	w := 77
	if h.Width > 0 && h.Width < w {
		w = h.Width
	}
	return strings.Repeat("─", w) + "\n\n"
}

// visibleChanges are the changes to show: not no-ops, unless they move or
// import an object; sorted by address.
func visibleChanges(p *plan.Plan) []*plan.ResourceChange {
	var out []*plan.ResourceChange
	for _, c := range p.Changes {
		if c.Action != plan.NoOp || c.ImportID != "" || c.PrevAddr != (addr.Instance{}) {
			out = append(out, c)
		}
	}
	sortChanges(out)
	return out
}

func sortChanges(list []*plan.ResourceChange) {
	slices.SortStableFunc(list, func(a, b *plan.ResourceChange) int { return addr.Compare(a.Addr, b.Addr) })
}

func changedOutputs(p *plan.Plan) []*plan.OutputChange {
	var out []*plan.OutputChange
	for _, o := range p.Outputs {
		if o.Action != plan.NoOp {
			out = append(out, o)
		}
	}
	slices.SortStableFunc(out, func(a, b *plan.OutputChange) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (h *Human) drift(r *renderer, p *plan.Plan, s Schemas, hasChanges bool) {
	r.b.WriteString(r.bold("Note: Objects have changed outside of updplan") + "\n\n")
	r.b.WriteString(h.para(`updplan detected the following changes made outside of updplan since the last "updplan apply":`))
	drift := slices.Clone(p.Drift)
	sortChanges(drift)
	for _, c := range drift {
		r.resourceChange(c, s, true)
		r.b.WriteString("\n")
	}
	switch {
	case p.Mode == plan.RefreshOnlyMode:
		r.b.WriteString(h.para("This is a refresh-only plan, so updplan will not take any actions to undo these. If you were expecting these changes then you can apply this plan to record the updated values in the updplan state without changing any real objects."))
		return
	case hasChanges:
		r.b.WriteString(h.para("Unless you have made equivalent changes to your configuration, or ignored the relevant attributes using ignore_changes, the following plan may include actions to undo or respond to these changes."))
	default:
		r.b.WriteString(h.para(`The configuration already accepts these changes, so the plan below makes none. Run "updplan apply -refresh-only" to record the updated values in the state.`))
	}
	r.b.WriteString(h.rule())
}

func (h *Human) legend(r *renderer, changes []*plan.ResourceChange) {
	seen := map[plan.Action]bool{}
	for _, c := range changes {
		seen[c.Action] = true
	}
	legend := []struct {
		a    plan.Action
		sym  string
		text string
	}{
		{plan.Create, "+", "create"},
		{plan.Update, "~", "update in-place"},
		{plan.Delete, "-", "destroy"},
		{plan.DeleteThenCreate, "-/+", "destroy and then create replacement"},
		{plan.CreateThenDelete, "+/-", "create replacement and then destroy"},
		{plan.Read, "<=", "read (data resources)"},
	}
	var lines []string
	for _, l := range legend {
		if seen[l.a] {
			lines = append(lines, fmt.Sprintf("%*s%s %s\n", 3-len(l.sym), "", r.sym(l.sym), l.text))
		}
	}
	if len(lines) == 0 {
		return
	}
	intro := "updplan used the selected providers to generate the following execution plan. Resource actions are indicated with the following symbols:"
	if h.Width > 0 {
		intro = wordwrap.WrapString(intro, uint(h.Width))
	}
	r.b.WriteString(intro + "\n")
	for _, l := range lines {
		r.b.WriteString(l)
	}
	r.b.WriteString("\n")
}

// unchangedNotes lists the notes of objects that shown lists no change
// for (an unchanged deployment's compliance), in address order.
func (h *Human) unchangedNotes(r *renderer, shown []*plan.ResourceChange, title string) {
	if len(h.Notes) == 0 {
		return
	}
	inList := make(map[addr.Instance]bool, len(shown))
	for _, c := range shown {
		inList[c.Addr] = true
	}
	var rest []addr.Instance
	for a := range h.Notes {
		if !inList[a] {
			rest = append(rest, a)
		}
	}
	if len(rest) == 0 {
		return
	}
	slices.SortFunc(rest, addr.Compare)
	r.b.WriteString(title + "\n")
	for _, a := range rest {
		fmt.Fprintf(&r.b, "  # %s: %s\n", a, h.Notes[a])
	}
	r.b.WriteString("\n")
}

// changeHeader is the "# addr will be ..." line of a change and the symbol
// before "resource".
func changeHeader(c *plan.ResourceChange, drift bool) (string, string) {
	a := c.Addr.String()
	if drift {
		if c.Action == plan.Delete {
			return a + " has been deleted", "-"
		}
		return a + " has changed", "~"
	}
	switch c.Action {
	case plan.Create:
		return a + " will be created", "+"
	case plan.Update:
		return a + " will be updated in-place", "~"
	case plan.DeleteThenCreate, plan.CreateThenDelete:
		sym := "-/+"
		if c.Action == plan.CreateThenDelete {
			sym = "+/-"
		}
		if c.Reason == plan.ReplaceByRequest {
			return a + " will be replaced, as requested", sym
		}
		return a + " must be replaced", sym
	case plan.Delete:
		return a + " will be destroyed", "-"
	case plan.Read:
		return a + " will be read during apply", "<="
	}
	if c.PrevAddr != (addr.Instance{}) {
		return c.PrevAddr.String() + " has moved to " + a, " "
	}
	if c.ImportID != "" {
		return a + " will be imported", " "
	}
	return a, " "
}

// reasonLine explains a delete, as Terraform's "(because ...)" note.
func reasonLine(c *plan.ResourceChange) string {
	switch c.Reason {
	case plan.DeleteBecauseNoResourceConf:
		return fmt.Sprintf("(because %s is not in configuration)", c.Addr.Resource)
	case plan.DeleteBecauseCountIndex:
		return fmt.Sprintf("(because index %s is out of range for count)", c.Addr.Key)
	case plan.DeleteBecauseEachKey:
		return fmt.Sprintf("(because key %s is not in for_each map)", c.Addr.Key)
	case plan.DeleteBecauseNoMoveTarget:
		return fmt.Sprintf("(because %s was moved to an address that is not in configuration)", c.Addr)
	}
	return ""
}

func identifying(idAttr string) map[string]bool {
	m := map[string]bool{"id": true, "name": true}
	if idAttr != "" {
		m[idAttr] = true
	}
	return m
}

// resourceChange renders one change (or one drifted object).
func (r *renderer) resourceChange(c *plan.ResourceChange, s Schemas, drift bool) {
	before, bPaths := unmark(c.Before)
	after, aPaths := unmark(c.After)
	if c.Action == plan.Delete {
		after = cty.NullVal(before.Type())
	}
	if c.Action == plan.Create && !drift {
		before = cty.NullVal(after.Type())
	}
	blk := blockOf(s, c.Type, before, after)
	idAttr := ""
	if s != nil {
		if rt := s.ResourceType(c.Type); rt != nil {
			idAttr = rt.IDAttribute
		}
	}
	ctx := &diffCtx{
		before:  sensitivity{blk: blk, paths: append(slices.Clone(c.BeforeSensitive), bPaths...)},
		after:   sensitivity{blk: blk, paths: append(slices.Clone(c.AfterSensitive), aPaths...)},
		replace: c.ReplacePaths,
		keep:    identifying(idAttr),
	}
	head, sym := changeHeader(c, drift)
	fmt.Fprintf(&r.b, "  %s\n", r.bold("# "+head))
	if !drift {
		if c.PrevAddr != (addr.Instance{}) && c.Action != plan.NoOp {
			fmt.Fprintf(&r.b, "  # (moved from %s)\n", c.PrevAddr)
		}
		if c.ImportID != "" {
			fmt.Fprintf(&r.b, "  # (imported from %s)\n", hclQuote(c.ImportID))
		}
		if l := reasonLine(c); l != "" {
			fmt.Fprintf(&r.b, "  # %s\n", l)
		}
		if n := r.notes[c.Addr]; n != "" && c.Action != plan.Delete {
			fmt.Fprintf(&r.b, "  # %s\n", n)
		}
	}
	fmt.Fprintf(&r.b, "%*s%s resource %s %s {\n", 3-len(sym), "", r.sym(sym), hclQuote(c.Addr.Resource.Type), hclQuote(c.Addr.Resource.Name))
	r.blockDiff(1, blk, nil, before, after, ctx)
	r.b.WriteString(closeIndent(1) + "}\n")
}

func (h *Human) outputChanges(r *renderer, outs []*plan.OutputChange) {
	r.b.WriteString("Changes to Outputs:\n")
	width := 0
	for _, o := range outs {
		width = max(width, len(o.Name))
	}
	for _, o := range outs {
		before, bPaths := unmark(o.Before)
		after, aPaths := unmark(o.After)
		if o.Action == plan.Create {
			before = cty.NullVal(after.Type())
		}
		if o.Action == plan.Delete {
			after = cty.NullVal(before.Type())
		}
		ctx := &diffCtx{}
		if o.Sensitive || len(bPaths) > 0 || len(aPaths) > 0 {
			ctx.before.paths = []cty.Path{nil}
		}
		ty := after.Type()
		if after.IsNull() {
			ty = before.Type()
		}
		it, ok, _ := r.attrDiff(0, nil, o.Name, ty, before, after, ctx)
		if !ok {
			continue
		}
		fmt.Fprintf(&r.b, "%s%s %-*s = %s\n", indent(0), r.sym(it.sym), width, it.name, it.value)
		for _, l := range it.more {
			r.b.WriteString(l + "\n")
		}
	}
}
