package providertest

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/updplan/updplan/providers"
	"github.com/zclconf/go-cty/cty"
)

func thing(name, value, zone string, tags ...string) cty.Value {
	ty := FakeSchema.ResourceType("fake_thing").Block.ImpliedType()
	attrs := map[string]cty.Value{}
	for n, at := range ty.AttributeTypes() {
		attrs[n] = cty.NullVal(at)
	}
	attrs["name"] = cty.StringVal(name)
	attrs["secret"] = cty.StringVal("hunter2")
	if value != "" {
		attrs["value"] = cty.StringVal(value)
	}
	if zone != "" {
		attrs["zone"] = cty.StringVal(zone)
	}
	if len(tags) > 0 {
		var vs []cty.Value
		for _, t := range tags {
			vs = append(vs, cty.StringVal(t))
		}
		attrs["tags"] = cty.SetVal(vs)
	}
	return cty.ObjectVal(attrs)
}

func group(name string, members ...string) cty.Value {
	m := cty.ListValEmpty(cty.String)
	if len(members) > 0 {
		var vs []cty.Value
		for _, s := range members {
			vs = append(vs, cty.StringVal(s))
		}
		m = cty.ListVal(vs)
	}
	return cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal(name), "members": m, "id": cty.NullVal(cty.String)})
}

func fakeCases(f *Fake) []Case {
	vanish := func(_ context.Context, state cty.Value) error {
		for _, o := range f.Objects() {
			if o.ID == state.GetAttr("id").AsString() {
				f.DeleteObject(o.Addr)
				return nil
			}
		}
		return fmt.Errorf("no object with id %s", state.GetAttr("id").AsString())
	}
	return []Case{
		{
			Type:    "fake_thing",
			Create:  thing("a", "v1", "z1", "x", "y"),
			Update:  thing("a", "v2", "z1", "y"),
			Replace: thing("a", "v2", "z2", "y"),
			Vanish:  vanish,
		},
		{
			Type:   "fake_group",
			Create: group("g", "a", "b"),
			Update: group("g", "b", "a"),
			Vanish: vanish,
		},
	}
}

func configured(t *testing.T, f *Fake) *Fake {
	t.Helper()
	f.RequireConfigure = true
	cfg := cty.ObjectVal(map[string]cty.Value{"id_prefix": cty.StringVal("F")})
	if diags := f.Configure(context.Background(), providers.ConfigureRequest{Config: cfg}); diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return f
}

func TestFakeConformance(t *testing.T) {
	f := configured(t, &Fake{})
	Run(t, f, fakeCases(f)...)
	if len(f.Objects()) != 0 {
		t.Errorf("the suite left objects behind: %v", f.Objects())
	}
}

// recorder is a T that records instead of failing the real test.
type recorder struct {
	mu     *sync.Mutex
	errors *[]string
	logs   *[]string
	failed bool
	name   string
}

func newRecorder() *recorder {
	return &recorder{mu: &sync.Mutex{}, errors: new([]string), logs: new([]string)}
}

func (r *recorder) Helper() {}

func (r *recorder) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	*r.logs = append(*r.logs, r.name+": "+fmt.Sprintf(format, args...))
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	*r.errors = append(*r.errors, r.name+": "+fmt.Sprintf(format, args...))
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Run(name string, f func(T)) bool {
	child := &recorder{mu: r.mu, errors: r.errors, logs: r.logs, name: r.name + "/" + name}
	done := make(chan struct{})
	go func() {
		defer close(done)
		f(child)
	}()
	<-done
	if child.failed {
		r.failed = true
	}
	return !child.failed
}

