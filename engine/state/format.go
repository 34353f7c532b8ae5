package state

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"strings"

	"github.com/updplan/updplan/engine/addr"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// fileState is the JSON shape of a state file (format version 1).
type fileState struct {
	Version        int                    `json:"version"`
	Serial         uint64                 `json:"serial"`
	Lineage        string                 `json:"lineage"`
	UpdplanVersion string                 `json:"updplan_version"`
	Outputs        map[string]*fileOutput `json:"outputs"`
	Resources      []*fileResource        `json:"resources"`
}

type fileOutput struct {
	Value     json.RawMessage `json:"value"`
	Type      json.RawMessage `json:"type"`
	Sensitive bool            `json:"sensitive"`
}

// inResource is fileResource as read: attributes as plain JSON values.
type inResource struct {
	fileResource
	Attributes any `json:"attributes"`
}

type inState struct {
	Version        *int                   `json:"version"`
	Serial         uint64                 `json:"serial"`
	Lineage        string                 `json:"lineage"`
	UpdplanVersion string                 `json:"updplan_version"`
	Outputs        map[string]*fileOutput `json:"outputs"`
	Resources      []*inResource          `json:"resources"`
}

type fileResource struct {
	Address             string          `json:"address"`
	Type                string          `json:"type"`
	Name                string          `json:"name"`
	IndexKey            any             `json:"index_key,omitempty"`
	Provider            string          `json:"provider"`
	Attributes          json.RawMessage `json:"attributes"`
	SensitiveAttributes [][]pathStep    `json:"sensitive_attributes"`
	Private             string          `json:"private,omitempty"`
	Dependencies        []string        `json:"dependencies"`
}

// pathStep is one step of a sensitive attribute path: an attribute name, or
// an index (a number for lists and tuples, a string for maps).
type pathStep struct {
	Type  string          `json:"type"` // "get_attr" or "index"
	Value json.RawMessage `json:"value"`
}

