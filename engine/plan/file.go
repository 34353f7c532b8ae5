package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/encryption"
	"github.com/updplan/updplan/engine/state"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	ctymsgpack "github.com/zclconf/go-cty/cty/msgpack"
)

// FileFormatVersion is the version of the saved plan format this build
// writes; it reads every version up to it.
const FileFormatVersion = 1

// fileFormat identifies a saved plan among other JSON files.
const fileFormat = "updplan-plan"

// SensitiveMark is the mark put back, on reading a saved plan, on every
// value that was marked when the plan was written (sensitive variables and
// values computed from them). The engine sets it to its own sensitive mark
// before reading plans. Writing treats every mark as sensitive.
var SensitiveMark any = fileSensitive{}

type fileSensitive struct{}

// UpdplanVersion is recorded in saved plans (for people reading them and
// for bug reports); main sets it to the build's version.
var UpdplanVersion = "unknown"

type filePlan struct {
	Format             string                `json:"format"`
	FormatVersion      int                   `json:"format_version"`
	UpdplanVersion     string                `json:"updplan_version"`
	Mode               string                `json:"mode"`
	Timestamp          time.Time             `json:"timestamp"`
	Errored            bool                  `json:"errored,omitempty"`
	ConfigDigest       string                `json:"config_digest"`
	Targets            []fileAddr            `json:"targets,omitempty"`
	Replace            []fileAddr            `json:"replace,omitempty"`
	Variables          map[string]*fileValue `json:"variables"`
	SensitiveVariables []string              `json:"sensitive_variables,omitempty"`
	Changes            []*fileChange         `json:"changes"`
	Drift              []*fileChange         `json:"drift,omitempty"`
	Outputs            []*fileOutput         `json:"outputs,omitempty"`
	Checks             []*fileCheck          `json:"checks,omitempty"`
	Reads              []*fileRead           `json:"reads,omitempty"`
	PrevRunState       *fileState            `json:"prev_run_state,omitempty"`
	PriorState         *fileState            `json:"prior_state,omitempty"`
}

// fileState embeds a state in the state file format (engine/state). That
// format requires a lineage; the state of a first run has none yet, which
// NoLineage records.
type fileState struct {
	State     json.RawMessage `json:"state"`
	NoLineage bool            `json:"no_lineage,omitempty"`
}

// placeholderLineage stands in for a missing lineage inside fileState.
const placeholderLineage = "none"

// fileValue is a cty value as MessagePack with its type (so unknown values
// and the exact type travel), base64 in the JSON, and the paths that were
// marked sensitive. A nil *fileValue is cty.NilVal.
type fileValue struct {
	Msgpack   []byte       `json:"msgpack"`
	Sensitive [][]pathStep `json:"sensitive,omitempty"`
}

type fileAddr struct {
	Type string `json:"type"`
	Name string `json:"name"`
	Key  any    `json:"key,omitempty"` // a number (count) or a string (for_each)
}

type pathStep struct {
	Attr  *string         `json:"attr,omitempty"`
	Index json.RawMessage `json:"index,omitempty"` // a JSON number or string
}

type fileChange struct {
	Addr                fileAddr     `json:"addr"`
	PrevAddr            *fileAddr    `json:"prev_addr,omitempty"`
	Type                string       `json:"type"`
	Provider            string       `json:"provider"`
	Action              string       `json:"action"`
	Reason              string       `json:"reason,omitempty"`
	Before              *fileValue   `json:"before"`
	After               *fileValue   `json:"after"`
	Config              *fileValue   `json:"config"`
	ReplacePaths        [][]pathStep `json:"replace_paths,omitempty"`
	BeforeSensitive     [][]pathStep `json:"before_sensitive,omitempty"`
	AfterSensitive      [][]pathStep `json:"after_sensitive,omitempty"`
	ImportID            string       `json:"import_id,omitempty"`
	Private             []byte       `json:"private,omitempty"`
	Dependencies        []string     `json:"dependencies,omitempty"`
	CreateBeforeDestroy bool         `json:"create_before_destroy,omitempty"`
}

type fileCheck struct {
	Addr     fileAddr `json:"addr"` // without key: the resource
	Status   string   `json:"status"`
	Problems []string `json:"problems,omitempty"`
}

