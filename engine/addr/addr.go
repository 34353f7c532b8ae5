package addr

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Resource names a resource block: TYPE.NAME.
type Resource struct {
	Type string
	Name string
}

func (r Resource) String() string { return r.Type + "." + r.Name }

// Instance returns the instance of r with the given key.
func (r Resource) Instance(k Key) Instance { return Instance{Resource: r, Key: k} }

// Less orders resources by type, then name.
func (r Resource) Less(o Resource) bool {
	if r.Type != o.Type {
		return r.Type < o.Type
	}
	return r.Name < o.Name
}

// KeyKind says which kind of instance key a Key is.
type KeyKind byte

const (
	NoKeyKind  KeyKind = 0
	IntKeyKind KeyKind = 'i' // from count
	StrKeyKind KeyKind = 's' // from for_each
)

// Key is an instance key: none, an integer (count) or a string (for_each).
// The zero value is NoKey.
type Key struct {
	kind KeyKind
	i    int
	s    string
}

// NoKey is the key of a resource without count or for_each.
var NoKey = Key{}

func IntKey(i int) Key    { return Key{kind: IntKeyKind, i: i} }
func StrKey(s string) Key { return Key{kind: StrKeyKind, s: s} }

func (k Key) Kind() KeyKind { return k.kind }
func (k Key) Int() int      { return k.i }
func (k Key) Str() string   { return k.s }

// String renders the key with its brackets: "", "[0]" or `["a"]`.
func (k Key) String() string {
	switch k.kind {
	case IntKeyKind:
		return "[" + strconv.Itoa(k.i) + "]"
	case StrKeyKind:
		return "[" + strconv.Quote(k.s) + "]"
	}
	return ""
}

// Value returns the key as a cty value (count.index or each.key), or a null
// value for NoKey.
func (k Key) Value() cty.Value {
	switch k.kind {
	case IntKeyKind:
		return cty.NumberIntVal(int64(k.i))
	case StrKeyKind:
		return cty.StringVal(k.s)
	}
	return cty.NullVal(cty.DynamicPseudoType)
}

func (k Key) Less(o Key) bool {
	if k.kind != o.kind {
		return k.kind < o.kind
	}
	if k.kind == IntKeyKind {
		return k.i < o.i
	}
	return k.s < o.s
}

// Instance names one instance of a resource.
type Instance struct {
	Resource Resource
	Key      Key
}

func (i Instance) String() string { return i.Resource.String() + i.Key.String() }

func (i Instance) Equal(o Instance) bool { return i == o }

// Less orders instances by resource, then key, giving the order of plans and
// state files.
func (i Instance) Less(o Instance) bool {
	if i.Resource != o.Resource {
		return i.Resource.Less(o.Resource)
	}
	return i.Key.Less(o.Key)
}

// ParseInstance parses an address written on the command line, such as
// `site.main`, `collection.c[0]` or `share.s["a"]`.
func ParseInstance(s string) (Instance, hcl.Diagnostics) {
	if r, ok := plainResource(s); ok {
		return Instance{Resource: r}, nil
	}
	return parseTraversal(s)
}

// parseTraversal parses an address with HCL's traversal syntax.
func parseTraversal(s string) (Instance, hcl.Diagnostics) {
	trav, diags := hclsyntax.ParseTraversalAbs([]byte(s), "", hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		return Instance{}, hcl.Diagnostics{invalidAddress(s, "It must be TYPE.NAME, optionally followed by [INDEX] or [\"KEY\"].")}
	}
	return InstanceFromTraversal(trav, s)
}

// plainResource splits the common form, TYPE.NAME with ASCII identifiers
// (the addresses and dependencies of a state file), without HCL's lexer; it
// parses as parseTraversal would.
func plainResource(s string) (Resource, bool) {
	dot := strings.IndexByte(s, '.')
	if dot < 0 || !asciiIdentifier(s[:dot]) || !asciiIdentifier(s[dot+1:]) {
		return Resource{}, false
	}
	return Resource{Type: s[:dot], Name: s[dot+1:]}, true
}