// Encode renders s as a state file. The bytes are deterministic: resources
// are sorted by address, object attributes and map keys by name.
func Encode(s *State) ([]byte, error) {
	if s == nil {
		return nil, errors.New("no state to encode")
	}
	f := fileState{
		Version:        FormatVersion,
		Serial:         s.Serial,
		Lineage:        s.Lineage,
		UpdplanVersion: s.UpdplanVersion,
		Outputs:        make(map[string]*fileOutput, len(s.Outputs)),
		Resources:      make([]*fileResource, 0, len(s.Resources)),
	}
	for name, o := range s.Outputs {
		fo, err := encodeOutput(o)
		if err != nil {
			return nil, fmt.Errorf("output %q: %w", name, err)
		}
		f.Outputs[name] = fo
	}
	for _, r := range s.Sorted() {
		fr, err := encodeResource(r)
		if err != nil {
			return nil, err
		}
		f.Resources = append(f.Resources, fr)
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func encodeOutput(o *Output) (*fileOutput, error) {
	v, _ := o.Value.UnmarkDeep()
	if v == cty.NilVal {
		v = cty.NullVal(cty.DynamicPseudoType)
	}
	if !v.IsWhollyKnown() {
		return nil, errors.New("the value is not wholly known; this is a bug in updplan")
	}
	ty := v.Type()
	tb, err := ctyjson.MarshalType(ty)
	if err != nil {
		return nil, err
	}
	vb, err := ctyjson.Marshal(v, ty)
	if err != nil {
		return nil, err
	}
	return &fileOutput{Value: vb, Type: tb, Sensitive: o.Sensitive}, nil
}

func encodeResource(r *Resource) (*fileResource, error) {
	v, marked := r.Value.UnmarkDeepWithPaths()
	if v == cty.NilVal {
		return nil, fmt.Errorf("resource %s has no value; this is a bug in updplan", r.Addr)
	}
	if !v.IsWhollyKnown() {
		return nil, fmt.Errorf("resource %s has values not known yet; this is a bug in updplan", r.Addr)
	}
	attrs, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return nil, fmt.Errorf("resource %s: %w", r.Addr, err)
	}
	fr := &fileResource{
		Address:             r.Addr.String(),
		Type:                r.Addr.Resource.Type,
		Name:                r.Addr.Resource.Name,
		Provider:            r.Provider,
		Attributes:          attrs,
		SensitiveAttributes: [][]pathStep{},
		Dependencies:        []string{},
	}
	if r.Type != "" && r.Type != r.Addr.Resource.Type {
		return nil, fmt.Errorf("resource %s has type %q, which disagrees with its address; this is a bug in updplan", r.Addr, r.Type)
	}
	switch r.Addr.Key.Kind() {
	case addr.IntKeyKind:
		fr.IndexKey = r.Addr.Key.Int()
	case addr.StrKeyKind:
		fr.IndexKey = r.Addr.Key.Str()
	}
	paths := slices.Clone(r.SensitivePaths)
	for _, pvm := range marked {
		paths = append(paths, pvm.Path)
	}
	seen := map[string]bool{}
	for _, p := range paths {
		steps, err := encodePath(p)
		if err != nil {
			return nil, fmt.Errorf("resource %s: sensitive path: %w", r.Addr, err)
		}
		key, _ := json.Marshal(steps)
		if seen[string(key)] {
			continue
		}
		seen[string(key)] = true
		fr.SensitiveAttributes = append(fr.SensitiveAttributes, steps)
	}
	slices.SortFunc(fr.SensitiveAttributes, func(a, b []pathStep) int {
		ka, _ := json.Marshal(a)
		kb, _ := json.Marshal(b)
		return bytes.Compare(ka, kb)
	})
	if len(r.Private) > 0 {
		fr.Private = base64.StdEncoding.EncodeToString(r.Private)
	}
	deps := slices.Clone(r.Dependencies)
	slices.SortFunc(deps, func(a, b addr.Resource) int { return strings.Compare(a.String(), b.String()) })
	deps = slices.Compact(deps)
	for _, d := range deps {
		fr.Dependencies = append(fr.Dependencies, d.String())
	}
	return fr, nil
}

func encodePath(p cty.Path) ([]pathStep, error) {
	steps := make([]pathStep, 0, len(p))
	for _, s := range p {
		switch s := s.(type) {
		case cty.GetAttrStep:
			b, _ := json.Marshal(s.Name)
			steps = append(steps, pathStep{Type: "get_attr", Value: b})
		case cty.IndexStep:
			k := s.Key
			if !k.IsKnown() || k.IsNull() {
				return nil, errors.New("an index is not known")
			}
			switch k.Type() {
			case cty.String:
				b, _ := json.Marshal(k.AsString())
				steps = append(steps, pathStep{Type: "index", Value: b})
			case cty.Number:
				b, err := ctyjson.Marshal(k, cty.Number)
				if err != nil {
					return nil, err
				}
				steps = append(steps, pathStep{Type: "index", Value: b})
			default:
				return nil, fmt.Errorf("an index of type %s cannot be stored", k.Type().FriendlyName())
			}
		default:
			return nil, fmt.Errorf("a path step of kind %T cannot be stored", s)
		}
	}
	return steps, nil
}

// Decode reads a state file. types gives the implied type of each resource
// type; a resource of a type it does not know is an error naming the type.
// Errors say what is wrong with the bytes; callers prefix where they came
// from ("state file X: ...").
func Decode(b []byte, types TypeFunc) (*State, error) {
	resources := map[addr.Instance]*Resource{}
	// The first problem with a resource, in file order; reported after
	// any problem with the file itself.
	var resourceErr error
	n := 0
	add := func(fr *inResource) {
		n++
		if resourceErr != nil {
			return
		}
		if fr == nil {
			resourceErr = fmt.Errorf("resource #%d is null", n)
			return
		}
		r, err := decodeResource(fr, types)
		if err != nil {
			resourceErr = err
			return
		}
		if _, dup := resources[r.Addr]; dup {
			resourceErr = fmt.Errorf("resource %s appears twice", r.Addr)
			return
		}
		resources[r.Addr] = r
	}
	f, written := decodeWritten(b, add)
	if !written {
		clear(resources)
		resourceErr, n = nil, 0
		f = inState{}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&f); err != nil {
			// The version says more than the syntax error when there is
			// one: a newer updplan's state may not fit this one's
			// structures.
			if verr := checkFormatVersion(b); verr != nil {
				return nil, verr
			}
			return nil, syntaxError(b, err)
		}
		for _, fr := range f.Resources {
			add(fr)
		}
	}
	if err := formatVersionError(f.Version); err != nil {
		return nil, err
	}
	if f.Lineage == "" {
		return nil, errors.New("no lineage: this is not an updplan state file")
	}
	s := &State{
		Version:        FormatVersion,
		Serial:         f.Serial,
		Lineage:        f.Lineage,
		UpdplanVersion: f.UpdplanVersion,
		Outputs:        make(map[string]*Output, len(f.Outputs)),
		Resources:      resources,
	}
	for name, fo := range f.Outputs {
		if fo == nil {
			return nil, fmt.Errorf("output %q is null", name)
		}
		ty, err := ctyjson.UnmarshalType(fo.Type)
		if err != nil {
			return nil, fmt.Errorf("output %q has an invalid type: %v", name, err)
		}
		v, err := ctyjson.Unmarshal(fo.Value, ty)
		if err != nil {
			return nil, fmt.Errorf("output %q has an invalid value: %v", name, err)
		}
		s.Outputs[name] = &Output{Value: v, Sensitive: fo.Sensitive}
	}
	if resourceErr != nil {
		return nil, resourceErr
	}
	return s, nil
}