// fileRead is a data source instance read while planning: kept for show
// (and show -json), never used by apply, which reads it again.
type fileRead struct {
	Addr  fileAddr   `json:"addr"`
	Value *fileValue `json:"value"`
}

type fileOutput struct {
	Name      string     `json:"name"`
	Action    string     `json:"action"`
	Before    *fileValue `json:"before"`
	After     *fileValue `json:"after"`
	Sensitive bool       `json:"sensitive,omitempty"`
}

var actionNames = map[Action]string{
	NoOp: "no-op", Create: "create", Read: "read", Update: "update",
	DeleteThenCreate: "delete-then-create", CreateThenDelete: "create-then-delete", Delete: "delete",
}

var modeNames = map[Mode]string{NormalMode: "normal", DestroyMode: "destroy", RefreshOnlyMode: "refresh-only"}

// WriteFile saves p to path with mode 0600 (it holds variable values),
// atomically: a reader sees the old file or the new one, never a part.
// With enc (the encryption block's plan target; nil for none) the file is
// an encrypted envelope.
func WriteFile(path string, p *Plan, enc *encryption.Target) error {
	b, err := EncodeFile(p)
	if err != nil {
		return fmt.Errorf("saving the plan: %w", err)
	}
	if b, err = enc.Seal("plan", b); err != nil {
		return fmt.Errorf("saving the plan: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("saving the plan: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename this fails harmlessly
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the plan: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the plan to %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("saving the plan to %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving the plan to %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("saving the plan to %s: %w", path, err)
	}
	return nil
}

// ReadFile reads a plan saved by WriteFile. types gives the implied type of
// each resource type: a plan whose values no longer fit them (the schema
// changed since) is refused. Errors name the file and say what to do.
//
// An encrypted plan is decrypted with enc (or its fallback); an encrypted
// plan without enc, or a wrong key, is an error that says so.
func ReadFile(path string, types state.TypeFunc, enc *encryption.Target) (*Plan, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the plan: %w", err)
	}
	if b, err = enc.Open("plan", b); err != nil {
		return nil, fmt.Errorf("plan file %s: %w", path, err)
	}
	p, err := DecodeFile(b, types)
	if err != nil {
		return nil, fmt.Errorf("plan file %s: %w", path, err)
	}
	return p, nil
}

// EncodeFile renders p in the saved plan format.
func EncodeFile(p *Plan) ([]byte, error) {
	if p == nil {
		return nil, errors.New("no plan to save")
	}
	mode, ok := modeNames[p.Mode]
	if !ok {
		return nil, fmt.Errorf("unknown plan mode %d; this is a bug in updplan", p.Mode)
	}
	f := filePlan{
		Format:         fileFormat,
		FormatVersion:  FileFormatVersion,
		UpdplanVersion: UpdplanVersion,
		Mode:           mode,
		Timestamp:      p.Timestamp,
		Errored:        p.Errored,
		ConfigDigest:   p.ConfigDigest,
		Variables:      make(map[string]*fileValue, len(p.Variables)),
		Changes:        []*fileChange{},
	}
	for _, a := range p.Targets {
		f.Targets = append(f.Targets, encodeAddr(a))
	}
	for _, a := range p.Replace {
		f.Replace = append(f.Replace, encodeAddr(a))
	}
	for name, v := range p.Variables {
		fv, err := encodeValue(v)
		if err != nil {
			return nil, fmt.Errorf("variable %q: %w", name, err)
		}
		f.Variables[name] = fv
	}
	for name, s := range p.SensitiveVariables {
		if s {
			f.SensitiveVariables = append(f.SensitiveVariables, name)
		}
	}
	sort.Strings(f.SensitiveVariables)
	var err error
	if f.Changes, err = encodeChanges(p.Changes); err != nil {
		return nil, err
	}
	if f.Drift, err = encodeChanges(p.Drift); err != nil {
		return nil, fmt.Errorf("drift: %w", err)
	}
	for _, o := range p.Outputs {
		if o == nil {
			return nil, errors.New("a nil output change; this is a bug in updplan")
		}
		fo := &fileOutput{Name: o.Name, Action: actionNames[o.Action], Sensitive: o.Sensitive}
		if fo.Action == "" {
			return nil, fmt.Errorf("output %q: unknown action %q", o.Name, o.Action)
		}
		if fo.Before, err = encodeValue(o.Before); err != nil {
			return nil, fmt.Errorf("output %q: %w", o.Name, err)
		}
		if fo.After, err = encodeValue(o.After); err != nil {
			return nil, fmt.Errorf("output %q: %w", o.Name, err)
		}
		f.Outputs = append(f.Outputs, fo)
	}
	for _, c := range p.Checks {
		for _, in := range c.Instances {
			f.Checks = append(f.Checks, &fileCheck{Addr: encodeAddr(in.Addr), Status: string(in.Status), Problems: in.Problems})
		}
	}
	for _, r := range p.Reads {
		fv, err := encodeValue(r.Value)
		if err != nil {
			return nil, fmt.Errorf("data.%s: %w", r.Addr, err)
		}
		f.Reads = append(f.Reads, &fileRead{Addr: encodeAddr(r.Addr), Value: fv})
	}
	if f.PrevRunState, err = encodeState(p.PrevRunState); err != nil {
		return nil, fmt.Errorf("previous run state: %w", err)
	}
	if f.PriorState, err = encodeState(p.PriorState); err != nil {
		return nil, fmt.Errorf("prior state: %w", err)
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func encodeState(s *state.State) (*fileState, error) {
	if s == nil {
		return nil, nil
	}
	fs := &fileState{}
	if s.Lineage == "" {
		c := *s
		c.Lineage = placeholderLineage
		s, fs.NoLineage = &c, true
	}
	var err error
	fs.State, err = state.Encode(s)
	return fs, err
}

func encodeChanges(cs []*ResourceChange) ([]*fileChange, error) {
	out := make([]*fileChange, 0, len(cs))
	for _, c := range cs {
		if c == nil {
			return nil, errors.New("a nil resource change; this is a bug in updplan")
		}
		fc, err := encodeChange(c)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.Addr, err)
		}
		out = append(out, fc)
	}
	return out, nil
}

func encodeChange(c *ResourceChange) (*fileChange, error) {
	fc := &fileChange{
		Addr:                encodeAddr(c.Addr),
		Type:                c.Type,
		Provider:            c.Provider,
		Action:              actionNames[c.Action],
		Reason:              string(c.Reason),
		ImportID:            c.ImportID,
		Private:             c.Private,
		CreateBeforeDestroy: c.CreateBeforeDestroy,
	}
	if fc.Action == "" {
		return nil, fmt.Errorf("unknown action %q", c.Action)
	}
	if c.PrevAddr != (addr.Instance{}) {
		pa := encodeAddr(c.PrevAddr)
		fc.PrevAddr = &pa
	}
	var err error
	if fc.Before, err = encodeValue(c.Before); err != nil {
		return nil, fmt.Errorf("before: %w", err)
	}
	if fc.After, err = encodeValue(c.After); err != nil {
		return nil, fmt.Errorf("after: %w", err)
	}
	if fc.Config, err = encodeValue(c.Config); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	for _, set := range []struct {
		in  []cty.Path
		out *[][]pathStep
	}{{c.ReplacePaths, &fc.ReplacePaths}, {c.BeforeSensitive, &fc.BeforeSensitive}, {c.AfterSensitive, &fc.AfterSensitive}} {
		for _, p := range set.in {
			steps, err := encodePath(p)
			if err != nil {
				return nil, err
			}
			*set.out = append(*set.out, steps)
		}
	}
	for _, d := range c.Dependencies {
		fc.Dependencies = append(fc.Dependencies, d.String())
	}
	return fc, nil
}

func encodeAddr(a addr.Instance) fileAddr {
	fa := fileAddr{Type: a.Resource.Type, Name: a.Resource.Name}
	switch a.Key.Kind() {
	case addr.IntKeyKind:
		fa.Key = a.Key.Int()
	case addr.StrKeyKind:
		fa.Key = a.Key.Str()
	}
	return fa
}

func encodeValue(v cty.Value) (*fileValue, error) {
	if v == cty.NilVal {
		return nil, nil
	}
	unmarked, marks := v.UnmarkDeepWithPaths()
	b, err := ctymsgpack.Marshal(unmarked, cty.DynamicPseudoType)
	if err != nil {
		return nil, err
	}
	fv := &fileValue{Msgpack: b}
	for _, pm := range marks {
		steps, err := encodePath(pm.Path)
		if err != nil {
			return nil, err
		}
		fv.Sensitive = append(fv.Sensitive, steps)
	}
	return fv, nil
}

func encodePath(p cty.Path) ([]pathStep, error) {
	steps := make([]pathStep, 0, len(p))
	for _, s := range p {
		switch s := s.(type) {
		case cty.GetAttrStep:
			steps = append(steps, pathStep{Attr: &s.Name})
		case cty.IndexStep:
			k := s.Key
			if !k.IsKnown() || k.IsNull() || (k.Type() != cty.String && k.Type() != cty.Number) {
				return nil, fmt.Errorf("a path index must be a known number or string")
			}
			b, err := ctyjson.Marshal(k, k.Type())
			if err != nil {
				return nil, err
			}
			steps = append(steps, pathStep{Index: b})
		default:
			return nil, fmt.Errorf("a path step of kind %T cannot be saved", s)
		}
	}
	return steps, nil
}

// DecodeFile reads the bytes of a saved plan; see ReadFile.
func DecodeFile(b []byte, types state.TypeFunc) (*Plan, error) {
	var head struct {
		Format        *string         `json:"format"`
		FormatVersion *int            `json:"format_version"`
		Lineage       json.RawMessage `json:"lineage"`
	}
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, errors.New("not a saved plan: write one with \"updplan plan -out=FILE\"")
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, syntaxError(b, err)
	}
	switch {
	case head.Format == nil && head.Lineage != nil:
		return nil, errors.New("this is a state file, not a saved plan. Pass a file written by \"updplan plan -out=FILE\"")
	case head.Format == nil || *head.Format != fileFormat || head.FormatVersion == nil:
		return nil, errors.New("not a saved plan: write one with \"updplan plan -out=FILE\"")
	case *head.FormatVersion > FileFormatVersion:
		return nil, fmt.Errorf("saved in plan format version %d by a newer updplan; this updplan reads versions up to %d. Apply it with the updplan that made it, or run plan again", *head.FormatVersion, FileFormatVersion)
	case *head.FormatVersion < 1:
		return nil, fmt.Errorf("plan format version %d, which no updplan writes: this is not a saved plan", *head.FormatVersion)
	}
	var f filePlan
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, syntaxError(b, err)
	}
	p := &Plan{
		Timestamp:    f.Timestamp,
		Errored:      f.Errored,
		ConfigDigest: f.ConfigDigest,
		Variables:    make(map[string]cty.Value, len(f.Variables)),
	}
	mode, ok := lookup(modeNames, f.Mode)
	if !ok {
		return nil, fmt.Errorf("unknown plan mode %q", f.Mode)
	}
	p.Mode = mode
	var err error
	if p.Targets, err = decodeAddrs(f.Targets); err != nil {
		return nil, fmt.Errorf("targets: %w", err)
	}
	if p.Replace, err = decodeAddrs(f.Replace); err != nil {
		return nil, fmt.Errorf("replace: %w", err)
	}
	for name, fv := range f.Variables {
		if p.Variables[name], err = decodeValue(fv); err != nil {
			return nil, fmt.Errorf("variable %q: %w", name, err)
		}
	}
	if len(f.SensitiveVariables) > 0 {
		p.SensitiveVariables = map[string]bool{}
		for _, name := range f.SensitiveVariables {
			p.SensitiveVariables[name] = true
		}
	}
	if p.Changes, err = decodeChanges(f.Changes, types); err != nil {
		return nil, err
	}
	if p.Drift, err = decodeChanges(f.Drift, types); err != nil {
		return nil, fmt.Errorf("drift: %w", err)
	}
	for i, fo := range f.Outputs {
		if fo == nil {
			return nil, fmt.Errorf("output #%d is null", i+1)
		}
		o := &OutputChange{Name: fo.Name, Sensitive: fo.Sensitive}
		if o.Action, ok = lookup(actionNames, fo.Action); !ok {
			return nil, fmt.Errorf("output %q: unknown action %q", fo.Name, fo.Action)
		}
		if o.Before, err = decodeValue(fo.Before); err != nil {
			return nil, fmt.Errorf("output %q: %w", fo.Name, err)
		}
		if o.After, err = decodeValue(fo.After); err != nil {
			return nil, fmt.Errorf("output %q: %w", fo.Name, err)
		}
		p.Outputs = append(p.Outputs, o)
	}
	if p.Checks, err = decodeChecks(f.Checks); err != nil {
		return nil, fmt.Errorf("checks: %w", err)
	}
	for i, fr := range f.Reads {
		if fr == nil {
			return nil, fmt.Errorf("data source read #%d is null", i+1)
		}
		a, err := decodeAddr(fr.Addr)
		if err != nil {
			return nil, fmt.Errorf("data source read #%d: %w", i+1, err)
		}
		v, err := decodeValue(fr.Value)
		if err != nil || v == cty.NilVal {
			return nil, fmt.Errorf("data.%s: a value is required: %v", a, err)
		}
		p.Reads = append(p.Reads, &DataRead{Addr: a, Value: v})
	}
	if p.PrevRunState, err = decodeState(f.PrevRunState, types); err != nil {
		return nil, fmt.Errorf("previous run state: %w", err)
	}
	if p.PriorState, err = decodeState(f.PriorState, types); err != nil {
		return nil, fmt.Errorf("prior state: %w", err)
	}
	return p, nil
}