func TestSuiteCatchesBrokenProviders(t *testing.T) {
	tests := map[string]struct {
		break_ func(f *Fake)
		want   string
	}{
		"planned disagrees with config": {
			func(f *Fake) {
				f.PlanFunc = func(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
					resp := f.DefaultPlan(ctx, req)
					if !resp.Planned.IsNull() {
						m := resp.Planned.AsValueMap()
						m["name"] = cty.StringVal("other")
						resp.Planned = cty.ObjectVal(m)
					}
					return resp
				}
			},
			`plan create: attribute "name": planned "other" but the configuration says "a"`,
		},
		"applied disagrees with plan": {
			func(f *Fake) {
				f.ApplyFunc = func(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
					resp := f.DefaultApply(ctx, req)
					if !resp.NewState.IsNull() && req.TypeName == "fake_thing" {
						m := resp.NewState.AsValueMap()
						m["value"] = cty.StringVal("surprise")
						resp.NewState = cty.ObjectVal(m)
					}
					return resp
				}
			},
			`apply create: attribute "value": applied "surprise" but the plan says "v1"`,
		},
		"applied leaves unknowns": {
			func(f *Fake) {
				f.ApplyFunc = func(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
					f.DefaultApply(ctx, req)
					return providers.ApplyResponse{NewState: req.Planned}
				}
			},
			`apply create: attribute "id": still unknown after apply`,
		},
		"read differs from apply": {
			func(f *Fake) {
				f.ReadFunc = func(ctx context.Context, req providers.ReadRequest) providers.ReadResponse {
					resp := f.DefaultRead(ctx, req)
					if !resp.NewState.IsNull() && req.TypeName == "fake_thing" {
						m := resp.NewState.AsValueMap()
						m["secret"] = cty.StringVal("hunter3")
						resp.NewState = cty.ObjectVal(m)
					}
					return resp
				}
			},
			`read after create: differs from the applied value: attribute "secret" differs (sensitive, not shown)`,
		},
		"no-op plan changes something": {
			func(f *Fake) {
				f.PlanFunc = func(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
					resp := f.DefaultPlan(ctx, req)
					if !req.Prior.IsNull() {
						m := resp.Planned.AsValueMap()
						m["id"] = cty.UnknownVal(cty.String)
						resp.Planned = cty.ObjectVal(m)
					}
					return resp
				}
			},
			`plan without changes: not a no-op: attribute "id"`,
		},
		"update forces replacement": {
			func(f *Fake) {
				f.PlanFunc = func(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
					resp := f.DefaultPlan(ctx, req)
					if !req.Prior.IsNull() && changed(FakeSchema.ResourceType(req.TypeName), req.Prior, req.Config) {
						resp.RequiresReplace = append(resp.RequiresReplace, cty.GetAttrPath("name"))
					}
					return resp
				}
			},
			`plan update: requires a replacement of name`,
		},
		"replace not detected": {
			func(f *Fake) {
				f.PlanFunc = func(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
					resp := f.DefaultPlan(ctx, req)
					resp.RequiresReplace = nil
					if req.TypeName == "fake_thing" && !req.Prior.IsNull() && !resp.Planned.IsNull() {
						m := resp.Planned.AsValueMap()
						m["zone"] = req.Prior.GetAttr("zone")
						resp.Planned = cty.ObjectVal(m)
					}
					return resp
				}
			},
			`plan replace: attribute "zone": planned "z1" but the configuration says "z2"`,
		},
		"delete leaves the object": {
			func(f *Fake) {
				f.ApplyFunc = func(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
					if req.Planned.IsNull() {
						return providers.ApplyResponse{NewState: req.Planned}
					}
					return f.DefaultApply(ctx, req)
				}
			},
			`read after delete: the object is still there`,
		},
		"import finds nothing": {
			func(f *Fake) {
				f.ImportFunc = func(ctx context.Context, req providers.ImportRequest) providers.ImportResponse {
					return providers.ImportResponse{State: cty.NullVal(FakeSchema.ResourceType(req.TypeName).Block.ImpliedType())}
				}
			},
			`import: null state for id`,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			f := configured(t, &Fake{})
			tt.break_(f)
			r := newRecorder()
			RunT(r, f, fakeCases(f)...)
			if !r.failed {
				t.Fatalf("the suite passed a broken provider")
			}
			found := false
			for _, e := range *r.errors {
				if strings.Contains(e, tt.want) {
					found = true
				}
				if strings.Contains(e, "hunter") {
					t.Errorf("a sensitive value leaked: %s", e)
				}
			}
			if !found {
				t.Errorf("no error contains %q; errors:\n%s", tt.want, strings.Join(*r.errors, "\n"))
			}
		})
	}
}

func TestSuiteLogsSkippedSteps(t *testing.T) {
	f := configured(t, &Fake{})
	r := newRecorder()
	RunT(r, f, Case{Type: "fake_group", Create: group("g")})
	if r.failed {
		t.Fatalf("errors: %s", strings.Join(*r.errors, "\n"))
	}
	logs := strings.Join(*r.logs, "\n")
	for _, want := range []string{"no Update config", "no Replace config", "no Vanish func", "fake_thing has no case"} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
}

func TestCheckSchema(t *testing.T) {
	if problems := CheckSchema(FakeSchema); len(problems) != 0 {
		t.Errorf("fake schema: %v", problems)
	}
	bad := *FakeSchema.ResourceTypes[1]
	bad.IDAttribute = "nope"
	bad.Block.Attributes = append(bad.Block.Attributes[:0:0], bad.Block.Attributes...)
	bad.Block.Attributes[0] = &*bad.Block.Attributes[0]
	p := *FakeSchema
	p.ResourceTypes = append(p.ResourceTypes[:0:0], &bad, &bad)
	got := strings.Join(CheckSchema(&p), "\n")
	for _, want := range []string{`IDAttribute "nope" is not an attribute`, `resource type fake_group is declared twice`} {
		if !strings.Contains(got, want) {
			t.Errorf("problems lack %q:\n%s", want, got)
		}
	}
}
