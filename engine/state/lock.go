package state

import (
	"fmt"
	"time"
)

// LockInfo describes who holds a state lock. Field names follow Terraform's
// lock info so force-unlock habits carry over.
type LockInfo struct {
	ID        string    `json:"ID"`
	Operation string    `json:"Operation"`
	Info      string    `json:"Info,omitempty"`
	Who       string    `json:"Who"` // user@host
	Version   string    `json:"Version"`
	Created   time.Time `json:"Created"`
	Path      string    `json:"Path"`
	PID       int       `json:"PID,omitempty"`
}

// String renders the holder for error messages.
func (l LockInfo) String() string {
	return fmt.Sprintf("ID: %s\n  Path: %s\n  Operation: %s\n  Who: %s\n  Version: %s\n  Created: %s",
		l.ID, l.Path, l.Operation, l.Who, l.Version, l.Created.UTC().Format(time.RFC3339))
}

// LockError is returned when the lock is held by someone else after the
// wait ran out.
type LockError struct {
	Holder LockInfo
	Err    error
}

func (e *LockError) Error() string {
	return fmt.Sprintf("the state is locked by another run:\n  %s", e.Holder.String())
}

func (e *LockError) Unwrap() error { return e.Err }
