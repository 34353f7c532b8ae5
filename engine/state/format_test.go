package state

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/updplan/updplan/engine/addr"
	"github.com/zclconf/go-cty/cty"
)

var update = flag.Bool("update", false, "rewrite golden files")

var shareType = cty.Object(map[string]cty.Type{
	"name":     cty.String,
	"path":     cty.String,
	"password": cty.String,
	"size":     cty.Number,
	"tags":     cty.Map(cty.String),
	"access": cty.List(cty.Object(map[string]cty.Type{
		"principal": cty.String,
		"rights":    cty.String,
	})),
})

var siteType = cty.Object(map[string]cty.Type{
	"code": cty.String,
	"name": cty.String,
})

func testTypes(name string) (cty.Type, bool) {
	switch name {
	case "share":
		return shareType, true
	case "site":
		return siteType, true
	}
	return cty.NilType, false
}

func siteResource(name, code string) *Resource {
	return &Resource{
		Addr:     addr.Instance{Resource: addr.Resource{Type: "site", Name: name}},
		Type:     "site",
		Provider: "sitedb",
		Value:    cty.ObjectVal(map[string]cty.Value{"code": cty.StringVal(code), "name": cty.StringVal(name)}),
	}
}

func shareResource(key addr.Key, name string) *Resource {
	return &Resource{
		Addr:     addr.Resource{Type: "share", Name: "pkg"}.Instance(key),
		Type:     "share",
		Provider: "share",
		Value: cty.ObjectVal(map[string]cty.Value{
			"name":     cty.StringVal(name),
			"path":     cty.StringVal(`D:\PkgSource`),
			"password": cty.StringVal("hunter2"),
			"size":     cty.NumberIntVal(1024),
			"tags":     cty.MapVal(map[string]cty.Value{"b": cty.StringVal("2"), "a": cty.StringVal("1")}),
			"access": cty.ListVal([]cty.Value{
				cty.ObjectVal(map[string]cty.Value{"principal": cty.StringVal("SMS Admins"), "rights": cty.StringVal("full")}),
				cty.ObjectVal(map[string]cty.Value{"principal": cty.StringVal("Administrators"), "rights": cty.StringVal("full")}),
			}),
		}),
		SensitivePaths: []cty.Path{
			cty.GetAttrPath("password"),
			cty.GetAttrPath("access").IndexInt(1).GetAttr("principal"),
			cty.GetAttrPath("tags").IndexString("a"),
		},
		Private:      []byte{0, 1, 2, 0xff},
		Dependencies: []addr.Resource{{Type: "site", Name: "main"}},
	}
}

// sampleState has every feature of the format: outputs (one sensitive),
// int and string keys, sensitive paths, private bytes, dependencies.
func sampleState() *State {
	s := &State{
		Version:        FormatVersion,
		Serial:         7,
		Lineage:        "5a0cfd43-6a1b-4f7e-9c61-2f0c1f9d2a10",
		UpdplanVersion: "0.1.0",
		Outputs: map[string]*Output{
			"unc":    {Value: cty.StringVal(`\\site\PackageSrc`)},
			"secret": {Value: cty.StringVal("s3cret"), Sensitive: true},
			"ids":    {Value: cty.TupleVal([]cty.Value{cty.StringVal("A"), cty.NumberIntVal(2)})},
		},
		Resources: map[addr.Instance]*Resource{},
	}
	s.Set(siteResource("main", "ABC"))
	s.Set(shareResource(addr.IntKey(0), "PackageSrc"))
	s.Set(shareResource(addr.StrKey("x"), "PackageSrc_1"))
	return s
}

func TestEncodeGolden(t *testing.T) {
	b, err := Encode(sampleState())
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "state.golden.json")
	if *update {
		if err := os.WriteFile(golden, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(b)); diff != "" {
		t.Errorf("encoded state differs from %s (-want +got):\n%s", golden, diff)
	}
	// Map iteration order must not leak into the bytes.
	for i := 0; i < 20; i++ {
		again, err := Encode(sampleState())
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, b) {
			t.Fatal("Encode is not deterministic")
		}
	}
}

var stateCmp = cmp.Options{
	cmp.Comparer(func(a, b cty.Value) bool { return a.RawEquals(b) }),
	cmp.Comparer(func(a, b cty.Path) bool { return a.Equals(b) }),
	cmp.Comparer(func(a, b addr.Instance) bool { return a == b }),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
}

