package sitedb

import (
	"context"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// idScheme says where an object's id comes from.
type idScheme int

const (
	idCounter idScheme = iota // <site code><5 hex digits> from the id_counter table
	idDerived                 // computed from the object's own attributes
	idConfig                  // the id attribute is set by the configuration (site code)
)

// kind describes how one resource type is stored: its table, how its id is
// made, and the rules that need the database. Every attribute but the id
// attribute and the virtual ones is a column of the same name; sets, lists
// and nested blocks are stored as JSON text.
type kind struct {
	rt     *schema.ResourceType
	table  string
	idAttr string // the attribute stored in the id column
	ids    idScheme
	// derive computes the id of an idDerived object; ok is false while an
	// attribute it needs is unknown.
	derive func(v cty.Value) (id string, ok bool)
	// virtual attributes have no column (members_include/members_exclude).
	virtual map[string]bool
	// replaceOn lists attributes whose change forces a replacement because
	// the id is derived from them (beyond the schema's ForceNew).
	replaceOn []string
	// created fills computed attributes other than the id on create.
	created map[string]cty.Value
	// planCheck runs the rules that need the database. prior is null on
	// create.
	planCheck func(ctx context.Context, p *Provider, req providers.PlanRequest, planned cty.Value) hcl.Diagnostics
	// applyCheck runs inside the write transaction before the row is
	// written; id is "" on create.
	applyCheck func(ctx context.Context, c *conn, req providers.ApplyRequest, v cty.Value, id string) hcl.Diagnostics
	// afterWrite runs inside the write transaction after the row of v was
	// created or updated under id (req.Prior is null on create): records
	// that must commit or roll back with the row.
	afterWrite func(ctx context.Context, c *conn, req providers.ApplyRequest, v cty.Value, id string) hcl.Diagnostics
	// afterDelete runs inside the write transaction after the row with id
	// was deleted: it removes what afterWrite recorded.
	afterDelete func(ctx context.Context, c *conn, id string) hcl.Diagnostics
	// unique is a uniqueness rule checked in both places: on the planned
	// value, and again inside the write transaction. owner is the object's
	// address, selfID its own id ("" on create).
	unique func(ctx context.Context, c *conn, owner, selfID string, v cty.Value) hcl.Diagnostics
	// membership marks the collection: members vs members_include/exclude.
	membership bool
	// versionAttr is a computed version that rises by one whenever
	// contentAttr changes (a package's source_version, a deployment
	// package's content_version).
	versionAttr, contentAttr string

	cols    []column // derived from rt by init
	implied cty.Type
}

type column struct {
	name string
	ty   cty.Type
}

func (k *kind) init() *kind {
	k.implied = k.rt.Block.ImpliedType()
	for _, a := range k.rt.Block.Attributes {
		if a.Name == k.idAttr || k.virtual[a.Name] {
			continue
		}
		k.cols = append(k.cols, column{name: a.Name, ty: a.Type})
	}
	for _, nb := range k.rt.Block.BlockTypes {
		k.cols = append(k.cols, column{name: nb.TypeName, ty: nb.Block.ImpliedType()})
	}
	return k
}

func (k *kind) ty() cty.Type { return k.implied }

// selectList is the column list of a SELECT: id, owner, then the columns.
func (k *kind) selectList() string {
	var b strings.Builder
	b.WriteString(`"id", "owner"`)
	for _, c := range k.cols {
		b.WriteString(`, "`)
		b.WriteString(c.name)
		b.WriteString(`"`)
	}
	return b.String()
}

// row is one object as read from its table.
type row struct {
	id    string
	owner string
	value cty.Value // virtual attributes null
}

// scan reads one row of selectList.
func (k *kind) scan(sc interface{ Scan(...any) error }) (row, error) {
	return k.scanner().scan(sc)
}

// rowScanner reads rows of selectList into the same buffers: database/sql
// hands each row's values over as new values, so nothing read before is
// overwritten.
type rowScanner struct {
	k         *kind
	raw, ptrs []any
}

func (k *kind) scanner() *rowScanner {
	s := &rowScanner{k: k, raw: make([]any, len(k.cols)+2)}
	s.ptrs = make([]any, len(s.raw))
	for i := range s.raw {
		s.ptrs[i] = &s.raw[i]
	}
	return s
}

func (s *rowScanner) scan(sc interface{ Scan(...any) error }) (row, error) {
	k, raw := s.k, s.raw
	clear(raw)
	if err := sc.Scan(s.ptrs...); err != nil {
		return row{}, err
	}
	var r row
	r.id = asText(raw[0])
	r.owner = asText(raw[1])
	attrs := make(map[string]cty.Value, len(k.cols)+1)
	for i, c := range k.cols {
		v, err := decodeColumn(raw[i+2], c.ty)
		if err != nil {
			return row{}, &decodeError{msg: fmt.Sprintf("column %s of %s %s: %s", c.name, k.rt.Name, r.id, err)}
		}
		attrs[c.name] = v
	}
	attrs[k.idAttr] = cty.StringVal(r.id)
	for name := range k.virtual {
		attrs[name] = cty.NullVal(k.ty().AttributeType(name))
	}
	r.value = cty.ObjectVal(attrs)
	return r, nil
}

// values returns the column values of v, in column order, for binding.
func (k *kind) values(v cty.Value) ([]any, error) {
	out := make([]any, len(k.cols))
	for i, c := range k.cols {
		x, err := encodeColumn(v.GetAttr(c.name), c.ty)
		if err != nil {
			return nil, fmt.Errorf("attribute %s: %w", c.name, err)
		}
		out[i] = x
	}
	return out, nil
}

func asText(x any) string {
	switch t := x.(type) {
	case string:
		return t
	case []byte:
		return string(t)
	case nil:
		return ""
	default:
		return fmt.Sprint(t)
	}
}

func encodeColumn(v cty.Value, ty cty.Type) (any, error) {
	if v.IsNull() {
		return nil, nil
	}
	if !v.IsWhollyKnown() {
		return nil, fmt.Errorf("value is not known yet")
	}
	switch ty {
	case cty.String:
		return v.AsString(), nil
	case cty.Bool:
		if v.True() {
			return int64(1), nil
		}
		return int64(0), nil
	case cty.Number:
		i, acc := v.AsBigFloat().Int64()
		if acc != big.Exact {
			return nil, fmt.Errorf("%s is not a whole number", v.AsBigFloat().String())
		}
		return i, nil
	}
	b, err := ctyjson.Marshal(v, ty)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// decodeColumn is lenient about what a hand-made row holds (SQLite columns
// are dynamically typed): numbers in text, "true" for a boolean.
func decodeColumn(x any, ty cty.Type) (cty.Value, error) {
	if x == nil {
		return cty.NullVal(ty), nil
	}
	switch ty {
	case cty.String:
		return cty.StringVal(asText(x)), nil
	case cty.Bool:
		switch t := x.(type) {
		case int64:
			return cty.BoolVal(t != 0), nil
		case bool:
			return cty.BoolVal(t), nil
		}
		b, err := strconv.ParseBool(asText(x))
		if err != nil {
			if n, nerr := strconv.ParseInt(asText(x), 10, 64); nerr == nil {
				return cty.BoolVal(n != 0), nil
			}
			return cty.NilVal, fmt.Errorf("%q is not a boolean", asText(x))
		}
		return cty.BoolVal(b), nil
	case cty.Number:
		switch t := x.(type) {
		case int64:
			return cty.NumberIntVal(t), nil
		case float64:
			return cty.NumberFloatVal(t), nil
		}
		n, err := cty.ParseNumberVal(asText(x))
		if err != nil {
			return cty.NilVal, fmt.Errorf("%q is not a number", asText(x))
		}
		return n, nil
	}
	v, err := ctyjson.Unmarshal([]byte(asText(x)), ty)
	if err != nil {
		return cty.NilVal, fmt.Errorf("invalid JSON %q: %w", asText(x), err)
	}
	return v, nil
}

// resolve fills the attributes of planned that are unknown from config
// (values that became known after planning). An object with nothing to
// fill (a create whose only unknown is its id) is returned as it is.
func resolve(planned, config cty.Value) cty.Value {
	if planned.IsNull() || !planned.IsKnown() || config.IsNull() || !config.IsKnown() {
		return planned
	}
	var fill map[string]cty.Value
	for name := range planned.Type().AttributeTypes() {
		if planned.GetAttr(name).IsWhollyKnown() {
			continue
		}
		if cv := config.GetAttr(name); cv.IsWhollyKnown() && !cv.IsNull() {
			if fill == nil {
				fill = map[string]cty.Value{}
			}
			fill[name] = cv
		}
	}
	if fill == nil {
		return planned
	}
	return with(planned, fill)
}

// with returns v with attributes replaced.
func with(v cty.Value, attrs map[string]cty.Value) cty.Value {
	m := v.AsValueMap()
	for n, x := range attrs {
		m[n] = x
	}
	return cty.ObjectVal(m)
}

// str returns a known, non-null string attribute, or "".
func str(v cty.Value, name string) string {
	if v.IsNull() || !v.IsKnown() {
		return ""
	}
	a := v.GetAttr(name)
	if a.IsNull() || !a.IsKnown() {
		return ""
	}
	return a.AsString()
}

// known reports whether the attribute is known (null counts as known).
func known(v cty.Value, name string) bool {
	return v.IsKnown() && !v.IsNull() && v.GetAttr(name).IsKnown()
}

// unmark drops marks (sensitive values) without copying an unmarked value.
func unmark(v cty.Value) (cty.Value, cty.ValueMarks) {
	// The engine never passes marked values (providers.Provider); only a
	// top-level mark from a direct caller is removed, without walking the
	// whole value on every call.
	if v == cty.NilVal || !v.IsMarked() {
		return v, nil
	}
	return v.UnmarkDeep()
}

// nextVersion is the version an update of prior to a value whose content
// attribute is content gets: one more when the content changed from one
// known hash to another, the same otherwise; unknown while the content is.
func (k *kind) nextVersion(prior, content cty.Value) cty.Value {
	was := prior.GetAttr(k.versionAttr)
	if !content.IsKnown() {
		return cty.UnknownVal(cty.Number)
	}
	before := prior.GetAttr(k.contentAttr)
	if was.IsNull() || content.IsNull() || before.IsNull() || content.RawEquals(before) {
		return was
	}
	return was.Add(cty.NumberIntVal(1))
}
