package catalog

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// placeTemps puts a temporary file of the provider's (as a killed copy
// leaves it) and two files that are not its own in dir.
func placeTemps(t *testing.T, dir string) (ours string, others []string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ours = filepath.Join(dir, ".wsusscn2.cab.updplan-4f2a.tmp")
	others = []string{filepath.Join(dir, ".other.cab.updplan-1.tmp"), filepath.Join(dir, "notes.tmp")}
	for _, f := range append([]string{ours}, others...) {
		if err := os.WriteFile(f, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return ours, others
}

func assertGone(t *testing.T, ours string, others []string) {
	t.Helper()
	if _, err := os.Stat(ours); !os.IsNotExist(err) {
		t.Errorf("%s is left (%v)", ours, err)
	}
	for _, f := range others {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("%s, not the provider's, was removed: %v", f, err)
		}
	}
}

// A distribution point dropped from the configuration keeps no temporary
// file of the provider's (a killed copy's), and only those are removed.
func TestDroppedDistributionPointTempsRemoved(t *testing.T) {
	s := newSite(t, "signed.cab")
	p := open(t, nil)
	obj := sync_(t, p, nullObject(), s.config(nil))
	ours, others := placeTemps(t, s.dp2)
	sync_(t, p, read(t, p, obj), s.config(map[string]cty.Value{"distribution_points": cty.SetVal([]cty.Value{cty.StringVal(s.dp1)})}))
	assertGone(t, ours, others)
	if _, err := os.Stat(filepath.Join(s.dp2, "wsusscn2.cab")); !os.IsNotExist(err) {
		t.Errorf("the dropped distribution point keeps its catalog (%v)", err)
	}
}

// Destroying the catalog removes the provider's temporary files in the
// destination and on every distribution point (the copies there stay).
func TestDeleteRemovesTemps(t *testing.T) {
	s := newSite(t, "signed.cab")
	p := open(t, nil)
	obj := sync_(t, p, nullObject(), s.config(nil))
	var placed [][]string
	for _, dir := range []string{s.pkgsrc, s.dp1, s.dp2} {
		ours, others := placeTemps(t, dir)
		placed = append(placed, append([]string{ours}, others...))
	}
	if _, d := apply(t, p, obj, cty.NullVal(schemaType()), cty.NullVal(schemaType()), nil); d.HasErrors() {
		t.Fatal(d.Error())
	}
	for _, files := range placed {
		assertGone(t, files[0], files[1:])
	}
	if got, err := os.ReadFile(filepath.Join(s.dp1, "wsusscn2.cab")); err != nil || sha(got) != sha(fixture(t, "signed.cab")) {
		t.Errorf("the distribution point's copy did not stay (%v)", err)
	}
}

// The same over SMB: a dropped share's temporary file is removed, checked
// with smbclient.
func TestSMBDroppedDistributionPointTempsRemoved(t *testing.T) {
	s := newSMBSite(t, "signed.cab")
	p := s.provider(t)
	obj := sync_(t, p, nullObject(), s.config(nil))
	half := filepath.Join(t.TempDir(), "half")
	os.WriteFile(half, []byte("half"), 0o644)
	put := fmt.Sprintf(`put %s SMSPKG\ITMU\.wsusscn2.cab.updplan-4f2a.tmp; put %s SMSPKG\ITMU\notes.tmp`, half, half)
	if out, err := s.srv.SMBClient(s.srv.Member, s.shareB, put); err != nil {
		t.Fatalf("smbclient put: %v\n%s", err, out)
	}
	sync_(t, p, read(t, p, obj), s.config(map[string]cty.Value{"distribution_points": cty.SetVal([]cty.Value{cty.StringVal(s.urlA)})}))
	out, err := s.srv.SMBClient(s.srv.Member, s.shareB, `ls SMSPKG\ITMU\*`)
	if err != nil {
		t.Fatalf("smbclient ls: %v\n%s", err, out)
	}
	if strings.Contains(out, "updplan-4f2a") || !strings.Contains(out, "notes.tmp") {
		t.Errorf("want the provider's temporary file gone and notes.tmp kept:\n%s", out)
	}
}
