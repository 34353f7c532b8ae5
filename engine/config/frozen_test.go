package config

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// frozenKinds sets an argument to every kind of expression that freezes,
// including positions that count in graphemes and lines that end in CRLF.
const frozenKinds = "collection \"all\" {\r\n" +
	"  site    = site.main.code\r\n" +
	"  name    = \"Ünïcödé 👍🏽 ${var.names[0]} and ${local.more[\"k\"].x} %%{x} $${y}\"\r\n" +
	"  comment = \"${collection.other.id}\"\n" +
	"  limit   = 42.5\n" +
	"  plain   = \"just text\"\n" +
	"  escaped = \"tab\\there \\\"q\\\" é\"\n" +
	"  empty   = \"\"\n" +
	"  on      = true\n" +
	"  none    = null\n" +
	"  count   = 2\n" +
	"  depends_on = [collection.other]\n" +
	"  lifecycle {\n    prevent_destroy = true\n  }\n" +
	"}\n"

// sameFrozen freezes every top-level block body of src that freezes and
// checks that it gives back the parser's own nodes. It returns how many
// froze.
func sameFrozen(t *testing.T, name string, src []byte) int {
	t.Helper()
	f, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	if diags.HasErrors() {
		return 0
	}
	sb := f.Body.(*hclsyntax.Body)
	sameNavigation(t, name, src, f.Nav, newBlockNav(sb))
	frozen := 0
	for _, blk := range sb.Blocks {
		fb, ok := Freeze(blk.Body)
		if !ok {
			continue
		}
		frozen++
		want := map[string]*hclsyntax.Attribute{}
		for n, a := range blk.Body.Attributes {
			if !IsResourceMeta(n, false) {
				want[n] = a
			}
		}
		thawed := fb.Thaw()
		if !reflect.DeepEqual(map[string]*hclsyntax.Attribute(thawed.Attributes), want) {
			t.Fatalf("%s: %s %v thaws to other arguments", name, blk.Type, blk.Labels)
		}
		if thawed.SrcRange != blk.Body.SrcRange || thawed.EndRange != blk.Body.EndRange || fb.MissingItemRange() != blk.Body.MissingItemRange() {
			t.Fatalf("%s: %s %v thaws to other ranges", name, blk.Type, blk.Labels)
		}
		if fb.Len() != len(want) {
			t.Fatalf("%s: %d arguments frozen, want %d", name, fb.Len(), len(want))
		}
		var all []hcl.Traversal
		for i := range fb.Len() {
			a := want[fb.Name(i)]
			if i > 0 && a.SrcRange.Start.Byte < want[fb.Name(i-1)].SrcRange.Start.Byte {
				t.Fatalf("%s: arguments not in source order", name)
			}
			if !reflect.DeepEqual(fb.Expr(i), a.Expr) {
				t.Fatalf("%s: %s thaws to another expression", name, a.Name)
			}
			if got := fb.Variables(i); !reflect.DeepEqual(got, a.Expr.Variables()) {
				t.Fatalf("%s: %s has traversals %v, want %v", name, a.Name, got, a.Expr.Variables())
			}
			all = append(all, a.Expr.Variables()...)
		}
		if got := fb.AllVariables(); !reflect.DeepEqual(got, all) {
			t.Fatalf("%s: all traversals %v, want %v", name, got, all)
		}
		var refs []string
		for _, r := range fb.AppendReferences(nil) {
			refs = append(refs, r.Root+"."+r.Attr)
		}
		var wantRefs []string
		for _, tr := range all {
			attr := ""
			if len(tr) > 1 {
				if a, ok := tr[1].(hcl.TraverseAttr); ok {
					attr = a.Name
				}
			}
			wantRefs = append(wantRefs, tr.RootName()+"."+attr)
		}
		if !reflect.DeepEqual(refs, wantRefs) {
			t.Fatalf("%s: references %v, want %v", name, refs, wantRefs)
		}
		for i := range fb.Len() {
			sameFrozenValue(t, name, fb, i, want[fb.Name(i)].Expr)
		}
	}
	return frozen
}

// fastValues counts the evaluations FrozenBody.Value answered itself.
var fastValues int