// decodeChecks groups the saved per-instance results by resource, in the
// order they were saved (sorted).
func decodeChecks(fcs []*fileCheck) ([]*CheckResult, error) {
	var out []*CheckResult
	for i, fc := range fcs {
		if fc == nil {
			return nil, fmt.Errorf("check #%d is null", i+1)
		}
		a, err := decodeAddr(fc.Addr)
		if err != nil {
			return nil, err
		}
		st := CheckStatus(fc.Status)
		switch st {
		case CheckPass, CheckFail, CheckError, CheckUnknown:
		default:
			return nil, fmt.Errorf("%s: unknown check status %q", a, fc.Status)
		}
		if len(out) == 0 || out[len(out)-1].Resource != a.Resource {
			out = append(out, &CheckResult{Resource: a.Resource})
		}
		last := out[len(out)-1]
		last.Instances = append(last.Instances, CheckInstance{Addr: a, Status: st, Problems: fc.Problems})
	}
	return out, nil
}

func lookup[K comparable](names map[K]string, name string) (K, bool) {
	for k, n := range names {
		if n == name {
			return k, true
		}
	}
	var zero K
	return zero, false
}

func decodeState(fs *fileState, types state.TypeFunc) (*state.State, error) {
	if fs == nil {
		return nil, nil
	}
	if len(fs.State) == 0 || string(fs.State) == "null" {
		return nil, errors.New("the state is missing")
	}
	s, err := state.Decode(fs.State, types)
	if err != nil {
		return nil, err
	}
	if fs.NoLineage {
		s.Lineage = ""
	}
	return s, nil
}

