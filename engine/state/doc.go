// Package state is the engine's record of the objects it manages: a
// versioned JSON document with a serial and a lineage, written atomically
// with a backup, made durable object by object during apply through an
// append-only journal, and kept in a backend (a local file, or PostgreSQL)
// behind a lock that names its holder.
//
// It does not read the real world or decide what to change.
package state
