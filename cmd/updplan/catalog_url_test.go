package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCatalogURLCredentials: the password and the sig token of a catalog
// source URL reach no output (plan, apply, show, show -json, state show,
// state pull, an HTTP error) and no file updplan writes (state, backup,
// plan file, log), while the catalog is fetched with them; a change of
// token alone is still planned as a change.
func TestCatalogURLCredentials(t *testing.T) {
	const user, password, sig, sig2 = "fetcher", "Pa55-CRED-7d1e", "SIG-CRED-4b2a", "SIG-CRED-9c3f"
	body := []byte("catalog version 1\n")
	wantSig := sig
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, p, ok := r.BasicAuth()
		if !ok || u != user || p != password || r.URL.Query().Get("sig") != wantSig {
			http.Error(w, "denied", http.StatusForbidden)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		http.ServeContent(w, r, "wsusscn2.cab", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), bytes.NewReader(body))
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	dir := t.TempDir()
	write := func(token string) {
		t.Helper()
		cfg := fmt.Sprintf(`catalog "wsus" {
  source {
    url = "http://%s:%s@%s/wsusscn2.cab?sv=2024&sig=%s"
  }
  destination      = "PkgSource"
  verify_signature = false # a test catalog, unsigned
}
`, user, password, host, token)
		if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("UPDPLAN_LOG", "debug")
	t.Setenv("UPDPLAN_LOG_PATH", filepath.Join(dir, "updplan.log"))
	var outputs bytes.Buffer
	runIn := func(want int, args ...string) string {
		t.Helper()
		code, stdout, stderr := runDir(t, dir, args...)
		outputs.WriteString(stdout)
		outputs.WriteString(stderr)
		if code != want {
			t.Fatalf("%v: exit %d, want %d\n%s\n%s", args, code, want, stdout, stderr)
		}
		return stdout + stderr
	}
	write(sig)
	out := runIn(0, "plan", "-out=first.plan")
	if !strings.Contains(out, "fetcher:REDACTED@") || !strings.Contains(out, "sig=REDACTED") {
		t.Errorf("the plan does not show the redacted URL:\n%s", out)
	}
	runIn(0, "show", "-json", "first.plan")
	runIn(0, "apply", "first.plan")
	if got, err := os.ReadFile(filepath.Join(dir, "PkgSource", "wsusscn2.cab")); err != nil || !bytes.Equal(got, body) {
		t.Fatalf("the catalog was not fetched with the credentials: %q, %v", got, err)
	}
	if out := runIn(0, "plan", "-detailed-exitcode"); !strings.Contains(out, "No changes") {
		t.Errorf("a second plan is not empty:\n%s", out)
	}
	runIn(0, "show")
	runIn(0, "show", "-json")
	runIn(0, "state", "show", "catalog.wsus")
	pulled := runIn(0, "state", "pull")
	if !strings.Contains(pulled, "credentials-hash=") {
		t.Errorf("the state keeps no hash of the URL:\n%s", pulled)
	}

	// A new token alone is a change (the stored hash differs) ...
	write(sig2)
	wantSig = sig2
	out = runIn(2, "plan", "-detailed-exitcode")
	if !strings.Contains(out, "1 to change") {
		t.Errorf("a new token is not planned as a change:\n%s", out)
	}
	runIn(0, "apply", "-auto-approve")
	// ... and a refused one fails in words that do not hold it.
	wantSig = "another"
	out = runIn(1, "plan")
	if !strings.Contains(out, "403 Forbidden") {
		t.Errorf("the refusal is not explained:\n%s", out)
	}
	srv.Close()
	out = runIn(1, "plan")
	if !strings.Contains(out, "Catalog source unreadable") {
		t.Errorf("an unreachable source is not explained:\n%s", out)
	}

	secrets := []string{password, sig, sig2}
	for _, s := range secrets {
		if strings.Contains(outputs.String(), s) {
			t.Errorf("the output shows %q:\n%s", s, outputs.String())
		}
	}
	assertNoSecretsInFiles(t, dir, nil, []string{"updplan.state", "updplan.state.backup", "first.plan", "updplan.log"}, secrets...)
}
