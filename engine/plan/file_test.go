package plan

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/state"
	"github.com/zclconf/go-cty/cty"
)

var thingType = cty.Object(map[string]cty.Type{
	"name":   cty.String,
	"secret": cty.String,
	"tags":   cty.Set(cty.String),
	"id":     cty.String,
	"count":  cty.Number,
})

func testTypes(name string) (cty.Type, bool) {
	if name == "thing" {
		return thingType, true
	}
	return cty.NilType, false
}

func thingVal(name, id string) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"name": cty.StringVal(name), "secret": cty.StringVal("hunter2"),
		"tags": cty.SetVal([]cty.Value{cty.StringVal("a")}), "id": cty.StringVal(id), "count": cty.NumberIntVal(3),
	})
}

func inst(name string, k addr.Key) addr.Instance {
	return addr.Instance{Resource: addr.Resource{Type: "thing", Name: name}, Key: k}
}

type testMark struct{}

func samplePlan() *Plan {
	st := state.New()
	st.Serial = 7
	st.UpdplanVersion = "0.1.0"
	st.Outputs["o"] = &state.Output{Value: cty.StringVal("out"), Sensitive: true}
	st.Set(&state.Resource{
		Addr: inst("old", addr.IntKey(2)), Type: "thing", Provider: "fake", Value: thingVal("old", "T1"),
		SensitivePaths: []cty.Path{cty.GetAttrPath("secret")}, Private: []byte{1, 2, 3},
		Dependencies: []addr.Resource{{Type: "thing", Name: "base"}},
	})
	prior := st.DeepCopy()
	after := cty.ObjectVal(map[string]cty.Value{
		"name":   cty.StringVal("new"),
		"secret": cty.StringVal("hunter2").Mark(testMark{}),
		"tags":   cty.UnknownVal(cty.Set(cty.String)),
		"id":     cty.UnknownVal(cty.String),
		"count":  cty.NumberIntVal(3),
	})
	return &Plan{
		Mode: NormalMode,
		Changes: []*ResourceChange{
			{
				Addr: inst("new", addr.StrKey(`we"ird ${key}`)), Type: "thing", Provider: "fake",
				Action: Create, Before: cty.NullVal(thingType), After: after, Config: thingVal("new", ""),
				AfterSensitive: []cty.Path{cty.GetAttrPath("secret")}, Private: []byte("p"),
				Dependencies: []addr.Resource{{Type: "thing", Name: "old"}}, CreateBeforeDestroy: true,
			},
			{
				Addr: inst("old", addr.IntKey(2)), PrevAddr: inst("older", addr.NoKey), Type: "thing", Provider: "fake",
				Action: DeleteThenCreate, Reason: ReplaceBecauseCannotUpdate,
				Before: thingVal("old", "T1"), After: thingVal("old2", "T1"), Config: thingVal("old2", ""),
				ReplacePaths:    []cty.Path{cty.GetAttrPath("name"), cty.GetAttrPath("tags").Index(cty.StringVal("a"))},
				BeforeSensitive: []cty.Path{cty.GetAttrPath("secret")}, ImportID: "T1",
			},
			{Addr: inst("gone", addr.NoKey), Type: "thing", Provider: "fake", Action: Delete, Before: thingVal("gone", "T9"), After: cty.NullVal(thingType), Config: cty.NilVal},
		},
		Drift: []*ResourceChange{
			{Addr: inst("old", addr.IntKey(2)), Type: "thing", Provider: "fake", Action: Update, Before: thingVal("old", "T1"), After: thingVal("old", "T1")},
		},
		Outputs: []*OutputChange{
			{Name: "a", Action: Create, Before: cty.NullVal(cty.DynamicPseudoType), After: cty.UnknownVal(cty.String)},
			{Name: "s", Action: NoOp, Before: cty.StringVal("x").Mark(testMark{}), After: cty.StringVal("x").Mark(testMark{}), Sensitive: true},
		},
		Variables: map[string]cty.Value{
			"region": cty.StringVal("eu"),
			"dsn":    cty.StringVal("postgres://u:pw@h/db").Mark(testMark{}),
			"nested": cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x"), "pw": cty.StringVal("y").Mark(testMark{})}),
			"list":   cty.ListVal([]cty.Value{cty.NumberIntVal(1), cty.NumberFloatVal(2.5)}),
		},
		SensitiveVariables: map[string]bool{"dsn": true},
		PrevRunState:       st,
		PriorState:         prior,
		ConfigDigest:       "sha256:abc",
		Targets:            []addr.Instance{inst("new", addr.StrKey("k"))},
		Replace:            []addr.Instance{inst("old", addr.IntKey(2))},
		Timestamp:          time.Date(2026, 11, 25, 9, 0, 0, 123, time.UTC),
		Checks: []*CheckResult{
			{Resource: addr.Resource{Type: "thing", Name: "new"}, Instances: []CheckInstance{
				{Addr: inst("new", addr.StrKey("a")), Status: CheckFail, Problems: []string{"Too few."}},
				{Addr: inst("new", addr.StrKey("k")), Status: CheckUnknown},
			}},
			{Resource: addr.Resource{Type: "thing", Name: "old"}, Instances: []CheckInstance{{Addr: inst("old", addr.NoKey), Status: CheckPass}}},
		},
		Reads: []*DataRead{
			{Addr: addr.Instance{Resource: addr.Resource{Type: "compliance", Name: "pilot"}, Key: addr.StrKey("a")},
				Value: cty.ObjectVal(map[string]cty.Value{"clients": cty.NumberIntVal(3), "newest_scan": cty.NullVal(cty.String)})},
			{Addr: addr.Instance{Resource: addr.Resource{Type: "compliance", Name: "late"}},
				Value: cty.UnknownVal(cty.Object(map[string]cty.Type{"clients": cty.Number}))},
		},
	}
}

