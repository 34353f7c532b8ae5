package view

import (
	"fmt"
	"html"
	"io"
	"slices"
	"strings"

	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/plan"
)

// MarkdownLimit is the most a markdown plan may hold: a GitHub comment
// takes 65,536 characters, a GitLab note more; the rest is left for what
// CI adds around it.
const MarkdownLimit = 60000

// WritePlanMarkdown writes a saved plan for a pull or merge request
// comment: a summary (counts per action, drift, warnings) and each changed
// object as a collapsible section holding its diff. When the whole would
// pass limit characters, the per-object sections that do not fit are left
// out and a note says how many and how to see them. Sensitive values are
// hidden as in the human plan.
func WritePlanMarkdown(w io.Writer, p *plan.Plan, s Schemas, limit int) error {
	var head strings.Builder
	changes := visibleChanges(p)
	add, change, destroy, imports := p.Summary()
	title := fmt.Sprintf("%d to add, %d to change, %d to destroy", add, change, destroy)
	if imports > 0 {
		title = fmt.Sprintf("%d to import, %s", imports, title)
	}
	switch {
	case p.Errored:
		title = "planning failed"
	case p.Mode == plan.RefreshOnlyMode:
		title = fmt.Sprintf("refresh only, %s", counted(len(p.Drift), "object changed outside updplan", "objects changed outside updplan"))
	case len(changes) == 0 && len(changedOutputs(p)) == 0:
		title = "no changes"
	}
	fmt.Fprintf(&head, "### updplan plan: %s\n\n", title)

	counts := map[string]int{}
	var order []string
	for _, c := range changes {
		k := actionWord(c)
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	if len(order) > 0 {
		slices.SortStableFunc(order, func(a, b string) int { return actionRank(a) - actionRank(b) })
		head.WriteString("| action | objects |\n|---|---:|\n")
		for _, k := range order {
			fmt.Fprintf(&head, "| %s | %d |\n", k, counts[k])
		}
		head.WriteString("\n")
	}
	if outs := changedOutputs(p); len(outs) > 0 {
		names := make([]string, len(outs))
		for i, o := range outs {
			names[i] = fmt.Sprintf("`%s` (%s)", o.Name, o.Action)
		}
		fmt.Fprintf(&head, "**Outputs:** %s.\n\n", strings.Join(names, ", "))
	}
	if len(p.Drift) > 0 {
		drift := slices.Clone(p.Drift)
		sortChanges(drift)
		fmt.Fprintf(&head, "**Drift:** %s outside updplan:", counted(len(drift), "object changed", "objects changed"))
		for i, d := range drift {
			if i == 20 {
				fmt.Fprintf(&head, " and %d more", len(drift)-20)
				break
			}
			sep := ","
			if i == 0 {
				sep = ""
			}
			what := "changed"
			if d.Action == plan.Delete {
				what = "deleted"
			}
			fmt.Fprintf(&head, "%s `%s` (%s)", sep, d.Addr, what)
		}
		head.WriteString(".\n\n")
	}
	if warns := planWarnings(p); len(warns) > 0 {
		head.WriteString("**Warnings:**\n\n")
		for _, w := range warns {
			fmt.Fprintf(&head, "- %s\n", w)
		}
		head.WriteString("\n")
	}

	var sections []string
	for _, c := range changes {
		sections = append(sections, changeSection(c, s, false))
	}
	if p.Mode == plan.RefreshOnlyMode {
		for _, d := range p.Drift {
			sections = append(sections, changeSection(d, s, true))
		}
	}
	out := head.String()
	for i, sec := range sections {
		rest := len(sections) - i
		note := fmt.Sprintf("\n> **%s not shown** to keep this comment under %d characters. Run `updplan show PLANFILE` for the whole plan.\n", counted(rest, "more object", "more objects"), limit)
		if len(out)+len(sec) > limit-len(note) {
			out += note
			break
		}
		out += sec
	}
	_, err := io.WriteString(w, out)
	return err
}

// changeSection is one object's collapsible diff.
func changeSection(c *plan.ResourceChange, s Schemas, drift bool) string {
	r := &renderer{}
	r.resourceChange(c, s, drift)
	body := diffLines(r.b.String())
	fence := "```"
	for strings.Contains(body, fence) {
		fence += "`"
	}
	head, _ := changeHeader(c, drift)
	sym := map[string]string{"create": "+", "update": "~", "replace": "±", "delete": "-", "import": "←", "move": "→"}[actionWord(c)]
	return fmt.Sprintf("<details><summary><code>%s %s</code></summary>\n\n%sdiff\n%s%s\n\n</details>\n", sym, html.EscapeString(head), fence, body, fence)
}

// diffLines moves each line's change symbol to the first column, so that
// a diff code block colours it: "+" added, "-" removed, "!" changed ("~").
func diffLines(text string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		trimmed := strings.TrimLeft(line, " ")
		lead := len(line) - len(trimmed)
		if lead > 0 && trimmed != "" {
			switch {
			case strings.HasPrefix(trimmed, "-/+") || strings.HasPrefix(trimmed, "+/-"):
				line = "!" + line[1:]
			case trimmed[0] == '+' || trimmed[0] == '-':
				line = string(trimmed[0]) + line[1:lead] + " " + trimmed[1:]
			case trimmed[0] == '~':
				line = "!" + line[1:lead] + " " + trimmed[1:]
			}
		}
		b.WriteString(line)
	}
	return b.String()
}

