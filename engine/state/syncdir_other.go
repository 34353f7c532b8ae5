//go:build !unix

package state

// syncDir does nothing where directories cannot be opened for syncing
// (Windows): there NTFS journals the rename itself.
func syncDir(dir string) error { return nil }