func TestCheckStatus(t *testing.T) {
	p := samplePlan()
	if got := p.Checks[0].Status(); got != CheckFail {
		t.Errorf("status = %s, want fail", got)
	}
	for _, tc := range []struct {
		in   []CheckStatus
		want CheckStatus
	}{
		{nil, CheckPass},
		{[]CheckStatus{CheckPass, CheckUnknown}, CheckUnknown},
		{[]CheckStatus{CheckUnknown, CheckError}, CheckError},
		{[]CheckStatus{CheckError, CheckFail, CheckPass}, CheckFail},
	} {
		if got := CombineStatus(tc.in...); got != tc.want {
			t.Errorf("CombineStatus(%v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

var planCmp = []cmp.Option{
	cmp.Comparer(func(a, b cty.Value) bool {
		if a == cty.NilVal || b == cty.NilVal {
			return a == cty.NilVal && b == cty.NilVal
		}
		return a.RawEquals(b)
	}),
	cmp.Comparer(func(a, b cty.Path) bool { return a.Equals(b) }),
	cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) }),
	cmp.AllowUnexported(addr.Key{}),
}

func TestFileRoundTrip(t *testing.T) {
	old := SensitiveMark
	SensitiveMark = testMark{}
	defer func() { SensitiveMark = old }()

	want := samplePlan()
	path := filepath.Join(t.TempDir(), "tfplan")
	if err := WriteFile(path, want, nil); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v; want 0600", fi.Mode().Perm())
	}
	got, err := ReadFile(path, testTypes, nil)
	if err != nil {
		t.Fatal(err)
	}
	// state.Decode normalises the states' format version.
	want.PrevRunState.Version, want.PriorState.Version = state.FormatVersion, state.FormatVersion
	if diff := cmp.Diff(want, got, planCmp...); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if got.Changes[0].After.GetAttr("id").IsKnown() {
		t.Errorf("unknown id came back known")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("WriteFile left %d files in the directory; want 1", len(entries))
	}
}

