package catalog

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// kernelChunk is how much one copy_file_range call moves: small enough for
// a progress bar to move on a large catalog.
const kernelChunk = 8 << 20

// kernelCopy copies size bytes of src into dst without passing them
// through the process: a reflink (FICLONE) shares the blocks at once where
// the file system can (Btrfs, XFS); otherwise copy_file_range copies
// inside the kernel. Where neither works (another file system, an old
// kernel) it falls back to read and write. report gets the bytes copied so
// far and stops the copy when it returns false.
func kernelCopy(dst, src *os.File, size int64, report func(int64) bool) (int64, error) {
	if size > 0 {
		if err := unix.IoctlFileClone(int(dst.Fd()), int(src.Fd())); err == nil {
			report(size)
			return size, nil
		}
	}
	var n int64
	for n < size {
		k, err := unix.CopyFileRange(int(src.Fd()), nil, int(dst.Fd()), nil, int(min(size-n, kernelChunk)), 0)
		if err != nil {
			if n == 0 && (errors.Is(err, unix.EXDEV) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.EINVAL)) {
				return plainCopy(dst, src, size, report)
			}
			return n, err
		}
		if k == 0 {
			return n, nil // the source is shorter than it was
		}
		writeBehind(dst, n, int64(k))
		n += int64(k)
		if !report(n) {
			return n, nil
		}
	}
	return n, nil
}

// writeBehind asks the kernel to start writing n bytes of f from off to
// the disk now, without waiting for them (sync_file_range WRITE). A copy
// of the catalog ends with an fsync before its rename: with its chunks
// already on their way, the disk works while the copies run instead of
// after them, and that fsync has little left to do. Durability is the
// fsync's, as before; where the call is not supported nothing changes.
func writeBehind(f *os.File, off, n int64) {
	_ = unix.SyncFileRange(int(f.Fd()), off, n, unix.SYNC_FILE_RANGE_WRITE)
}
