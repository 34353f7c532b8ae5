package catalog

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

var testAddr = addr.Instance{Resource: addr.Resource{Type: "catalog", Name: "wsusscn2"}}

// open returns a configured provider.
func open(t testing.TB, set map[string]cty.Value) *Provider {
	t.Helper()
	p := New()
	if d := p.Configure(context.Background(), providers.ConfigureRequest{Config: providerConfig(set), WorkingDir: t.TempDir()}); d.HasErrors() {
		t.Fatalf("configure: %s", d.Error())
	}
	return p
}

func providerConfig(set map[string]cty.Value) cty.Value {
	vals := map[string]cty.Value{
		"http_timeout": cty.StringVal("10m"), "ca_file": cty.NullVal(cty.String),
		"smb_username": cty.NullVal(cty.String), "smb_password": cty.NullVal(cty.String), "smb_domain": cty.NullVal(cty.String),
		"smb_server": cty.MapValEmpty(schema.Catalog.Config.ImpliedType().AttributeType("smb_server").ElementType()),
	}
	for k, v := range set {
		vals[k] = v
	}
	return cty.ObjectVal(vals)
}

// site is a test site: a drop folder with a catalog, a PkgSource folder and
// two distribution points, all under one temporary folder.
type site struct {
	dir, drop, pkgsrc, dp1, dp2 string
}

func newSite(t testing.TB, fixture string) site {
	t.Helper()
	dir := t.TempDir()
	s := site{dir: dir, drop: filepath.Join(dir, "drop"), pkgsrc: filepath.Join(dir, "PkgSource"), dp1: filepath.Join(dir, "DP01"), dp2: filepath.Join(dir, "DP02")}
	if err := os.MkdirAll(s.drop, 0o755); err != nil {
		t.Fatal(err)
	}
	s.put(t, fixture)
	return s
}

// put places a fixture in the drop folder as wsusscn2.cab.
func (s site) put(t testing.TB, fixture string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", fixture))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(s.drop, "wsusscn2.cab"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// config is the catalog of s with defaults applied, then set.
func (s site) config(set map[string]cty.Value) cty.Value {
	vals := map[string]cty.Value{
		"source":              cty.ObjectVal(map[string]cty.Value{"url": cty.NullVal(cty.String), "local_path": cty.StringVal(filepath.Join(s.drop, "wsusscn2.cab"))}),
		"file_name":           cty.StringVal("wsusscn2.cab"),
		"destination":         cty.StringVal(s.pkgsrc),
		"distribution_points": cty.SetVal([]cty.Value{cty.StringVal(s.dp1), cty.StringVal(s.dp2)}),
		"sync_host":           cty.NullVal(cty.String),
		"verify_signature":    cty.True,
		"trust_anchors":       cty.ListVal([]cty.Value{cty.StringVal(testAnchor)}),
		"verify":              cty.StringVal("metadata"),
		"sha256":              cty.NullVal(cty.String), "size": cty.NullVal(cty.Number), "signer": cty.NullVal(cty.String),
		"source_version": cty.NullVal(cty.String), "synced_at": cty.NullVal(cty.String), "distributed": cty.NullVal(cty.Map(cty.String)),
	}
	for k, v := range set {
		vals[k] = v
	}
	return cty.ObjectVal(vals)
}

var testAnchor, _ = filepath.Abs("testdata/test-root.pem")

func urlSource(u string) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{"url": cty.StringVal(u), "local_path": cty.NullVal(cty.String)})
}

// object is a catalog as state knows it.
type object struct {
	state   cty.Value
	private []byte
}

func nullObject() object { return object{state: cty.NullVal(schemaType())} }

func plan(t testing.TB, p *Provider, prior object, config cty.Value) (providers.PlanResponse, hcl.Diagnostics) {
	t.Helper()
	rt := p.Schema().ResourceType("catalog")
	resp := p.Plan(context.Background(), providers.PlanRequest{
		TypeName: "catalog", Addr: testAddr, Prior: prior.state, Config: config,
		Proposed: providers.ProposedNew(rt, prior.state, config), PriorPrivate: prior.private,
	})
	if !resp.Diagnostics.HasErrors() {
		for _, problem := range providers.CheckPlanned(rt, config, resp.Planned) {
			t.Errorf("plan: %s", problem)
		}
	}
	return resp, resp.Diagnostics
}

// progress records progress events.
type progress struct {
	mu     sync.Mutex
	events []providers.ProgressEvent
}

func (pg *progress) record(e providers.ProgressEvent) {
	pg.mu.Lock()
	defer pg.mu.Unlock()
	pg.events = append(pg.events, e)
}

func apply(t testing.TB, p *Provider, prior object, planned, config cty.Value, pg *progress) (object, hcl.Diagnostics) {
	t.Helper()
	fn := providers.NoProgress
	if pg != nil {
		fn = pg.record
	}
	resp := p.Apply(context.Background(), providers.ApplyRequest{
		TypeName: "catalog", Addr: testAddr, Prior: prior.state, Planned: planned, Config: config, PlannedPrivate: prior.private, Progress: fn,
	})
	if !resp.Diagnostics.HasErrors() && !planned.IsNull() {
		for _, problem := range providers.CheckApplied(p.Schema().ResourceType("catalog"), planned, resp.NewState) {
			t.Errorf("apply: %s", problem)
		}
	}
	return object{state: resp.NewState, private: resp.Private}, resp.Diagnostics
}

// sync plans and applies config over prior, failing on any error.
func sync_(t testing.TB, p *Provider, prior object, config cty.Value) object {
	t.Helper()
	resp, d := plan(t, p, prior, config)
	if d.HasErrors() {
		t.Fatalf("plan: %s", d.Error())
	}
	prior.private = resp.PlannedPrivate
	obj, d := apply(t, p, prior, resp.Planned, config, nil)
	if d.HasErrors() {
		t.Fatalf("apply: %s", d.Error())
	}
	return obj
}

func read(t testing.TB, p *Provider, obj object) object {
	t.Helper()
	resp := p.Read(context.Background(), providers.ReadRequest{TypeName: "catalog", Addr: testAddr, Prior: obj.state, Private: obj.private})
	if resp.Diagnostics.HasErrors() {
		t.Fatalf("read: %s", resp.Diagnostics.Error())
	}
	return object{state: resp.NewState, private: resp.Private}
}

func fileBytes(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v", err)
	}
	return b
}

func fixture(t testing.TB, name string) []byte { return fileBytes(t, filepath.Join("testdata", name)) }

// assertCatalog checks that dir holds exactly want as wsusscn2.cab (nil:
// no catalog) and no temporary file.
func assertCatalog(t testing.TB, dir string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(filepath.Join(dir, "wsusscn2.cab"))
	switch {
	case want == nil && err == nil:
		t.Errorf("%s holds a catalog; want none", dir)
	case want != nil && err != nil:
		t.Errorf("%s: %v", dir, err)
	case want != nil && !bytes.Equal(got, want):
		t.Errorf("%s holds a different catalog (%d bytes, want %d)", dir, len(got), len(want))
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("%s: temporary file %s left behind", dir, e.Name())
		}
	}
}

func hasSummary(d hcl.Diagnostics, summary string) bool {
	for _, x := range d {
		if x.Summary == summary {
			return true
		}
	}
	return false
}

func attr(v cty.Value, name string) string {
	a := v.GetAttr(name)
	if a.IsNull() || !a.IsKnown() {
		return "<" + a.GoString() + ">"
	}
	return a.AsString()
}
