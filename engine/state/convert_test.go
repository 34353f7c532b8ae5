package state

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

func plainJSON(t *testing.T, b []byte) any {
	t.Helper()
	var j any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&j); err != nil {
		t.Fatal(err)
	}
	return j
}

// TestJSONToValueInvertsMarshal checks jsonToValue against what
// ctyjson.Marshal writes, for every kind of type a schema can use.
func TestJSONToValueInvertsMarshal(t *testing.T) {
	tests := map[string]cty.Value{
		"string":         cty.StringVal("PackageSrc"),
		"big number":     cty.MustParseNumberVal("123456789012345678901234567890.5"),
		"bool":           cty.True,
		"null string":    cty.NullVal(cty.String),
		"list":           cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}),
		"empty list":     cty.ListValEmpty(cty.Number),
		"set":            cty.SetVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}),
		"empty set":      cty.SetValEmpty(cty.String),
		"map":            cty.MapVal(map[string]cty.Value{"x": cty.NumberIntVal(1)}),
		"empty map":      cty.MapValEmpty(cty.Bool),
		"tuple":          cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.NumberIntVal(2)}),
		"null in object": cty.ObjectVal(map[string]cty.Value{"a": cty.NullVal(cty.List(cty.String)), "b": cty.StringVal("x")}),
		"nested": cty.ObjectVal(map[string]cty.Value{
			"access": cty.SetVal([]cty.Value{
				cty.ObjectVal(map[string]cty.Value{"principal": cty.StringVal("SMS Admins"), "rights": cty.StringVal("full")}),
			}),
			"sms2003": cty.ObjectVal(map[string]cty.Value{"enabled": cty.True, "schedule": cty.ListValEmpty(cty.String)}),
		}),
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			b, err := ctyjson.Marshal(want, want.Type())
			if err != nil {
				t.Fatal(err)
			}
			got, err := jsonToValue(plainJSON(t, b), want.Type(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if !got.RawEquals(want) {
				t.Fatalf("got %#v, want %#v", got, want)
			}
		})
	}
}

func TestJSONToValueDynamic(t *testing.T) {
	ty := cty.Object(map[string]cty.Type{"any": cty.DynamicPseudoType})
	got, err := jsonToValue(plainJSON(t, []byte(`{"any": {"k": [1, "x"]}}`)), ty, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := cty.ObjectVal(map[string]cty.Value{"any": cty.ObjectVal(map[string]cty.Value{
		"k": cty.TupleVal([]cty.Value{cty.NumberIntVal(1), cty.StringVal("x")}),
	})})
	if !got.RawEquals(want) {
		t.Fatalf("got %#v, want %#v", got, want)
	}
}

func TestJSONToValueErrorsNameTheAttribute(t *testing.T) {
	_, err := jsonToValue(plainJSON(t, []byte(`{"access": [{"principal": "a", "rights": 3}]}`)), shareType, nil)
	if err == nil {
		t.Fatal("a number was accepted for a string")
	}
	if msg := valueError(err); !strings.Contains(msg, "access[0].rights: a string is required") {
		t.Fatalf("error %q does not name access[0].rights", msg)
	}
}
