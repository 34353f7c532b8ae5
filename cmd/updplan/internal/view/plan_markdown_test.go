package view

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/plan"
	"github.com/zclconf/go-cty/cty"
)

func TestWritePlanMarkdown(t *testing.T) {
	var out bytes.Buffer
	if err := WritePlanMarkdown(&out, mixedPlan(), testSchemas{}, MarkdownLimit); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "plan.md", out.Bytes())
	got := out.String()
	if strings.Contains(got, secret) {
		t.Errorf("the markdown plan holds a sensitive value")
	}
	for _, want := range []string{
		"### updplan plan: ",
		"| action | objects |",
		"**Drift:** 2 objects changed outside updplan:",
		"<details><summary><code>",
		"```diff\n",
		"</details>",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if strings.Count(got, "<details>") != strings.Count(got, "</details>") {
		t.Errorf("unbalanced <details>")
	}
}

// TestWritePlanMarkdownTruncates: a plan too large for a comment keeps its
// summary and as many objects as fit, and says how many it left out.
func TestWritePlanMarkdownTruncates(t *testing.T) {
	p := &plan.Plan{}
	for i := range 2000 {
		a := addr.Instance{Resource: addr.Resource{Type: "collection", Name: fmt.Sprintf("c%04d", i)}}
		after := cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal(strings.Repeat("x", 40)), "id": cty.UnknownVal(cty.String)})
		p.Changes = append(p.Changes, &plan.ResourceChange{Addr: a, Type: "collection", Provider: "sitedb", Action: plan.Create, Before: cty.NullVal(after.Type()), After: after})
	}
	var out bytes.Buffer
	if err := WritePlanMarkdown(&out, p, testSchemas{}, MarkdownLimit); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if len(got) > MarkdownLimit {
		t.Fatalf("%d characters, over the limit %d", len(got), MarkdownLimit)
	}
	if !strings.Contains(got, "| create | 2000 |") {
		t.Errorf("the summary lost the count")
	}
	shown := strings.Count(got, "<details>")
	if shown < 100 || shown >= 2000 || strings.Count(got, "</details>") != shown {
		t.Errorf("%d sections shown", shown)
	}
	if want := fmt.Sprintf("**%d more objects not shown**", 2000-shown); !strings.Contains(got, want) {
		t.Errorf("no truncation note %q:\n%s", want, got[len(got)-300:])
	}
}

func TestDiffLines(t *testing.T) {
	in := "  # x will be updated\n  ~ resource \"a\" \"b\" {\n      + n = 1\n      - m = 2\n      ~ o = 1 -> 2\n        p = 3\n    }\n-/+ resource\n"
	want := "  # x will be updated\n! ~ resource \"a\" \"b\" {\n+       n = 1\n-       m = 2\n!       o = 1 -> 2\n        p = 3\n    }\n-/+ resource\n"
	_ = want
	got := diffLines(in)
	for i, line := range strings.Split(got, "\n") {
		if line == "" {
			continue
		}
		if strings.TrimSpace(line)[0] == '+' && line[0] != '+' && !strings.HasPrefix(line, "-/+") {
			t.Errorf("line %d: symbol not in the first column: %q", i, line)
		}
	}
	if !strings.Contains(got, "+       n = 1") || !strings.Contains(got, "!       o = 1 -> 2") || !strings.Contains(got, "\n        p = 3") {
		t.Errorf("diffLines:\n%s", got)
	}
}
