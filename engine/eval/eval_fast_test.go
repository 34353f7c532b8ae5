package eval

import (
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/zclconf/go-cty/cty"
)

// scopeRefs refers to every root an evaluation context has, to values of
// every shape (marked, unknown, null, missing), through plain attributes,
// indexes and templates.
const scopeRefs = `
x {
  a1  = var.name
  a2  = var.secret
  a3  = var.obj.a
  a4  = var.obj.missing
  a5  = var.missing
  a6  = var.marked_obj.a
  a7  = local.l
  a8  = local.marked
  a9  = local.unknown
  a10 = local.o.a
  a11 = local.missing
  a12 = collection.a.id
  a13 = collection.a.missing
  a14 = collection.marked.id
  a15 = collection.unknown.id
  a16 = collection.null.id
  a17 = collection.absent.id
  a18 = count.index
  a19 = each.key
  a20 = each.value
  a21 = self.id
  a22 = path.root
  a23 = path.missing
  a24 = "${collection.a.name}-${var.name}"
  a25 = "${collection.a.id}"
  a26 = "${count.index}"
  a27 = "p ${local.marked}"
  a28 = collection.a.tags["k"]
  a29 = local.o
  a30 = each.value.name
  a31 = self
}
`

// TestScopeValueMatchesEvalContext: whatever a frozen body's argument
// evaluates to in the evaluator's scope, without a context, is what the
// native expression gives in the context evalContextOf builds, without
// diagnostics.
func TestScopeValueMatchesEvalContext(t *testing.T) {
	f, diags := hclsyntax.ParseConfig([]byte(scopeRefs), "scope.upd.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	fb, ok := config.Freeze(f.Body.(*hclsyntax.Body).Blocks[0].Body)
	if !ok {
		t.Fatal("body did not freeze")
	}
	secret := func(v cty.Value) cty.Value { return v.Mark("sensitive") }
	obj := cty.ObjectVal(map[string]cty.Value{"id": cty.StringVal("P0100001"), "name": cty.StringVal("All"),
		"tags": cty.MapVal(map[string]cty.Value{"k": cty.StringVal("v")})})
	ev := New(&config.Config{Dir: "."}, map[string]cty.Value{
		"name":       cty.StringVal("n"),
		"secret":     secret(cty.StringVal("s")),
		"obj":        cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x")}),
		"marked_obj": secret(cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x")})),
	})
	ev.locals = map[string]cty.Value{
		"l": cty.StringVal("l"), "marked": secret(cty.StringVal("m")), "unknown": cty.UnknownVal(cty.String),
		"o": cty.ObjectVal(map[string]cty.Value{"a": cty.NumberIntVal(1)}),
	}
	ev.resources = map[addr.Resource]cty.Value{
		{Type: "collection", Name: "a"}:       obj,
		{Type: "collection", Name: "marked"}:  secret(obj),
		{Type: "collection", Name: "unknown"}: cty.UnknownVal(obj.Type()),
		{Type: "collection", Name: "null"}:    cty.NullVal(obj.Type()),
	}
	scopes := map[string]Scope{
		"single":        {},
		"count":         {Key: addr.IntKey(3)},
		"each":          {Key: addr.StrKey("k"), EachValue: obj},
		"marked each":   {Key: addr.StrKey("k"), EachValue: secret(obj)},
		"postcondition": {Self: obj},
		"unknown self":  {Self: cty.UnknownVal(obj.Type())},
	}
	answered, declined := 0, 0
	for name, sc := range scopes {
		ctx := ev.evalContextOf(fb.AppendReferences(nil), sc)
		for i := range fb.Len() {
			got, ok := fb.ValueIn(i, func(root, attr string) (cty.Value, bool) { return ev.scopeValue(root, attr, sc) })
			if !ok {
				declined++
				continue
			}
			answered++
			want, diags := fb.Expr(i).Value(ctx)
			if len(diags) > 0 || !got.RawEquals(want) {
				t.Errorf("%s, %s: in scope %#v; in context %#v %v", name, fb.Name(i), got, want, diags)
			}
		}
	}
	if answered < 60 || declined < 60 {
		t.Errorf("answered %d, declined %d: the test no longer covers both", answered, declined)
	}
}

// TestUnmarkDeepMatchesCty: UnmarkDeep answers what UnmarkDeepWithPaths
// does, for values with and without marks at every depth.
func TestUnmarkDeepMatchesCty(t *testing.T) {
	s := cty.StringVal("s")
	m := s.Mark("sensitive")
	obj := func(v cty.Value) cty.Value { return cty.ObjectVal(map[string]cty.Value{"a": s, "b": v}) }
	for _, v := range []cty.Value{
		s, m, cty.NullVal(cty.String), cty.UnknownVal(cty.String), cty.UnknownVal(cty.String).Mark("x"),
		obj(s), obj(m), obj(obj(s)), obj(obj(m)), obj(cty.NullVal(cty.String)),
		obj(cty.ListVal([]cty.Value{s})), obj(cty.ListVal([]cty.Value{m})), obj(cty.SetVal([]cty.Value{m})),
		obj(cty.MapVal(map[string]cty.Value{"k": m})), obj(cty.TupleVal([]cty.Value{s, m})),
		obj(s).Mark("x"), cty.UnknownVal(obj(s).Type()), cty.NullVal(obj(s).Type()), cty.EmptyObjectVal,
	} {
		got, gotMarks := UnmarkDeep(v)
		want, wantMarks := v.UnmarkDeepWithPaths()
		if !got.RawEquals(want) || len(gotMarks) != len(wantMarks) {
			t.Errorf("%#v: %#v %v, want %#v %v", v, got, gotMarks, want, wantMarks)
		}
	}
}
