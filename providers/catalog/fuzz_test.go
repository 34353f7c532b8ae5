package catalog

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
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
func FuzzHTTPDownload(f *testing.F) {
	signed, _ := os.ReadFile("testdata/signed.cab")
	f.Add(signed, int64(len(signed)))
	f.Add(signed, int64(len(signed)+5))
	f.Add(signed[:200], int64(-1))
	f.Add([]byte("MSCF"), int64(4))
	f.Fuzz(func(t *testing.T, body []byte, length int64) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if length >= 0 {
				w.Header().Set("Content-Length", strconv.FormatInt(length, 10))
			}
			w.Write(body)
		}))
		defer srv.Close()
		s := newSite(t, "signed.cab")
		p := open(t, nil)
		p.maxSize = 1 << 20
		cfg := s.config(map[string]cty.Value{"source": urlSource(srv.URL)})
		resp, d := plan(t, p, nullObject(), cfg)
		if d.HasErrors() {
			t.Fatal(d.Error())
		}
		_, d = apply(t, p, nullObject(), resp.Planned, cfg, nil)
		got, err := os.ReadFile(filepath.Join(s.pkgsrc, "wsusscn2.cab"))
		switch {
		case d.HasErrors() && err == nil:
			t.Errorf("a refused download landed: %v", d)
		case !d.HasErrors() && (err != nil || !bytes.Equal(got, body)):
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
