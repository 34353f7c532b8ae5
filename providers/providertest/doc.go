// Package providertest holds what tests of providers and of the engine
// share: Run, the conformance suite every provider passes (create, read,
// no-op plan, update in place, replace, delete, vanished objects, import,
// batch reads, concurrent reads, and a sanity check of the schema), and
// Fake, an in-memory provider with hooks, failure injection, a call log and
// out-of-band changes for engine tests.
//
// It does not start servers: a provider's own tests configure it (with a
// private PostgreSQL or Samba where needed) before calling Run.
package providertest
