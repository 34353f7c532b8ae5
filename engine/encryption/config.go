package encryption

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// PassphraseEnv holds the passphrase of a pbkdf2 key provider that sets
// none in the configuration.
const PassphraseEnv = "UPDPLAN_ENCRYPTION_PASSPHRASE"

// MinPassphraseLength is the shortest passphrase accepted (OpenTofu's).
const MinPassphraseLength = 16

// Defaults of the pbkdf2 key provider (OpenTofu's).
const (
	DefaultIterations = 600000
	MinIterations     = 200000
	MaxIterations     = 10000000
	DefaultHash       = "sha512"
	DefaultKeyLength  = 32
	DefaultSaltLength = 32
)

// Spec is an encryption block as written, before its passphrases are
// evaluated.
type Spec struct {
	keyProviders map[string]*keyProviderSpec // "pbkdf2.NAME"
	methods      map[string]*methodSpec      // "aes_gcm.NAME", "unencrypted.NAME"
	State, Plan  *TargetSpec
	DeclRange    hcl.Range
}

type keyProviderSpec struct {
	id         string
	passphrase hcl.Expression // nil: PassphraseEnv
	attrs      map[string]*hcl.Attribute
	declRange  hcl.Range
}

type methodSpec struct {
	id        string
	keys      string // key provider id; "" for unencrypted
	declRange hcl.Range
}

// TargetSpec is a state or plan block.
type TargetSpec struct {
	Method, Fallback string // method ids; Fallback "" when none
	Enforced         bool
	DeclRange        hcl.Range
}

var encryptionSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "key_provider", LabelNames: []string{"type", "name"}},
	{Type: "method", LabelNames: []string{"type", "name"}},
	{Type: "state"},
	{Type: "plan"},
}}

var targetSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "method", Required: true}, {Name: "enforced"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "fallback"}},
}

var fallbackSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "method", Required: true}}}

var pbkdf2Schema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "passphrase"}, {Name: "iterations"}, {Name: "hash_function"}, {Name: "key_length"}, {Name: "salt_length"},
}}

var aesGCMSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "keys", Required: true}}}

func diag(rng hcl.Range, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: rng.Ptr()}
}

// Parse reads an encryption block's structure and references, evaluating
// nothing: every mistake it can see without values is reported here, at
// its range (validate calls it too).
func Parse(body hcl.Body, declRange hcl.Range) (*Spec, hcl.Diagnostics) {
	s := &Spec{keyProviders: map[string]*keyProviderSpec{}, methods: map[string]*methodSpec{}, DeclRange: declRange}
	content, diags := body.Content(encryptionSchema)
	var methodBlocks []*hcl.Block
	for _, b := range content.Blocks {
		switch b.Type {
		case "key_provider":
			id := b.Labels[0] + "." + b.Labels[1]
			if b.Labels[0] != "pbkdf2" {
				diags = append(diags, diag(b.LabelRanges[0], "Unknown key provider type",
					fmt.Sprintf("There is no key provider of type %q. updplan has \"pbkdf2\" (a key derived from a passphrase); use it.", b.Labels[0])))
				continue
			}
			if _, dup := s.keyProviders[id]; dup {
				diags = append(diags, diag(b.DefRange, "Duplicate key provider", fmt.Sprintf("key_provider %q %q is declared twice; remove one.", b.Labels[0], b.Labels[1])))
				continue
			}
			attrs, d := b.Body.Content(pbkdf2Schema)
			diags = append(diags, d...)
			kp := &keyProviderSpec{id: id, attrs: attrs.Attributes, declRange: b.DefRange}
			if a, ok := attrs.Attributes["passphrase"]; ok {
				kp.passphrase = a.Expr
			}
			s.keyProviders[id] = kp
		case "method":
			methodBlocks = append(methodBlocks, b)
		case "state", "plan":
			t, d := parseTarget(b)
			diags = append(diags, d...)
			if t == nil {
				continue
			}
			prev := &s.State
			if b.Type == "plan" {
				prev = &s.Plan
			}
			if *prev != nil {
				diags = append(diags, diag(b.DefRange, "Duplicate "+b.Type+" block", fmt.Sprintf("The encryption block has two %s blocks; keep one.", b.Type)))
				continue
			}
			*prev = t
		}
	}
	for _, b := range methodBlocks {
		id := b.Labels[0] + "." + b.Labels[1]
		if _, dup := s.methods[id]; dup {
			diags = append(diags, diag(b.DefRange, "Duplicate method", fmt.Sprintf("method %q %q is declared twice; remove one.", b.Labels[0], b.Labels[1])))
			continue
		}
		switch b.Labels[0] {
		case "aes_gcm":
			attrs, d := b.Body.Content(aesGCMSchema)
			diags = append(diags, d...)
			a, ok := attrs.Attributes["keys"]
			if !ok {
				continue
			}
			ref, d := reference(a.Expr, "key_provider")
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			if _, ok := s.keyProviders[ref]; !ok {
				diags = append(diags, diag(a.Expr.Range(), "Unknown key provider",
					fmt.Sprintf("keys refers to key_provider.%s, which is not declared. Declare it, e.g. key_provider \"pbkdf2\" %q { }, or fix the reference.", ref, strings.TrimPrefix(ref, "pbkdf2."))))
				continue
			}
			s.methods[id] = &methodSpec{id: id, keys: ref, declRange: b.DefRange}
		case "unencrypted":
			_, d := b.Body.Content(&hcl.BodySchema{})
			diags = append(diags, d...)
			s.methods[id] = &methodSpec{id: id, declRange: b.DefRange}
		default:
			diags = append(diags, diag(b.LabelRanges[0], "Unknown method type",
				fmt.Sprintf("There is no encryption method of type %q. updplan has \"aes_gcm\" and \"unencrypted\" (for migrations); use one of them.", b.Labels[0])))
		}
	}
	for _, t := range []*TargetSpec{s.State, s.Plan} {
		if t == nil {
			continue
		}
		for _, id := range []string{t.Method, t.Fallback} {
			if id != "" && s.methods[id] == nil {
				diags = append(diags, diag(t.DeclRange, "Unknown method",
					fmt.Sprintf("The target refers to method.%s, which is not declared. Declare it with a method block, or fix the reference.", id)))
			}
		}
		if t.Enforced && s.methods[t.Method] != nil && s.methods[t.Method].keys == "" {
			diags = append(diags, diag(t.DeclRange, "Unencrypted method enforced",
				"enforced = true requires the target's method to encrypt, but it is an unencrypted method. Use an aes_gcm method, or remove enforced."))
		}
	}
	return s, diags
}