// sameFrozenValue evaluates the i-th argument of fb in contexts built from
// its references (plain, unknown, null, marked, of other types, missing)
// and checks that whenever FrozenBody.Value answers, it answers what the
// native expression does, without diagnostics.
func sameFrozenValue(t *testing.T, name string, fb *FrozenBody, i int, expr hcl.Expression) {
	t.Helper()
	leaves := []cty.Value{
		cty.StringVal("plain"), cty.StringVal("é"), cty.NumberIntVal(5), cty.True,
		cty.UnknownVal(cty.String), cty.NullVal(cty.String), cty.StringVal("secret").Mark("sensitive"),
		cty.DynamicVal, cty.ListVal([]cty.Value{cty.StringVal("a")}),
	}
	for _, leaf := range leaves {
		for _, shape := range []string{"object", "unknown", "null", "marked", "map", "missing"} {
			ctx := &hcl.EvalContext{Variables: map[string]cty.Value{}}
			tree := map[string]any{}
			for _, tr := range expr.Variables() {
				node := tree
				steps := tr[1:]
				root := tr.RootName()
				for _, st := range steps {
					a, ok := st.(hcl.TraverseAttr)
					if !ok {
						break
					}
					next, _ := node[root].(map[string]any)
					if next == nil {
						next = map[string]any{}
						node[root] = next
					}
					node, root = next, a.Name
				}
				if _, set := node[root]; !set {
					node[root] = leaf
				}
			}
			for root, v := range tree {
				ctx.Variables[root] = shaped(v, shape)
			}
			want, diags := expr.Value(ctx)
			got, ok := fb.Value(i, ctx)
			if !ok {
				continue
			}
			fastValues++
			if len(diags) > 0 || !got.RawEquals(want) {
				t.Fatalf("%s: %s in a %s context with %#v: fast %#v, native %#v %v", name, fb.Name(i), shape, leaf, got, want, diags)
			}
		}
	}
}

// shaped builds the value of a reference tree, its top level in shape.
func shaped(v any, shape string) cty.Value {
	tree, ok := v.(map[string]any)
	if !ok {
		return v.(cty.Value)
	}
	attrs := map[string]cty.Value{}
	for k, sub := range tree {
		attrs[k] = shaped(sub, "object")
	}
	obj := cty.ObjectVal(attrs)
	switch shape {
	case "unknown":
		return cty.UnknownVal(obj.Type())
	case "null":
		return cty.NullVal(obj.Type())
	case "marked":
		return obj.Mark("sensitive")
	case "map":
		if m, err := convert.Convert(obj, cty.Map(cty.DynamicPseudoType)); err == nil {
			return m
		}
	case "missing":
		return cty.EmptyObjectVal
	}
	return obj
}

// TestFrozenBodyIsTheParsedBody freezes the body of every block in the
// repository's configurations that freezes, and one with every kind of
// expression that does: each thaws to the parser's nodes, ranges and all.
func TestFrozenBodyIsTheParsedBody(t *testing.T) {
	if n := sameFrozen(t, "kinds.upd.hcl", []byte(frozenKinds)); n != 1 {
		t.Fatalf("the block of every kind did not freeze")
	}
	frozen := 0
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, SuffixHCL) {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		frozen += sameFrozen(t, path, src)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if frozen < 50 {
		t.Fatalf("only %d bodies froze in the repository's configurations", frozen)
	}
	if fastValues < 100 {
		t.Fatalf("FrozenBody.Value answered only %d evaluations itself", fastValues)
	}
}

// TestBodiesThatDoNotFreeze keeps the syntax tree of anything beyond
// literals, references and templates of those.
func TestBodiesThatDoNotFreeze(t *testing.T) {
	for _, body := range []string{
		`name = upper("x")`,
		`name = "a" == "b"`,
		`names = ["a", "b"]`,
		`tags = { a = 1 }`,
		`name = var.on ? "a" : "b"`,
		`name = "%{if var.on}a%{endif}"`,
		`name = collection.all[*].name`,
		`name = collection.all[count.index].name`,
		"name = <<EOT\n${upper(var.x)}\nEOT\n",
		"sms2003 {\n  enabled = true\n}\n",
		"dynamic \"x\" {\n  for_each = []\n  content {}\n}\n",
	} {
		src := "collection \"c\" {\n" + body + "\n}\n"
		f, diags := hclsyntax.ParseConfig([]byte(src), "x.upd.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatalf("%s: %v", body, diags)
		}
		if _, ok := Freeze(f.Body.(*hclsyntax.Body).Blocks[0].Body); ok {
			t.Errorf("%s froze", body)
		}
	}
}

