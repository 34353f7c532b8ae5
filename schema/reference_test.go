package schema

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the generated resource reference in ../README.md")

const (
	readmePath     = "../README.md"
	referenceBegin = "<!-- BEGIN RESOURCE REFERENCE"
	referenceEnd   = "<!-- END RESOURCE REFERENCE -->"
)

// splitReadme returns the README before the generated section (up to and
// including the BEGIN marker line), the section, and the rest (from the
// END marker on).
func splitReadme(t *testing.T, readme string) (head, section, tail string) {
	t.Helper()
	b := strings.Index(readme, referenceBegin)
	if b < 0 {
		t.Fatalf("%s has no %q marker", readmePath, referenceBegin)
	}
	nl := strings.Index(readme[b:], "\n")
	if nl < 0 {
		t.Fatalf("%s: nothing follows the %q marker line", readmePath, referenceBegin)
	}
	start := b + nl + 1
	e := strings.Index(readme[start:], referenceEnd)
	if e < 0 {
		t.Fatalf("%s has no %q marker after the BEGIN marker", readmePath, referenceEnd)
	}
	return readme[:start], readme[start : start+e], readme[start+e:]
}

func TestReadmeReference(t *testing.T) {
	raw, err := os.ReadFile(readmePath)
	if err != nil {
		t.Fatal(err)
	}
	head, section, tail := splitReadme(t, string(raw))
	want := MarkdownReference(Providers())
	if section == want {
		return
	}
	if *update {
		if err := os.WriteFile(readmePath, []byte(head+want+tail), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote the resource reference in %s", readmePath)
		return
	}
	t.Errorf("the resource reference in %s is out of date with the schema (-README +schema):\n%s\nRun `go test ./schema -run TestReadmeReference -update` to refresh it.", readmePath, cmp.Diff(section, want))
}

func TestMarkdownReference(t *testing.T) {
	a := MarkdownReference(Providers())
	if b := MarkdownReference(Providers()); a != b {
		t.Fatal("MarkdownReference is not deterministic")
	}
	for _, frag := range []string{
		"### Provider `sitedb`",
		"### `site`",
		"| `code` | `string` | required | yes |  |  | Site code: three characters",
		"| `dsn` | `string` | optional |  | yes |  |",
		"| `admins_group` | `string` | optional |  |  | `\"SMS Admins\"` |",
		"| `id` | `string` | computed |",
		"#### Block `deployment.sms2003`",
		"#### Block `share.access`",
		"Repeatable; order does not count.",
		"#### Block `catalog.source`",
		"Exactly one block, required.",
		"| `max_run_minutes` | `number` | optional |  |  | `720` |",
		"| `platforms` | `set(string)` |",
		"Import: `updplan import site.NAME <code>`.",
		// a pipe inside a description is escaped, or it would split the cell
		"`\" / \\ [ ] : \\| < > + = ; , ? *`",
	} {
		if !strings.Contains(a, frag) {
			t.Errorf("reference lacks %q", frag)
		}
	}
	for _, p := range Providers() {
		for _, rt := range p.ResourceTypes {
			if !strings.Contains(a, "### `"+rt.Name+"`\n") {
				t.Errorf("reference has no section for %s", rt.Name)
			}
		}
	}
}

func TestSplitReadme(t *testing.T) {
	in := "# x\n\n<!-- BEGIN RESOURCE REFERENCE (note) -->\nold\n<!-- END RESOURCE REFERENCE -->\nafter\n"
	head, section, tail := splitReadme(t, in)
	if head != "# x\n\n<!-- BEGIN RESOURCE REFERENCE (note) -->\n" || section != "old\n" || tail != "<!-- END RESOURCE REFERENCE -->\nafter\n" {
		t.Errorf("split = %q | %q | %q", head, section, tail)
	}
	if head+section+tail != in {
		t.Error("the parts do not add up to the input")
	}
}
