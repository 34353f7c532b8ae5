package state

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/encryption"
	"github.com/updplan/updplan/internal/pgtest"
	"github.com/zclconf/go-cty/cty"
)

// stateTarget builds the state target of an encryption block with one
// pbkdf2 key provider taking its passphrase from the environment.
func stateTarget(t *testing.T, passphrase string) *encryption.Target {
	t.Helper()
	src := `
key_provider "pbkdf2" "main" {
  iterations = 200000
}
method "aes_gcm" "main" {
  keys = key_provider.pbkdf2.main
}
state {
  method = method.aes_gcm.main
}
`
	f, diags := hclsyntax.ParseConfig([]byte(src), "enc.upd.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	spec, diags := encryption.Parse(f.Body, hcl.Range{})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	enc, diags := spec.Build(func(e hcl.Expression) (cty.Value, hcl.Diagnostics) { return e.Value(nil) }, []string{encryption.PassphraseEnv + "=" + passphrase})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	return enc.State
}

const (
	testPass  = "correct-horse-battery-staple"
	wrongPass = "incorrect-horse-battery-staple"
)

// decodeStored decrypts and decodes stored bytes, failing the test when
// they show the sample state's secret output in clear.
func decodeStored(t *testing.T, enc *encryption.Target, b []byte) *State {
	t.Helper()
	if bytes.Contains(b, []byte("s3cret")) {
		t.Fatalf("stored state holds the secret in clear")
	}
	plain, err := enc.Open("state", b)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Decode(plain, testTypes)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestLocalEncryptedContract runs the backend contract on an encrypted
// local state: the state, its backup and the journal are encrypted.
func TestLocalEncryptedContract(t *testing.T) {
	enc := stateTarget(t, testPass)
	runBackendContract(t, func(t *testing.T) backendKit {
		path := filepath.Join(t.TempDir(), DefaultLocalPath)
		return backendKit{
			open: func(t *testing.T) Backend {
				l := NewLocal(path)
				l.SetEncryption(enc)
				t.Cleanup(func() { l.Close() })
				return l
			},
			backup: func(t *testing.T) *State {
				b, err := os.ReadFile(path + ".backup")
				if err != nil {
					t.Fatal(err)
				}
				return decodeStored(t, enc, b)
			},
		}
	})
}

// TestPostgresEncryptedContract runs the backend contract on an
// encrypted PostgreSQL state.
func TestPostgresEncryptedContract(t *testing.T) {
	enc := stateTarget(t, testPass)
	runBackendContract(t, func(t *testing.T) backendKit {
		dsn := pgtest.DSN(t)
		return backendKit{
			open: func(t *testing.T) Backend {
				p, err := NewPostgres(context.Background(), dsn, "default")
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { p.Close() })
				p.SetEncryption(enc)
				return p
			},
			backup: func(t *testing.T) *State {
				var prev *string
				err := pgConn(t, dsn).QueryRow(context.Background(), `SELECT previous FROM updplan_state WHERE workspace = 'default'`).Scan(&prev)
				if err != nil {
					t.Fatal(err)
				}
				if prev == nil {
					return nil
				}
				return decodeStored(t, enc, []byte(*prev))
			},
		}
	})
}

// TestEncryptedJournal: a killed apply's journal holds only encrypted
// records; the next run replays them with the key, and a wrong key is a
// clear error that changes nothing.
func TestEncryptedJournal(t *testing.T) {
	ctx := context.Background()
	enc := stateTarget(t, testPass)
	dir := t.TempDir()
	path := filepath.Join(dir, DefaultLocalPath)
	l := NewLocal(path)
	l.SetEncryption(enc)
	base := sampleState()
	must(t, l.Write(ctx, base))
	j, err := l.OpenJournal(ctx, base)
	must(t, err)
	secretSite := siteResource("vault", "JOURNAL-s3cret-CODE")
	must(t, j.Set(secretSite))
	must(t, j.Remove(addr.Instance{Resource: addr.Resource{Type: "site", Name: "main"}}))
	must(t, j.Sync())
	// The run dies here: no Write folds the journal in.
	journal, err := os.ReadFile(path + ".journal")
	must(t, err)
	if bytes.Contains(journal, []byte("JOURNAL-s3cret")) || bytes.Count(journal, []byte("\n")) != 3 {
		t.Fatalf("journal:\n%s", journal)
	}
	stateBytes, _ := os.ReadFile(path)

	wrong := NewLocal(path)
	wrong.SetEncryption(stateTarget(t, wrongPass))
	if _, err := wrong.Read(ctx, testTypes); err == nil || !strings.Contains(err.Error(), "passphrase is wrong") {
		t.Fatalf("wrong key: %v", err)
	}
	plainReader := NewLocal(path)
	if _, err := plainReader.Read(ctx, testTypes); err == nil || !strings.Contains(err.Error(), "no encryption block") {
		t.Fatalf("no key: %v", err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(after, stateBytes) {
		t.Errorf("a failed read changed the state file")
	}
	if after, _ := os.ReadFile(path + ".journal"); !bytes.Equal(after, journal) {
		t.Errorf("a failed read changed the journal")
	}

	next := NewLocal(path)
	next.SetEncryption(enc)
	got, err := next.Read(ctx, testTypes)
	must(t, err)
	if r := got.Get(secretSite.Addr); r == nil || r.Value.GetAttr("code").AsString() != "JOURNAL-s3cret-CODE" {
		t.Errorf("replayed state lacks the journal's object: %+v", got.Resources)
	}
	if got.Get(addr.Instance{Resource: addr.Resource{Type: "site", Name: "main"}}) != nil {
		t.Errorf("replayed state kept the removed object")
	}
}
