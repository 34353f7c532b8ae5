//go:build linux

package catalog

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// patterned is n bytes that differ from those of another seed.
func patterned(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*13) ^ seed
	}
	return b
}

// A distribution point on a share whose disk is full (a 1 MiB tmpfs
// mounted on the share's folder, so smbd's writes really fail) fails
// alone and says so; its final name holds nothing and no temporary file
// is left there; the destination and the other share get the catalog.
// Once the share has room, the next apply copies it there.
func TestSMBDistributionPointFull(t *testing.T) {
	s := newSMBSite(t, "signed.cab")
	smbSeq++
	name := fmt.Sprintf("cdpfull%d", smbSeq)
	dir := s.srv.AddShare(t, name)
	mountTmpfsOn(t, dir, "1m", false)
	full := fmt.Sprintf("smb://%s/%s/ITMU", s.srv.Addr, name)
	p := s.provider(t)
	big := patterned(3<<20, 0)
	os.WriteFile(filepath.Join(s.drop, "wsusscn2.cab"), big, 0o644)
	cfg := s.config(map[string]cty.Value{"verify_signature": cty.False,
		"distribution_points": cty.SetVal([]cty.Value{cty.StringVal(s.urlA), cty.StringVal(full)})})
	resp, d := plan(t, p, nullObject(), cfg)
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	obj, d := apply(t, p, object{state: nullObject().state, private: resp.PlannedPrivate}, resp.Planned, cfg, nil)
	if len(d) != 1 || !hasSummary(d, "Copy to distribution point failed") || !strings.Contains(d[0].Detail, full) || !strings.Contains(d[0].Detail, "no space left on the share's disk") {
		t.Fatalf("want one failed copy to %s saying the disk is full, got %v", full, d)
	}
	assertCatalog(t, s.pkgsrc, big)
	s.remote(t, s.shareA, "ITMU", big)
	s.remote(t, name, "ITMU", nil)
	if entries, _ := os.ReadDir(filepath.Join(dir, "ITMU")); len(entries) != 0 {
		t.Errorf("the full share holds %v after the failed copy; want nothing", entries)
	}
	dist := obj.state.GetAttr("distributed").AsValueMap()
	if _, ok := dist[full]; ok || dist[s.urlA].AsString() != sha(big) {
		t.Errorf("distributed = %v; want only %s", dist, s.urlA)
	}

	// The share gets room (the same file system, grown: smbd keeps its
	// handle on the share's folder).
	if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_REMOUNT, "size=16m"); err != nil {
		t.Fatalf("growing the tmpfs: %v", err)
	}
	sync_(t, p, read(t, p, obj), cfg)
	s.remote(t, name, "ITMU", big)
}

// A local source that changes while it is copied to distribution points
// that are all SMB shares lands nowhere: neither in the destination nor on
// either share, under the final name or as a temporary file. The next run
// copies the catalog as it now is.
func TestSourceChangesDuringSMBCopy(t *testing.T) {
	for _, mode := range []string{"metadata", "full"} {
		t.Run(mode, func(t *testing.T) {
			s := newSMBSite(t, "signed.cab")
			p := s.provider(t)
			cfg := s.config(map[string]cty.Value{"verify": cty.StringVal(mode), "verify_signature": cty.False})
			src := filepath.Join(s.drop, "wsusscn2.cab")
			// Large enough that the stream, four chunks ahead of its
			// writers, has not read the end when a share has 2 MiB.
			size := 24 * copyChunk
			os.WriteFile(src, patterned(size, 0), 0o644)
			resp, d := plan(t, p, nullObject(), cfg)
			if d.HasErrors() {
				t.Fatal(d.Error())
			}
			var once sync.Once
			var changed []byte
			p.onCopy = func(tmp string, written int64) error { // called by every copy's writer
				if strings.HasPrefix(tmp, "smb://") && written >= 2*copyChunk {
					once.Do(func() {
						// Whatever writes the catalog rewrites its end in place.
						changed = patterned(size, 0)
						copy(changed[size-copyChunk:], bytes.Repeat([]byte{0xAA}, copyChunk))
						f, err := os.OpenFile(src, os.O_WRONLY, 0)
						if err != nil {
							t.Error(err)
							return
						}
						f.WriteAt(changed[size-copyChunk:], int64(size-copyChunk))
						f.Close()
						later := time.Now().Add(time.Minute)
						os.Chtimes(src, later, later)
					})
				}
				return nil
			}
			obj, d := apply(t, p, object{state: nullObject().state, private: resp.PlannedPrivate}, resp.Planned, cfg, nil)
			p.onCopy = nil
			if changed == nil {
				t.Fatal("no SMB copy reached 2 MiB")
			}
			if len(d) != 1 || !hasSummary(d, "Catalog changed during the copy") {
				t.Fatalf("want one changed-source refusal, got %v", d)
			}
			assertCatalog(t, s.pkgsrc, nil)
			s.remote(t, s.shareA, "ITMU", nil)
			s.remote(t, s.shareB, `SMSPKG\ITMU`, nil)

			obj = sync_(t, p, obj, cfg)
			assertCatalog(t, s.pkgsrc, changed)
			s.remote(t, s.shareA, "ITMU", changed)
			s.remote(t, s.shareB, `SMSPKG\ITMU`, changed)
		})
	}
}

// An HTTP source whose file is replaced while it is downloaded (the body
// starts as one catalog and ends as another) is refused by the signature
// check, and lands nowhere: not in the destination, not on the SMB
// distribution points. The next run, the server steady again, copies it
// everywhere.
func TestHTTPSourceChangesDuringSMBCopy(t *testing.T) {
	s := newSMBSite(t, "signed.cab")
	p := s.provider(t)
	good, other := fixture(t, "signed.cab"), fixture(t, "dual.cab")
	var mu sync.Mutex
	changing := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		mixed := changing && r.Method == http.MethodGet
		mu.Unlock()
		w.Header().Set("ETag", `"v1"`)
		if !mixed {
			http.ServeContent(w, r, "wsusscn2.cab", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), bytes.NewReader(good))
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(good)))
		half := len(good) / 2
		w.Write(good[:half])
		w.(http.Flusher).Flush()
		w.Write(other[half:len(good)])
	}))
	t.Cleanup(srv.Close)
	cfg := s.config(map[string]cty.Value{"source": urlSource(srv.URL + "/wsusscn2.cab")})
	resp, d := plan(t, p, nullObject(), cfg)
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	_, d = apply(t, p, object{state: nullObject().state, private: resp.PlannedPrivate}, resp.Planned, cfg, nil)
	if !d.HasErrors() || len(d) != 1 || !strings.Contains(d[0].Detail, "was not copied to the destination or to any distribution point") {
		t.Fatalf("want the mixed download refused once, got %v", d)
	}
	assertCatalog(t, s.pkgsrc, nil)
	s.remote(t, s.shareA, "ITMU", nil)
	s.remote(t, s.shareB, `SMSPKG\ITMU`, nil)

	mu.Lock()
	changing = false
	mu.Unlock()
	sync_(t, p, nullObject(), cfg)
	assertCatalog(t, s.pkgsrc, good)
	s.remote(t, s.shareA, "ITMU", good)
	s.remote(t, s.shareB, `SMSPKG\ITMU`, good)
}
