package state

import (
	"context"
	"time"

	"github.com/updplan/updplan/engine/addr"
	"github.com/zclconf/go-cty/cty"
)

// TypeFunc returns the implied type of a resource type's values, used to
// decode stored attributes.
type TypeFunc func(resourceType string) (cty.Type, bool)

// Backend keeps one state. Implementations: the local file backend and
// PostgreSQL.
type Backend interface {
	// Lock takes the state lock, waiting up to timeout while another run
	// holds it (calling waiting once, if not nil, with the holder). It fails
	// with *LockError naming the holder when the wait runs out. It returns
	// the lock ID to Unlock with.
	Lock(ctx context.Context, info LockInfo, timeout time.Duration, waiting func(holder LockInfo)) (string, error)
	Unlock(ctx context.Context, id string) error
	// ForceUnlock removes a lock left behind by a run that died, if its ID
	// matches.
	ForceUnlock(ctx context.Context, id string) error

	// Read returns the stored state, or nil when there is none yet. A
	// journal left by an apply that was killed is replayed on top of it.
	Read(ctx context.Context, types TypeFunc) (*State, error)
	// Write stores s atomically, keeping the previous state as a backup,
	// and discards the journal. The caller sets s.Serial.
	Write(ctx context.Context, s *State) error
	// OpenJournal starts the journal of an apply on top of base (the state
	// as last written): every record is durable soon after it is made,
	// without rewriting the whole state.
	OpenJournal(ctx context.Context, base *State) (Journal, error)

	// Describe says where the state lives, for messages (never secrets).
	Describe() string
	Close() error
}

// Journal records objects as apply finishes them.
type Journal interface {
	// Set records that the object now is r.
	Set(r *Resource) error
	// Remove records that the object at a is gone.
	Remove(a addr.Instance) error
	// Sync makes every record so far durable.
	Sync() error
	// Close syncs and releases the journal (it stays on disk until the
	// next Write folds it in).
	Close() error
}
