//go:build !linux

package catalog

import "os"

// kernelCopy copies size bytes of src into dst. Only Linux has a kernel
// copy path here; elsewhere it is read and write.
func kernelCopy(dst, src *os.File, size int64, report func(int64) bool) (int64, error) {
	return plainCopy(dst, src, size, report)
}

// writeBehind starts writing f's bytes back early where the platform can;
// here it cannot, and the copy's fsync does it all.
func writeBehind(f *os.File, off, n int64) {}
