package catalog

import (
	"bytes"
	"encoding/pem"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/updplan/updplan/providers"
	"github.com/zclconf/go-cty/cty"
)

// catalogServer serves one catalog with an ETag and counts requests.
type catalogServer struct {
	mu          sync.Mutex
	body        []byte
	etag        string
	fault       string // "", "truncated", "short length", "not found", "server error"
	gets, heads int
	conditional int // requests carrying If-None-Match
}

func (c *catalogServer) set(body []byte, etag string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.body, c.etag = body, etag
}

func (c *catalogServer) counts() (gets, heads, conditional int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gets, c.heads, c.conditional
}

func (c *catalogServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	body, etag, fault := c.body, c.etag, c.fault
	if r.Method == http.MethodHead {
		c.heads++
	} else {
		c.gets++
	}
	if r.Header.Get("If-None-Match") != "" {
		c.conditional++
	}
	c.mu.Unlock()
	switch fault {
	case "truncated": // announces more than it sends, then drops the connection
		w.Header().Set("Content-Length", strconv.Itoa(len(body)+100))
		w.Write(body)
		return
	case "short length": // announces less than the catalog: the client reads a cut catalog
		w.Header().Set("Content-Length", strconv.Itoa(len(body)-100))
		w.Write(body)
		return
	case "not found":
		http.NotFound(w, r)
		return
	case "server error":
		http.Error(w, "broken", http.StatusInternalServerError)
		return
	}
	w.Header().Set("ETag", etag)
	http.ServeContent(w, r, "wsusscn2.cab", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), bytes.NewReader(body))
}

func newCatalogServer(t *testing.T, fixtureName string) (*catalogServer, *httptest.Server) {
	cs := &catalogServer{}
	cs.set(fixture(t, fixtureName), `"v1"`)
	srv := httptest.NewServer(cs)
	t.Cleanup(srv.Close)
	return cs, srv
}

func TestHTTPSourceConditional(t *testing.T) {
	cs, srv := newCatalogServer(t, "signed.cab")
	s := newSite(t, "signed.cab")
	p := open(t, nil)
	cfg := s.config(map[string]cty.Value{"source": urlSource(srv.URL + "/wsusscn2.cab")})

	resp, d := plan(t, p, nullObject(), cfg)
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	if resp.Planned.GetAttr("sha256").IsKnown() {
		t.Errorf("the hash of a catalog never downloaded is known at plan time")
	}
	var pg progress
	obj, d := apply(t, p, object{state: nullObject().state, private: resp.PlannedPrivate}, resp.Planned, cfg, &pg)
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	for _, dir := range []string{s.pkgsrc, s.dp1, s.dp2} {
		assertCatalog(t, dir, fixture(t, "signed.cab"))
	}
	if e := pg.events[0]; e.Label != "download "+srv.URL+"/wsusscn2.cab" || e.Total != int64(len(fixture(t, "signed.cab"))) {
		t.Errorf("first progress event %+v: want the download with the announced size", e)
	}
	if got := attr(obj.state, "source_version"); got != `"v1"` {
		t.Errorf("source_version %s, want the ETag", got)
	}
	if g, h, c := cs.counts(); g != 1 || h != 1 || c != 0 {
		t.Errorf("create: %d GET, %d HEAD, %d conditional; want 1, 1, 0", g, h, c)
	}

	// Unchanged: a conditional HEAD answered 304, a no-op plan.
	obj = read(t, p, obj)
	resp, d = plan(t, p, obj, cfg)
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	if !resp.Planned.RawEquals(obj.state) {
		t.Errorf("plan of an unchanged URL source is not a no-op")
	}
	if g, h, c := cs.counts(); g != 1 || h != 2 || c != 1 {
		t.Errorf("plan: %d GET, %d HEAD, %d conditional; want 1, 2, 1", g, h, c)
	}
	// Applying it anyway asks with a conditional GET, answered 304.
	obj.private = resp.PlannedPrivate
	obj, d = apply(t, p, obj, resp.Planned, cfg, nil)
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	if g, _, c := cs.counts(); g != 2 || c != 2 {
		t.Errorf("apply: %d GET, %d conditional; want 2, 2", g, c)
	}

	// A new catalog on the server: unknown at plan time, fetched at apply.
	cs.set(fixture(t, "dual.cab"), `"v2"`)
	resp, d = plan(t, p, read(t, p, obj), cfg)
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	if resp.Planned.GetAttr("sha256").IsKnown() {
		t.Errorf("the hash of a changed URL source is known at plan time")
	}
	obj.private = resp.PlannedPrivate
	obj, d = apply(t, p, obj, resp.Planned, cfg, nil)
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	for _, dir := range []string{s.pkgsrc, s.dp1, s.dp2} {
		assertCatalog(t, dir, fixture(t, "dual.cab"))
	}
	if got := attr(obj.state, "source_version"); got != `"v2"` {
		t.Errorf("source_version %s, want the new ETag", got)
	}

	// The destination's copy altered by hand: the source is unchanged (304
	// to the HEAD), but the apply fetches it whole.
	os.WriteFile(filepath.Join(s.pkgsrc, "wsusscn2.cab"), []byte("damaged"), 0o644)
	gBefore, _, cBefore := cs.counts()
	obj = sync_(t, p, read(t, p, obj), cfg)
	assertCatalog(t, s.pkgsrc, fixture(t, "dual.cab"))
	if g, _, c := cs.counts(); g != gBefore+1 || c != cBefore+1 { // the HEAD was conditional, the GET not
		t.Errorf("repair: %d GET, %d conditional; want %d, %d", g, c, gBefore+1, cBefore+1)
	}
}