func TestRoundTrip(t *testing.T) {
	want := sampleState()
	b, err := Encode(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b, testTypes)
	if err != nil {
		t.Fatal(err)
	}
	// Encode sorts sensitive paths; compare against the sorted form.
	b2, err := Encode(got)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, b2) {
		t.Fatalf("re-encoding the decoded state changed it:\n%s", cmp.Diff(string(b), string(b2)))
	}
	r := got.Get(addr.Resource{Type: "share", Name: "pkg"}.Instance(addr.StrKey("x")))
	if r == nil {
		t.Fatal(`share.pkg["x"] missing after round trip`)
	}
	wr := want.Get(r.Addr)
	if diff := cmp.Diff(wr.Private, r.Private); diff != "" {
		t.Errorf("private bytes differ:\n%s", diff)
	}
	if len(r.SensitivePaths) != 3 {
		t.Errorf("got %d sensitive paths, want 3", len(r.SensitivePaths))
	}
	for _, p := range wr.SensitivePaths {
		found := false
		for _, q := range r.SensitivePaths {
			found = found || p.Equals(q)
		}
		if !found {
			t.Errorf("sensitive path %#v lost", p)
		}
	}
	if !r.Value.RawEquals(wr.Value) {
		t.Errorf("value = %#v, want %#v", r.Value, wr.Value)
	}
	if diff := cmp.Diff(want.Outputs, got.Outputs, stateCmp); diff != "" {
		t.Errorf("outputs differ:\n%s", diff)
	}
	if got.Serial != 7 || got.Lineage != want.Lineage {
		t.Errorf("serial/lineage = %d/%s", got.Serial, got.Lineage)
	}
}

func TestEncodeMarkedValues(t *testing.T) {
	s := New()
	r := siteResource("main", "ABC")
	r.Value = cty.ObjectVal(map[string]cty.Value{
		"code": cty.StringVal("ABC").Mark("sensitive"),
		"name": cty.StringVal("main"),
	})
	s.Set(r)
	b, err := Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b, testTypes)
	if err != nil {
		t.Fatal(err)
	}
	gr := got.Get(r.Addr)
	if len(gr.SensitivePaths) != 1 || !gr.SensitivePaths[0].Equals(cty.GetAttrPath("code")) {
		t.Fatalf("sensitive paths = %#v, want [code]", gr.SensitivePaths)
	}
	if gr.Value.ContainsMarked() {
		t.Fatal("decoded value carries marks")
	}
}

func TestEncodeRefusesUnknown(t *testing.T) {
	s := New()
	r := siteResource("main", "ABC")
	r.Value = cty.ObjectVal(map[string]cty.Value{"code": cty.UnknownVal(cty.String), "name": cty.StringVal("x")})
	s.Set(r)
	_, err := Encode(s)
	if err == nil || !strings.Contains(err.Error(), "site.main") {
		t.Fatalf("err = %v, want one naming site.main", err)
	}
}

