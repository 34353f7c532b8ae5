package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"time"
)

// Lock takes the lock file "<path>.lock" with an OS lock (flock on unix,
// LockFileEx on Windows), which the OS releases when the holder process
// dies, so a killed apply never blocks the next run. The file holds the
// holder's LockInfo for whoever waits.
func (l *Local) Lock(ctx context.Context, info LockInfo, timeout time.Duration, waiting func(holder LockInfo)) (string, error) {
	l.mu.Lock()
	held := l.lockID
	l.mu.Unlock()
	if held != "" {
		return "", fmt.Errorf("the state lock is already held by this run (ID %s); this is a bug in updplan", held)
	}
	info = completeLockInfo(info, l.path)
	deadline := time.Now().Add(timeout)
	notified := false
	poll := 20 * time.Millisecond
	for {
		f, holder, err := l.tryLock()
		if err != nil {
			return "", err
		}
		if f != nil {
			if err := writeLockInfo(f, info); err != nil {
				unlockFile(f)
				f.Close()
				return "", err
			}
			l.mu.Lock()
			l.lockFile, l.lockID = f, info.ID
			l.mu.Unlock()
			return info.ID, nil
		}
		if holder != nil && !notified && waiting != nil {
			waiting(*holder)
			notified = true
		}
		if !time.Now().Before(deadline) {
			return "", &LockError{Holder: holderOrUnknown(holder, l.lockPath())}
		}
		wait := min(poll, time.Until(deadline))
		select {
		case <-ctx.Done():
			return "", &LockError{Holder: holderOrUnknown(holder, l.lockPath()), Err: ctx.Err()}
		case <-time.After(wait):
		}
		poll = min(poll*2, 500*time.Millisecond)
	}
}

// tryLock takes the lock without waiting. It returns the locked file, or
// the holder as written in the file (nil while it is being written).
func (l *Local) tryLock() (*os.File, *LockInfo, error) {
	for {
		f, err := os.OpenFile(l.lockPath(), os.O_RDWR|os.O_CREATE, 0o600)
		if err != nil {
			return nil, nil, fmt.Errorf("opening lock file: %w", err)
		}
		ok, err := tryLockFile(f)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("locking %s: %w", l.lockPath(), err)
		}
		if !ok {
			holder := readHolder(f)
			f.Close()
			return nil, holder, nil
		}
		// The previous holder may have removed the file between our open
		// and our lock: then we locked a file nobody else will open.
		fi, err1 := f.Stat()
		pi, err2 := os.Stat(l.lockPath())
		if err1 == nil && err2 == nil && os.SameFile(fi, pi) {
			return f, nil, nil
		}
		unlockFile(f)
		f.Close()
	}
}

// Unlock releases the lock taken with id.
func (l *Local) Unlock(ctx context.Context, id string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lockFile == nil {
		return fmt.Errorf("cannot unlock %s: this run does not hold its lock", l.path)
	}
	if id != l.lockID {
		return fmt.Errorf("cannot unlock %s: the lock ID %q is not this run's lock (ID %s)", l.path, id, l.lockID)
	}
	f := l.lockFile
	l.lockFile, l.lockID = nil, ""
	// Remove the file while still holding the lock, so no one reads stale
	// holder info; waiters that opened it notice it is gone (tryLock).
	rmErr := os.Remove(l.lockPath())
	if rmErr != nil {
		// Windows refuses to remove an open file: empty it instead.
		rmErr = f.Truncate(0)
	}
	unlockErr := unlockFile(f)
	closeErr := f.Close()
	return errors.Join(rmErr, unlockErr, closeErr)
}

// ForceUnlock removes a lock left behind by a run that died, if its ID
// matches. As the OS releases the lock of a dead process, this only clears
// the stale holder info; a lock held by a live process is refused.
func (l *Local) ForceUnlock(ctx context.Context, id string) error {
	l.mu.Lock()
	own := l.lockID
	l.mu.Unlock()
	if own != "" && own == id {
		return l.Unlock(ctx, id)
	}
	f, err := os.OpenFile(l.lockPath(), os.O_RDWR, 0o600)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("the state %s is not locked", l.path)
	}
	if err != nil {
		return fmt.Errorf("opening lock file: %w", err)
	}
	defer f.Close()
	holder, _ := readLockInfo(f)
	if holder == nil {
		return fmt.Errorf("the state %s is not locked", l.path)
	}
	if holder.ID != id {
		return fmt.Errorf("lock ID %q does not match the lock on %s, which is:\n  %s\nCheck the ID and run force-unlock again", id, l.path, holder.String())
	}
	ok, err := tryLockFile(f)
	if err != nil {
		return fmt.Errorf("locking %s: %w", l.lockPath(), err)
	}
	if !ok {
		return fmt.Errorf("lock %s on %s is held by a live process (PID %d, %s). Stop that run or wait for it; a lock is released by itself when its process ends", id, l.path, holder.PID, holder.Who)
	}
	defer unlockFile(f)
	if err := os.Remove(l.lockPath()); err != nil {
		return f.Truncate(0)
	}
	return nil
}

// completeLockInfo fills what the caller left empty.
func completeLockInfo(info LockInfo, path string) LockInfo {
	info.ID = NewLineage()
	if info.Who == "" {
		info.Who = defaultWho()
	}
	if info.Created.IsZero() {
		info.Created = time.Now().UTC()
	}
	if info.Path == "" {
		info.Path = path
	}
	if info.PID == 0 {
		info.PID = os.Getpid()
	}
	return info
}

func defaultWho() string {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, err := os.Hostname()
	if err != nil {
		host = "unknown"
	}
	return name + "@" + host
}

func writeLockInfo(f *os.File, info LockInfo) error {
	b, err := json.Marshal(info)
	if err != nil {
		return err
	}
	if err := f.Truncate(0); err != nil {
		return fmt.Errorf("writing lock info: %w", err)
	}
	if _, err := f.WriteAt(b, 0); err != nil {
		return fmt.Errorf("writing lock info: %w", err)
	}
	return nil
}

// readLockInfo reads the holder from the lock file; nil when the file is
// empty or half written.
func readLockInfo(f *os.File) (*LockInfo, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	b := make([]byte, fi.Size())
	n, err := f.ReadAt(b, 0)
	if n == 0 {
		return nil, err
	}
	var info LockInfo
	if err := json.Unmarshal(b[:n], &info); err != nil || info.ID == "" {
		return nil, errors.New("no lock info")
	}
	return &info, nil
}

// holderWriteGrace is how long a waiter gives a holder that has just
// taken the OS lock to write its info into the file (microseconds in
// practice). Without it, a run refused in that instant printed an empty
// lock ID and "Who: unknown".
const holderWriteGrace = 500 * time.Millisecond

// readHolder reads the holder's info from a lock file locked by another
// process, waiting up to holderWriteGrace for it to be written.
func readHolder(f *os.File) *LockInfo {
	deadline := time.Now().Add(holderWriteGrace)
	for wait := time.Millisecond; ; wait = min(2*wait, 50*time.Millisecond) {
		if holder, _ := readLockInfo(f); holder != nil || !time.Now().Before(deadline) {
			return holder
		}
		time.Sleep(wait)
	}
}

func holderOrUnknown(h *LockInfo, path string) LockInfo {
	if h != nil {
		return *h
	}
	return LockInfo{Path: path, Who: "unknown (the lock file holds no holder info)"}
}
