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

// FuzzCatalogSignature feeds files made from the test catalogs (a slice of
// one, bytes overwritten or appended) or from scratch to the CAB digest
// and the PKCS#7 parser: no panic, no unbounded allocation, and nothing but
// the committed valid fixtures (and what the fuzzer derives without
// breaking the signature) verifies. As in FuzzHTTPDownload, the fuzzer
// sees a fixture number, two offsets and a short patch rather than a whole
// 2-5 KB file: with whole files as the input, go test -fuzz counted a few
// dozen executions in 20 s (the workers ran, but the engine's rounds with
// kilobyte inputs hardly advanced); now tens of thousands a second.
func FuzzCatalogSignature(f *testing.F) {
	var fixtures [][]byte
	for _, name := range []string{"signed.cab", "dual.cab", "timestamped.cab", "unsigned.cab", "tampered.cab"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		fixtures = append(fixtures, b)
	}
	none := []byte{}
	for i, b := range fixtures {
		f.Add(uint8(i), uint16(0), uint16(len(b)), none, uint16(0))     // as it is
		f.Add(uint8(i), uint16(0), uint16(len(b)-100), none, uint16(0)) // cut
	}
	f.Add(uint8(0), uint16(0), uint16(len(fixtures[0])), []byte{0x00}, uint16(len(fixtures[0])/2)) // a byte changed
	a, err := NewAuthenticode([]string{"testdata/test-root.pem"})
	if err != nil {
		f.Fatal(err)
	}
	a.now = func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) }
	f.Fuzz(func(t *testing.T, which uint8, from, to uint16, patch []byte, at uint16) {
		// which past the fixtures: the patch alone, an arbitrary file.
		base := int(which) < len(fixtures)
		var fixture []byte
		if base {
			fixture = fixtures[which]
		}
		data := fuzzBody(fixture, base, int(from), int(to), patch, int(at))
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

// FuzzHTTPDownload serves bodies made from the signed test catalog (a
// slice of it, bytes overwritten or appended) or from scratch, with a
// Content-Length that is exact, short, long, wrong or absent, to a plan
// and apply of a URL source: nothing that does not verify may land, what
// lands is exactly what the server sent, and no temporary file stays.
//
// The fuzzer sees a few small numbers and a short patch, not a whole
// catalog: Go's fuzzing minimizes every new interesting input, one
// plan and apply per candidate, for up to -fuzzminimizetime (60 s), and a
// 1.7 KB catalog as the input made every worker minimize for a minute at a
// time (0 executions a second between short bursts). One server, one site
// and one provider serve every execution; each starts from an empty
// PkgSource and distribution points.
func FuzzHTTPDownload(f *testing.F) {
	signed, err := os.ReadFile("testdata/signed.cab")
	if err != nil {
		f.Fatal(err)
	}
	n := uint16(len(signed))
	none := []byte{}
	// base, from, to, patch, at, absent, delta
	f.Add(true, uint16(0), n, none, uint16(0), false, int64(0))          // the catalog as it is
	f.Add(true, uint16(0), n, none, uint16(0), false, int64(5))          // announces 5 bytes more
	f.Add(true, uint16(0), n, none, uint16(0), false, int64(-1))         // announces 1 byte less
	f.Add(true, uint16(0), n, none, uint16(0), false, -int64(n))         // announces 0 bytes
	f.Add(true, uint16(0), uint16(200), none, uint16(0), true, int64(0)) // cut, no Content-Length
	f.Add(true, uint16(400), n-18, none, uint16(0), false, int64(418))   // a middle piece, announced as the whole
	f.Add(true, uint16(0), n, []byte{0xff}, n/2, false, int64(0))        // one byte changed
	f.Add(true, uint16(0), n, []byte("tail"), n, false, int64(0))        // bytes appended
	f.Add(false, uint16(0), uint16(0), []byte("MSCF"), uint16(0), false, int64(0))
	f.Add(false, uint16(0), uint16(0), []byte("MSCF"), uint16(0), false, int64(396))
	f.Add(false, uint16(0), uint16(0), none, uint16(0), false, int64(10))
	f.Add(false, uint16(0), uint16(0), none, uint16(0), true, int64(0))
	f.Add(false, uint16(0), uint16(0), []byte("0"), uint16(0), true, int64(0))
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
	f.Fuzz(func(t *testing.T, base bool, from, to uint16, patch []byte, at uint16, absent bool, delta int64) {
		b := fuzzBody(signed, base, int(from), int(to), patch, int(at))
		n := int64(-1)
		if !absent {
			n = max(int64(len(b))+delta, -1)
		}
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

// fuzzBody is the file the fuzz targets build: signed[from:to] (clamped)
// when base is set, else nothing, with patch written over it at at (or
// appended past its end).
func fuzzBody(signed []byte, base bool, from, to int, patch []byte, at int) []byte {
	var b []byte
	if base {
		to = min(to, len(signed))
		from = min(from, to)
		b = append(b, signed[from:to]...)
	}
	at = min(at, len(b))
	end := at + len(patch)
	if end > len(b) {
		b = append(b, make([]byte, end-len(b))...)
	}
	copy(b[at:end], patch)
	return b
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