func TestDecodeErrors(t *testing.T) {
	good, err := Encode(sampleState())
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]struct {
		in   string
		want string
	}{
		"newer format": {
			in:   `{"version": 2, "serial": 1, "lineage": "x"}`,
			want: "newer updplan, and this updplan reads versions up to 1. Upgrade updplan",
		},
		"no version": {
			in:   `{"serial": 1}`,
			want: "no format version",
		},
		"truncated": {
			in:   string(good[:len(good)/2]),
			want: "truncated",
		},
		"empty file": {
			in:   "",
			want: "truncated",
		},
		"garbage": {
			in:   "{\n  \"version\": 1,\n  x\n}",
			want: "invalid JSON at line 3, column 3",
		},
		"unknown resource type": {
			in:   `{"version":1,"serial":1,"lineage":"l","resources":[{"address":"widget.a","type":"widget","name":"a","attributes":{}}]}`,
			want: `resource widget.a has type "widget", which this updplan does not know`,
		},
		"wrong attribute kind": {
			in:   `{"version":1,"serial":1,"lineage":"l","resources":[{"address":"site.a","type":"site","name":"a","attributes":{"code":{}}}]}`,
			want: "resource site.a has invalid attributes",
		},
		"address disagrees": {
			in:   `{"version":1,"serial":1,"lineage":"l","resources":[{"address":"site.b","type":"site","name":"a","attributes":{}}]}`,
			want: "address disagrees",
		},
		"duplicate": {
			in:   `{"version":1,"serial":1,"lineage":"l","resources":[{"type":"site","name":"a","attributes":{}},{"type":"site","name":"a","attributes":{}}]}`,
			want: "appears twice",
		},
		"bad private": {
			in:   `{"version":1,"serial":1,"lineage":"l","resources":[{"type":"site","name":"a","attributes":{},"private":"!!"}]}`,
			want: "invalid private data",
		},
		"bad path step": {
			in:   `{"version":1,"serial":1,"lineage":"l","resources":[{"type":"site","name":"a","attributes":{},"sensitive_attributes":[[{"type":"splat","value":1}]]}]}`,
			want: `unknown path step type "splat"`,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s, err := Decode([]byte(tc.in), testTypes)
			if err == nil {
				t.Fatalf("Decode succeeded with %#v", s)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestDecodeDropsRemovedAttributes(t *testing.T) {
	in := `{"version":1,"serial":3,"lineage":"l","resources":[{"type":"site","name":"a","attributes":{"code":"ABC","gone":true}}]}`
	s, err := Decode([]byte(in), testTypes)
	if err != nil {
		t.Fatal(err)
	}
	v := s.Get(addr.Instance{Resource: addr.Resource{Type: "site", Name: "a"}}).Value
	want := cty.ObjectVal(map[string]cty.Value{"code": cty.StringVal("ABC"), "name": cty.NullVal(cty.String)})
	if !v.RawEquals(want) {
		t.Fatalf("value = %#v, want %#v", v, want)
	}
}

// FuzzDecode checks that no input makes Decode panic.
func FuzzDecode(f *testing.F) {
	good, _ := Encode(sampleState())
	f.Add(good)
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte(`{"version":1,"lineage":"l","resources":[{"type":"share","name":"a","index_key":1.5}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Decode(b, testTypes)
		if err == nil {
			if _, err := Encode(s); err != nil {
				t.Fatalf("a decoded state does not encode: %v", err)
			}
		}
	})
}

// generalDecode is what encoding/json makes of b: the structures
// decodeWritten must reproduce.
func generalDecode(b []byte) (inState, error) {
	var f inState
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	err := dec.Decode(&f)
	return f, err
}

// TestDecodeWrittenMatchesEncodingJSON: the fast reader reads what Encode
// writes, and reads it as encoding/json does.
func TestDecodeWrittenMatchesEncodingJSON(t *testing.T) {
	s := bigState(300)
	for k, v := range sampleState().Resources {
		s.Resources[k] = v
	}
	s.Outputs = sampleState().Outputs
	r := s.Resources[addr.Resource{Type: "share", Name: "pkg"}.Instance(addr.IntKey(0))]
	r.SensitivePaths = []cty.Path{cty.GetAttrPath("name"), cty.IndexIntPath(2)}
	r.Private = []byte("private\x00data")
	r.Dependencies = []addr.Resource{{Type: "site", Name: "main"}}
	b, err := Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	fast, ok := decodeWritten(b, nil)
	if !ok {
		t.Fatal("the fast reader declined a file Encode wrote")
	}
	general, err := generalDecode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fast, general) {
		t.Fatal("the fast reader and encoding/json disagree")
	}
	for _, in := range []string{
		`{"version":1,"lineage":"a\u00e9"}`,    // a \u escape, left to encoding/json
		`{"version":1,"Lineage":"x"}`,          // encoding/json matches keys without case
		`{"version":1,"lineage":"x","x":1}`,    // a key it ignores
		`{"version":1,"version":2}`,            // a key twice
		`{"version":1} {"version":2}`,          // trailing data
		`{"version":1.0}`,                      // not an int
		`{"version":1,"outputs":null}`,         // null
		"{\"version\":1,\"lineage\":\"\xff\"}", // invalid UTF-8
	} {
		if _, ok := decodeWritten([]byte(in), nil); ok {
			t.Errorf("the fast reader accepted %s", in)
		}
	}
}

// FuzzDecodeWritten: whatever the fast reader accepts, encoding/json reads
// the same.
func FuzzDecodeWritten(f *testing.F) {
	good, _ := Encode(sampleState())
	f.Add(good)
	f.Add([]byte(`{"version":1,"lineage":"l","resources":[{"type":"share","name":"a","index_key":1.5,"attributes":{"a":[1,true,null,{"b":"c"}]}}]}`))
	f.Add([]byte(`{"version":1,"resources":[]}`))
	f.Add([]byte(`{"version":1,"lineage":"D:\\Updates\t\"x\"\/"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, ok := decodeWritten(b, nil)
		if !ok {
			return
		}
		general, err := generalDecode(b)
		if err != nil {
			t.Fatalf("accepted what encoding/json refuses (%v)", err)
		}
		if !reflect.DeepEqual(fast, general) {
			t.Fatalf("read differently:\nfast    %#v\ngeneral %#v", fast, general)
		}
	})
}

// TestCopySharesResourcesNotMaps: a copy's resources and outputs are added,
// replaced and removed without touching the original's.
func TestCopySharesResourcesNotMaps(t *testing.T) {
	a := addr.Resource{Type: "collection", Name: "a"}.Instance(addr.NoKey)
	b := addr.Resource{Type: "collection", Name: "b"}.Instance(addr.NoKey)
	orig := New()
	orig.Set(&Resource{Addr: a, Type: "collection", Value: cty.StringVal("a")})
	orig.Outputs["o"] = &Output{Value: cty.True}
	c := orig.Copy()
	if c.Resources[a] != orig.Resources[a] {
		t.Fatal("the copy does not share the resource")
	}
	replaced := *c.Resources[a]
	replaced.Value = cty.StringVal("changed")
	c.Set(&replaced)
	c.Set(&Resource{Addr: b, Type: "collection"})
	delete(c.Outputs, "o")
	if got := orig.Resources[a].Value; !got.RawEquals(cty.StringVal("a")) || len(orig.Resources) != 1 || len(orig.Outputs) != 1 {
		t.Fatalf("the original changed: %#v, %d resources, %d outputs", got, len(orig.Resources), len(orig.Outputs))
	}
	if (*State)(nil).Copy() != nil {
		t.Fatal("a nil state copies to a state")
	}
}
