//go:build !unix

package share

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// fileLock is a lock file created exclusively; its existence is the lock.
type fileLock struct{ path string }

// tryLock takes the lock if it is free. It reports false when another holder
// has it.
func tryLock(path string) (*fileLock, bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	host, _ := os.Hostname()
	fmt.Fprintf(f, "pid %d on %s since %s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	if err := f.Close(); err != nil {
		os.Remove(path)
		return nil, false, err
	}
	return &fileLock{path: path}, true, nil
}

func (l *fileLock) unlock() error { return os.Remove(l.path) }

// lockHint says what to do when the lock is held too long.
const lockHint = "Another updplan process is applying changes to the same share table, or one was killed and left its lock file behind. Wait for it to finish; if no updplan process runs, delete the lock file (it names the process that made it), then run the command again."
