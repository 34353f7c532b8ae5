package catalog

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// catalogFile is one place a catalog is, or is to be: the local source,
// the copy in the destination or on a distribution point.
type catalogFile interface {
	// Key identifies the file in private data and names it in messages.
	Key() string
	// Stat returns the file's stamp (without its hash); errMissing when
	// there is no file.
	Stat() (stamp, error)
	Open() (io.ReadCloser, error)
	// Create starts a new copy: a temporary file beside the final name,
	// after removing those that interrupted runs left there.
	Create() (tempFile, error)
	// Remove deletes the file; an absent file is no error.
	Remove() error
}

// tempFile is a copy being written under a temporary name.
type tempFile interface {
	io.Writer
	Name() string
	// Commit flushes the copy to stable storage and renames it over the
	// final name, replacing what was there.
	Commit() error
	// Abort closes and removes the temporary file; the final name keeps
	// what it had.
	Abort()
}

// tempPattern names temporary files: hidden, and recognisable as ours, so
// that one left by a killed run is removed by the next.
func tempPattern(name string) string { return "." + name + ".updplan-*.tmp" }

// localFile is a catalog on a local (or locally mounted) file system.
type localFile struct{ path string }

var _ catalogFile = localFile{}

func (f localFile) Key() string { return f.path }

func (f localFile) Stat() (stamp, error) {
	info, err := os.Stat(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return stamp{}, errMissing
	}
	if err != nil {
		return stamp{}, err
	}
	if !info.Mode().IsRegular() {
		return stamp{}, fmt.Errorf("%s is not a regular file", f.path)
	}
	return stampOf(info), nil
}

func (f localFile) Open() (io.ReadCloser, error) { return os.Open(f.path) }

func (f localFile) Create() (tempFile, error) {
	dir, name := filepath.Split(f.path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if stale, _ := filepath.Glob(filepath.Join(dir, tempPattern(name))); len(stale) > 0 {
		for _, s := range stale {
			os.Remove(s)
		}
	}
	tmp, err := os.CreateTemp(dir, tempPattern(name))
	if err != nil {
		return nil, err
	}
	return &localTemp{File: tmp, final: f.path}, nil
}

func (f localFile) Remove() error {
	if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// localTemp is a local copy being written.
type localTemp struct {
	*os.File
	final string
	// written and behind: the bytes written, and those handed to
	// writeBehind so far.
	written, behind int64
}

// writeBehindEvery is how many written bytes a local copy gathers before
// it asks the kernel to start writing them back (writeBehind).
const writeBehindEvery = 8 << 20

func (t *localTemp) Write(b []byte) (int, error) {
	n, err := t.File.Write(b)
	t.written += int64(n)
	if t.written-t.behind >= writeBehindEvery {
		writeBehind(t.File, t.behind, t.written-t.behind)
		t.behind = t.written
	}
	return n, err
}

func (t *localTemp) Commit() error {
	if err := t.Chmod(0o644); err != nil {
		t.Abort()
		return err
	}
	if err := t.Sync(); err != nil {
		t.Abort()
		return err
	}
	if err := t.Close(); err != nil {
		os.Remove(t.Name())
		return err
	}
	if err := os.Rename(t.Name(), t.final); err != nil {
		os.Remove(t.Name())
		return err
	}
	syncDir(filepath.Dir(t.final))
	return nil
}

func (t *localTemp) Abort() {
	t.Close()
	os.Remove(t.Name())
}

// syncDir makes a rename durable where the platform allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// brokenFile is a place that cannot be reached at all (an SMB location
// that does not parse): every operation fails with err.
type brokenFile struct {
	key string
	err error
}

func (f brokenFile) Key() string                  { return f.key }
func (f brokenFile) Stat() (stamp, error)         { return stamp{}, f.err }
func (f brokenFile) Open() (io.ReadCloser, error) { return nil, f.err }
func (f brokenFile) Create() (tempFile, error)    { return nil, f.err }
func (f brokenFile) Remove() error                { return f.err }
