package share

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// open returns a provider configured on a fresh root, and the root's
// absolute path.
func open(t testing.TB) (*Provider, string) {
	t.Helper()
	wd := t.TempDir()
	p := New()
	if d := p.Configure(context.Background(), providers.ConfigureRequest{Config: providerConfig(nil), WorkingDir: wd}); d.HasErrors() {
		t.Fatalf("configure: %s", d.Error())
	}
	return p, filepath.Join(wd, ".site")
}

// openOn returns a second provider on the same root, as another process
// would have.
func openOn(t testing.TB, root string) *Provider {
	t.Helper()
	p := New()
	if d := p.Configure(context.Background(), providers.ConfigureRequest{Config: providerConfig(map[string]cty.Value{"root": cty.StringVal(root)})}); d.HasErrors() {
		t.Fatalf("configure: %s", d.Error())
	}
	return p
}

// providerConfig is the provider block with defaults applied.
func providerConfig(set map[string]cty.Value) cty.Value {
	vals := map[string]cty.Value{
		"driver": cty.StringVal("local"), "root": cty.StringVal(".site"), "domain": cty.NullVal(cty.String),
		"username": cty.NullVal(cty.String), "password": cty.NullVal(cty.String), "timeout_seconds": cty.NumberIntVal(20),
		"server": cty.MapValEmpty(serverType),
	}
	for k, v := range set {
		vals[k] = v
	}
	return cty.ObjectVal(vals)
}

// serverType is the type of a server block.
var serverType = schema.Share.Config.ImpliedType().AttributeType("server").ElementType()

// server is a server block of the smb driver: its label and its body.
type server struct {
	label string
	body  cty.Value
}

// serverBlock is a server block of the smb driver, labeled name.
func serverBlock(name, address, username, password string) server {
	return server{name, cty.ObjectVal(map[string]cty.Value{
		"address": cty.StringVal(address), "domain": cty.NullVal(cty.String),
		"username": cty.StringVal(username), "password": cty.StringVal(password).Mark("sensitive"),
		"drive_shares": cty.NullVal(cty.Map(cty.String)),
	})}
}

// servers is the value of the provider's server blocks: a map by label.
func servers(blocks ...server) cty.Value {
	m := map[string]cty.Value{}
	for _, b := range blocks {
		m[b.label] = b.body
	}
	return cty.MapVal(m)
}

func withDrives(s server, drives map[string]cty.Value) server {
	vals := s.body.AsValueMap()
	vals["drive_shares"] = cty.MapVal(drives)
	return server{s.label, cty.ObjectVal(vals)}
}

// shareCfg is a share configuration with defaults applied: SRV01,
// PackageSrc, D:\ITMU\PkgSource, Administrators and SMS Admins full, then
// set.
func shareCfg(set map[string]cty.Value) cty.Value {
	vals := map[string]cty.Value{
		"server": cty.StringVal("SRV01"), "name": cty.StringVal("PackageSrc"), "path": cty.StringVal(`D:\ITMU\PkgSource`),
		"description": cty.NullVal(cty.String), "on_name_taken": cty.StringVal("fail"),
		"concurrent_user_limit": cty.NumberIntVal(0), "folder_enumeration": cty.StringVal("unrestricted"),
		"caching": cty.StringVal("manual"), "allow_broad_access": cty.False,
		"access":      acl("Administrators", "full", "SMS Admins", "full"),
		"actual_name": cty.NullVal(cty.String), "unc": cty.NullVal(cty.String), "local_path": cty.NullVal(cty.String),
	}
	for k, v := range set {
		vals[k] = v
	}
	return cty.ObjectVal(vals)
}

// acl is a set of access blocks from principal, rights pairs.
func acl(pairs ...string) cty.Value {
	if len(pairs) == 0 {
		return cty.SetValEmpty(aceType)
	}
	var elems []cty.Value
	for i := 0; i < len(pairs); i += 2 {
		elems = append(elems, cty.ObjectVal(map[string]cty.Value{"principal": cty.StringVal(pairs[i]), "rights": cty.StringVal(pairs[i+1])}))
	}
	return cty.SetVal(elems)
}

func sv(s string) cty.Value { return cty.StringVal(s) }

func at(name string) addr.Instance {
	return addr.Instance{Resource: addr.Resource{Type: "share", Name: name}}
}

