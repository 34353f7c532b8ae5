package config

import (
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

// A labeled block given twice is reported at the second block's label,
// naming where the first is; one without its label says how to write it.
func TestLabeledBlockDiagnostics(t *testing.T) {
	src := `provider "share" {
  driver = "smb"
  server "SITESRV" { address = "a" }
  server "SITESRV" { address = "b" }
  server { address = "c" }
}
`
	_, diags := testLoader().LoadSources(".", map[string][]byte{"main.upd.hcl": []byte(src)})
	type found struct {
		Summary string
		Subject string
		Detail  string
	}
	var got []found
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		got = append(got, found{d.Summary, d.Subject.String(), d.Detail})
	}
	want := []found{
		{"Duplicate server block", "main.upd.hcl:4,10-19", `Two server blocks in provider "share" are labeled "SITESRV"; labels are unique, and this one was first declared at main.upd.hcl:3,3-19. Merge the two blocks, or give this one another label.`},
		{"Missing server block label", "main.upd.hcl:5,10-11", `Each server block is labeled with its name, which must be unique: server "NAME" { ... }. Write the name after the block type, in quotes, and remove any name argument inside the block.`},
	}
	sort.Slice(got, func(i, j int) bool { return got[i].Summary < got[j].Summary })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}
