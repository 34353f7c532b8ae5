package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/providers/providertest"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// noImport is the provider without providers.Importer: an imported
// catalog cannot know its configuration-only attributes (source,
// distribution points, trust anchors) that the conformance suite compares
// with Read; TestImport covers Import.
type noImport struct{ p *Provider }

func (n noImport) Name() string             { return n.p.Name() }
func (n noImport) Schema() *schema.Provider { return n.p.Schema() }
func (n noImport) Configure(ctx context.Context, r providers.ConfigureRequest) hcl.Diagnostics {
	return n.p.Configure(ctx, r)
}
func (n noImport) Read(ctx context.Context, r providers.ReadRequest) providers.ReadResponse {
	return n.p.Read(ctx, r)
}
func (n noImport) Plan(ctx context.Context, r providers.PlanRequest) providers.PlanResponse {
	return n.p.Plan(ctx, r)
}
func (n noImport) Apply(ctx context.Context, r providers.ApplyRequest) providers.ApplyResponse {
	return n.p.Apply(ctx, r)
}

func TestConformance(t *testing.T) {
	s := newSite(t, "signed.cab")
	p := open(t, nil)
	create := s.config(nil)
	providertest.Run(t, noImport{p}, providertest.Case{
		Type:    "catalog",
		Create:  create,
		Update:  s.config(map[string]cty.Value{"sync_host": cty.StringVal("WKS01"), "distribution_points": cty.SetVal([]cty.Value{cty.StringVal(s.dp1)})}),
		Replace: s.config(map[string]cty.Value{"destination": cty.StringVal(filepath.Join(s.dir, "Other"))}),
		Vanish: func(_ context.Context, state cty.Value) error {
			return os.Remove(filepath.Join(state.GetAttr("destination").AsString(), "wsusscn2.cab"))
		},
	})
}

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestSyncAndDistribute(t *testing.T) {
	s := newSite(t, "signed.cab")
	p := open(t, nil)
	p.now = func() time.Time { return time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC) }
	cfg := s.config(nil)
	resp, d := plan(t, p, nullObject(), cfg)
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	want := fixture(t, "signed.cab")
	if got := attr(resp.Planned, "sha256"); got != sha(want) {
		t.Errorf("planned sha256 %s, want the source's %s", got, sha(want))
	}
	if resp.Planned.GetAttr("synced_at").IsKnown() {
		t.Errorf("planned synced_at is known for a copy to come")
	}
	var pg progress
	obj, d := apply(t, p, object{state: nullObject().state, private: resp.PlannedPrivate}, resp.Planned, cfg, &pg)
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	for _, dir := range []string{s.pkgsrc, s.dp1, s.dp2} {
		assertCatalog(t, dir, want)
	}
	if got := attr(obj.state, "signer"); got != "CN=updplan test catalog signer,O=updplan tests" {
		t.Errorf("signer %q", got)
	}
	if got := attr(obj.state, "synced_at"); got != "2026-11-20T08:00:00Z" {
		t.Errorf("synced_at %q", got)
	}
	wantDist := map[string]string{s.dp1: sha(want), s.dp2: sha(want)}
	gotDist := map[string]string{}
	for k, v := range obj.state.GetAttr("distributed").AsValueMap() {
		gotDist[k] = v.AsString()
	}
	if diff := cmp.Diff(wantDist, gotDist); diff != "" {
		t.Errorf("distributed (-want +got):\n%s", diff)
	}
	finals := map[string]bool{}
	for _, e := range pg.events {
		if e.Final {
			finals[e.Label] = true
		} else if e.Total != int64(len(want)) || e.Done > e.Total {
			t.Errorf("progress %+v: want done <= total = %d", e, len(want))
		}
	}
	if diff := cmp.Diff(map[string]bool{"copy to " + s.pkgsrc: true, "copy to " + s.dp1: true, "copy to " + s.dp2: true}, finals); diff != "" {
		t.Errorf("final progress events (-want +got):\n%s", diff)
	}

	// Nothing changed: the next plan is a no-op.
	obj = read(t, p, obj)
	resp, d = plan(t, p, obj, cfg)
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	if !resp.Planned.RawEquals(obj.state) {
		t.Errorf("plan without changes is not a no-op:\nprior   %#v\nplanned %#v", obj.state, resp.Planned)
	}

	// A new catalog in the drop folder replaces the copies everywhere.
	s.put(t, "dual.cab")
	obj = sync_(t, p, read(t, p, obj), cfg)
	for _, dir := range []string{s.pkgsrc, s.dp1, s.dp2} {
		assertCatalog(t, dir, fixture(t, "dual.cab"))
	}
}