func parseTarget(b *hcl.Block) (*TargetSpec, hcl.Diagnostics) {
	content, diags := b.Body.Content(targetSchema)
	t := &TargetSpec{DeclRange: b.DefRange}
	a, ok := content.Attributes["method"]
	if !ok {
		return nil, diags
	}
	id, d := reference(a.Expr, "method")
	diags = append(diags, d...)
	t.Method = id
	if e, ok := content.Attributes["enforced"]; ok {
		v, d := e.Expr.Value(nil)
		diags = append(diags, d...)
		if !d.HasErrors() {
			if v.Type() != cty.Bool || v.IsNull() {
				diags = append(diags, diag(e.Expr.Range(), "Invalid enforced", "enforced must be true or false."))
			} else {
				t.Enforced = v.True()
			}
		}
	}
	for i, fb := range content.Blocks {
		if i > 0 {
			diags = append(diags, diag(fb.DefRange, "Duplicate fallback block", "A target takes one fallback; keep one."))
			continue
		}
		fc, d := fb.Body.Content(fallbackSchema)
		diags = append(diags, d...)
		if fa, ok := fc.Attributes["method"]; ok {
			fid, d := reference(fa.Expr, "method")
			diags = append(diags, d...)
			t.Fallback = fid
		}
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return t, diags
}

// reference reads key_provider.TYPE.NAME or method.TYPE.NAME and returns
// "TYPE.NAME".
func reference(expr hcl.Expression, root string) (string, hcl.Diagnostics) {
	t, diags := hcl.AbsTraversalForExpr(expr)
	if !diags.HasErrors() && len(t) == 3 && t.RootName() == root {
		a, ok1 := t[1].(hcl.TraverseAttr)
		b, ok2 := t[2].(hcl.TraverseAttr)
		if ok1 && ok2 {
			return a.Name + "." + b.Name, nil
		}
	}
	return "", hcl.Diagnostics{diag(expr.Range(), "Invalid reference",
		fmt.Sprintf("Write a reference such as %s.TYPE.NAME here, without quotes (e.g. %s).", root, map[string]string{"key_provider": "key_provider.pbkdf2.main", "method": "method.aes_gcm.main"}[root]))}
}

// PassphraseExprs are the expressions the engine must evaluate early.
func (s *Spec) PassphraseExprs() []hcl.Expression {
	var out []hcl.Expression
	for _, id := range sortedIDs(s.keyProviders) {
		kp := s.keyProviders[id]
		for _, name := range []string{"passphrase", "iterations", "hash_function", "key_length", "salt_length"} {
			if a, ok := kp.attrs[name]; ok {
				out = append(out, a.Expr)
			}
		}
	}
	return out
}

func sortedIDs[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Encryption is a built encryption block: the state and plan targets (nil
// when the block has no such target).
type Encryption struct {
	State, Plan *Target
}

// Build evaluates the key providers' settings with eval (early
// evaluation: variables and locals of variables) and env (for
// PassphraseEnv), and builds the targets.
func (s *Spec) Build(eval func(hcl.Expression) (cty.Value, hcl.Diagnostics), env []string) (*Encryption, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	providers := map[string]*pbkdf2Provider{}
	for _, id := range sortedIDs(s.keyProviders) {
		kp := s.keyProviders[id]
		p := &pbkdf2Provider{id: id, iterations: DefaultIterations, hash: DefaultHash, keyLength: DefaultKeyLength, saltLength: DefaultSaltLength}
		if kp.passphrase != nil {
			v, d := eval(kp.passphrase)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			v, _ = v.UnmarkDeep()
			if !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
				diags = append(diags, diag(kp.passphrase.Range(), "Invalid passphrase", "The passphrase must be a string known before anything is read: a variable, or leave it out and set "+PassphraseEnv+"."))
				continue
			}
			p.passphrase = []byte(v.AsString())
		} else {
			for _, kv := range env {
				if name, val, ok := strings.Cut(kv, "="); ok && name == PassphraseEnv {
					p.passphrase = []byte(val)
				}
			}
			if len(p.passphrase) == 0 {
				diags = append(diags, diag(kp.declRange, "No passphrase",
					fmt.Sprintf("key_provider.%s sets no passphrase and %s is not set. Set %s in the environment (a CI secret), or passphrase = var.NAME with a sensitive variable.", id, PassphraseEnv, PassphraseEnv)))
				continue
			}
		}
		if len([]rune(string(p.passphrase))) < MinPassphraseLength {
			rng := kp.declRange
			if kp.passphrase != nil {
				rng = kp.passphrase.Range()
			}
			diags = append(diags, diag(rng, "Passphrase too short", fmt.Sprintf("The passphrase of key_provider.%s must have at least %d characters. Use a longer one.", id, MinPassphraseLength)))
			continue
		}
		intAttr := func(name string, dst *int, ok func(int) bool, rule string) {
			a, set := kp.attrs[name]
			if !set {
				return
			}
			v, d := eval(a.Expr)
			diags = append(diags, d...)
			if d.HasErrors() {
				return
			}
			v, _ = v.UnmarkDeep()
			n, err := convert.Convert(v, cty.Number)
			if err == nil && n.IsKnown() && !n.IsNull() {
				if i, acc := n.AsBigFloat().Int64(); acc == 0 && ok(int(i)) {
					*dst = int(i)
					return
				}
			}
			diags = append(diags, diag(a.Expr.Range(), "Invalid "+name, name+" must be "+rule+"."))
		}
		intAttr("iterations", &p.iterations, func(i int) bool { return i >= MinIterations && i <= MaxIterations }, fmt.Sprintf("a whole number from %d to %d", MinIterations, MaxIterations))
		intAttr("key_length", &p.keyLength, func(i int) bool { return i == 16 || i == 24 || i == 32 }, "16, 24 or 32 (bytes: AES-128, AES-192 or AES-256)")
		intAttr("salt_length", &p.saltLength, func(i int) bool { return i >= 16 && i <= 64 }, "a whole number from 16 to 64")
		if a, set := kp.attrs["hash_function"]; set {
			v, d := eval(a.Expr)
			diags = append(diags, d...)
			if !d.HasErrors() {
				v, _ = v.UnmarkDeep()
				if v.Type() == cty.String && v.IsKnown() && !v.IsNull() && (v.AsString() == "sha256" || v.AsString() == "sha512") {
					p.hash = v.AsString()
				} else {
					diags = append(diags, diag(a.Expr.Range(), "Invalid hash_function", "hash_function must be \"sha256\" or \"sha512\"."))
				}
			}
		}
		providers[id] = p
	}
	if diags.HasErrors() {
		return nil, diags
	}
	methods := map[string]*method{}
	for id, m := range s.methods {
		methods[id] = &method{id: id, key: providers[m.keys]} // nil key: unencrypted
	}
	target := func(what string, t *TargetSpec) *Target {
		if t == nil {
			return nil
		}
		out := &Target{what: what, primary: methods[t.Method]}
		if t.Fallback != "" {
			out.fallback = methods[t.Fallback]
		}
		return out
	}
	return &Encryption{State: target("state", s.State), Plan: target("plan", s.Plan)}, nil
}