func decodeChanges(fcs []*fileChange, types state.TypeFunc) ([]*ResourceChange, error) {
	var out []*ResourceChange
	for i, fc := range fcs {
		if fc == nil {
			return nil, fmt.Errorf("change #%d is null", i+1)
		}
		c, err := decodeChange(fc, types)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func decodeChange(fc *fileChange, types state.TypeFunc) (*ResourceChange, error) {
	a, err := decodeAddr(fc.Addr)
	if err != nil {
		return nil, err
	}
	fail := func(format string, args ...any) (*ResourceChange, error) {
		return nil, fmt.Errorf("%s: %s", a, fmt.Sprintf(format, args...))
	}
	c := &ResourceChange{
		Addr: a, Type: fc.Type, Provider: fc.Provider, Reason: Reason(fc.Reason),
		ImportID: fc.ImportID, Private: fc.Private, CreateBeforeDestroy: fc.CreateBeforeDestroy,
	}
	var ok bool
	if c.Action, ok = lookup(actionNames, fc.Action); !ok {
		return fail("unknown action %q", fc.Action)
	}
	if fc.PrevAddr != nil {
		if c.PrevAddr, err = decodeAddr(*fc.PrevAddr); err != nil {
			return fail("previous address: %v", err)
		}
	}
	ty, known := types(fc.Type)
	if !known {
		return fail("resource type %q is unknown to this updplan. Run plan again with this version", fc.Type)
	}
	for _, v := range []struct {
		name string
		in   *fileValue
		out  *cty.Value
	}{{"before", fc.Before, &c.Before}, {"after", fc.After, &c.After}, {"config", fc.Config, &c.Config}} {
		if *v.out, err = decodeValue(v.in); err != nil {
			return fail("%s: %v", v.name, err)
		}
		got := *v.out
		if got == cty.NilVal {
			continue
		}
		if !got.Type().Equals(ty) && !(got.IsNull() && got.Type() == cty.DynamicPseudoType) {
			return fail("the %s value does not fit the schema of %s any more (it changed since the plan was made). Run plan again", v.name, fc.Type)
		}
	}
	for _, set := range []struct {
		in  [][]pathStep
		out *[]cty.Path
	}{{fc.ReplacePaths, &c.ReplacePaths}, {fc.BeforeSensitive, &c.BeforeSensitive}, {fc.AfterSensitive, &c.AfterSensitive}} {
		for _, steps := range set.in {
			p, err := decodePath(steps)
			if err != nil {
				return fail("%v", err)
			}
			*set.out = append(*set.out, p)
		}
	}
	for _, d := range fc.Dependencies {
		t, n, ok := strings.Cut(d, ".")
		if !ok || t == "" || n == "" {
			return fail("invalid dependency %q", d)
		}
		c.Dependencies = append(c.Dependencies, addr.Resource{Type: t, Name: n})
	}
	return c, nil
}

func decodeAddrs(fas []fileAddr) ([]addr.Instance, error) {
	var out []addr.Instance
	for _, fa := range fas {
		a, err := decodeAddr(fa)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func decodeAddr(fa fileAddr) (addr.Instance, error) {
	if fa.Type == "" || fa.Name == "" {
		return addr.Instance{}, errors.New("a resource address without type or name")
	}
	a := addr.Instance{Resource: addr.Resource{Type: fa.Type, Name: fa.Name}}
	switch k := fa.Key.(type) {
	case nil:
	case float64:
		if k < 0 || k != float64(int(k)) || k > 1<<31 {
			return addr.Instance{}, fmt.Errorf("%s has index %v, which is not a whole number", a, k)
		}
		a.Key = addr.IntKey(int(k))
	case string:
		a.Key = addr.StrKey(k)
	default:
		return addr.Instance{}, fmt.Errorf("%s has an index that is neither a number nor a string", a)
	}
	return a, nil
}

func decodeValue(fv *fileValue) (cty.Value, error) {
	if fv == nil {
		return cty.NilVal, nil
	}
	if err := checkMsgpack(fv.Msgpack); err != nil {
		return cty.NilVal, fmt.Errorf("invalid value: %v", err)
	}
	v, err := ctymsgpack.Unmarshal(fv.Msgpack, cty.DynamicPseudoType)
	if err != nil {
		return cty.NilVal, fmt.Errorf("invalid value: %v", err)
	}
	if len(fv.Sensitive) == 0 {
		return v, nil
	}
	var marks []cty.PathValueMarks
	for _, steps := range fv.Sensitive {
		p, err := decodePath(steps)
		if err != nil {
			return cty.NilVal, err
		}
		if _, err := p.Apply(v); err != nil && !pathThroughUnknown(v, p) {
			return cty.NilVal, fmt.Errorf("a sensitive path leads nowhere: %v", err)
		}
		marks = append(marks, cty.PathValueMarks{Path: p, Marks: cty.NewValueMarks(SensitiveMark)})
	}
	return v.MarkWithPaths(marks), nil
}

// maxValueDepth bounds the nesting of a saved value; real values are a
// few levels deep.
const maxValueDepth = 1000

// checkMsgpack checks that b is one complete MessagePack value in which no
// string, array or map claims more bytes or elements than b has left, and
// nesting stays under maxValueDepth. cty's decoder allocates what a length
// claims before reading, so five bytes of a crafted file could otherwise
// make it ask for gigabytes.
func checkMsgpack(b []byte) error {
	pos, items := 0, 1
	var stack []int // items left in the enclosing containers
	need := func(n uint64) error {
		if n > uint64(len(b)-pos) {
			return errors.New("a length runs past the end of the value")
		}
		return nil
	}
	length := func(size int) (uint64, error) {
		if err := need(uint64(size)); err != nil {
			return 0, err
		}
		var n uint64
		for i := 0; i < size; i++ {
			n = n<<8 | uint64(b[pos+i])
		}
		pos += size
		return n, nil
	}
	for items > 0 || len(stack) > 0 {
		if items == 0 {
			items, stack = stack[len(stack)-1], stack[:len(stack)-1]
			continue
		}
		items--
		if pos >= len(b) {
			return errors.New("the value ends too early")
		}
		c := b[pos]
		pos++
		var skip, children uint64
		var err error
		switch {
		case c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3:
		case c >= 0x80 && c <= 0x8f:
			children = 2 * uint64(c&0x0f)
		case c >= 0x90 && c <= 0x9f:
			children = uint64(c & 0x0f)
		case c >= 0xa0 && c <= 0xbf:
			skip = uint64(c & 0x1f)
		case c == 0xc4 || c == 0xd9:
			skip, err = length(1)
		case c == 0xc5 || c == 0xda:
			skip, err = length(2)
		case c == 0xc6 || c == 0xdb:
			skip, err = length(4)
		case c == 0xc7 || c == 0xc8 || c == 0xc9:
			skip, err = length(1 << (c - 0xc7))
			skip++ // the extension type
		case c == 0xca:
			skip = 4
		case c == 0xcb:
			skip = 8
		case c >= 0xcc && c <= 0xcf:
			skip = 1 << (c - 0xcc)
		case c >= 0xd0 && c <= 0xd3:
			skip = 1 << (c - 0xd0)
		case c >= 0xd4 && c <= 0xd8:
			skip = 1 + 1<<(c-0xd4)
		case c == 0xdc:
			children, err = length(2)
		case c == 0xdd:
			children, err = length(4)
		case c == 0xde:
			children, err = length(2)
			children *= 2
		case c == 0xdf:
			children, err = length(4)
			children *= 2
		default:
			return fmt.Errorf("invalid MessagePack code 0x%02x", c)
		}
		if err != nil {
			return err
		}
		if err := need(skip); err != nil {
			return err
		}
		pos += int(skip)
		if children > 0 {
			if err := need(children); err != nil {
				return err
			}
			if len(stack) >= maxValueDepth {
				return errors.New("the value is nested too deeply")
			}
			stack = append(stack, items)
			items = int(children)
		}
	}
	if pos != len(b) {
		return errors.New("extra bytes after the value")
	}
	return nil
}

// pathThroughUnknown reports whether p runs into an unknown or null value
// on the way (a mark there is kept on that value).
func pathThroughUnknown(v cty.Value, p cty.Path) bool {
	for i := range p {
		sub, err := p[:i].Apply(v)
		if err != nil {
			return false
		}
		if !sub.IsKnown() || sub.IsNull() {
			return true
		}
	}
	return false
}

func decodePath(steps []pathStep) (cty.Path, error) {
	p := make(cty.Path, 0, len(steps))
	for _, st := range steps {
		switch {
		case st.Attr != nil && st.Index == nil:
			p = append(p, cty.GetAttrStep{Name: *st.Attr})
		case st.Attr == nil && st.Index != nil:
			key, err := state.DecodeIndexKey(st.Index)
			if err != nil {
				return nil, fmt.Errorf("invalid path index: %v", err)
			}
			p = append(p, cty.IndexStep{Key: key})
		default:
			return nil, errors.New("a path step must have exactly one of attr and index")
		}
	}
	return slices.Clip(p), nil
}

// syntaxError explains a JSON error, saying plainly when the file was cut
// short.
func syntaxError(b []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || (errors.As(err, &se) && se.Offset >= int64(len(bytes.TrimRight(b, " \t\r\n")))):
		return errors.New("truncated (the file ends too early). Run plan again to save a new one")
	case errors.As(err, &se):
		return fmt.Errorf("invalid JSON at byte %d: %v. Run plan again to save a new one", se.Offset, se)
	case errors.As(err, &te):
		return fmt.Errorf("a value of the wrong kind in field %q. Run plan again to save a new one", te.Field)
	}
	return fmt.Errorf("invalid: %v", err)
}