func TestSourceFolder(t *testing.T) {
	s := newSite(t, "signed.cab")
	p := open(t, nil)
	cfg := s.config(map[string]cty.Value{"source": cty.ObjectVal(map[string]cty.Value{"url": cty.NullVal(cty.String), "local_path": cty.StringVal(s.drop)})})
	sync_(t, p, nullObject(), cfg)
	assertCatalog(t, s.pkgsrc, fixture(t, "signed.cab"))
}

func TestDistributionPointDrift(t *testing.T) {
	s := newSite(t, "signed.cab")
	p := open(t, nil)
	cfg := s.config(nil)
	obj := sync_(t, p, nullObject(), cfg)
	want := fixture(t, "signed.cab")

	// By hand: DP01's copy deleted, DP02's changed (same size, same mtime
	// second is not enough to hide it: the inode or mtime moves).
	os.Remove(filepath.Join(s.dp1, "wsusscn2.cab"))
	os.WriteFile(filepath.Join(s.dp2, "wsusscn2.cab"), fixture(t, "tampered.cab"), 0o644)

	got := read(t, p, obj)
	dist := got.state.GetAttr("distributed").AsValueMap()
	if _, ok := dist[s.dp1]; ok {
		t.Errorf("distributed still lists DP01, whose copy is gone")
	}
	if dist[s.dp2].AsString() != sha(fixture(t, "tampered.cab")) {
		t.Errorf("distributed[DP02] = %s, want the hash of the altered copy", dist[s.dp2].AsString())
	}
	if attr(got.state, "sha256") != sha(want) {
		t.Errorf("the destination's hash moved")
	}
	resp, d := plan(t, p, got, cfg)
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	if resp.Planned.RawEquals(got.state) {
		t.Fatalf("drift on the distribution points plans no change")
	}
	if !resp.Planned.GetAttr("synced_at").RawEquals(got.state.GetAttr("synced_at")) {
		t.Errorf("synced_at changes although the destination keeps its copy")
	}
	got.private = resp.PlannedPrivate
	fixed, d := apply(t, p, got, resp.Planned, cfg, nil)
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	assertCatalog(t, s.dp1, want)
	assertCatalog(t, s.dp2, want)
	if again := read(t, p, fixed); !again.state.RawEquals(fixed.state) {
		t.Errorf("read after the fix differs from the applied value")
	}
}

func TestDestinationDrift(t *testing.T) {
	s := newSite(t, "signed.cab")
	p := open(t, nil)
	cfg := s.config(nil)
	obj := sync_(t, p, nullObject(), cfg)
	if err := os.WriteFile(filepath.Join(s.pkgsrc, "wsusscn2.cab"), []byte("not a catalog"), 0o644); err != nil {
		t.Fatal(err)
	}
	sync_(t, p, read(t, p, obj), cfg)
	assertCatalog(t, s.pkgsrc, fixture(t, "signed.cab"))
}

