package providers

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

var checkType = &schema.ResourceType{
	Name: "thing",
	Block: schema.Block{
		Attributes: []*schema.Attribute{
			{Name: "name", Type: cty.String, Required: true},
			{Name: "value", Type: cty.String, Optional: true},
			{Name: "tags", Type: cty.Set(cty.String), Optional: true},
			{Name: "members", Type: cty.List(cty.String), Optional: true},
			{Name: "secret", Type: cty.String, Optional: true, Sensitive: true},
			{Name: "mode", Type: cty.String, Optional: true, Computed: true},
			{Name: "id", Type: cty.String, Computed: true},
		},
		BlockTypes: []*schema.NestedBlock{
			{TypeName: "source", Nesting: schema.NestingSingle, Block: schema.Block{Attributes: []*schema.Attribute{
				{Name: "url", Type: cty.String, Optional: true},
				{Name: "etag", Type: cty.String, Computed: true},
			}}},
			{TypeName: "access", Nesting: schema.NestingList, Block: schema.Block{Attributes: []*schema.Attribute{
				{Name: "principal", Type: cty.String, Required: true},
				{Name: "rights", Type: cty.String, Optional: true},
			}}},
			{TypeName: "rule", Nesting: schema.NestingSet, Block: schema.Block{Attributes: []*schema.Attribute{
				{Name: "kind", Type: cty.String, Required: true},
			}}},
		},
	},
}

// thing builds an object of checkType: every attribute null unless set.
func thing(set map[string]cty.Value) cty.Value {
	ty := checkType.Block.ImpliedType()
	attrs := map[string]cty.Value{}
	for name, at := range ty.AttributeTypes() {
		attrs[name] = cty.NullVal(at)
	}
	for k, v := range set {
		attrs[k] = v
	}
	return cty.ObjectVal(attrs)
}

var (
	str     = cty.StringVal
	unknown = cty.UnknownVal(cty.String)
)

func source(url, etag cty.Value) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{"url": url, "etag": etag})
}

func access(pairs ...string) cty.Value {
	var vs []cty.Value
	for i := 0; i < len(pairs); i += 2 {
		vs = append(vs, cty.ObjectVal(map[string]cty.Value{"principal": str(pairs[i]), "rights": str(pairs[i+1])}))
	}
	return cty.ListVal(vs)
}

