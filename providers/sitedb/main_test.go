package sitedb

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/internal/pgtest"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// testDriver opens a fresh, empty database of one driver.
type testDriver struct {
	name string
	// config returns the provider configuration of a fresh database and
	// the working directory.
	config func(t testing.TB) (cty.Value, string)
}

var testDrivers = []testDriver{
	{name: "sqlite", config: func(t testing.TB) (cty.Value, string) {
		return providerConfig("sqlite", "site.db", "", "5s"), t.TempDir()
	}},
	{name: "postgres", config: func(t testing.TB) (cty.Value, string) {
		return providerConfig("postgres", "", pgtest.DSN(t), ""), t.TempDir()
	}},
}

// eachDriver runs f once per driver, as subtests named after the driver.
func eachDriver(t *testing.T, f func(t *testing.T, d testDriver)) {
	for _, d := range testDrivers {
		t.Run(d.name, func(t *testing.T) { f(t, d) })
	}
}

func providerConfig(driver, path, dsn, busy string) cty.Value {
	s := func(x string) cty.Value {
		if x == "" {
			return cty.NullVal(cty.String)
		}
		return cty.StringVal(x)
	}
	return cty.ObjectVal(map[string]cty.Value{"driver": s(driver), "path": s(path), "dsn": s(dsn), "busy_timeout": s(busy)})
}

// open configures a provider on a fresh database of d.
func open(t testing.TB, d testDriver) *Provider {
	t.Helper()
	cfg, dir := d.config(t)
	return openWith(t, cfg, dir)
}

func openWith(t testing.TB, cfg cty.Value, dir string) *Provider {
	t.Helper()
	p := New()
	if diags := p.Configure(context.Background(), providers.ConfigureRequest{Config: cfg, WorkingDir: dir}); diags.HasErrors() {
		t.Fatalf("Configure: %s", diagText(diags))
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func diagText(diags hcl.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Summary + ": " + d.Detail + "\n")
	}
	return b.String()
}

// obj builds a configuration value of a resource type: the given
// attributes, schema defaults for the others, null for the rest.
func obj(typeName string, attrs map[string]cty.Value) cty.Value {
	rt := schema.Sitedb.ResourceType(typeName)
	return blockVal(&rt.Block, attrs)
}

func blockVal(b *schema.Block, attrs map[string]cty.Value) cty.Value {
	m := map[string]cty.Value{}
	for _, a := range b.Attributes {
		switch v, ok := attrs[a.Name]; {
		case ok:
			m[a.Name] = v
		case a.Default != cty.NilVal:
			m[a.Name] = a.Default
		default:
			m[a.Name] = cty.NullVal(a.Type)
		}
	}
	for _, nb := range b.BlockTypes {
		if v, ok := attrs[nb.TypeName]; ok {
			if v.IsNull() {
				m[nb.TypeName] = cty.NullVal(nb.Block.ImpliedType())
			} else {
				m[nb.TypeName] = blockVal(&nb.Block, v.AsValueMap())
			}
			continue
		}
		m[nb.TypeName] = cty.NullVal(nb.Block.ImpliedType())
	}
	return cty.ObjectVal(m)
}

func at(typeName, name string) addr.Instance {
	return addr.Instance{Resource: addr.Resource{Type: typeName, Name: name}}
}

func sv(s string) cty.Value { return cty.StringVal(s) }

func set(ss ...string) cty.Value { return strSet(ss) }

// planResult is a plan as the engine would make it.
func plan(t testing.TB, p *Provider, a addr.Instance, prior, config cty.Value) providers.PlanResponse {
	t.Helper()
	rt := schema.Sitedb.ResourceType(a.Resource.Type)
	if prior == cty.NilVal {
		prior = cty.NullVal(rt.Block.ImpliedType())
	}
	resp := p.Plan(context.Background(), providers.PlanRequest{
		TypeName: rt.Name, Addr: a, Prior: prior, Config: config,
		Proposed: providers.ProposedNew(rt, prior, config),
	})
	if !resp.Diagnostics.HasErrors() {
		for _, problem := range providers.CheckPlanned(rt, config, resp.Planned) {
			t.Errorf("plan of %s: %s", a, problem)
		}
	}
	return resp
}

// apply plans and applies config for the object at a (prior null: create)
// and fails the test on any error.
func apply(t testing.TB, p *Provider, a addr.Instance, prior, config cty.Value) cty.Value {
	t.Helper()
	v, diags := tryApply(t, p, a, prior, config)
	if diags.HasErrors() {
		t.Fatalf("apply %s: %s", a, diagText(diags))
	}
	return v
}

func tryApply(t testing.TB, p *Provider, a addr.Instance, prior, config cty.Value) (cty.Value, hcl.Diagnostics) {
	t.Helper()
	rt := schema.Sitedb.ResourceType(a.Resource.Type)
	if prior == cty.NilVal {
		prior = cty.NullVal(rt.Block.ImpliedType())
	}
	pr := plan(t, p, a, prior, config)
	if pr.Diagnostics.HasErrors() {
		return cty.NilVal, pr.Diagnostics
	}
	resp := p.Apply(context.Background(), providers.ApplyRequest{
		TypeName: rt.Name, Addr: a, Prior: prior, Planned: pr.Planned, Config: config, Progress: providers.NoProgress,
	})
	if resp.Diagnostics.HasErrors() {
		return resp.NewState, resp.Diagnostics
	}
	for _, problem := range providers.CheckApplied(rt, pr.Planned, resp.NewState) {
		t.Errorf("apply of %s: %s", a, problem)
	}
	return resp.NewState, resp.Diagnostics
}

func read(t testing.TB, p *Provider, a addr.Instance, prior cty.Value) cty.Value {
	t.Helper()
	resp := p.Read(context.Background(), providers.ReadRequest{TypeName: a.Resource.Type, Addr: a, Prior: prior})
	if resp.Diagnostics.HasErrors() {
		t.Fatalf("read %s: %s", a, diagText(resp.Diagnostics))
	}
	return resp.NewState
}

// sqlExec changes the database behind the provider's back, as the console
// or an administrator would.
func sqlExec(t testing.TB, p *Provider, q string, args ...any) {
	t.Helper()
	if _, err := p.s.db.Exec(p.s.bind(q), args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func sqlCount(t testing.TB, p *Provider, q string, args ...any) int {
	t.Helper()
	var n int
	if err := p.s.db.QueryRow(p.s.bind(q), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// wantDiag fails unless diags hold an error with the summary, and checks
// the attribute path when path is not "".
func wantDiag(t testing.TB, diags hcl.Diagnostics, summary, path string) *hcl.Diagnostic {
	t.Helper()
	for _, d := range diags {
		if d.Severity == hcl.DiagError && d.Summary == summary {
			if path != "" {
				got, ok := providers.PathOf(d)
				if !ok || pathString(got) != path {
					t.Errorf("diagnostic %q: path %q, want %q", summary, pathString(got), path)
				}
			}
			return d
		}
	}
	t.Fatalf("no error diagnostic %q in:\n%s", summary, diagText(diags))
	return nil
}

func pathString(p cty.Path) string {
	var parts []string
	for _, s := range p {
		if ga, ok := s.(cty.GetAttrStep); ok {
			parts = append(parts, ga.Name)
		}
	}
	return strings.Join(parts, ".")
}