// A refused catalog reaches neither the destination nor any distribution
// point, at plan time and at apply time (a source swapped after the plan).
func TestRefusedCatalogs(t *testing.T) {
	for fixtureName, summary := range map[string]string{
		"tampered.cab":    "Catalog does not match its signature",
		"unsigned.cab":    "Unsigned catalog",
		"untrusted.cab":   "Untrusted catalog signature",
		"signed-sha1.cab": "No SHA-256 catalog signature",
		"expired.cab":     "Untrusted catalog signature",
	} {
		t.Run(fixtureName, func(t *testing.T) {
			s := newSite(t, fixtureName)
			p := open(t, nil)
			cfg := s.config(nil)
			_, d := plan(t, p, nullObject(), cfg)
			if !hasSummary(d, summary) {
				t.Errorf("plan of a fresh catalog: want %q, got %v", summary, d)
			}
			for _, dir := range []string{s.pkgsrc, s.dp1, s.dp2} {
				assertCatalog(t, dir, nil)
			}

			// A good catalog is in place; the source turns bad after the
			// plan that would replace it.
			s.put(t, "signed.cab")
			good := fixture(t, "signed.cab")
			obj := sync_(t, p, nullObject(), cfg)
			s.put(t, "dual.cab")
			resp, d := plan(t, p, read(t, p, obj), cfg)
			if d.HasErrors() {
				t.Fatal(d.Error())
			}
			s.put(t, fixtureName)
			obj.private = resp.PlannedPrivate
			after, d := apply(t, p, obj, resp.Planned, cfg, nil)
			if !d.HasErrors() {
				t.Fatalf("apply of a refused catalog succeeded")
			}
			if !hasSummary(d, summary) && !hasSummary(d, "Catalog changed since the plan") {
				t.Errorf("apply: want %q, got %v", summary, d)
			}
			for _, dir := range []string{s.pkgsrc, s.dp1, s.dp2} {
				assertCatalog(t, dir, good)
			}
			if !after.state.RawEquals(obj.state) {
				t.Errorf("a refused apply does not return the prior state")
			}

			// Without the plan's hash to compare, the signature alone stops
			// it.
			cfgNoPlan := cfg
			resp.Planned = unknownSHA(resp.Planned)
			_, d = apply(t, p, obj, resp.Planned, cfgNoPlan, nil)
			if !hasSummary(d, summary) {
				t.Errorf("apply without a planned hash: want %q, got %v", summary, d)
			}
			for _, dir := range []string{s.pkgsrc, s.dp1, s.dp2} {
				assertCatalog(t, dir, good)
			}
		})
	}
}

func unknownSHA(v cty.Value) cty.Value {
	m := v.AsValueMap()
	for _, name := range []string{"sha256", "size", "signer", "synced_at", "source_version"} {
		m[name] = cty.UnknownVal(m[name].Type())
	}
	m["distributed"] = cty.UnknownVal(cty.Map(cty.String))
	return cty.ObjectVal(m)
}

func TestVerifySignatureOff(t *testing.T) {
	s := newSite(t, "unsigned.cab")
	p := open(t, nil)
	obj := sync_(t, p, nullObject(), s.config(map[string]cty.Value{"verify_signature": cty.False}))
	assertCatalog(t, s.dp1, fixture(t, "unsigned.cab"))
	if attr(obj.state, "signer") != "" {
		t.Errorf("signer %q without verification", attr(obj.state, "signer"))
	}
}

// Hashes are reused while size, mtime and inode hold (verify =
// "metadata"), never with verify = "full".
func TestVerifyMetadata(t *testing.T) {
	for _, mode := range []string{"metadata", "full"} {
		t.Run(mode, func(t *testing.T) {
			s := newSite(t, "signed.cab")
			p := open(t, nil)
			var hashed []string
			p.onHash = func(path string) { hashed = append(hashed, path) }
			cfg := s.config(map[string]cty.Value{"verify": cty.StringVal(mode)})
			obj := read(t, p, sync_(t, p, nullObject(), cfg))
			hashed = nil
			obj = read(t, p, obj)
			resp, d := plan(t, p, obj, cfg)
			if d.HasErrors() {
				t.Fatal(d.Error())
			}
			if mode == "metadata" && len(hashed) != 0 {
				t.Errorf("unchanged files hashed again: %v", hashed)
			}
			// Read hashes the three copies; plan the source and the
			// destination's copy.
			if mode == "full" && len(hashed) != 5 {
				t.Errorf("verify = full hashed %d files, want 5: %v", len(hashed), hashed)
			}
			if mode == "metadata" {
				// A touched file is hashed again.
				later := time.Now().Add(time.Hour)
				os.Chtimes(filepath.Join(s.dp1, "wsusscn2.cab"), later, later)
				hashed = nil
				read(t, p, object{state: resp.Planned, private: resp.PlannedPrivate})
				if diff := cmp.Diff([]string{filepath.Join(s.dp1, "wsusscn2.cab")}, hashed); diff != "" {
					t.Errorf("after touching DP01's copy (-want +got hashed):\n%s", diff)
				}
			}
		})
	}
}

