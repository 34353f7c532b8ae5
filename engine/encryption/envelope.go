package encryption

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"sync"

	"golang.org/x/crypto/pbkdf2"
)

// EnvelopeVersion is the version of the encrypted envelope format.
const EnvelopeVersion = 1

// envelope is what an encrypted payload is stored as: JSON on one line
// (so a journal record stays one line), naming the method and the key
// provider with the parameters needed to derive the key again (never the
// key or the passphrase).
type envelope struct {
	Version     int     `json:"updplan_encrypted"`
	Method      string  `json:"method"`       // "aes_gcm.NAME"
	KeyProvider string  `json:"key_provider"` // "pbkdf2.NAME"
	KDF         *kdfRef `json:"kdf"`
	Data        []byte  `json:"data"` // nonce followed by the sealed payload
}

type kdfRef struct {
	Salt       []byte `json:"salt"`
	Iterations int    `json:"iterations"`
	Hash       string `json:"hash"`
	KeyLength  int    `json:"key_length"`
}

// IsEncrypted reports whether b is an encrypted envelope (of any version).
func IsEncrypted(b []byte) bool {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '{' || !bytes.Contains(b, []byte(`"updplan_encrypted"`)) {
		return false
	}
	var head struct {
		Version *int `json:"updplan_encrypted"`
	}
	return json.Unmarshal(b, &head) == nil && head.Version != nil
}

// method is a configured method: aes_gcm with a key provider, or
// unencrypted.
type method struct {
	id  string // "aes_gcm.main", "unencrypted.migrate"
	key *pbkdf2Provider
}

func (m *method) unencrypted() bool { return m.key == nil }

// pbkdf2Provider derives AES keys from a passphrase. Derived keys are
// cached by salt: one derivation per salt and process (a derivation costs
// hundreds of milliseconds by design), and new envelopes reuse the salt
// of the first key derived, with a fresh random nonce each.
type pbkdf2Provider struct {
	id         string // "pbkdf2.main"
	passphrase []byte
	iterations int
	hash       string // "sha256" or "sha512"
	keyLength  int
	saltLength int

	mu   sync.Mutex
	keys map[string][]byte // salt -> key
	salt []byte            // the salt new envelopes use
}

func (p *pbkdf2Provider) hashFunc(name string) (func() hash.Hash, error) {
	switch name {
	case "sha256":
		return sha256.New, nil
	case "sha512":
		return sha512.New, nil
	}
	return nil, fmt.Errorf("unknown hash function %q", name)
}

// derive returns the key for ref (deriving it on first use).
func (p *pbkdf2Provider) derive(ref *kdfRef) ([]byte, error) {
	h, err := p.hashFunc(ref.Hash)
	if err != nil {
		return nil, err
	}
	// The bounds keep a damaged or forged envelope from costing hours
	// (iterations) or memory (salt).
	if ref.Iterations < 1 || ref.Iterations > MaxIterations || (ref.KeyLength != 16 && ref.KeyLength != 24 && ref.KeyLength != 32) || len(ref.Salt) == 0 || len(ref.Salt) > 64 {
		return nil, errors.New("the envelope's key parameters are not valid")
	}
	cacheKey := fmt.Sprintf("%x/%d/%s/%d", ref.Salt, ref.Iterations, ref.Hash, ref.KeyLength)
	p.mu.Lock()
	defer p.mu.Unlock()
	if k, ok := p.keys[cacheKey]; ok {
		return k, nil
	}
	k := pbkdf2.Key(p.passphrase, ref.Salt, ref.Iterations, ref.KeyLength, h)
	if p.keys == nil {
		p.keys = map[string][]byte{}
	}
	p.keys[cacheKey] = k
	return k, nil
}

// current is the key parameters new envelopes use.
func (p *pbkdf2Provider) current() (*kdfRef, error) {
	p.mu.Lock()
	if p.salt == nil {
		p.salt = make([]byte, p.saltLength)
		if _, err := rand.Read(p.salt); err != nil {
			p.mu.Unlock()
			return nil, fmt.Errorf("no random salt: %w", err)
		}
	}
	ref := &kdfRef{Salt: p.salt, Iterations: p.iterations, Hash: p.hash, KeyLength: p.keyLength}
	p.mu.Unlock()
	return ref, nil
}

// seal encrypts plain with m; purpose is bound to the ciphertext (the
// AES-GCM additional data), so a journal record cannot pass for a state.
func (m *method) seal(purpose string, plain []byte) ([]byte, error) {
	if m.unencrypted() {
		return plain, nil
	}
	ref, err := m.key.current()
	if err != nil {
		return nil, err
	}
	key, err := m.key.derive(ref)
	if err != nil {
		return nil, err
	}
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("no random nonce: %w", err)
	}
	data := aead.Seal(nonce, nonce, plain, []byte(purpose))
	return json.Marshal(envelope{Version: EnvelopeVersion, Method: m.id, KeyProvider: m.key.id, KDF: ref, Data: data})
}

// errWrongKey is returned when an envelope does not open with a key: a
// wrong passphrase, another key provider's data, or a damaged payload.
var errWrongKey = errors.New("wrong key")

// open decrypts an envelope with m.
func (m *method) open(purpose string, env *envelope) ([]byte, error) {
	if m.unencrypted() {
		return nil, errWrongKey
	}
	if env.KDF == nil {
		return nil, errors.New("the envelope names no key parameters")
	}
	key, err := m.key.derive(env.KDF)
	if err != nil {
		return nil, err
	}
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if len(env.Data) < aead.NonceSize() {
		return nil, errWrongKey
	}
	plain, err := aead.Open(nil, env.Data[:aead.NonceSize()], env.Data[aead.NonceSize():], []byte(purpose))
	if err != nil {
		return nil, errWrongKey
	}
	return plain, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
