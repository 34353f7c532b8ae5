package encryption

import (
	"encoding/json"
	"errors"
	"fmt"
)

// Target encrypts one kind of data (the state with its journal, or saved
// plans) with its method, and reads data written with its method or its
// fallback. A nil *Target is "no encryption configured": it writes plain
// data and refuses encrypted data with a message that says what to do.
type Target struct {
	what     string // "state" or "plan", for messages
	primary  *method
	fallback *method // nil: none
}

// Encrypted reports whether t writes encrypted data.
func (t *Target) Encrypted() bool { return t != nil && !t.primary.unencrypted() }

// Seal returns what to store for plain: an envelope, or plain itself when
// the target's method is unencrypted (or t is nil). purpose names the
// kind of payload ("state", "journal", "plan") and must be given again to
// Open.
func (t *Target) Seal(purpose string, plain []byte) ([]byte, error) {
	if t == nil {
		return plain, nil
	}
	b, err := t.primary.seal(purpose, plain)
	if err != nil {
		return nil, fmt.Errorf("encrypting the %s: %w", purpose, err)
	}
	return b, nil
}

// Open returns the plain payload of stored data. Unencrypted data is
// accepted only when the target is nil or its method or fallback is an
// unencrypted method (a migration); encrypted data only when its method
// or fallback opens it. Errors say which and what to do; they never hold
// the passphrase or the data.
func (t *Target) Open(purpose string, stored []byte) ([]byte, error) {
	if !IsEncrypted(stored) {
		if t == nil || t.primary.unencrypted() || (t.fallback != nil && t.fallback.unencrypted()) {
			return stored, nil
		}
		return nil, fmt.Errorf("the %s is not encrypted, but the encryption block's %s target requires %s. To encrypt existing data, add `method \"unencrypted\" \"migrate\" {}` and `fallback { method = method.unencrypted.migrate }` to the %s block for one run, then remove them", purpose, t.what, t.primary.id, t.what)
	}
	var env envelope
	if err := json.Unmarshal(stored, &env); err != nil {
		return nil, fmt.Errorf("the encrypted %s is damaged (%v); restore it from its backup", purpose, err)
	}
	if env.Version > EnvelopeVersion {
		return nil, fmt.Errorf("the %s was encrypted in envelope version %d by a newer updplan; upgrade updplan", purpose, env.Version)
	}
	if t == nil {
		return nil, fmt.Errorf("the %s is encrypted (method %s, key provider %s), but the configuration does not decrypt it (no encryption block, or no target for it in the block). Add the encryption block it was written with to the updplan block, with the passphrase in UPDPLAN_ENCRYPTION_PASSPHRASE or a variable", purpose, env.Method, env.KeyProvider)
	}
	var tried []string
	for _, m := range []*method{t.primary, t.fallback} {
		if m == nil || m.unencrypted() {
			continue
		}
		tried = append(tried, fmt.Sprintf("%s (%s)", m.id, m.key.id))
		plain, err := m.open(purpose, &env)
		if err == nil {
			return plain, nil
		}
		if !errors.Is(err, errWrongKey) {
			return nil, fmt.Errorf("decrypting the %s: %w", purpose, err)
		}
	}
	return nil, fmt.Errorf("the %s cannot be decrypted with %s: the passphrase is wrong, or the %s was written with another key (it names method %s and key provider %s). Give the passphrase it was written with; to change keys, keep the old one as the fallback for one run", purpose, joinOr(tried), purpose, env.Method, env.KeyProvider)
}

func joinOr(list []string) string {
	switch len(list) {
	case 0:
		return "no key (the configured methods are unencrypted)"
	case 1:
		return list[0]
	}
	return list[0] + " or " + list[1]
}