// A copy that fails half-way leaves the old catalog there and no
// temporary file; the other places get the new catalog, the state says
// which holds what, and the next apply finishes the rest.
func TestCopyFailsAlone(t *testing.T) {
	for _, target := range []string{"PkgSource", "DP02"} {
		t.Run(target, func(t *testing.T) {
			s := newSite(t, "signed.cab")
			p := open(t, nil)
			cfg := s.config(map[string]cty.Value{"verify_signature": cty.False})
			obj := sync_(t, p, nullObject(), cfg)
			old := fixture(t, "signed.cab")

			big := make([]byte, 3*copyChunk+123)
			for i := range big {
				big[i] = byte(i * 7)
			}
			os.WriteFile(filepath.Join(s.drop, "wsusscn2.cab"), big, 0o644)
			failing := filepath.Join(s.dir, target)
			p.onCopy = func(tmp string, written int64) error {
				if filepath.Dir(tmp) == failing && written > copyChunk {
					return errInjected
				}
				return nil
			}
			resp, d := plan(t, p, read(t, p, obj), cfg)
			if d.HasErrors() {
				t.Fatal(d.Error())
			}
			o := read(t, p, obj)
			o.private = resp.PlannedPrivate
			got, d := apply(t, p, o, resp.Planned, cfg, nil)
			want := map[string]string{"PkgSource": "Copy to destination failed", "DP02": "Copy to distribution point failed"}[target]
			if !hasSummary(d, want) || len(d) != 1 {
				t.Fatalf("want one %q, got %v", want, d)
			}
			for _, dir := range []string{s.pkgsrc, s.dp1, s.dp2} {
				if dir == failing {
					assertCatalog(t, dir, old)
				} else {
					assertCatalog(t, dir, big)
				}
			}
			dist := got.state.GetAttr("distributed").AsValueMap()
			wantDP2 := sha(big)
			if target == "DP02" {
				wantDP2 = sha(old)
			}
			if dist[s.dp1].AsString() != sha(big) || dist[s.dp2].AsString() != wantDP2 {
				t.Errorf("distributed = %v; want DP01 %s, DP02 %s", dist, sha(big), wantDP2)
			}
			wantDest := sha(big)
			if target == "PkgSource" {
				wantDest = sha(old)
			}
			if attr(got.state, "sha256") != wantDest {
				t.Errorf("sha256 = %s, want %s (what the destination holds)", attr(got.state, "sha256"), wantDest)
			}

			// The next apply copies only what is missing.
			p.onCopy = nil
			var mu sync.Mutex
			var copied []string
			p.onCopy = func(tmp string, _ int64) error { // called by every copy's writer
				mu.Lock()
				defer mu.Unlock()
				copied = append(copied, filepath.Base(filepath.Dir(tmp)))
				return nil
			}
			sync_(t, p, read(t, p, got), cfg)
			for _, dir := range []string{s.pkgsrc, s.dp1, s.dp2} {
				assertCatalog(t, dir, big)
			}
			for _, c := range copied {
				if c != target {
					t.Errorf("the repair copied to %s, which had the catalog", c)
				}
			}
		})
	}
}

var errInjected = os.ErrDeadlineExceeded

