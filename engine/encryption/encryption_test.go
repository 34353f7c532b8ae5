package encryption

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

const (
	passA = "correct-horse-battery-staple"
	passB = "another-long-passphrase-here"
)

// build parses and builds an encryption block; vars feed var.NAME.
func build(t *testing.T, src string, env []string, vars map[string]cty.Value) (*Encryption, hcl.Diagnostics) {
	t.Helper()
	f, diags := hclsyntax.ParseConfig([]byte(src), "enc.upd.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	spec, diags := Parse(f.Body, hcl.Range{})
	if diags.HasErrors() {
		return nil, diags
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{"var": cty.ObjectVal(vars)}}
	if len(vars) == 0 {
		ctx.Variables["var"] = cty.EmptyObjectVal
	}
	return spec.Build(func(e hcl.Expression) (cty.Value, hcl.Diagnostics) { return e.Value(ctx) }, env)
}

func mustBuild(t *testing.T, src string, env []string, vars map[string]cty.Value) *Encryption {
	t.Helper()
	enc, diags := build(t, src, env, vars)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return enc
}

const single = `
key_provider "pbkdf2" "main" {
  iterations = 200000
}
method "aes_gcm" "main" {
  keys = key_provider.pbkdf2.main
}
state {
  method = method.aes_gcm.main
}
plan {
  method   = method.aes_gcm.main
  enforced = true
}
`

func TestSealOpen(t *testing.T) {
	enc := mustBuild(t, single, []string{PassphraseEnv + "=" + passA}, nil)
	secret := []byte(`{"password":"hunter2-secret"}`)
	sealed, err := enc.State.Seal("state", secret)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("hunter2")) || bytes.Contains(sealed, []byte(passA)) || bytes.ContainsRune(sealed, '\n') {
		t.Fatalf("sealed payload shows the secret, the passphrase or a newline: %s", sealed)
	}
	if !IsEncrypted(sealed) || IsEncrypted(secret) {
		t.Errorf("IsEncrypted is wrong")
	}
	again, _ := enc.State.Seal("state", secret)
	if bytes.Equal(sealed, again) {
		t.Errorf("two seals of the same payload are equal: the nonce is reused")
	}
	got, err := enc.State.Open("state", sealed)
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("Open = %s, %v", got, err)
	}
	// The purpose is bound: a journal record does not pass for a state.
	if _, err := enc.State.Open("journal", sealed); err == nil {
		t.Errorf("a state opened as a journal record")
	}
	// A fresh process (new cache) with the wrong passphrase.
	wrong := mustBuild(t, single, []string{PassphraseEnv + "=" + passB}, nil)
	_, err = wrong.State.Open("state", sealed)
	if err == nil || !strings.Contains(err.Error(), "passphrase is wrong") || strings.Contains(err.Error(), passB) {
		t.Errorf("wrong key: %v", err)
	}
	// Damaged data is refused, never returned.
	damaged := bytes.Replace(sealed, []byte(`"data":"`), []byte(`"data":"AAAA`), 1)
	if _, err := enc.State.Open("state", damaged); err == nil {
		t.Errorf("damaged envelope opened")
	}
	// Plain data needs an unencrypted method or fallback.
	if _, err := enc.State.Open("state", secret); err == nil || !strings.Contains(err.Error(), "not encrypted") {
		t.Errorf("plain state under encryption: %v", err)
	}
	// No encryption block: plain passes, encrypted is refused clearly.
	var none *Target
	if got, err := none.Open("state", secret); err != nil || !bytes.Equal(got, secret) {
		t.Errorf("nil target, plain: %s %v", got, err)
	}
	if _, err := none.Open("plan", sealed); err == nil || !strings.Contains(err.Error(), "no encryption block") {
		t.Errorf("nil target, encrypted: %v", err)
	}
}