// object is a share as state holds it.
type object struct {
	addr    addr.Instance
	state   cty.Value
	private []byte
}

func (o object) attr(name string) string { return o.state.GetAttr(name).AsString() }

// plan plans cfg for o (state null for a create).
func plan(t testing.TB, p *Provider, o object, cfg cty.Value) (cty.Value, hcl.Diagnostics) {
	t.Helper()
	prior := o.state
	if prior == cty.NilVal {
		prior = cty.NullVal(shareType)
	}
	resp := p.Plan(context.Background(), providers.PlanRequest{
		TypeName: "share", Addr: o.addr, Prior: prior, Config: cfg,
		Proposed: providers.ProposedNew(schemaType(), prior, cfg), PriorPrivate: o.private,
	})
	if !resp.Diagnostics.HasErrors() {
		if probs := providers.CheckPlanned(schemaType(), cfg, resp.Planned); len(probs) > 0 {
			t.Fatalf("plan breaks the contract: %v", probs)
		}
	}
	return resp.Planned, resp.Diagnostics
}

// apply plans and applies cfg for o (a delete when cfg is null) and fails
// the test on any error.
func apply(t testing.TB, p *Provider, o object, cfg cty.Value) object {
	t.Helper()
	planned, d := plan(t, p, o, cfg)
	if d.HasErrors() {
		t.Fatalf("plan %s: %s", o.addr, d.Error())
	}
	resp := applyPlanned(p, o, planned, cfg)
	if resp.Diagnostics.HasErrors() {
		t.Fatalf("apply %s: %s", o.addr, resp.Diagnostics.Error())
	}
	if probs := providers.CheckApplied(schemaType(), planned, resp.NewState); len(probs) > 0 {
		t.Fatalf("apply breaks the contract: %v", probs)
	}
	return object{addr: o.addr, state: resp.NewState, private: resp.Private}
}

func applyPlanned(p *Provider, o object, planned, cfg cty.Value) providers.ApplyResponse {
	prior := o.state
	if prior == cty.NilVal {
		prior = cty.NullVal(shareType)
	}
	return p.Apply(context.Background(), providers.ApplyRequest{
		TypeName: "share", Addr: o.addr, Prior: prior, Planned: planned, Config: cfg,
		PlannedPrivate: o.private, Progress: providers.NoProgress,
	})
}

// create applies cfg as a new object at name.
func create(t testing.TB, p *Provider, name string, cfg cty.Value) object {
	t.Helper()
	return apply(t, p, object{addr: at(name)}, cfg)
}

func read(t testing.TB, p *Provider, o object) cty.Value {
	t.Helper()
	resp := p.Read(context.Background(), providers.ReadRequest{TypeName: "share", Addr: o.addr, Prior: o.state, Private: o.private})
	if resp.Diagnostics.HasErrors() {
		t.Fatalf("read %s: %s", o.addr, resp.Diagnostics.Error())
	}
	return resp.NewState
}

// readTable parses root/shares.json.
func readTable(t testing.TB, root string) *table {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, "shares.json"))
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := parseTable(raw)
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// handEdit changes root/shares.json the way a person would: in place, with
// no lock.
func handEdit(t testing.TB, root string, change func(*table)) {
	t.Helper()
	tbl := readTable(t, root)
	change(tbl)
	raw, err := json.MarshalIndent(tbl, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "shares.json"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// entry returns the table's share of server, or nil.
func entry(tbl *table, server, name string) *Share {
	if st := tbl.server(server); st != nil {
		return find(st.Shares, name)
	}
	return nil
}

// names lists the share names of a server in the table.
func names(t testing.TB, root, server string) string {
	t.Helper()
	var out []string
	if _, err := os.Stat(filepath.Join(root, "shares.json")); os.IsNotExist(err) {
		return ""
	}
	if st := readTable(t, root).server(server); st != nil {
		for _, s := range st.Shares {
			out = append(out, s.Name)
		}
	}
	return strings.Join(out, ",")
}

// summaries lists the summaries of error diagnostics.
func summaries(d hcl.Diagnostics) string {
	var out []string
	for _, x := range d {
		if x.Severity == hcl.DiagError {
			out = append(out, x.Summary)
		}
	}
	return strings.Join(out, "; ")
}

func schemaType() *schema.ResourceType { return schema.Share.ResourceType("share") }