// A temporary file left by a killed run is removed by the next copy there.
func TestStaleTempRemoved(t *testing.T) {
	s := newSite(t, "signed.cab")
	os.MkdirAll(s.dp1, 0o755)
	stale := filepath.Join(s.dp1, ".wsusscn2.cab.updplan-123.tmp")
	os.WriteFile(stale, []byte("half"), 0o644)
	p := open(t, nil)
	sync_(t, p, nullObject(), s.config(nil))
	assertCatalog(t, s.dp1, fixture(t, "signed.cab"))
}

func TestDeleteRemovesOnlyOurDestinationCopy(t *testing.T) {
	s := newSite(t, "signed.cab")
	p := open(t, nil)
	cfg := s.config(nil)
	obj := sync_(t, p, nullObject(), cfg)
	gone, d := apply(t, p, obj, cty.NullVal(schemaType()), cty.NullVal(schemaType()), nil)
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	if !gone.state.IsNull() {
		t.Errorf("state after delete is not null")
	}
	if !hasSummary(d, "Catalog kept on distribution points") {
		t.Errorf("no warning about the distribution points' copies: %v", d)
	}
	assertCatalog(t, s.pkgsrc, nil)
	assertCatalog(t, s.dp1, fixture(t, "signed.cab"))
	assertCatalog(t, s.dp2, fixture(t, "signed.cab"))
	if _, err := os.Stat(s.pkgsrc); err != nil {
		t.Errorf("the destination folder was removed: %v", err)
	}

	// A catalog someone else put in the destination is not ours to remove.
	obj = sync_(t, p, nullObject(), cfg)
	theirs := []byte("someone else's catalog")
	os.WriteFile(filepath.Join(s.pkgsrc, "wsusscn2.cab"), theirs, 0o644)
	_, d = apply(t, p, obj, cty.NullVal(schemaType()), cty.NullVal(schemaType()), nil)
	if !hasSummary(d, "Catalog left in place") || d.HasErrors() {
		t.Errorf("want a warning only, got %v", d)
	}
	assertCatalog(t, s.pkgsrc, theirs)
}

func TestDistributionPointRemovedFromConfig(t *testing.T) {
	s := newSite(t, "signed.cab")
	p := open(t, nil)
	obj := sync_(t, p, nullObject(), s.config(nil))
	sync_(t, p, read(t, p, obj), s.config(map[string]cty.Value{"distribution_points": cty.SetVal([]cty.Value{cty.StringVal(s.dp1)})}))
	assertCatalog(t, s.dp1, fixture(t, "signed.cab"))
	assertCatalog(t, s.dp2, nil)
}

func TestImport(t *testing.T) {
	s := newSite(t, "signed.cab")
	p := open(t, nil)
	cfg := s.config(nil)
	sync_(t, p, nullObject(), cfg)
	for _, id := range []string{s.pkgsrc, filepath.Join(s.pkgsrc, "wsusscn2.cab")} {
		resp := p.Import(context.Background(), providers.ImportRequest{TypeName: "catalog", Addr: testAddr, ID: id})
		if resp.Diagnostics.HasErrors() {
			t.Fatal(resp.Diagnostics.Error())
		}
		if attr(resp.State, "destination") != s.pkgsrc || attr(resp.State, "sha256") != sha(fixture(t, "signed.cab")) {
			t.Errorf("import %s: destination %s sha256 %s", id, attr(resp.State, "destination"), attr(resp.State, "sha256"))
		}
		obj := object{state: resp.State, private: resp.Private}
		if got := read(t, p, obj); !got.state.RawEquals(obj.state) {
			t.Errorf("read after import differs:\n%#v\n%#v", obj.state, got.state)
		}
		// The configuration fills in the rest without copying the catalog
		// again: synced_at stays.
		plan, d := plan(t, p, obj, cfg)
		if d.HasErrors() {
			t.Fatal(d.Error())
		}
		if !plan.Planned.GetAttr("synced_at").RawEquals(obj.state.GetAttr("synced_at")) {
			t.Errorf("plan after import replaces the destination's copy")
		}
	}
	resp := p.Import(context.Background(), providers.ImportRequest{TypeName: "catalog", Addr: testAddr, ID: filepath.Join(s.dir, "nowhere")})
	if !hasSummary(resp.Diagnostics, "Catalog not found") || !resp.State.IsNull() {
		t.Errorf("import of a folder without catalog: %v", resp.Diagnostics)
	}
}