func decodeResource(fr *inResource, types TypeFunc) (*Resource, error) {
	what := fr.Address
	if what == "" {
		what = fr.Type + "." + fr.Name
	}
	if fr.Type == "" || fr.Name == "" {
		return nil, fmt.Errorf("resource %q has no type or name", what)
	}
	a := addr.Instance{Resource: addr.Resource{Type: fr.Type, Name: fr.Name}}
	switch k := fr.IndexKey.(type) {
	case nil:
	case json.Number:
		i, err := k.Int64()
		if err != nil || i < 0 {
			return nil, fmt.Errorf("resource %s has index key %s, which is not a whole number", what, k)
		}
		a.Key = addr.IntKey(int(i))
	case string:
		a.Key = addr.StrKey(k)
	default:
		return nil, fmt.Errorf("resource %s has an index key that is neither a number nor a string", what)
	}
	if fr.Address != "" && fr.Address != a.String() {
		return nil, fmt.Errorf("resource %s: its address disagrees with its type, name and index key (%s)", fr.Address, a)
	}
	ty, ok := types(fr.Type)
	if !ok {
		return nil, fmt.Errorf("resource %s has type %q, which this updplan does not know. Use a version of updplan that has it, or remove the resource with \"updplan state rm %s\"", a, fr.Type, a)
	}
	v, err := jsonToValue(fr.Attributes, ty, nil)
	if err != nil {
		return nil, fmt.Errorf("resource %s has invalid attributes: %s", a, valueError(err))
	}
	r := &Resource{Addr: a, Type: fr.Type, Provider: fr.Provider, Value: v}
	for _, steps := range fr.SensitiveAttributes {
		p, err := decodePath(steps)
		if err != nil {
			return nil, fmt.Errorf("resource %s has an invalid sensitive attribute path: %v", a, err)
		}
		r.SensitivePaths = append(r.SensitivePaths, p)
	}
	if fr.Private != "" {
		r.Private, err = base64.StdEncoding.DecodeString(fr.Private)
		if err != nil {
			return nil, fmt.Errorf("resource %s has invalid private data: %v", a, err)
		}
	}
	for _, d := range fr.Dependencies {
		ra, diags := addr.ParseResource(d)
		if diags.HasErrors() {
			return nil, fmt.Errorf("resource %s has an invalid dependency %q", a, d)
		}
		r.Dependencies = append(r.Dependencies, ra)
	}
	return r, nil
}

func decodePath(steps []pathStep) (cty.Path, error) {
	p := make(cty.Path, 0, len(steps))
	for _, st := range steps {
		switch st.Type {
		case "get_attr":
			var name string
			if err := json.Unmarshal(st.Value, &name); err != nil {
				return nil, fmt.Errorf("get_attr needs a string value")
			}
			p = append(p, cty.GetAttrStep{Name: name})
		case "index":
			key, err := DecodeIndexKey(st.Value)
			if err != nil {
				return nil, fmt.Errorf("index: %v", err)
			}
			p = append(p, cty.IndexStep{Key: key})
		default:
			return nil, fmt.Errorf("unknown path step type %q", st.Type)
		}
	}
	return p, nil
}

// DecodeIndexKey decodes the JSON key of a path's index step: a string, or
// a number kept at full precision. Saved plan files use it too.
func DecodeIndexKey(raw json.RawMessage) (cty.Value, error) {
	var key any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&key); err != nil {
		return cty.NilVal, errors.New("a key is needed")
	}
	switch k := key.(type) {
	case string:
		return cty.StringVal(k), nil
	case json.Number:
		f, _, err := big.ParseFloat(string(k), 10, 512, big.ToNearestEven)
		if err != nil {
			return cty.NilVal, fmt.Errorf("%s is not a number", k)
		}
		return cty.NumberVal(f), nil
	}
	return cty.NilVal, errors.New("a key must be a number or a string")
}

// checkFormatVersion reads just the format version of a state file that
// did not decode, and returns what is wrong with it, if anything.
func checkFormatVersion(b []byte) error {
	var head struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return syntaxError(b, err)
	}
	return formatVersionError(head.Version)
}

// formatVersionError says why this updplan cannot read a state file of the
// given format version (nil: it can).
func formatVersionError(v *int) error {
	switch {
	case v == nil:
		return errors.New("no format version: this is not an updplan state file")
	case *v > FormatVersion:
		return fmt.Errorf("written in state format version %d by a newer updplan, and this updplan reads versions up to %d. Upgrade updplan to use this state", *v, FormatVersion)
	case *v < 1:
		return fmt.Errorf("format version %d, which no updplan writes: this is not an updplan state file", *v)
	}
	return nil
}

// syntaxError explains a JSON error, with the line and column where the
// decoder stopped, and says so plainly when the file was cut short.
func syntaxError(b []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || (errors.As(err, &se) && se.Offset >= int64(len(bytes.TrimRight(b, " \t\r\n")))):
		return errors.New("truncated (the JSON ends too early). Restore it from its .backup copy or from version control")
	case errors.As(err, &se):
		line, col := lineCol(b, se.Offset-1) // Offset is just past the bad byte
		return fmt.Errorf("invalid JSON at line %d, column %d: %v", line, col, se)
	case errors.As(err, &te):
		line, col := lineCol(b, te.Offset)
		return fmt.Errorf("a value of the wrong kind at line %d, column %d (field %q: %v)", line, col, te.Field, te.Value)
	}
	return fmt.Errorf("invalid: %v", err)
}

// lineCol returns the 1-based line and column of the byte at off.
func lineCol(b []byte, off int64) (int, int) {
	off = max(0, min(off, int64(len(b))))
	before := b[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}
