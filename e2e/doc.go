// Package e2e tests the updplan binary end to end, as users and CI run it:
// crash safety (an apply killed with SIGKILL at random moments), locking
// between processes, and the whole plan/apply/drift cycle on the embedded
// site database.
//
// It holds tests only; it builds the binary from ./cmd/updplan once per run.
package e2e