func TestConfigure(t *testing.T) {
	for name, tt := range map[string]struct {
		set     map[string]cty.Value
		summary string
	}{
		"bad timeout":    {map[string]cty.Value{"http_timeout": cty.StringVal("soon")}, "Invalid HTTP timeout"},
		"missing ca":     {map[string]cty.Value{"ca_file": cty.StringVal("/nonexistent/ca.pem")}, "Unreadable CA file"},
		"not pem ca":     {map[string]cty.Value{"ca_file": cty.StringVal("testdata/unsigned.cab")}, "No certificate in CA file"},
		"secret unshown": {map[string]cty.Value{"smb_password": cty.StringVal("hunter2").Mark("sensitive")}, ""},
		"smb_server twice in other case": {map[string]cty.Value{"smb_server": cty.MapVal(map[string]cty.Value{
			"DP01": smbServerBlock("hunter2"), "dp01": smbServerBlock("hunter2"),
		})}, "Duplicate smb_server block"},
	} {
		t.Run(name, func(t *testing.T) {
			d := New().Configure(context.Background(), providers.ConfigureRequest{Config: providerConfig(tt.set)})
			if tt.summary == "" {
				if d.HasErrors() {
					t.Fatal(d.Error())
				}
				return
			}
			if !hasSummary(d, tt.summary) {
				t.Errorf("want %q, got %v", tt.summary, d)
			}
			if strings.Contains(d.Error(), "hunter2") {
				t.Errorf("a diagnostic shows the password: %s", d.Error())
			}
		})
	}
}

// smbServerBlock is the body of an smb_server block.
func smbServerBlock(password string) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"username": cty.StringVal("updplan"), "password": cty.StringVal(password), "domain": cty.NullVal(cty.String),
	})
}

func TestTrustAnchorsUnreadable(t *testing.T) {
	s := newSite(t, "signed.cab")
	p := open(t, nil)
	_, d := plan(t, p, nullObject(), s.config(map[string]cty.Value{"trust_anchors": cty.ListVal([]cty.Value{cty.StringVal(filepath.Join(s.dir, "none.pem"))})}))
	if !hasSummary(d, "Unusable trust anchors") {
		t.Errorf("want Unusable trust anchors, got %v", d)
	}
}

// Relative paths are relative to the configuration directory, not to
// where updplan runs.
func TestRelativePaths(t *testing.T) {
	s := newSite(t, "signed.cab")
	os.WriteFile(filepath.Join(s.dir, "root.pem"), fixture(t, "test-root.pem"), 0o644)
	p := New()
	if d := p.Configure(context.Background(), providers.ConfigureRequest{Config: providerConfig(nil), WorkingDir: s.dir}); d.HasErrors() {
		t.Fatal(d.Error())
	}
	cfg := s.config(map[string]cty.Value{
		"source":              cty.ObjectVal(map[string]cty.Value{"url": cty.NullVal(cty.String), "local_path": cty.StringVal("./drop/wsusscn2.cab")}),
		"destination":         cty.StringVal("PkgSource"),
		"distribution_points": cty.SetVal([]cty.Value{cty.StringVal("DP01")}),
		"trust_anchors":       cty.ListVal([]cty.Value{cty.StringVal("root.pem")}),
	})
	obj := sync_(t, p, nullObject(), cfg)
	assertCatalog(t, s.pkgsrc, fixture(t, "signed.cab"))
	assertCatalog(t, s.dp1, fixture(t, "signed.cab"))
	if _, ok := obj.state.GetAttr("distributed").AsValueMap()["DP01"]; !ok {
		t.Errorf("distributed is not keyed by the distribution point as written")
	}
}

