package providertest

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

var (
	_ providers.Provider    = (*Fake)(nil)
	_ providers.Importer    = (*Fake)(nil)
	_ providers.BatchReader = (*Fake)(nil)
)

// FakeSchema is the schema of the fake provider: resource types fake_thing
// and fake_group, and a provider block with an optional id_prefix.
var FakeSchema = &schema.Provider{
	Name: "fake",
	Doc:  "An in-memory provider for tests.",
	Config: schema.Block{Attributes: []*schema.Attribute{
		{Name: "id_prefix", Type: cty.String, Optional: true, Doc: "Prefix of the ids the provider assigns."},
	}},
	ResourceTypes: []*schema.ResourceType{
		{
			Name: "fake_thing", Provider: "fake", Doc: "A thing.", IDAttribute: "id",
			Block: schema.Block{Attributes: []*schema.Attribute{
				{Name: "name", Type: cty.String, Required: true, Doc: "Name."},
				{Name: "value", Type: cty.String, Optional: true, Doc: "A value changed in place."},
				{Name: "tags", Type: cty.Set(cty.String), Optional: true, Doc: "Tags; order never counts."},
				{Name: "secret", Type: cty.String, Optional: true, Sensitive: true, Doc: "A sensitive value."},
				{Name: "zone", Type: cty.String, Optional: true, ForceNew: true, Doc: "A change replaces the thing."},
				{Name: "id", Type: cty.String, Computed: true, Doc: "Assigned at create."},
				{Name: "serial", Type: cty.Number, Computed: true, Doc: "1 at create, one more at every update."},
			}},
		},
		{
			Name: "fake_group", Provider: "fake", Doc: "A group of things.", IDAttribute: "id",
			Block: schema.Block{Attributes: []*schema.Attribute{
				{Name: "name", Type: cty.String, Required: true, Doc: "Name."},
				{Name: "members", Type: cty.List(cty.String), Optional: true, Doc: "Members, in order."},
				{Name: "id", Type: cty.String, Computed: true, Doc: "Assigned at create."},
			}},
		},
	},
}

// Call is one call the fake provider received.
type Call struct {
	Method string // "Configure", "Read", "ReadMany", "Plan", "Apply", "Import"
	Type   string
	Addr   addr.Instance
	// Action of an Apply: "create", "update" or "delete".
	Action string
}

// FakeObject is one object the fake provider holds.
type FakeObject struct {
	ID    string
	Type  string
	Addr  addr.Instance // the address that created or last updated it
	Value cty.Value
}

