//go:build unix

package share

import (
	"errors"
	"os"
	"syscall"
)

// fileLock is an exclusive flock on path, held between processes (and
// between two open files of one process).
type fileLock struct{ f *os.File }

// tryLock takes the lock if it is free. It reports false when another holder
// has it.
func tryLock(path string) (*fileLock, bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, false, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, err
	}
	return &fileLock{f: f}, true, nil
}

func (l *fileLock) unlock() error {
	// Closing the file releases the flock.
	return l.f.Close()
}

// lockHint says what to do when the lock is held too long.
const lockHint = "Another updplan process is applying changes to the same share table. Wait for it to finish, then run the command again."
