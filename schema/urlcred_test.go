package schema

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRedactURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:pa55@example.com/wsusscn2.cab":                           "https://user:REDACTED@example.com/wsusscn2.cab",
		"https://store.example.net/c/wsusscn2.cab?sv=2024&sig=Pa55w":           "https://store.example.net/c/wsusscn2.cab?sig=REDACTED&sv=2024",
		"https://s3.example.com/x?X-Amz-Signature=abc&X-Amz-Date=1":            "https://s3.example.com/x?X-Amz-Date=1&X-Amz-Signature=REDACTED",
		"https://example.com/x?token=t1#frag":                                  "https://example.com/x?token=REDACTED",
		"https://example.com/wsusscn2.cab?v=2":                                 "https://example.com/wsusscn2.cab?v=2",
		"https://user@example.com/x":                                           "https://user@example.com/x",
		"not a url":                                                            "not a url",
		"C:\\catalogs\\wsusscn2.cab":                                           "C:\\catalogs\\wsusscn2.cab",
		"https://user:REDACTED@example.com/x?sig=REDACTED#credentials-hash=00": "https://user:REDACTED@example.com/x?sig=REDACTED#credentials-hash=00",
	} {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestStoredURL: the stored form holds no credential, is stable, differs
// when only the credentials differ, and leaves a URL without any alone.
func TestStoredURL(t *testing.T) {
	a := StoredURL("https://u:secret-one@example.com/x?sig=tok-one")
	if strings.Contains(a, "secret-one") || strings.Contains(a, "tok-one") {
		t.Fatalf("StoredURL keeps a credential: %s", a)
	}
	if !strings.HasPrefix(a, "https://u:REDACTED@example.com/x?sig=REDACTED#"+CredentialsHashFragment) {
		t.Errorf("StoredURL = %s", a)
	}
	if b := StoredURL("https://u:secret-one@example.com/x?sig=tok-one"); b != a {
		t.Errorf("StoredURL is not stable: %s, %s", a, b)
	}
	if b := StoredURL("https://u:secret-one@example.com/x?sig=tok-two"); b == a {
		t.Errorf("a new token has the same stored form %s", b)
	}
	if diff := cmp.Diff("https://example.com/x?v=1", StoredURL("https://example.com/x?v=1")); diff != "" {
		t.Error(diff)
	}
	if StoredURL(a) != a {
		t.Errorf("a stored form is stored again as %s", StoredURL(a))
	}
}

func TestScrubURLError(t *testing.T) {
	raw := "https://user:pa55word@example.com/wsusscn2.cab?sv=1&sig=tok%2Fen"
	msg := `Head "https://user:***@example.com/wsusscn2.cab?sv=1&sig=tok%2Fen": dial tcp: refused`
	got := ScrubURLError(msg, raw)
	for _, s := range []string{"pa55word", "tok%2Fen", "tok/en"} {
		if strings.Contains(got, s) {
			t.Errorf("ScrubError kept %q: %s", s, got)
		}
	}
}