// The source is read once however many places it goes to: under verify =
// "full" the apply streams it once to every place; under "metadata" the
// apply copies it through the kernel without hashing it again (the plan
// did).
func TestSourceReadOnce(t *testing.T) {
	size := int64(len(fixture(t, "signed.cab")))
	for mode, wantRead := range map[string]int64{"full": size, "metadata": 3 * size} {
		t.Run(mode, func(t *testing.T) {
			s := newSite(t, "signed.cab")
			p := open(t, nil)
			var hashed []string
			p.onHash = func(path string) { hashed = append(hashed, path) }
			cfg := s.config(map[string]cty.Value{"verify": cty.StringVal(mode)})
			resp, d := plan(t, p, nullObject(), cfg)
			if d.HasErrors() {
				t.Fatal(d.Error())
			}
			if p.bytesRead.Load() != size {
				t.Errorf("plan read %d bytes, want the source's %d", p.bytesRead.Load(), size)
			}
			p.bytesRead.Store(0)
			hashed = nil
			if _, d := apply(t, p, object{state: nullObject().state, private: resp.PlannedPrivate}, resp.Planned, cfg, nil); d.HasErrors() {
				t.Fatal(d.Error())
			}
			// Under "metadata" the bytes counted are the kernel's copies.
			if got := p.bytesRead.Load(); got != wantRead {
				t.Errorf("apply read %d bytes, want %d", got, wantRead)
			}
			if len(hashed) != 0 {
				t.Errorf("apply hashed %v apart from the copy", hashed)
			}
			for _, dir := range []string{s.pkgsrc, s.dp1, s.dp2} {
				assertCatalog(t, dir, fixture(t, "signed.cab"))
			}
		})
	}
}

// A no-op plan and a refresh (what drift does) under verify = "metadata"
// read no catalog bytes at all.
func TestNoOpReadsNoBytes(t *testing.T) {
	s := newSite(t, "signed.cab")
	p := open(t, nil)
	cfg := s.config(nil)
	obj := sync_(t, p, nullObject(), cfg)
	p.bytesRead.Store(0)
	obj = read(t, p, obj)
	resp, d := plan(t, p, obj, cfg)
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	read(t, p, object{state: resp.Planned, private: resp.PlannedPrivate})
	if !resp.Planned.RawEquals(obj.state) {
		t.Errorf("the plan is not a no-op")
	}
	if n := p.bytesRead.Load(); n != 0 {
		t.Errorf("a no-op plan and refresh read %d catalog bytes, want 0", n)
	}
}

// A source that changes while it is copied lands nowhere.
func TestSourceChangesDuringCopy(t *testing.T) {
	for _, mode := range []string{"metadata", "full"} {
		t.Run(mode, func(t *testing.T) {
			s := newSite(t, "signed.cab")
			p := open(t, nil)
			cfg := s.config(map[string]cty.Value{"verify": cty.StringVal(mode), "verify_signature": cty.False})
			resp, d := plan(t, p, nullObject(), cfg)
			if d.HasErrors() {
				t.Fatal(d.Error())
			}
			var once sync.Once
			p.onCopy = func(string, int64) error {
				once.Do(func() {
					src := filepath.Join(s.drop, "wsusscn2.cab")
					b := fixture(t, "signed.cab")
					b[100] ^= 1
					later := time.Now().Add(time.Minute)
					os.WriteFile(src, b, 0o644)
					os.Chtimes(src, later, later)
				})
				return nil
			}
			_, d = apply(t, p, object{state: nullObject().state, private: resp.PlannedPrivate}, resp.Planned, cfg, nil)
			if !hasSummary(d, "Catalog changed during the copy") {
				t.Errorf("want a changed-source refusal, got %v", d)
			}
			for _, dir := range []string{s.pkgsrc, s.dp1, s.dp2} {
				assertCatalog(t, dir, nil)
			}
		})
	}
}

