package view

import (
	"bytes"
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	var out bytes.Buffer
	rows := [][]string{
		{"LAB00012", "SMS 2003 clients", "3"},
		{"LAB00013", "Sync host", ""},
		{"LAB00014"},
	}
	if err := Table(&out, []string{"Id", "Collection name", "Members"}, rows); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "table", out.Bytes())
	for i, l := range strings.Split(out.String(), "\n") {
		if strings.HasSuffix(l, " ") {
			t.Errorf("line %d has trailing spaces: %q", i+1, l)
		}
	}
	if !strings.Contains(out.String(), "Collection name") {
		t.Errorf("header case changed:\n%s", out.String())
	}
	if strings.Count(out.String(), "LAB000") != 3 {
		t.Errorf("rows repeated or lost:\n%s", out.String())
	}
}
