package encryption

import (
	"bytes"
	"testing"
)

// FuzzOpen feeds Open what a damaged or forged state, journal record or
// plan file could hold: it must never panic, and whatever opens must be
// the payload that was sealed (AES-GCM authenticates it).
func FuzzOpen(f *testing.F) {
	enc := mustBuild(&testing.T{}, single, []string{PassphraseEnv + "=" + passA}, nil)
	payload := []byte(`{"version":4,"serial":1}`)
	sealed, err := enc.State.Seal("state", payload)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(sealed)
	f.Add(payload)
	f.Add([]byte(`{"updplan_encrypted":1}`))
	f.Add([]byte(`{"updplan_encrypted":1,"kdf":{"salt":"AA==","iterations":1,"hash":"sha256","key_length":16},"data":""}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		plain, err := enc.State.Open("state", b)
		if err == nil && IsEncrypted(b) && !bytes.Equal(plain, payload) {
			t.Fatalf("a forged envelope opened: %q", plain)
		}
	})
}
