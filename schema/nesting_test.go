package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// TestNestingModes decodes the same blocks under each nesting mode: what
// the decoder spec makes of them, and of a body without them.
func TestNestingModes(t *testing.T) {
	inner := Block{Attributes: []*Attribute{optional("address", str, "")}}
	obj := func(addr string) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{"address": cty.StringVal(addr)})
	}
	objType := cty.Object(map[string]cty.Type{"address": cty.String})
	for name, tt := range map[string]struct {
		nesting NestingMode
		src     string
		want    cty.Value
		absent  cty.Value
		header  hcl.BlockHeaderSchema
		errs    []string
	}{
		"single": {
			nesting: NestingSingle, src: `server { address = "a" }`,
			want: obj("a"), absent: cty.NullVal(objType), header: hcl.BlockHeaderSchema{Type: "server"},
		},
		"list": {
			nesting: NestingList, src: "server { address = \"b\" }\nserver { address = \"a\" }",
			want: cty.ListVal([]cty.Value{obj("b"), obj("a")}), absent: cty.ListValEmpty(objType), header: hcl.BlockHeaderSchema{Type: "server"},
		},
		"set": {
			nesting: NestingSet, src: "server { address = \"b\" }\nserver { address = \"a\" }",
			want: cty.SetVal([]cty.Value{obj("a"), obj("b")}), absent: cty.SetValEmpty(objType), header: hcl.BlockHeaderSchema{Type: "server"},
		},
		"map": {
			nesting: NestingMap, src: "server \"SITESRV\" { address = \"b\" }\nserver \"DP01\" { address = \"a\" }",
			want:   cty.MapVal(map[string]cty.Value{"SITESRV": obj("b"), "DP01": obj("a")}),
			absent: cty.MapValEmpty(objType), header: hcl.BlockHeaderSchema{Type: "server", LabelNames: []string{"name"}},
		},
		"map without label": {
			nesting: NestingMap, src: `server { address = "a" }`,
			header: hcl.BlockHeaderSchema{Type: "server", LabelNames: []string{"name"}}, absent: cty.MapValEmpty(objType),
			errs: []string{"Missing name for server"},
		},
		"map with a label twice": {
			nesting: NestingMap, src: "server \"DP01\" { address = \"b\" }\nserver \"DP01\" { address = \"a\" }",
			header: hcl.BlockHeaderSchema{Type: "server", LabelNames: []string{"name"}}, absent: cty.MapValEmpty(objType),
			errs: []string{"Duplicate server block"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			nb := &NestedBlock{TypeName: "server", Nesting: tt.nesting, Block: inner}
			outer := &Block{BlockTypes: []*NestedBlock{nb}}
			if diff := cmp.Diff(tt.header, nb.HeaderSchema()); diff != "" {
				t.Errorf("header schema (-want +got):\n%s", diff)
			}
			f, diags := hclsyntax.ParseConfig([]byte(tt.src), "t.hcl", hcl.InitialPos)
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			got, diags := hcldec.Decode(f.Body, outer.DecoderSpec(), nil)
			var errs []string
			for _, d := range diags {
				errs = append(errs, d.Summary)
			}
			if diff := cmp.Diff(tt.errs, errs); diff != "" {
				t.Fatalf("diagnostics (-want +got):\n%s", diff)
			}
			if tt.errs == nil && !got.GetAttr("server").RawEquals(tt.want) {
				t.Errorf("decoded %#v, want %#v", got.GetAttr("server"), tt.want)
			}
			absent, ok := outer.AbsentBlockValues()
			if !ok || !absent["server"].RawEquals(tt.absent) {
				t.Errorf("absent %#v (ok %v), want %#v", absent["server"], ok, tt.absent)
			}
			if !outer.ImpliedType().AttributeType("server").Equals(tt.absent.Type()) {
				t.Errorf("implied type %#v, want %#v", outer.ImpliedType().AttributeType("server"), tt.absent.Type())
			}
		})
	}
}

func TestNestingText(t *testing.T) {
	for _, tt := range []struct {
		nb   NestedBlock
		want string
	}{
		{NestedBlock{TypeName: "source", Nesting: NestingSingle, MinItems: 1}, "Exactly one block, required."},
		{NestedBlock{TypeName: "access", Nesting: NestingSet}, "Repeatable; order does not count."},
		{NestedBlock{TypeName: "server", Nesting: NestingMap}, "Repeatable, each block labeled with its name (`server \"NAME\" { ... }`); labels are unique."},
		{NestedBlock{TypeName: "server", Nesting: NestingMap, MinItems: 1}, "Repeatable, each block labeled with its name (`server \"NAME\" { ... }`); labels are unique, at least 1."},
	} {
		if got := nestingText(&tt.nb); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.nb.TypeName, got, tt.want)
		}
	}
}