// An apply plans once more just before copying, holding the answer to the
// plan that was reviewed: a source that changed since is refused in
// words ("Catalog changed since the plan"), local and HTTP sources alike.
func TestChangedSinceReviewedPlan(t *testing.T) {
	replan := func(t *testing.T, p *Provider, prior object, cfg, reviewed cty.Value) hcl.Diagnostics {
		rt := p.Schema().ResourceType("catalog")
		return p.Plan(context.Background(), providers.PlanRequest{
			TypeName: "catalog", Addr: testAddr, Prior: prior.state, Config: cfg,
			Proposed: providers.ProposedNew(rt, prior.state, cfg), PriorPrivate: prior.private, Reviewed: reviewed,
		}).Diagnostics
	}
	t.Run("local", func(t *testing.T) {
		s := newSite(t, "signed.cab")
		p := open(t, nil)
		cfg := s.config(nil)
		obj := read(t, p, sync_(t, p, nullObject(), cfg))
		s.put(t, "dual.cab")
		resp, d := plan(t, p, obj, cfg)
		if d.HasErrors() {
			t.Fatal(d.Error())
		}
		if d := replan(t, p, obj, cfg, resp.Planned); d.HasErrors() {
			t.Fatalf("the same catalog is refused: %v", d)
		}
		s.put(t, "timestamped.cab")
		d = replan(t, p, obj, cfg, resp.Planned)
		if !hasSummary(d, "Catalog changed since the plan") || strings.Contains(d.Error(), "bug") {
			t.Errorf("want Catalog changed since the plan, got %v", d)
		}
	})
	t.Run("url", func(t *testing.T) {
		cs, srv := newCatalogServer(t, "signed.cab")
		s := newSite(t, "signed.cab")
		p := open(t, nil)
		cfg := s.config(map[string]cty.Value{"source": urlSource(srv.URL + "/wsusscn2.cab")})
		obj := read(t, p, sync_(t, p, nullObject(), cfg))
		// A DP's copy went: the plan copies it again, with the hash known.
		os.Remove(filepath.Join(s.dp1, "wsusscn2.cab"))
		obj = read(t, p, obj)
		resp, d := plan(t, p, obj, cfg)
		if d.HasErrors() {
			t.Fatal(d.Error())
		}
		cs.set(fixture(t, "dual.cab"), `"v2"`)
		d = replan(t, p, obj, cfg, resp.Planned)
		if !hasSummary(d, "Catalog changed since the plan") {
			t.Errorf("want Catalog changed since the plan, got %v", d)
		}
	})
}

// Distribution points are folders, smb:// URLs (with a port) or UNC paths;
// a network path that names no share, and a network destination, are
// refused at plan time.
func TestDistributionPointForms(t *testing.T) {
	s := newSite(t, "signed.cab")
	p := open(t, nil)
	for dp, summary := range map[string]string{
		`\\DP01\SMSPKGD$\ITMU`:          "",
		"smb://dp01:4455/SMSPKGD$/ITMU": "",
		"smb://DP01/SMSPKGC$":           "",
		`\\DP01`:                        "Invalid distribution point",
		"smb:///SMSPKGD$/ITMU":          "Invalid distribution point",
		"smb://dp01:99999/share":        "Invalid distribution point",
	} {
		t.Run(dp, func(t *testing.T) {
			_, d := plan(t, p, nullObject(), s.config(map[string]cty.Value{"distribution_points": cty.SetVal([]cty.Value{cty.StringVal(dp)})}))
			switch {
			case summary == "" && d.HasErrors():
				t.Errorf("refused: %v", d)
			case summary != "" && !hasSummary(d, summary):
				t.Errorf("want %q, got %v", summary, d)
			}
		})
	}
	_, d := plan(t, p, nullObject(), s.config(map[string]cty.Value{"destination": cty.StringVal(`\\SITE\PackageSrc`)}))
	if !hasSummary(d, "Destination must be a local folder") {
		t.Errorf("a UNC destination: got %v", d)
	}
	assertCatalog(t, s.pkgsrc, nil)
}
