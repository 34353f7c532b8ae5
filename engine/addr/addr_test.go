package addr

import (
	"reflect"
	"testing"
)

// TestPlainResourceParsesAsHCL holds the lexer-free path to HCL's.
func TestPlainResourceParsesAsHCL(t *testing.T) {
	for _, s := range []string{
		"collection.c1", "a_b.c-d", "_x.y2", "site.lab", "A.B",
		"a.b[0]", `a.b["k"]`, "a", ".b", "a.", "a.b.c", "1a.b", "a.1b", "a.-b",
		"-a.b", "é.b", "a .b", "a.b ", "", ".", "a..b", "a.b_", "true.false",
	} {
		fast, fastOK := plainResource(s)
		inst, diags := parseTraversal(s)
		slowOK := !diags.HasErrors() && inst.Key == NoKey
		if fastOK && (!slowOK || !reflect.DeepEqual(inst.Resource, fast)) {
			t.Errorf("%q: plain parse %v, HCL parse %v (%v)", s, fast, inst, diags)
		}
		if got, gotDiags := ParseInstance(s); !reflect.DeepEqual(got, inst) || gotDiags.HasErrors() != diags.HasErrors() {
			t.Errorf("%q: ParseInstance = %v %v, want %v %v", s, got, gotDiags, inst, diags)
		}
	}
}

func FuzzParseInstance(f *testing.F) {
	f.Add("collection.c1")
	f.Add(`a.b["k"]`)
	f.Fuzz(func(t *testing.T, s string) {
		if fast, ok := plainResource(s); ok {
			inst, diags := parseTraversal(s)
			if diags.HasErrors() || inst.Key != NoKey || inst.Resource != fast {
				t.Fatalf("%q: plain parse %v, HCL parse %v (%v)", s, fast, inst, diags)
			}
		}
	})
}

// TestCompareAgreesWithLess holds the sort order to Less.
func TestCompareAgreesWithLess(t *testing.T) {
	r := func(typ, name string) Resource { return Resource{Type: typ, Name: name} }
	list := []Instance{
		{Resource: r("a", "b")}, r("a", "b").Instance(IntKey(0)), r("a", "b").Instance(IntKey(10)),
		r("a", "b").Instance(IntKey(2)), r("a", "b").Instance(StrKey("x")), r("a", "b").Instance(StrKey("")),
		{Resource: r("a", "c")}, {Resource: r("b", "a")}, {Resource: r("ab", "a")},
	}
	for _, x := range list {
		for _, y := range list {
			want := 0
			switch {
			case x.Less(y):
				want = -1
			case y.Less(x):
				want = 1
			}
			if got := Compare(x, y); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", x, y, got, want)
			}
		}
	}
}