// TestLoaderFreezesPlainResourceBodies: what the loader hands the engine,
// and that the files keep no syntax tree.
func TestLoaderFreezesPlainResourceBodies(t *testing.T) {
	cfg, diags := testLoader().LoadSources(".", map[string][]byte{
		"main.upd.hcl": []byte(`
site "main" {
  code   = "P01"
  name   = "Primary"
  server = "SRV"
}
collection "plain" {
  site = site.main.code
  name = "All ${site.main.name} systems"
  count = 2
}
collection "called" {
  site = site.main.code
  name = upper("x")
}
`)})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	for name, want := range map[string]bool{"plain": true, "called": false} {
		r := cfg.Resources[addr.Resource{Type: "collection", Name: name}]
		if _, frozen := r.Config.(*FrozenBody); frozen != want {
			t.Errorf("collection %s frozen %v, want %v", name, frozen, want)
		}
	}
	if f := cfg.Files["main.upd.hcl"]; f.Body != nil || f.Nav == nil || len(f.Bytes) == 0 {
		t.Errorf("file kept %T body, nav %T, %d bytes", f.Body, f.Nav, len(f.Bytes))
	}
}

// FuzzFreezeBody: whatever parses and freezes thaws to the parser's nodes.
func FuzzFreezeBody(f *testing.F) {
	f.Add(frozenKinds)
	f.Add("x \"a\" {\n  a = b.c[1].d\n  e = \"${f}g\"\n}\ny {\n  z = \"\\u00e9\\n\"\n}\n")
	f.Fuzz(func(t *testing.T, src string) {
		sameFrozen(t, "fuzz.upd.hcl", []byte(src))
	})
}

// TestQuotedStringsFreezeSmall: a quoted string on one line keeps one
// range, escapes or not; the empty string is an ordinary template.
func TestQuotedStringsFreezeSmall(t *testing.T) {
	f, _ := hclsyntax.ParseConfig([]byte(frozenKinds), "kinds.upd.hcl", hcl.InitialPos)
	fb, ok := Freeze(f.Body.(*hclsyntax.Body).Blocks[0].Body)
	if !ok {
		t.Fatal("did not freeze")
	}
	kinds := map[string]exprKind{}
	for _, a := range fb.attrs {
		kinds[a.name] = a.expr.kind
	}
	for name, want := range map[string]exprKind{"plain": stringExpr, "escaped": stringExpr, "empty": templateExpr, "limit": literalExpr, "comment": wrapExpr} {
		if kinds[name] != want {
			t.Errorf("%s froze as kind %d, want %d", name, kinds[name], want)
		}
	}
}

// TestPlainBodyPassesOnlyWhatCheckContentPasses: the shortcut of checkBody
// never passes a body the full check would say a word about, over every
// resource block in the repository and bodies that break each rule.
func TestPlainBodyPassesOnlyWhatCheckContentPasses(t *testing.T) {
	passed := 0
	check := func(name string, src []byte) {
		f, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
		if diags.HasErrors() {
			return
		}
		for _, blk := range f.Body.(*hclsyntax.Body).Blocks {
			rt := schema.LookupResourceType(blk.Type)
			if rt == nil || !plainBodyPasses(blk.Body, &rt.Block) {
				continue
			}
			passed++
			if d := checkContent(blk.Body, &rt.Block, blk.DefRange(), blk.Type, true); len(d) > 0 {
				t.Errorf("%s: %s %v passed the shortcut, but: %v", name, blk.Type, blk.Labels, d)
			}
		}
	}
	for _, src := range []string{
		"collection \"x\" {\n  site = \"LAB\"\n  name = \"X\"\n}\n",
		"collection \"x\" {\n  site = \"LAB\"\n  name = \"X\"\n  id = \"LAB00001\"\n}\n",
		"collection \"x\" {\n  site = \"LAB\"\n}\n",
		"collection \"x\" {\n  site = \"LAB\"\n  name = \"X\"\n  nmae = \"typo\"\n}\n",
		"collection \"x\" {\n  site = \"LAB\"\n  name = \"X\"\n  count = 2\n}\n",
		"collection \"x\" {\n  site = \"LAB\"\n  name = \"X\"\n  lifecycle {}\n}\n",
	} {
		check("cases.upd.hcl", []byte(src))
	}
	if passed != 1 {
		t.Errorf("%d of the constructed bodies passed the shortcut, want only the first", passed)
	}
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, SuffixHCL) {
			return err
		}
		src, err := os.ReadFile(path)
		if err == nil {
			check(path, src)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if passed < 50 {
		t.Errorf("only %d repository bodies passed the shortcut", passed)
	}
}