func TestDecodeFileErrors(t *testing.T) {
	good, err := EncodeFile(samplePlan())
	if err != nil {
		t.Fatal(err)
	}
	st, _ := state.Encode(state.New())
	fv, err := encodeValue(cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("b")}))
	if err != nil {
		t.Fatal(err)
	}
	okValue := base64.StdEncoding.EncodeToString(fv.Msgpack)
	tests := map[string]struct {
		input []byte
		types state.TypeFunc
		want  string
	}{
		"empty":          {[]byte(""), testTypes, "not a saved plan"},
		"text":           {[]byte("hello"), testTypes, "not a saved plan"},
		"other json":     {[]byte(`{"a": 1}`), testTypes, "not a saved plan"},
		"state file":     {st, testTypes, "this is a state file, not a saved plan"},
		"truncated":      {good[:len(good)/2], testTypes, "truncated"},
		"newer":          {[]byte(`{"format": "updplan-plan", "format_version": 99}`), testTypes, "plan format version 99 by a newer updplan"},
		"version zero":   {[]byte(`{"format": "updplan-plan", "format_version": 0}`), testTypes, "which no updplan writes"},
		"bad mode":       {[]byte(`{"format": "updplan-plan", "format_version": 1, "mode": "yolo"}`), testTypes, `unknown plan mode "yolo"`},
		"wrong kind":     {[]byte(`{"format": "updplan-plan", "format_version": 1, "changes": 3}`), testTypes, "wrong kind"},
		"schema changed": {good, func(string) (cty.Type, bool) { return cty.Object(map[string]cty.Type{"name": cty.String}), true }, "does not fit the schema of thing any more"},
		"unknown type":   {good, func(string) (cty.Type, bool) { return cty.NilType, false }, `resource type "thing" is unknown`},
		"bad value": {[]byte(`{"format": "updplan-plan", "format_version": 1, "mode": "normal", "variables": {"x": {"msgpack": "AAAA"}}}`), testTypes,
			`variable "x": invalid value`},
		"bad path": {[]byte(`{"format": "updplan-plan", "format_version": 1, "mode": "normal", "variables": {"x": {"msgpack": "` + okValue + `", "sensitive": [[{"attr": "a", "index": 1}]]}}}`), testTypes,
			"exactly one of attr and index"},
		"path leads nowhere": {[]byte(`{"format": "updplan-plan", "format_version": 1, "mode": "normal", "variables": {"x": {"msgpack": "` + okValue + `", "sensitive": [[{"attr": "zz"}]]}}}`), testTypes,
			"a sensitive path leads nowhere"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p, err := DecodeFile(tt.input, tt.types)
			if err == nil {
				t.Fatalf("no error; plan %+v", p)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q; want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestFileStateWithoutLineage(t *testing.T) {
	// The engine's prior state on a first run: no lineage yet.
	first := &state.State{Resources: map[addr.Instance]*state.Resource{}, Outputs: map[string]*state.Output{}}
	b, err := EncodeFile(&Plan{PrevRunState: nil, PriorState: first})
	if err != nil {
		t.Fatal(err)
	}
	p, err := DecodeFile(b, testTypes)
	if err != nil {
		t.Fatal(err)
	}
	if p.PrevRunState != nil {
		t.Errorf("PrevRunState = %+v; want nil", p.PrevRunState)
	}
	if p.PriorState == nil || p.PriorState.Lineage != "" || len(p.PriorState.Resources) != 0 {
		t.Errorf("PriorState = %+v; want an empty state without lineage", p.PriorState)
	}
}

func TestReadFileNames(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p")
	os.WriteFile(path, []byte("nope"), 0o600)
	_, err := ReadFile(path, testTypes, nil)
	if err == nil || !strings.Contains(err.Error(), "plan file "+path+": not a saved plan") {
		t.Errorf("err = %v", err)
	}
}

func TestDefaultSensitiveMark(t *testing.T) {
	b, err := EncodeFile(&Plan{Variables: map[string]cty.Value{"pw": cty.StringVal("x").Mark("anything")}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := DecodeFile(b, testTypes)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Variables["pw"].HasMark(SensitiveMark) {
		t.Errorf("a marked variable came back without the sensitive mark")
	}
}

func FuzzReadPlanFile(f *testing.F) {
	good, err := EncodeFile(samplePlan())
	if err != nil {
		f.Fatal(err)
	}
	empty, _ := EncodeFile(&Plan{})
	f.Add(good)
	f.Add(empty)
	f.Add(good[:len(good)/3])
	fv, err := encodeValue(cty.ListVal([]cty.Value{cty.StringVal("b")}))
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"format": "updplan-plan", "format_version": 1, "mode": "normal", "variables": {"x": {"msgpack": "` +
		base64.StdEncoding.EncodeToString(fv.Msgpack) + `", "sensitive": [[{"index": 0}]]}}}`))
	f.Add([]byte(`{"format": "updplan-plan", "format_version": 1, "mode": "normal", "targets": [{"type": "a", "name": "b", "key": -1}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := DecodeFile(b, testTypes)
		if err == nil {
			if _, err := EncodeFile(p); err != nil {
				t.Errorf("a plan that decodes does not encode again: %v", err)
			}
		}
	})
}

func TestDecodeValueRefusesHugeLengths(t *testing.T) {
	fv, err := encodeValue(cty.ObjectVal(map[string]cty.Value{
		"l": cty.ListValEmpty(cty.String),
		"m": cty.MapVal(map[string]cty.Value{"k": cty.StringVal("v")}),
	}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeValue(fv); err != nil {
		t.Fatalf("a good value: %v", err)
	}
	tests := map[string]struct{ old, new []byte }{
		"array32 length": {[]byte{0x90}, []byte{0xdd, 0x7f, 0xff, 0xff, 0xff}},
		"map32 length":   {[]byte{0x81}, []byte{0xdf, 0x7f, 0xff, 0xff, 0xff}},
		"str32 length":   {[]byte{0xa1, 'v'}, []byte{0xdb, 0x7f, 0xff, 0xff, 0xff, 'v'}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if !bytes.Contains(fv.Msgpack, tt.old) {
				t.Fatalf("fixture lacks % x: % x", tt.old, fv.Msgpack)
			}
			bad := bytes.Replace(fv.Msgpack, tt.old, tt.new, 1)
			_, err := decodeValue(&fileValue{Msgpack: bad})
			if err == nil || !strings.Contains(err.Error(), "runs past the end") {
				t.Errorf("err = %v; want a length error", err)
			}
		})
	}
	deep := bytes.Repeat([]byte{0x91}, 5000)
	if err := checkMsgpack(append(deep, 0xc0)); err == nil || !strings.Contains(err.Error(), "nested too deeply") {
		t.Errorf("deep nesting: err = %v", err)
	}
	if err := checkMsgpack(append(fv.Msgpack, 0xc0)); err == nil {
		t.Errorf("trailing bytes accepted")
	}
}