func TestCheckPlanned(t *testing.T) {
	base := map[string]cty.Value{"name": str("a"), "value": str("v")}
	with := func(extra map[string]cty.Value) cty.Value {
		m := map[string]cty.Value{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return thing(m)
	}
	tests := map[string]struct {
		config, planned cty.Value
		want            []string
	}{
		"equal": {with(nil), with(nil), nil},
		"computed filled or unknown": {
			with(nil), with(map[string]cty.Value{"id": unknown, "mode": str("fast")}), nil,
		},
		"set attribute changed": {
			with(map[string]cty.Value{"name": str("a")}), with(map[string]cty.Value{"name": str("b")}),
			[]string{`attribute "name": planned "b" but the configuration says "a"`},
		},
		"null non-computed attribute planned": {
			with(map[string]cty.Value{"value": cty.NullVal(cty.String)}), with(nil),
			[]string{`attribute "value": planned "v" but the configuration leaves it null`},
		},
		"optional computed set by config must hold": {
			with(map[string]cty.Value{"mode": str("slow")}), with(map[string]cty.Value{"mode": str("fast")}),
			[]string{`attribute "mode": planned "fast" but the configuration says "slow"`},
		},
		"unknown in config must stay unknown": {
			with(map[string]cty.Value{"value": unknown}), with(nil),
			[]string{`attribute "value": planned "v" but the configuration knows it only after apply`},
		},
		"known config planned unknown": {
			with(nil), with(map[string]cty.Value{"value": unknown}),
			[]string{`attribute "value": planned a value known only after apply but the configuration says "v"`},
		},
		"sensitive value not shown": {
			with(map[string]cty.Value{"secret": str("hunter2")}), with(map[string]cty.Value{"secret": str("hunter3")}),
			[]string{`attribute "secret": planned a value that differs from what the configuration says (sensitive, not shown)`},
		},
		"sensitive value planned where config is null": {
			with(nil), with(map[string]cty.Value{"secret": str("hunter3")}),
			[]string{`attribute "secret": planned (sensitive value) but the configuration leaves it null`},
		},
		"set order never counts": {
			with(map[string]cty.Value{"tags": cty.SetVal([]cty.Value{str("x"), str("y")})}),
			with(map[string]cty.Value{"tags": cty.SetVal([]cty.Value{str("y"), str("x")})}), nil,
		},
		"set changed": {
			with(map[string]cty.Value{"tags": cty.SetVal([]cty.Value{str("x"), str("y")})}),
			with(map[string]cty.Value{"tags": cty.SetVal([]cty.Value{str("x")})}),
			[]string{`attribute "tags": planned ["x"] but the configuration says ["x", "y"]`},
		},
		"list with an unknown element keeps the rest": {
			with(map[string]cty.Value{"members": cty.ListVal([]cty.Value{str("a"), unknown})}),
			with(map[string]cty.Value{"members": cty.ListVal([]cty.Value{str("b"), unknown})}),
			[]string{`attribute "members[0]": planned "b" but the configuration says "a"`},
		},
		"nested single block computed inside": {
			with(map[string]cty.Value{"source": source(str("http://a"), cty.NullVal(cty.String))}),
			with(map[string]cty.Value{"source": source(str("http://a"), unknown)}), nil,
		},
		"nested single block changed": {
			with(map[string]cty.Value{"source": source(str("http://a"), cty.NullVal(cty.String))}),
			with(map[string]cty.Value{"source": source(str("http://b"), str("e1"))}),
			[]string{`attribute "source.url": planned "http://b" but the configuration says "http://a"`},
		},
		"nested single block dropped": {
			with(map[string]cty.Value{"source": source(str("http://a"), cty.NullVal(cty.String))}),
			with(nil),
			[]string{`attribute "source": planned no block but the configuration has a block`},
		},
		"nested list block element changed": {
			with(map[string]cty.Value{"access": access("admins", "full", "users", "read")}),
			with(map[string]cty.Value{"access": access("admins", "full", "users", "change")}),
			[]string{`attribute "access[1].rights": planned "change" but the configuration says "read"`},
		},
		"nested list block count": {
			with(map[string]cty.Value{"access": access("admins", "full", "users", "read")}),
			with(map[string]cty.Value{"access": access("admins", "full")}),
			[]string{`attribute "access": planned 1 block but the configuration has 2 blocks`},
		},
		"nested set block changed": {
			with(map[string]cty.Value{"rule": cty.SetVal([]cty.Value{cty.ObjectVal(map[string]cty.Value{"kind": str("a")})})}),
			with(map[string]cty.Value{"rule": cty.SetVal([]cty.Value{cty.ObjectVal(map[string]cty.Value{"kind": str("b")})})}),
			[]string{`attribute "rule": planned [{kind = "b"}] but the configuration says [{kind = "a"}]`},
		},
		"delete planned null": {cty.NullVal(checkType.Block.ImpliedType()), cty.NullVal(checkType.Block.ImpliedType()), nil},
		"create planned null": {
			with(nil), cty.NullVal(checkType.Block.ImpliedType()),
			[]string{"planned null (no object) but the configuration describes one"},
		},
		"wrong type": {
			with(nil), cty.ObjectVal(map[string]cty.Value{"name": str("a")}),
			[]string{"planned a value of the wrong type: "},
		},
		"wholly unknown": {
			with(nil), cty.UnknownVal(checkType.Block.ImpliedType()),
			[]string{"planned a wholly unknown object; only attributes may be unknown"},
		},
		"marks are ignored": {
			with(map[string]cty.Value{"secret": str("s").Mark("sensitive")}), with(map[string]cty.Value{"secret": str("s")}), nil,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := CheckPlanned(checkType, tt.config, tt.planned)
			compareProblems(t, tt.want, got)
		})
	}
}

