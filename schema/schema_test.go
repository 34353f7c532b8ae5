package schema

import (
	"regexp"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

var identRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// TestSchemaSelfCheck holds every schema to the invariants documented on
// Attribute, Block, ResourceType and Provider.
func TestSchemaSelfCheck(t *testing.T) {
	typeNames := map[string]string{}
	for _, p := range Providers() {
		if !identRE.MatchString(p.Name) || p.Doc == "" {
			t.Errorf("provider %q: needs an identifier name and a Doc", p.Name)
		}
		checkBlock(t, "provider "+p.Name, &p.Config)
		checkDecoder(t, "provider "+p.Name, &p.Config)
		for _, rt := range p.ResourceTypes {
			where := rt.Name
			if other, dup := typeNames[rt.Name]; dup {
				t.Errorf("%s: resource type also defined by provider %s", where, other)
			}
			typeNames[rt.Name] = p.Name
			if !identRE.MatchString(rt.Name) {
				t.Errorf("%s: resource type name is not a valid identifier", where)
			}
			if rt.Doc == "" {
				t.Errorf("%s: no Doc", where)
			}
			if rt.Provider != p.Name {
				t.Errorf("%s: Provider is %q, want %q", where, rt.Provider, p.Name)
			}
			if rt.IDAttribute == "" || rt.Block.Attribute(rt.IDAttribute) == nil {
				t.Errorf("%s: IDAttribute %q is not an attribute", where, rt.IDAttribute)
			}
			if LookupResourceType(rt.Name) != rt {
				t.Errorf("%s: LookupResourceType does not find it", where)
			}
			checkBlock(t, where, &rt.Block)
			checkDecoder(t, where, &rt.Block)
		}
	}
}

func checkBlock(t *testing.T, where string, b *Block) {
	t.Helper()
	names := map[string]bool{}
	for _, a := range b.Attributes {
		at := where + "." + a.Name
		if !identRE.MatchString(a.Name) {
			t.Errorf("%s: name is not a valid identifier", at)
		}
		if names[a.Name] {
			t.Errorf("%s: name used twice in the block", at)
		}
		names[a.Name] = true
		if a.Doc == "" {
			t.Errorf("%s: no Doc", at)
		}
		if a.Type == cty.NilType {
			t.Errorf("%s: no Type", at)
		}
		kinds := 0
		if a.Required {
			kinds++
		}
		if a.Optional {
			kinds++
		}
		if a.Computed && !a.Optional {
			kinds++
		}
		if kinds != 1 {
			t.Errorf("%s: must be exactly one of Required, Optional or Computed-only (Required=%v Optional=%v Computed=%v)", at, a.Required, a.Optional, a.Computed)
		}
		computedOnly := a.Computed && !a.Optional
		if a.ForceNew && computedOnly {
			t.Errorf("%s: ForceNew on a computed-only attribute", at)
		}
		if a.Default != cty.NilVal {
			switch {
			case !a.Optional:
				t.Errorf("%s: Default on an attribute that is not Optional", at)
			case !a.Default.Type().Equals(a.Type):
				t.Errorf("%s: Default of type %s, want %s", at, a.Default.Type().FriendlyName(), a.Type.FriendlyName())
			case a.Default.IsNull() || !a.Default.IsWhollyKnown():
				t.Errorf("%s: Default must be a known, non-null value", at)
			default:
				for _, c := range a.Checks {
					if p := c(a.Default); p != nil {
						t.Errorf("%s: Default %#v fails its own check: %s: %s", at, a.Default, p.Summary, p.Detail)
					}
				}
			}
		}
		for i, c := range a.Checks {
			if c == nil {
				t.Errorf("%s: check %d is nil", at, i)
			}
		}
	}
	for _, nb := range b.BlockTypes {
		at := where + "." + nb.TypeName
		if !identRE.MatchString(nb.TypeName) {
			t.Errorf("%s: block type name is not a valid identifier", at)
		}
		if names[nb.TypeName] {
			t.Errorf("%s: name used twice in the block", at)
		}
		names[nb.TypeName] = true
		if nb.Doc == "" {
			t.Errorf("%s: no Doc", at)
		}
		if nb.MaxItems != 0 && nb.MaxItems < nb.MinItems {
			t.Errorf("%s: MaxItems %d below MinItems %d", at, nb.MaxItems, nb.MinItems)
		}
		if nb.Nesting == NestingSingle && nb.MinItems > 1 {
			t.Errorf("%s: a single block with MinItems %d", at, nb.MinItems)
		}
		checkBlock(t, at, &nb.Block)
	}
}

// checkDecoder decodes an empty body with the block's spec: exactly the
// required attributes and blocks must be reported missing, and the value
// must have the implied type.
func checkDecoder(t *testing.T, where string, b *Block) {
	t.Helper()
	ty := b.ImpliedType()
	if !ty.IsObjectType() {
		t.Errorf("%s: implied type %s is not an object", where, ty.FriendlyName())
		return
	}
	for _, a := range b.Attributes {
		if !ty.HasAttribute(a.Name) || !ty.AttributeType(a.Name).Equals(a.Type) {
			t.Errorf("%s: implied type lacks attribute %s of type %s", where, a.Name, a.Type.FriendlyName())
		}
	}
	for _, nb := range b.BlockTypes {
		if !ty.HasAttribute(nb.TypeName) {
			t.Errorf("%s: implied type lacks block %s", where, nb.TypeName)
		}
	}
	if got, want := len(ty.AttributeTypes()), len(b.Attributes)+len(b.BlockTypes); got != want {
		t.Errorf("%s: implied type has %d attributes, want %d", where, got, want)
	}

	f, diags := hclsyntax.ParseConfig(nil, "empty.upd.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	val, diags := hcldec.Decode(f.Body, b.DecoderSpec(), nil)
	wantMissing := 0
	for _, a := range b.Attributes {
		if a.Required {
			wantMissing++
		}
	}
	for _, nb := range b.BlockTypes {
		if nb.MinItems > 0 {
			wantMissing++
		}
	}
	if len(diags) != wantMissing {
		t.Errorf("%s: decoding an empty body gave %d diagnostics, want %d (one per required argument or block): %s", where, len(diags), wantMissing, diags.Error())
	}
	if !val.Type().Equals(ty) {
		t.Errorf("%s: decoded type %s differs from the implied type %s", where, val.Type().FriendlyName(), ty.FriendlyName())
	}
}

func TestResourceTypeNames(t *testing.T) {
	names := ResourceTypeNames()
	want := 0
	for _, p := range Providers() {
		want += len(p.ResourceTypes)
	}
	if len(names) != want {
		t.Fatalf("ResourceTypeNames has %d names, want %d", len(names), want)
	}
	if LookupResourceType("no_such_type") != nil {
		t.Error("LookupResourceType found a type that does not exist")
	}
}
