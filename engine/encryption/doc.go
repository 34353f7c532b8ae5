// Package encryption encrypts what updplan keeps at rest — the state (local
// file and PostgreSQL), each record of the apply journal, and saved plan
// files — in the shape of OpenTofu's state and plan encryption: an
// `encryption` block in the `updplan` block with a PBKDF2 key provider
// (a passphrase from a variable or UPDPLAN_ENCRYPTION_PASSPHRASE), the
// AES-GCM method, `state` and `plan` targets, and a `fallback` for key
// rotation and for migrating from or back to unencrypted data.
//
// It owns the block's decoding (Decode) and the envelope format (Target's
// Seal and Open). It uses the standard library's AES-GCM and
// golang.org/x/crypto/pbkdf2; nothing here is hand-written cryptography.
//
// It does not evaluate expressions (the engine evaluates the passphrase
// early, as it does backend settings), read or write files, or decide
// where encrypted bytes are stored: the state and plan packages call Seal
// before writing and Open after reading.
package encryption