func TestHTTPSourceRefused(t *testing.T) {
	for name, tt := range map[string]struct {
		fixture, fault, summary string
	}{
		"truncated body": {"signed.cab", "truncated", "Catalog source unreadable"},
		// Go's server drops the connection when the handler writes past
		// its Content-Length; a client that read the cut catalog would
		// refuse it as unreadable.
		"short Content-Length":   {"signed.cab", "short length", "Catalog source unreadable|Unreadable catalog signature"},
		"tampered":               {"tampered.cab", "", "Catalog does not match its signature"},
		"unsigned":               {"unsigned.cab", "", "Unsigned catalog"},
		"signed by another root": {"untrusted.cab", "", "Untrusted catalog signature"},
	} {
		t.Run(name, func(t *testing.T) {
			cs, srv := newCatalogServer(t, tt.fixture)
			cs.fault = tt.fault
			s := newSite(t, "signed.cab")
			p := open(t, nil)
			cfg := s.config(map[string]cty.Value{"source": urlSource(srv.URL + "/wsusscn2.cab")})
			resp, d := plan(t, p, nullObject(), cfg)
			if d.HasErrors() {
				t.Fatal(d.Error())
			}
			_, d = apply(t, p, nullObject(), resp.Planned, cfg, nil)
			found := false
			for _, summary := range strings.Split(tt.summary, "|") {
				found = found || hasSummary(d, summary)
			}
			if !found {
				t.Errorf("want %q, got %v", tt.summary, d)
			}
			for _, dir := range []string{s.pkgsrc, s.dp1, s.dp2} {
				if _, err := os.Stat(dir); err == nil {
					assertCatalog(t, dir, nil)
				}
			}
		})
	}
}

func TestHTTPSourceTooLarge(t *testing.T) {
	_, srv := newCatalogServer(t, "signed.cab")
	s := newSite(t, "signed.cab")
	p := open(t, nil)
	p.maxSize = 1000
	cfg := s.config(map[string]cty.Value{"source": urlSource(srv.URL + "/wsusscn2.cab")})
	resp, _ := plan(t, p, nullObject(), cfg)
	_, d := apply(t, p, nullObject(), resp.Planned, cfg, nil)
	if !hasSummary(d, "Catalog source unreadable") || !strings.Contains(d.Error(), "more than the 1000 bytes") {
		t.Errorf("want a size refusal, got %v", d)
	}
	assertCatalog(t, s.pkgsrc, nil)
}