// asciiIdentifier reports whether s is an HCL identifier made of ASCII
// letters, digits, underscores and dashes.
func asciiIdentifier(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_':
		case i > 0 && (c >= '0' && c <= '9' || c == '-'):
		default:
			return false
		}
	}
	return s != ""
}

// InstanceFromTraversal converts a traversal (from configuration or the
// command line) to an instance address. what is used in diagnostics.
func InstanceFromTraversal(trav hcl.Traversal, what string) (Instance, hcl.Diagnostics) {
	rng := trav.SourceRange()
	bad := func(detail string) (Instance, hcl.Diagnostics) {
		d := invalidAddress(what, detail)
		if rng.Filename != "" {
			d.Subject = &rng
		}
		return Instance{}, hcl.Diagnostics{d}
	}
	if len(trav) < 2 || len(trav) > 3 {
		return bad("It must be TYPE.NAME, optionally followed by [INDEX] or [\"KEY\"].")
	}
	root, ok := trav[0].(hcl.TraverseRoot)
	if !ok {
		return bad("It must start with a resource type.")
	}
	name, ok := trav[1].(hcl.TraverseAttr)
	if !ok {
		return bad("A resource type must be followed by a dot and the resource name.")
	}
	inst := Instance{Resource: Resource{Type: root.Name, Name: name.Name}}
	if len(trav) == 3 {
		idx, ok := trav[2].(hcl.TraverseIndex)
		if !ok {
			return bad("Only an index in brackets may follow the resource name.")
		}
		k, err := KeyFromValue(idx.Key)
		if err != nil {
			return bad(err.Error())
		}
		inst.Key = k
	}
	return inst, nil
}

// KeyFromValue converts an index value to a Key.
func KeyFromValue(v cty.Value) (Key, error) {
	if v.IsNull() || !v.IsKnown() {
		return NoKey, fmt.Errorf("an instance key must be a known number or string")
	}
	switch v.Type() {
	case cty.Number:
		bf := v.AsBigFloat()
		i, acc := bf.Int64()
		if acc != 0 || i < 0 {
			return NoKey, fmt.Errorf("an index must be a whole number, 0 or more")
		}
		return IntKey(int(i)), nil
	case cty.String:
		return StrKey(v.AsString()), nil
	}
	return NoKey, fmt.Errorf("an instance key must be a number or a string")
}

func invalidAddress(s, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid resource address",
		Detail:   fmt.Sprintf("%q is not a resource address. %s", s, detail),
	}
}

// CompareResources orders resources for slices.SortFunc.
func CompareResources(a, b Resource) int {
	switch {
	case a.Less(b):
		return -1
	case b.Less(a):
		return 1
	}
	return 0
}

// ParseResource parses TYPE.NAME (no key).
func ParseResource(s string) (Resource, hcl.Diagnostics) {
	inst, diags := ParseInstance(s)
	if diags.HasErrors() {
		return Resource{}, diags
	}
	if inst.Key != NoKey {
		return Resource{}, hcl.Diagnostics{invalidAddress(s, "A resource address has no instance key here.")}
	}
	return inst.Resource, nil
}

// SortInstances sorts in place in address order.
func SortInstances(list []Instance) {
	slices.SortFunc(list, Compare)
}

// Compare orders instances for slices.SortFunc, as Less does.
func Compare(a, b Instance) int {
	if c := strings.Compare(a.Resource.Type, b.Resource.Type); c != 0 {
		return c
	}
	if c := strings.Compare(a.Resource.Name, b.Resource.Name); c != 0 {
		return c
	}
	ka, kb := a.Key, b.Key
	switch {
	case ka.kind != kb.kind:
		return cmp.Compare(ka.kind, kb.kind)
	case ka.kind == IntKeyKind:
		return cmp.Compare(ka.i, kb.i)
	}
	return strings.Compare(ka.s, kb.s)
}

// Join renders a list of instances comma-separated, for messages.
func Join(list []Instance) string {
	s := make([]string, len(list))
	for i, a := range list {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}
