package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func checkFile(t *testing.T, a *Authenticode, name string) (string, error) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	c := a.Begin()
	// Odd chunks: the digest must not depend on how the bytes arrive.
	for len(b) > 0 {
		n := min(len(b), 7)
		c.Write(b[:n])
		b = b[n:]
	}
	return c.Finish()
}

func TestAuthenticode(t *testing.T) {
	a, err := NewAuthenticode([]string{"testdata/test-root.pem"})
	if err != nil {
		t.Fatal(err)
	}
	a.now = func() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) }
	tests := map[string]struct {
		file     string
		wantKind string // "" = valid
	}{
		"signed with SHA-256":                      {"signed.cab", ""},
		"SHA-1 primary, nested SHA-256":            {"dual.cab", ""},
		"expired signer, time stamp while valid":   {"timestamped.cab", ""},
		"expired signer, no time stamp":            {"expired.cab", "untrusted"},
		"one byte changed":                         {"tampered.cab", "tampered"},
		"unsigned":                                 {"unsigned.cab", "unsigned"},
		"signed by an untrusted root":              {"untrusted.cab", "untrusted"},
		"SHA-1 only":                               {"signed-sha1.cab", "weak"},
		"certificate without the code-signing EKU": {"wrong-usage.cab", "untrusted"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			signer, err := checkFile(t, a, tt.file)
			if tt.wantKind == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				if signer == "" {
					t.Errorf("no signer")
				}
				return
			}
			var se *SignatureError
			if !errors.As(err, &se) {
				t.Fatalf("want a %s SignatureError, got %v (signer %q)", tt.wantKind, err, signer)
			}
			if se.Kind != tt.wantKind {
				t.Errorf("kind %q (%s), want %q", se.Kind, se.Reason, tt.wantKind)
			}
		})
	}
}

func TestAuthenticodeDefaultAnchorsRefuseTestCatalog(t *testing.T) {
	a, err := NewAuthenticode(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := checkFile(t, a, "signed.cab"); err == nil {
		t.Fatal("the test catalog verifies against the Microsoft roots")
	}
}