// compareProblems compares problems; a wanted problem ending in ": " only
// has to be a prefix (for messages that quote cty's own errors).
func compareProblems(t *testing.T, want, got []string) {
	t.Helper()
	if len(want) == len(got) {
		for i := range want {
			if strings.HasSuffix(want[i], ": ") && strings.HasPrefix(got[i], want[i]) {
				got[i] = want[i]
			}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
	for _, p := range got {
		if strings.Contains(p, "hunter") {
			t.Errorf("a sensitive value leaked: %s", p)
		}
	}
}

func TestCheckApplied(t *testing.T) {
	planned := thing(map[string]cty.Value{
		"name": str("a"), "value": str("v"), "id": unknown, "mode": str("fast"), "secret": str("hunter2"),
		"source": source(str("http://a"), unknown),
	})
	good := thing(map[string]cty.Value{
		"name": str("a"), "value": str("v"), "id": str("T00001"), "mode": str("fast"), "secret": str("hunter2"),
		"source": source(str("http://a"), str("e1")),
	})
	change := func(k string, v cty.Value) cty.Value {
		m := good.AsValueMap()
		m[k] = v
		return cty.ObjectVal(m)
	}
	null := cty.NullVal(checkType.Block.ImpliedType())
	tests := map[string]struct {
		planned, applied cty.Value
		want             []string
	}{
		"unknowns filled": {planned, good, nil},
		"delete":          {null, null, nil},
		"delete not done": {null, good, []string{"applied an object but the plan deletes it"}},
		"create not done": {planned, null, []string{"applied null (no object) but the plan describes one"}},
		"known value changed": {planned, change("mode", str("slow")),
			[]string{`attribute "mode": applied "slow" but the plan says "fast"`}},
		"known value nulled": {planned, change("value", cty.NullVal(cty.String)),
			[]string{`attribute "value": applied null but the plan says "v"`}},
		"sensitive value changed": {planned, change("secret", str("hunter3")),
			[]string{`attribute "secret": applied a value that differs from what the plan says (sensitive, not shown)`}},
		"still unknown": {planned, change("id", unknown),
			[]string{`attribute "id": still unknown after apply; the applied value must be wholly known`}},
		"nested still unknown": {planned, change("source", source(str("http://a"), unknown)),
			[]string{`attribute "source.etag": still unknown after apply; the applied value must be wholly known`}},
		"nested known value changed": {planned, change("source", source(str("http://b"), str("e"))),
			[]string{`attribute "source.url": applied "http://b" but the plan says "http://a"`}},
		"wrong type": {planned, cty.StringVal("x"), []string{"applied a value of the wrong type: "}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			compareProblems(t, tt.want, CheckApplied(checkType, tt.planned, tt.applied))
		})
	}
}

func TestProposedNew(t *testing.T) {
	null := cty.NullVal(checkType.Block.ImpliedType())
	config := thing(map[string]cty.Value{
		"name": str("a"), "source": source(str("http://a"), cty.NullVal(cty.String)),
	})
	prior := thing(map[string]cty.Value{
		"name": str("old"), "id": str("T1"), "mode": str("fast"), "value": str("x"),
		"source": source(str("http://old"), str("e1")),
	})
	tests := map[string]struct {
		prior, config, want cty.Value
	}{
		"create": {null, config, thing(map[string]cty.Value{
			"name": str("a"), "id": unknown, "mode": unknown,
			"source": source(str("http://a"), unknown),
		})},
		"update": {prior, config, thing(map[string]cty.Value{
			"name": str("a"), "id": str("T1"), "mode": str("fast"),
			"source": source(str("http://a"), str("e1")),
		})},
		"delete": {prior, null, null},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := ProposedNew(checkType, tt.prior, tt.config)
			if !got.RawEquals(tt.want) {
				t.Errorf("got  %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

// TestProposedIsPrior holds ProposedIsPrior to what ProposedNew builds.
func TestProposedIsPrior(t *testing.T) {
	null := cty.NullVal(checkType.Block.ImpliedType())
	prior := thing(map[string]cty.Value{
		"name": str("a"), "id": str("T1"), "mode": str("fast"), "value": str("x"),
		"tags":   cty.SetVal([]cty.Value{str("t")}),
		"source": source(str("http://a"), str("e1")),
		"access": access("alice", "read", "bob", "write"),
	})
	same := thing(map[string]cty.Value{
		"name": str("a"), "value": str("x"), "tags": cty.SetVal([]cty.Value{str("t")}),
		"source": source(str("http://a"), cty.NullVal(cty.String)),
		"access": access("alice", "read", "bob", "write"),
	})
	with2 := func(obj cty.Value, k string, v cty.Value) cty.Value {
		m := obj.AsValueMap()
		m[k] = v
		return cty.ObjectVal(m)
	}
	with := func(k string, v cty.Value) cty.Value { return with2(same, k, v) }
	tests := map[string]struct {
		prior, config cty.Value
		want          bool
	}{
		"unchanged":               {prior, same, true},
		"computed set in config":  {prior, with("mode", str("fast")), true},
		"computed changed":        {prior, with("mode", str("slow")), false},
		"argument changed":        {prior, with("value", str("y")), false},
		"argument unknown":        {prior, with("value", unknown), false},
		"argument removed":        {prior, with("value", cty.NullVal(cty.String)), false},
		"set changed":             {prior, with("tags", cty.SetVal([]cty.Value{str("u")})), false},
		"nested argument changed": {prior, with("source", source(str("http://b"), cty.NullVal(cty.String))), false},
		"nested computed set":     {prior, with("source", source(str("http://a"), str("e1"))), true},
		"nested computed changed": {prior, with("source", source(str("http://a"), str("e2"))), false},
		"nested block removed":    {prior, with("source", cty.NullVal(prior.GetAttr("source").Type())), false},
		"list element changed":    {prior, with("access", access("alice", "read", "bob", "read")), false},
		"list shorter":            {prior, with("access", access("alice", "read")), false},
		"create":                  {null, same, false},
		"delete":                  {prior, null, false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			got := ProposedIsPrior(checkType, tt.prior, tt.config)
			if got != tt.want {
				t.Errorf("ProposedIsPrior = %v, want %v", got, tt.want)
			}
			built := ProposedNew(checkType, tt.prior, tt.config)
			if got && !built.RawEquals(tt.prior) {
				t.Errorf("ProposedIsPrior is true but ProposedNew builds\n%#v", built)
			}
			if !got && tt.prior.IsWhollyKnown() && !tt.prior.IsNull() && built.RawEquals(tt.prior) {
				t.Errorf("ProposedIsPrior is false but ProposedNew rebuilds the prior value")
			}
		})
	}
}

func TestCheckFinalPlan(t *testing.T) {
	reviewed := thing(map[string]cty.Value{
		"name": str("a"), "value": unknown, "id": unknown, "mode": str("fast"), "secret": str("hunter2"),
		"source": source(str("http://a"), unknown),
	})
	change := func(k string, v cty.Value) cty.Value {
		m := reviewed.AsValueMap()
		m[k] = v
		return cty.ObjectVal(m)
	}
	null := cty.NullVal(checkType.Block.ImpliedType())
	tests := map[string]struct {
		final cty.Value
		want  []string
	}{
		"same":                           {reviewed, nil},
		"unknown now known":              {change("value", str("LAB00001")), nil},
		"unknown still unknown":          {change("id", unknown), nil},
		"nested unknown now known":       {change("source", source(str("http://a"), str("e1"))), nil},
		"delete instead":                 {null, []string{"planned a different action than the reviewed plan"}},
		"known value changed":            {change("mode", str("slow")), []string{`attribute "mode": planned "slow" but the reviewed plan says "fast"`}},
		"known value now unknown":        {change("mode", unknown), []string{`attribute "mode": planned a value known only after apply but the reviewed plan says "fast"`}},
		"nested known value now unknown": {change("source", source(unknown, unknown)), []string{`attribute "source.url": planned a value known only after apply but the reviewed plan says "http://a"`}},
		"sensitive value changed":        {change("secret", str("hunter3")), []string{`attribute "secret": planned a value that differs from what the reviewed plan says (sensitive, not shown)`}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			compareProblems(t, tt.want, CheckFinalPlan(checkType, reviewed, tt.final))
		})
	}
}
