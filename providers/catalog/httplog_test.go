package catalog

import (
	"net/url"
	"testing"
)

func TestRedactedURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://user:pa55@example.com/wsusscn2.cab?sig=SECRET#x": "https://example.com/wsusscn2.cab?(query hidden)",
		"http://example.com/a/b.cab":                              "http://example.com/a/b.cab",
	} {
		u, err := url.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := redactedURL(u); got != want {
			t.Errorf("redactedURL(%s) = %s, want %s", in, got, want)
		}
	}
}