func TestMigrationAndRotation(t *testing.T) {
	plain := []byte(`{"version":4}`)
	// From unencrypted: the fallback reads plain data, writes encrypted.
	migrate := mustBuild(t, `
key_provider "pbkdf2" "main" {
  iterations = 200000
}
method "aes_gcm" "main" {
  keys = key_provider.pbkdf2.main
}
method "unencrypted" "migrate" {}
state {
  method = method.aes_gcm.main
  fallback {
    method = method.unencrypted.migrate
  }
}
`, []string{PassphraseEnv + "=" + passA}, nil)
	if got, err := migrate.State.Open("state", plain); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("migration read: %s %v", got, err)
	}
	sealedA, err := migrate.State.Seal("state", plain)
	if err != nil || !IsEncrypted(sealedA) {
		t.Fatalf("migration write: %s %v", sealedA, err)
	}

	// Rotation: the new key writes, the old one is the fallback.
	rotate := mustBuild(t, `
key_provider "pbkdf2" "old" {
  iterations = 200000
}
key_provider "pbkdf2" "new" {
  passphrase = var.new
  iterations = 200000
  hash_function = "sha256"
}
method "aes_gcm" "old" {
  keys = key_provider.pbkdf2.old
}
method "aes_gcm" "new" {
  keys = key_provider.pbkdf2.new
}
state {
  method = method.aes_gcm.new
  fallback {
    method = method.aes_gcm.old
  }
}
`, []string{PassphraseEnv + "=" + passA}, map[string]cty.Value{"new": cty.StringVal(passB)})
	if got, err := rotate.State.Open("state", sealedA); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("rotation read with the fallback: %s %v", got, err)
	}
	sealedB, _ := rotate.State.Seal("state", plain)
	if !strings.Contains(string(sealedB), `"key_provider":"pbkdf2.new"`) {
		t.Errorf("rotation wrote with %s", sealedB)
	}
	// The old key alone no longer opens it.
	if _, err := migrate.State.Open("state", sealedB); err == nil {
		t.Errorf("old key opened data of the new key")
	}

	// Back to unencrypted: plain writes, the fallback reads.
	back := mustBuild(t, `
key_provider "pbkdf2" "new" {
  passphrase = var.new
  iterations = 200000
  hash_function = "sha256"
}
method "aes_gcm" "new" {
  keys = key_provider.pbkdf2.new
}
method "unencrypted" "off" {}
state {
  method = method.unencrypted.off
  fallback {
    method = method.aes_gcm.new
  }
}
`, nil, map[string]cty.Value{"new": cty.StringVal(passB)})
	if got, err := back.State.Open("state", sealedB); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("decrypting on the way back: %s %v", got, err)
	}
	if out, _ := back.State.Seal("state", plain); !bytes.Equal(out, plain) || back.State.Encrypted() {
		t.Errorf("unencrypted method wrote %s", out)
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		env       []string
		want      string
	}{
		{"unknown provider type", `key_provider "kms" "k" {}`, nil, "Unknown key provider type"},
		{"unknown method type", `method "chacha" "m" {}`, nil, "Unknown method type"},
		{"unknown key provider", "method \"aes_gcm\" \"m\" {\n keys = key_provider.pbkdf2.nope\n}", nil, "Unknown key provider"},
		{"bad reference", "method \"aes_gcm\" \"m\" {\n keys = \"pbkdf2.main\"\n}", nil, "Invalid reference"},
		{"unknown method", "state {\n method = method.aes_gcm.nope\n}", nil, "Unknown method"},
		{"enforced unencrypted", "method \"unencrypted\" \"u\" {}\nstate {\n method = method.unencrypted.u\n enforced = true\n}", nil, "Unencrypted method enforced"},
		{"no passphrase", `key_provider "pbkdf2" "k" {}`, nil, "No passphrase"},
		{"short passphrase", `key_provider "pbkdf2" "k" {}`, []string{PassphraseEnv + "=short"}, "Passphrase too short"},
		{"few iterations", "key_provider \"pbkdf2\" \"k\" {\n iterations = 1000\n}", []string{PassphraseEnv + "=" + passA}, "Invalid iterations"},
		{"bad hash", "key_provider \"pbkdf2\" \"k\" {\n hash_function = \"md5\"\n}", []string{PassphraseEnv + "=" + passA}, "Invalid hash_function"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, diags := build(t, tc.src, tc.env, nil)
			if !diags.HasErrors() || !strings.Contains(diags.Error(), tc.want) {
				t.Fatalf("diags = %v, want %q", diags, tc.want)
			}
			for _, d := range diags {
				if d.Subject == nil {
					t.Errorf("diagnostic without a range: %v", d)
				}
			}
		})
	}
}
