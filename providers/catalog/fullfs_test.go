//go:build linux

package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// mountTmpfs mounts a tmpfs of size bytes (read-only when ro) on a fresh
// folder, unmounted at the end of the test; it skips the test where
// mounting is not allowed (not root, or in a container that forbids it).
func mountTmpfs(t *testing.T, size string, ro bool) string {
	t.Helper()
	dir := t.TempDir()
	mountTmpfsOn(t, dir, size, ro)
	return dir
}

// mountTmpfsOn mounts a tmpfs of size bytes on dir, as mountTmpfs does.
func mountTmpfsOn(t *testing.T, dir, size string, ro bool) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small file system needs root")
	}
	var flags uintptr
	if ro {
		flags = syscall.MS_RDONLY
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", flags, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
}

// A distribution point that is full or read-only fails alone, with what
// the file system said; no partial catalog is left, the others get it.
func TestLocalDistributionPointFullOrReadOnly(t *testing.T) {
	for name, tt := range map[string]struct {
		ro   bool
		want string
	}{
		"full":      {false, "no space left on device"},
		"read-only": {true, "read-only file system"},
	} {
		t.Run(name, func(t *testing.T) {
			s := newSite(t, "signed.cab")
			small := mountTmpfs(t, "1m", tt.ro)
			big := make([]byte, 3<<20)
			for i := range big {
				big[i] = byte(i * 31)
			}
			os.WriteFile(filepath.Join(s.drop, "wsusscn2.cab"), big, 0o644)
			p := open(t, nil)
			cfg := s.config(map[string]cty.Value{"verify_signature": cty.False,
				"distribution_points": cty.SetVal([]cty.Value{cty.StringVal(s.dp1), cty.StringVal(small)})})
			resp, d := plan(t, p, nullObject(), cfg)
			if d.HasErrors() {
				t.Fatal(d.Error())
			}
			obj, d := apply(t, p, object{state: nullObject().state, private: resp.PlannedPrivate}, resp.Planned, cfg, nil)
			if len(d) != 1 || !hasSummary(d, "Copy to distribution point failed") || !strings.Contains(d[0].Detail, tt.want) {
				t.Errorf("want one failed copy saying %q, got %v", tt.want, d)
			}
			assertCatalog(t, s.pkgsrc, big)
			assertCatalog(t, s.dp1, big)
			assertCatalog(t, small, nil)
			dist := obj.state.GetAttr("distributed").AsValueMap()
			if _, ok := dist[small]; ok || dist[s.dp1].AsString() != sha(big) {
				t.Errorf("distributed = %v", dist)
			}
		})
	}
}
