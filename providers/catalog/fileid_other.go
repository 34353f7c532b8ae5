//go:build !unix

package catalog

import "io/fs"

// inode is 0 where the platform has none: size and mtime alone decide.
func inode(fs.FileInfo) uint64 { return 0 }
