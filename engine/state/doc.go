// Package state is the engine's record of the objects it manages: a
// versioned JSON document with a serial and a lineage, written atomically
// with a backup, made durable object by object during apply through an
// append-only journal, and kept in a backend (a local file, or PostgreSQL)
// behind a lock that names its holder.
//
// Files: state.go, lock.go and backend.go hold the data types and the
// Backend interface; format.go the file format (Encode, Decode);
// journal.go the journal records and the rules for replaying them;
// local.go and lock_local.go the local file backend (flock_*.go for the
// OS lock); postgres.go the PostgreSQL backend.
//
// It does not read the real world or decide what to change, and it does
// not choose a backend from the configuration (the engine does).
package state
