package catalog

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/zclconf/go-cty/cty"
)

// FuzzCatalogSignature feeds arbitrary files to the CAB digest and the
// PKCS#7 parser: no panic, no unbounded allocation, and nothing but the
// committed valid fixtures (and what the fuzzer derives without breaking
// the signature) verifies.
func FuzzCatalogSignature(f *testing.F) {
	for _, name := range []string{"signed.cab", "dual.cab", "timestamped.cab", "unsigned.cab", "tampered.cab"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)-100])
	}
	a, err := NewAuthenticode([]string{"testdata/test-root.pem"})
	if err != nil {
		f.Fatal(err)
	}
	a.now = func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) }
	f.Fuzz(func(t *testing.T, data []byte) {
		c := a.Begin()
		for chunk := data; len(chunk) > 0; {
			n := min(len(chunk), 1+len(chunk)%13)
			c.Write(chunk[:n])
			chunk = chunk[n:]
		}
		signer, err := c.Finish()
		if err == nil && signer == "" {
			t.Errorf("a valid signature without a signer")
		}
	})
}

// FuzzHTTPDownload serves arbitrary bodies with arbitrary Content-Length
// headers: whatever lands in the destination is a catalog that verified,
// byte for byte what the server sent, and no temporary file stays.
// FuzzHTTPDownload serves arbitrary bodies with arbitrary Content-Lengths
// to a plan and apply of a URL source: nothing that does not verify may
// land, and what lands is exactly what the server sent. One server, one
// site and one provider serve every execution (a server, four folders and
// a provider per execution ran 7 executions a minute on a loaded machine);
// each execution starts from an empty PkgSource and distribution points.
func FuzzHTTPDownload(f *testing.F) {
	signed, _ := os.ReadFile("testdata/signed.cab")
	f.Add(signed, int64(len(signed)))
	f.Add(signed, int64(len(signed)+5))
	f.Add(signed[:200], int64(-1))
	f.Add([]byte("MSCF"), int64(4))
	f.Add([]byte("MSCF"), int64(400))
	f.Add(signed, int64(0))
	f.Add([]byte{}, int64(10))
	f.Add(signed, int64(len(signed)-1))
	f.Add([]byte{}, int64(-1))
	f.Add([]byte("0"), int64(-7))
	var (
		mu     sync.Mutex
		body   []byte
		length int64
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		b, n := body, length
		mu.Unlock()
		if n >= 0 {
			w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
		}
		w.Write(b)
	}))
	f.Cleanup(srv.Close)
	s := newSite(f, "signed.cab")
	p := open(f, nil)
	p.maxSize = 1 << 20
	cfg := s.config(map[string]cty.Value{"source": urlSource(srv.URL)})
	f.Fuzz(func(t *testing.T, b []byte, n int64) {
		mu.Lock()
		body, length = b, n
		mu.Unlock()
		for _, dir := range []string{s.pkgsrc, s.dp1, s.dp2} {
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
		}
		resp, d := plan(t, p, nullObject(), cfg)
		if d.HasErrors() {
			t.Fatal(d.Error())
		}
		_, d = apply(t, p, nullObject(), resp.Planned, cfg, nil)
		got, err := os.ReadFile(filepath.Join(s.pkgsrc, "wsusscn2.cab"))
		switch {
		case d.HasErrors() && err == nil:
			t.Errorf("a refused download landed: %v", d)
		case !d.HasErrors() && (err != nil || !bytes.Equal(got, b)):
			t.Errorf("an accepted download is not what the server sent")
		}
		if err == nil {
			if _, verr := checkBytes(t, got); verr != nil {
				t.Errorf("a catalog that does not verify landed: %v", verr)
			}
		}
		assertCatalog(t, s.pkgsrc, got)
	})
}

func checkBytes(t *testing.T, b []byte) (string, error) {
	a, err := NewAuthenticode([]string{"testdata/test-root.pem"})
	if err != nil {
		t.Fatal(err)
	}
	c := a.Begin()
	c.Write(b)
	return c.Finish()
}