// Fake is an in-memory provider for engine tests. Its zero value is ready
// to use; its default behaviour follows the provider contract (and passes
// Run). The exported fields change it; set them before the first call.
type Fake struct {
	// Hooks replace the default behaviour of a method. A hook may call
	// the Default* method to wrap it.
	ConfigureFunc func(ctx context.Context, req providers.ConfigureRequest) hcl.Diagnostics
	ReadFunc      func(ctx context.Context, req providers.ReadRequest) providers.ReadResponse
	PlanFunc      func(ctx context.Context, req providers.PlanRequest) providers.PlanResponse
	ApplyFunc     func(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse
	ImportFunc    func(ctx context.Context, req providers.ImportRequest) providers.ImportResponse

	// FailApply makes Apply of the object at an address (as printed, e.g.
	// `fake_thing.a["x"]`) fail with the message, leaving the object as it
	// was. FailRead does the same for Read and ReadMany.
	FailApply map[string]string
	FailRead  map[string]string
	// FailApplyIf, when it returns a message, makes that Apply fail.
	FailApplyIf func(req providers.ApplyRequest) string

	// RequireConfigure makes every call before Configure an error (to catch
	// an engine that forgets it).
	RequireConfigure bool

	mu         sync.Mutex
	configured bool
	prefix     string
	nextID     int
	objects    map[string]*FakeObject // by id
	calls      []Call
	reads      int
	batchReads int
	plans      int
	applies    int
}

// Name implements providers.Provider.
func (f *Fake) Name() string { return "fake" }

// Schema implements providers.Provider.
func (f *Fake) Schema() *schema.Provider { return FakeSchema }

// Configure implements providers.Provider.
func (f *Fake) Configure(ctx context.Context, req providers.ConfigureRequest) hcl.Diagnostics {
	f.record(Call{Method: "Configure"})
	if f.ConfigureFunc != nil {
		if diags := f.ConfigureFunc(ctx, req); diags.HasErrors() {
			return diags
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.configured = true
	if !req.Config.IsNull() && req.Config.Type().IsObjectType() && req.Config.Type().HasAttribute("id_prefix") {
		if p := req.Config.GetAttr("id_prefix"); p.IsKnown() && !p.IsNull() {
			f.prefix = p.AsString()
		}
	}
	return nil
}

// Read implements providers.Provider.
func (f *Fake) Read(ctx context.Context, req providers.ReadRequest) providers.ReadResponse {
	f.record(Call{Method: "Read", Type: req.TypeName, Addr: req.Addr})
	f.count(&f.reads)
	if d := f.notConfigured(); d != nil {
		return providers.ReadResponse{NewState: req.Prior, Diagnostics: hcl.Diagnostics{d}}
	}
	if f.ReadFunc != nil {
		return f.ReadFunc(ctx, req)
	}
	return f.DefaultRead(ctx, req)
}

// DefaultRead is Read without hooks: the stored object with the prior's id,
// or null.
func (f *Fake) DefaultRead(_ context.Context, req providers.ReadRequest) providers.ReadResponse {
	if msg, ok := f.FailRead[req.Addr.String()]; ok {
		return providers.ReadResponse{NewState: req.Prior, Diagnostics: hcl.Diagnostics{providers.Error("Injected read failure", msg)}}
	}
	rt, diags := f.resourceType(req.TypeName)
	if diags != nil {
		return providers.ReadResponse{NewState: req.Prior, Diagnostics: diags}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	obj := f.objects[idOf(req.Prior)]
	if obj == nil || obj.Type != req.TypeName {
		return providers.ReadResponse{NewState: cty.NullVal(rt.Block.ImpliedType()), Private: req.Private}
	}
	return providers.ReadResponse{NewState: obj.Value, Private: req.Private}
}

// ReadMany implements providers.BatchReader.
func (f *Fake) ReadMany(ctx context.Context, reqs []providers.ReadRequest) []providers.ReadResponse {
	f.record(Call{Method: "ReadMany"})
	f.count(&f.batchReads)
	out := make([]providers.ReadResponse, len(reqs))
	for i, req := range reqs {
		switch d := f.notConfigured(); {
		case d != nil:
			out[i] = providers.ReadResponse{NewState: req.Prior, Diagnostics: hcl.Diagnostics{d}}
		case f.ReadFunc != nil:
			out[i] = f.ReadFunc(ctx, req)
		default:
			out[i] = f.DefaultRead(ctx, req)
		}
	}
	return out
}

// Plan implements providers.Provider.
func (f *Fake) Plan(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
	f.record(Call{Method: "Plan", Type: req.TypeName, Addr: req.Addr})
	f.count(&f.plans)
	if d := f.notConfigured(); d != nil {
		return providers.PlanResponse{Diagnostics: hcl.Diagnostics{d}}
	}
	if f.PlanFunc != nil {
		return f.PlanFunc(ctx, req)
	}
	return f.DefaultPlan(ctx, req)
}

// DefaultPlan is Plan without hooks: the configuration, with computed
// attributes unknown on create and on replace, the prior's id on update,
// and serial unknown when anything changes; a change of zone requires a
// replacement.
func (f *Fake) DefaultPlan(_ context.Context, req providers.PlanRequest) providers.PlanResponse {
	rt, diags := f.resourceType(req.TypeName)
	if diags != nil {
		return providers.PlanResponse{Diagnostics: diags}
	}
	if req.Config.IsNull() {
		return providers.PlanResponse{Planned: cty.NullVal(rt.Block.ImpliedType())}
	}
	var replace []cty.Path
	if !req.Prior.IsNull() && rt.Block.Attribute("zone") != nil {
		if eq := req.Prior.GetAttr("zone").Equals(req.Config.GetAttr("zone")); !eq.IsKnown() || eq.False() {
			replace = append(replace, cty.GetAttrPath("zone"))
		}
	}
	prior := req.Prior
	if len(replace) > 0 {
		prior = cty.NullVal(rt.Block.ImpliedType())
	}
	attrs := req.Config.AsValueMap()
	for _, a := range rt.Block.Attributes {
		if !a.Computed {
			continue
		}
		if prior.IsNull() {
			attrs[a.Name] = cty.UnknownVal(a.Type)
		} else {
			attrs[a.Name] = prior.GetAttr(a.Name)
		}
	}
	if !prior.IsNull() && rt.Block.Attribute("serial") != nil && changed(rt, prior, cty.ObjectVal(attrs)) {
		attrs["serial"] = cty.UnknownVal(cty.Number)
	}
	return providers.PlanResponse{Planned: cty.ObjectVal(attrs), RequiresReplace: replace, PlannedPrivate: req.PriorPrivate}
}

// changed reports whether a non-computed attribute differs.
func changed(rt *schema.ResourceType, prior, planned cty.Value) bool {
	for _, a := range rt.Block.Attributes {
		if a.Computed {
			continue
		}
		if eq := prior.GetAttr(a.Name).Equals(planned.GetAttr(a.Name)); !eq.IsKnown() || eq.False() {
			return true
		}
	}
	return false
}

// Apply implements providers.Provider.
func (f *Fake) Apply(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	call := Call{Method: "Apply", Type: req.TypeName, Addr: req.Addr, Action: "update"}
	switch {
	case req.Prior.IsNull():
		call.Action = "create"
	case req.Planned.IsNull():
		call.Action = "delete"
	}
	f.record(call)
	f.count(&f.applies)
	if d := f.notConfigured(); d != nil {
		return providers.ApplyResponse{NewState: req.Prior, Diagnostics: hcl.Diagnostics{d}}
	}
	if f.ApplyFunc != nil {
		return f.ApplyFunc(ctx, req)
	}
	return f.DefaultApply(ctx, req)
}

// DefaultApply is Apply without hooks: it stores the planned object with
// its computed attributes filled (a new id from the counter on create,
// serial 1 on create and one more on update), or deletes it.
func (f *Fake) DefaultApply(_ context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	fail := func(summary, detail string) providers.ApplyResponse {
		return providers.ApplyResponse{NewState: req.Prior, Private: req.PlannedPrivate, Diagnostics: hcl.Diagnostics{providers.Error(summary, detail)}}
	}
	if msg, ok := f.FailApply[req.Addr.String()]; ok {
		return fail("Injected apply failure", msg)
	}
	if f.FailApplyIf != nil {
		if msg := f.FailApplyIf(req); msg != "" {
			return fail("Injected apply failure", msg)
		}
	}
	rt, diags := f.resourceType(req.TypeName)
	if diags != nil {
		return providers.ApplyResponse{NewState: req.Prior, Diagnostics: diags}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.objects == nil {
		f.objects = map[string]*FakeObject{}
	}
	if req.Planned.IsNull() {
		delete(f.objects, idOf(req.Prior))
		return providers.ApplyResponse{NewState: req.Planned}
	}

	attrs := req.Planned.AsValueMap()
	for _, a := range rt.Block.Attributes {
		if attrs[a.Name].IsWhollyKnown() {
			continue
		}
		if !a.Computed && !req.Config.IsNull() {
			attrs[a.Name] = req.Config.GetAttr(a.Name)
		}
	}
	var obj *FakeObject
	if req.Prior.IsNull() {
		f.nextID++
		obj = &FakeObject{ID: fmt.Sprintf("%s%s-%d", f.prefix, req.TypeName, f.nextID), Type: req.TypeName}
		f.objects[obj.ID] = obj
		attrs["id"] = cty.StringVal(obj.ID)
		if _, ok := attrs["serial"]; ok {
			attrs["serial"] = cty.NumberIntVal(1)
		}
	} else {
		obj = f.objects[idOf(req.Prior)]
		if obj == nil {
			return fail("Object vanished", fmt.Sprintf("%s was deleted outside updplan before it could be updated. Run plan again to create it anew.", req.Addr))
		}
		if s, ok := attrs["serial"]; ok && !s.IsKnown() {
			attrs["serial"] = obj.Value.GetAttr("serial").Add(cty.NumberIntVal(1))
		}
	}
	obj.Addr = req.Addr
	obj.Value = cty.ObjectVal(attrs)
	return providers.ApplyResponse{NewState: obj.Value, Private: req.PlannedPrivate}
}

// Import implements providers.Importer.
func (f *Fake) Import(ctx context.Context, req providers.ImportRequest) providers.ImportResponse {
	f.record(Call{Method: "Import", Type: req.TypeName, Addr: req.Addr})
	if d := f.notConfigured(); d != nil {
		return providers.ImportResponse{Diagnostics: hcl.Diagnostics{d}}
	}
	if f.ImportFunc != nil {
		return f.ImportFunc(ctx, req)
	}
	return f.DefaultImport(ctx, req)
}

// DefaultImport is Import without hooks: the stored object with that id.
func (f *Fake) DefaultImport(_ context.Context, req providers.ImportRequest) providers.ImportResponse {
	rt, diags := f.resourceType(req.TypeName)
	if diags != nil {
		return providers.ImportResponse{Diagnostics: diags}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	obj := f.objects[req.ID]
	if obj == nil || obj.Type != req.TypeName {
		return providers.ImportResponse{
			State: cty.NullVal(rt.Block.ImpliedType()),
			Diagnostics: hcl.Diagnostics{providers.Errorf("Object not found",
				"There is no %s with id %q. Check the id, or remove the import block.", req.TypeName, req.ID)},
		}
	}
	return providers.ImportResponse{State: obj.Value}
}

// SetObject changes the object at an address behind the engine's back
// (drift), or creates one there with a new id. Attributes of v that are
// null keep the stored object's id.
func (f *Fake) SetObject(a addr.Instance, v cty.Value) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.objects == nil {
		f.objects = map[string]*FakeObject{}
	}
	obj := f.byAddr(a)
	if obj == nil {
		f.nextID++
		obj = &FakeObject{ID: fmt.Sprintf("%s%s-%d", f.prefix, a.Resource.Type, f.nextID), Type: a.Resource.Type, Addr: a}
		f.objects[obj.ID] = obj
	}
	if id := v.GetAttr("id"); id.IsNull() {
		m := v.AsValueMap()
		m["id"] = cty.StringVal(obj.ID)
		v = cty.ObjectVal(m)
	} else if id.AsString() != obj.ID {
		delete(f.objects, obj.ID)
		obj.ID = id.AsString()
		f.objects[obj.ID] = obj
	}
	obj.Value = v
}

// DeleteObject deletes the object at an address behind the engine's back.
// It reports whether there was one.
func (f *Fake) DeleteObject(a addr.Instance) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if obj := f.byAddr(a); obj != nil {
		delete(f.objects, obj.ID)
		return true
	}
	return false
}

// Object returns the object at an address, if any.
func (f *Fake) Object(a addr.Instance) (FakeObject, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if obj := f.byAddr(a); obj != nil {
		return *obj, true
	}
	return FakeObject{}, false
}

// Objects returns every object, sorted by id.
func (f *Fake) Objects() []FakeObject {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]FakeObject, 0, len(f.objects))
	for _, o := range f.objects {
		out = append(out, *o)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Calls returns the calls received so far, in order.
func (f *Fake) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

// Reads counts Read calls; BatchReads ReadMany calls; Plans and Applies
// their methods.
func (f *Fake) Reads() int      { return f.counter(&f.reads) }
func (f *Fake) BatchReads() int { return f.counter(&f.batchReads) }
func (f *Fake) Plans() int      { return f.counter(&f.plans) }
func (f *Fake) Applies() int    { return f.counter(&f.applies) }

func (f *Fake) counter(n *int) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return *n
}

func (f *Fake) count(n *int) {
	f.mu.Lock()
	*n++
	f.mu.Unlock()
}

func (f *Fake) record(c Call) {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
}

func (f *Fake) notConfigured() *hcl.Diagnostic {
	if !f.RequireConfigure {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.configured {
		return nil
	}
	return providers.Error("Provider not configured", "The fake provider was called before Configure. This is a bug in the engine.")
}

func (f *Fake) resourceType(name string) (*schema.ResourceType, hcl.Diagnostics) {
	if rt := FakeSchema.ResourceType(name); rt != nil {
		return rt, nil
	}
	return nil, hcl.Diagnostics{providers.Errorf("Unknown resource type",
		"The fake provider has no resource type %q. This is a bug in the engine.", name)}
}

// byAddr finds the object last applied at a; f.mu is held.
func (f *Fake) byAddr(a addr.Instance) *FakeObject {
	for _, o := range f.objects {
		if o.Addr == a {
			return o
		}
	}
	return nil
}

func idOf(v cty.Value) string {
	if v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() || !v.Type().HasAttribute("id") {
		return ""
	}
	id := v.GetAttr("id")
	if id.IsNull() || !id.IsKnown() {
		return ""
	}
	return id.AsString()
}