// actionWord names a change's action in the summary.
func actionWord(c *plan.ResourceChange) string {
	switch {
	case c.Action == plan.Create:
		return "create"
	case c.Action == plan.Update:
		return "update"
	case c.Action.IsReplace():
		return "replace"
	case c.Action == plan.Delete:
		return "delete"
	case c.ImportID != "":
		return "import"
	case c.PrevAddr != (addr.Instance{}):
		return "move"
	}
	return "no-op"
}

func actionRank(a string) int {
	return slices.Index([]string{"create", "update", "replace", "delete", "import", "move", "no-op"}, a)
}

// planWarnings are what a reviewer must know about a plan besides its
// changes.
func planWarnings(p *plan.Plan) []string {
	var out []string
	if p.Errored {
		out = append(out, "Planning failed: the changes below are incomplete and this plan cannot be applied.")
	}
	if len(p.Targets) > 0 {
		t := make([]string, len(p.Targets))
		for i, a := range p.Targets {
			t[i] = "`" + a.String() + "`"
		}
		out = append(out, fmt.Sprintf("Resource targeting is in effect (%s): the plan may not show every change the configuration calls for.", strings.Join(t, ", ")))
	}
	if len(p.Replace) > 0 {
		out = append(out, fmt.Sprintf("%s replaced on request (-replace).", counted(len(p.Replace), "object is", "objects are")))
	}
	for _, c := range p.Checks {
		switch c.Status() {
		case plan.CheckFail, plan.CheckError:
			out = append(out, fmt.Sprintf("The conditions of `%s` %s.", c.Resource, map[plan.CheckStatus]string{plan.CheckFail: "failed", plan.CheckError: "could not be evaluated"}[c.Status()]))
		case plan.CheckUnknown:
			out = append(out, fmt.Sprintf("The postconditions of `%s` are checked during apply (their values are known only then).", c.Resource))
		}
	}
	for _, c := range p.Changes {
		if c.Action == plan.Delete || c.Action.IsReplace() {
			out = append(out, fmt.Sprintf("This plan destroys objects (%d to destroy): review the deletions.", countDestroy(p)))
			break
		}
	}
	return out
}

func countDestroy(p *plan.Plan) int {
	_, _, destroy, _ := p.Summary()
	return destroy
}

// counted is "1 object" or "3 objects".
func counted(n int, one, many string) string { return fmt.Sprintf("%d %s", n, plural(n, one, many)) }