func TestHTTPSourceTLS(t *testing.T) {
	cs := &catalogServer{}
	cs.set(fixture(t, "signed.cab"), `"v1"`)
	srv := httptest.NewUnstartedServer(cs)
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o644)

	s := newSite(t, "signed.cab")
	cfg := s.config(map[string]cty.Value{"source": urlSource(srv.URL + "/wsusscn2.cab")})

	// Without ca_file the server's certificate is not trusted: the plan
	// fails, nothing lands.
	p := open(t, nil)
	_, d := plan(t, p, nullObject(), cfg)
	if !hasSummary(d, "Catalog source unreadable") {
		t.Errorf("want a TLS failure, got %v", d)
	}
	assertCatalog(t, s.pkgsrc, nil)

	p = open(t, map[string]cty.Value{"ca_file": cty.StringVal(caFile)})
	sync_(t, p, nullObject(), cfg)
	assertCatalog(t, s.pkgsrc, fixture(t, "signed.cab"))
}

func TestRedirectsStayOnHTTPS(t *testing.T) {
	req := func(u string) *http.Request {
		parsed, _ := url.Parse(u)
		return &http.Request{URL: parsed}
	}
	if err := checkRedirect(req("http://mirror/wsusscn2.cab"), []*http.Request{req("https://catalog/wsusscn2.cab")}); err == nil {
		t.Errorf("a redirect from HTTPS to HTTP is followed")
	}
	if err := checkRedirect(req("https://mirror/wsusscn2.cab"), []*http.Request{req("http://catalog/wsusscn2.cab")}); err != nil {
		t.Errorf("a redirect from HTTP to HTTPS is refused: %v", err)
	}
}

func TestURLPasswordNeverShown(t *testing.T) {
	s := newSite(t, "signed.cab")
	p := open(t, nil)
	cfg := s.config(map[string]cty.Value{"source": urlSource("http://admin:hunter2@127.0.0.1:1/wsusscn2.cab")})
	_, d := plan(t, p, nullObject(), cfg)
	if !d.HasErrors() {
		t.Fatal("a download from a closed port succeeded")
	}
	if strings.Contains(d.Error(), "hunter2") {
		t.Errorf("the URL's password is shown: %s", d.Error())
	}

	// Nor is it kept in private data after a download.
	_, srv := newCatalogServer(t, "signed.cab")
	u := strings.Replace(srv.URL, "http://", "http://admin:hunter2@", 1) + "/wsusscn2.cab"
	obj := sync_(t, p, nullObject(), s.config(map[string]cty.Value{"source": urlSource(u)}))
	if strings.Contains(string(obj.private), "hunter2") {
		t.Errorf("the URL's password is in private data: %s", obj.private)
	}
}

// A URL that answers 404 or 500, or nothing at all, fails the plan of a
// catalog never downloaded: the plan asks for the headers.
func TestHTTPSourceCheckedAtPlan(t *testing.T) {
	cs, srv := newCatalogServer(t, "signed.cab")
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	for name, tt := range map[string]struct{ url, fault, status string }{
		"not found":    {srv.URL + "/wsusscn2.cab", "not found", "404 Not Found"},
		"server error": {srv.URL + "/wsusscn2.cab", "server error", "500 Internal Server Error"},
		"nobody there": {closed.URL + "/wsusscn2.cab", "", "connection refused"},
	} {
		t.Run(name, func(t *testing.T) {
			cs.mu.Lock()
			cs.fault = tt.fault
			cs.mu.Unlock()
			s := newSite(t, "signed.cab")
			p := open(t, nil)
			_, d := plan(t, p, nullObject(), s.config(map[string]cty.Value{"source": urlSource(tt.url)}))
			if !hasSummary(d, "Catalog source unreadable") || !strings.Contains(d.Error(), tt.status) {
				t.Errorf("want the plan to fail with %q, got %v", tt.status, d)
			}
			if path, ok := providers.PathOf(d[0]); !ok || !path.Equals(pathURL) {
				t.Errorf("the diagnostic is not about source.url")
			}
		})
	}
	if g, _, _ := cs.counts(); g != 0 {
		t.Errorf("the plans downloaded the catalog %d times", g)
	}
}
