package schema

// URLs with credentials: attributes marked CredentialURL (a catalog
// source) may be written as https://user:password@host/... or with a
// token in the query (sig, token, key, password, X-Amz-Signature, ...).
// RedactURL hides those for what is shown (plans, show, errors, logs);
// StoredURL is what is kept (the state and saved plans: the redacted URL
// plus a salted, slow hash of the real one, so that a change of
// credentials is still a change). The engine applies StoredURL to
// CredentialURL attributes; the view and the providers use RedactURL.

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
	"sync"

	"golang.org/x/crypto/pbkdf2"
)

// credentialQuery are URL query parameters that carry credentials (shared
// access signatures, tokens, keys), compared case-insensitively.
var credentialQuery = []string{
	"sig", "signature", "token", "access_token", "auth", "apikey", "api_key",
	"x-amz-signature", "x-amz-credential", "x-amz-security-token",
	"x-goog-signature", "x-goog-credential", "code", "key", "password", "secret",
}

// RedactedCredential stands in for a hidden credential.
const RedactedCredential = "REDACTED"

// CredentialsHashFragment starts the fragment Stored puts on a URL: the hash of the
// URL with its credentials.
const CredentialsHashFragment = "credentials-hash="

// RedactURL hides the password and the credential query parameters of a URL
// (and drops a fragment next to them, which a server never sees and
// which may hold a token too). Anything else, a URL without credentials
// included, is returned as it is.
func RedactURL(s string) string {
	r, _ := redactURL(s)
	return r
}

// URLHasCredentials reports whether s is a URL carrying credentials.
func URLHasCredentials(s string) bool {
	_, ok := redactURL(s)
	return ok
}

func redactURL(s string) (string, bool) {
	if !strings.Contains(s, "://") || strings.ContainsAny(s, " \n") {
		return s, false
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s, false
	}
	changed := false
	if p, ok := u.User.Password(); ok && p != RedactedCredential {
		u.User = url.UserPassword(u.User.Username(), RedactedCredential)
		changed = true
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k, vs := range q {
			if !slices.Contains(credentialQuery, strings.ToLower(k)) {
				continue
			}
			for i, v := range vs {
				if v != RedactedCredential {
					vs[i] = RedactedCredential
					changed = true
				}
			}
		}
		if changed {
			u.RawQuery = q.Encode()
		}
	}
	if !changed {
		return s, false
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String(), true
}

// credentialHashRounds is the PBKDF2 iteration count of StoredURL's hash: the state
// holds no secret key to make it a keyed hash (an encryption block, when
// there is one, encrypts the whole state), so guessing a weak password
// from it is made slow instead; a token is too long to guess anyway.
const credentialHashRounds = 100_000

var storedURLs sync.Map // real URL -> stored form: one derivation per process

// StoredURL is what the state and saved plans keep of a URL: the URL itself
// when it carries no credentials, else the redacted URL with the fragment
// "#credentials-hash=" and a PBKDF2-SHA-256 hash of the real URL, salted
// with the redacted one. Two URLs that differ only in their credentials
// have different stored forms; the credentials cannot be read back.
func StoredURL(s string) string {
	r, ok := redactURL(s)
	if !ok {
		return s
	}
	if v, ok := storedURLs.Load(s); ok {
		return v.(string)
	}
	sum := pbkdf2.Key([]byte(s), []byte("updplan urlcred "+r), credentialHashRounds, 16, sha256.New)
	out := r + "#" + CredentialsHashFragment + hex.EncodeToString(sum)
	storedURLs.Store(s, out)
	return out
}

// ScrubURLError returns err's message with the credentials of rawURL taken
// out, in whichever form the message holds them (as written, or its query
// as the HTTP client quotes it).
func ScrubURLError(msg, rawURL string) string {
	r, ok := redactURL(rawURL)
	if !ok {
		return msg
	}
	msg = strings.ReplaceAll(msg, rawURL, r)
	u, err := url.Parse(rawURL)
	if err != nil {
		return msg
	}
	// net/http quotes the URL without its password ("Get \"https://user@host/x?sig=...\"").
	if u.User != nil {
		c := *u
		c.User = url.User(u.User.Username())
		msg = strings.ReplaceAll(msg, c.String(), r)
		c.User = nil
		msg = strings.ReplaceAll(msg, c.String(), r)
	}
	if pw, ok := u.User.Password(); ok && len(pw) >= 3 {
		msg = strings.ReplaceAll(msg, pw, RedactedCredential)
	}
	for k, vs := range u.Query() {
		if slices.Contains(credentialQuery, strings.ToLower(k)) {
			for _, v := range vs {
				if len(v) >= 3 {
					msg = strings.ReplaceAll(msg, v, RedactedCredential)
					msg = strings.ReplaceAll(msg, url.QueryEscape(v), RedactedCredential)
				}
			}
		}
	}
	return msg
}
