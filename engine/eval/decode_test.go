package eval

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// TestDecodeAttributesMatchesHCLDec holds the fast decoder to the general
// one: for every resource type, a body with every settable argument and a
// body with only the required ones decode to the same value both ways.
func TestDecodeAttributesMatchesHCLDec(t *testing.T) {
	for _, p := range schema.Providers() {
		for _, rt := range p.ResourceTypes {
			for _, all := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/all=%v", rt.Name, all), func(t *testing.T) {
					src := bodySource(&rt.Block, all)
					body := parseBody(t, src)
					if hasRequiredBlock(&rt.Block) {
						if _, ok := decodeAttributes(&rt.Block, body, nil); ok {
							t.Fatal("fast decoder accepted a body without its required block")
						}
						return // a body with blocks is the general decoder's case
					}
					general, diags := hcldec.Decode(body, rt.Block.DecoderSpec(), nil)
					if diags.HasErrors() {
						t.Fatalf("general decoder: %s\n%s", diags.Error(), src)
					}
					general = ApplyDefaults(&rt.Block, general)
					fast, ok := decodeAttributes(&rt.Block, body, nil)
					if !ok {
						t.Fatalf("fast decoder declined a plain body:\n%s", src)
					}
					if !fast.RawEquals(general) {
						t.Errorf("values differ\nfast:    %#v\ngeneral: %#v\nbody:\n%s", fast, general, src)
					}
				})
			}
		}
	}
}

// TestDecodeAttributesDeclines lists the bodies left to the general decoder,
// so their diagnostics stay its own.
func TestDecodeAttributesDeclines(t *testing.T) {
	rt := schema.Sitedb.ResourceType("collection")
	tests := map[string]string{
		"unknown argument":  `site = "ABC"` + "\n" + `name = "x"` + "\n" + `colour = "red"`,
		"missing required":  `name = "x"`,
		"wrong type":        `site = "ABC"` + "\n" + `name = ["x"]`,
		"evaluation error":  `site = "ABC"` + "\n" + `name = nosuch.thing`,
		"dynamic block":     `site = "ABC"` + "\n" + `name = "x"` + "\n" + `dynamic "rule" { }`,
		"not native syntax": "",
	}
	deployment := schema.Sitedb.ResourceType("deployment")
	tests["nested block"] = bodySource(&deployment.Block, false) + "sms2003 {\n}\n"
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			rt := rt
			if name == "nested block" {
				rt = deployment
			}
			var body hcl.Body = parseBody(t, src)
			if src == "" {
				body = hcl.EmptyBody()
			}
			if _, ok := decodeAttributes(&rt.Block, body, &hcl.EvalContext{}); ok {
				t.Errorf("decoded %q; want it left to hcldec", src)
			}
		})
	}
}

func parseBody(t *testing.T, src string) *hclsyntax.Body {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(src), "test.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("parse: %s\n%s", diags.Error(), src)
	}
	return f.Body.(*hclsyntax.Body)
}

// bodySource writes a body setting b's required arguments, and with all
// every other argument that configuration may set.
func bodySource(b *schema.Block, all bool) string {
	var sb strings.Builder
	for _, a := range b.Attributes {
		if a.Required || (all && a.Optional) {
			fmt.Fprintf(&sb, "%s = %s\n", a.Name, hclwrite.TokensForValue(sampleValue(a.Type)).Bytes())
		}
	}
	return sb.String()
}

// sampleValue is a non-empty value of ty.
func sampleValue(ty cty.Type) cty.Value {
	switch {
	case ty == cty.String:
		return cty.StringVal("ABC")
	case ty == cty.Number:
		return cty.NumberIntVal(1)
	case ty == cty.Bool:
		return cty.True
	case ty.IsListType():
		return cty.ListVal([]cty.Value{sampleValue(ty.ElementType())})
	case ty.IsSetType():
		return cty.SetVal([]cty.Value{sampleValue(ty.ElementType())})
	case ty.IsMapType():
		return cty.MapVal(map[string]cty.Value{"k": sampleValue(ty.ElementType())})
	case ty.IsObjectType():
		attrs := map[string]cty.Value{}
		for name, at := range ty.AttributeTypes() {
			attrs[name] = sampleValue(at)
		}
		return cty.ObjectVal(attrs)
	}
	return cty.StringVal("ABC")
}

func hasRequiredBlock(b *schema.Block) bool {
	for _, nb := range b.BlockTypes {
		if nb.MinItems > 0 {
			return true
		}
	}
	return false
}

// TestDecodeAttributesWithMetaArguments: a body as the loader leaves it,
// with count, for_each, depends_on and lifecycle blocks hidden, decodes
// fast, to hcldec's value.
func TestDecodeAttributesWithMetaArguments(t *testing.T) {
	src := `
collection "plain" {
  site = "LAB"
  name = "Plain"
}
collection "counted" {
  count      = 2
  site       = "LAB"
  name       = "Counted"
  depends_on = [collection.plain]
  lifecycle {
    create_before_destroy = true
    precondition {
      condition     = true
      error_message = "never"
    }
  }
  postcondition {
    condition     = true
    error_message = "never"
  }
}
collection "each" {
  for_each = toset(["a"])
  site     = "LAB"
  name     = "Each"
  comment  = "literal"
}
`
	l := &config.Loader{Schemas: schema.Providers()}
	cfg, diags := l.LoadSources(".", map[string][]byte{"main.upd.hcl": []byte(src)})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	rt := schema.Sitedb.ResourceType("collection")
	for a, r := range cfg.Resources {
		fast, ok := decodeAttributes(&rt.Block, r.Config, &hcl.EvalContext{})
		if !ok {
			t.Errorf("%s: the fast decoder declined a body of plain arguments", a)
			continue
		}
		general, diags := hcldec.Decode(r.Config, rt.Block.DecoderSpec(), &hcl.EvalContext{})
		if diags.HasErrors() {
			t.Fatalf("%s: %s", a, diags.Error())
		}
		if general = ApplyDefaults(&rt.Block, general); !fast.RawEquals(general) {
			t.Errorf("%s: fast %#v, general %#v", a, fast, general)
		}
		// The loader froze these bodies; their thawed native form decodes
		// the same.
		fb, frozen := r.Config.(*config.FrozenBody)
		if !frozen {
			t.Fatalf("%s: body not frozen", a)
		}
		if native, ok := decodeAttributes(&rt.Block, fb.Thaw(), &hcl.EvalContext{}); !ok || !native.RawEquals(fast) {
			t.Errorf("%s: frozen %#v, native %#v", a, fast, native)
		}
	}
}
