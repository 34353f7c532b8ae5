package catalog

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cloudsoda/go-smb2"
	"github.com/updplan/updplan/providers/internal/smbconn"
)

// smbFile is a catalog on a distribution point reached over SMB, through
// the session pool the provider shares with every catalog of a run.
type smbFile struct {
	ctx  context.Context
	pool *smbconn.Pool
	cred smbconn.Credentials
	dir  smbconn.Location // the folder
	name string
}

var _ catalogFile = (*smbFile)(nil)

// Key is smb://HOST[:PORT]/SHARE/path/NAME.
func (f *smbFile) Key() string { return f.dir.String() + "/" + f.name }

// path is the file's path inside its share.
func (f *smbFile) path() string { return join(f.dir.Path, f.name) }

func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + `\` + name
}

func (f *smbFile) share() (*smbconn.Conn, *smb2.Share, error) {
	c, err := f.pool.Get(f.ctx, f.dir.Address(), f.cred)
	if err != nil {
		return nil, nil, err
	}
	sh, err := c.Mount(f.ctx, f.dir.Share)
	return c, sh, err
}

// Stat reads size, last-write time and file id from the server's
// attributes of the file (an open handle: the id is not in a plain stat).
func (f *smbFile) Stat() (stamp, error) {
	c, sh, err := f.share()
	if err != nil {
		return stamp{}, err
	}
	h, err := sh.Open(f.path())
	if err != nil {
		if smbconn.KindOf(err) == smbconn.NotFound || errors.Is(err, os.ErrNotExist) {
			return stamp{}, errMissing
		}
		return stamp{}, c.Check(f.ctx, "open "+f.Key(), err)
	}
	defer h.Close()
	info, err := h.Stat()
	if err != nil {
		return stamp{}, c.Check(f.ctx, "read the attributes of "+f.Key(), err)
	}
	if !info.Mode().IsRegular() {
		return stamp{}, fmt.Errorf("%s is not a regular file", f.Key())
	}
	st := stamp{Size: info.Size(), ModTime: info.ModTime().UnixNano()}
	if fs, ok := info.(*smb2.FileStat); ok {
		st.Inode = fs.FileId
	}
	return st, nil
}

func (f *smbFile) Open() (io.ReadCloser, error) {
	c, sh, err := f.share()
	if err != nil {
		return nil, err
	}
	h, err := sh.Open(f.path())
	if err != nil {
		return nil, c.Check(f.ctx, "open "+f.Key(), err)
	}
	return h, nil
}

// Create makes the folder when missing, removes the temporary files that
// interrupted copies left in it, and creates a new one.
func (f *smbFile) Create() (tempFile, error) {
	c, sh, err := f.share()
	if err != nil {
		return nil, err
	}
	if f.dir.Path != "" {
		if err := sh.MkdirAll(f.dir.Path, 0o755); err != nil {
			return nil, c.Check(f.ctx, "create the folder "+f.dir.String(), err)
		}
	}
	dir := f.dir.Path
	if dir == "" {
		dir = "."
	}
	pattern := tempPattern(f.name)
	if entries, err := sh.ReadDir(dir); err == nil {
		for _, e := range entries {
			if ok, _ := path.Match(pattern, e.Name()); ok {
				_ = sh.Remove(join(f.dir.Path, e.Name()))
			}
		}
	}
	var rnd [6]byte
	rand.Read(rnd[:])
	tmp := join(f.dir.Path, strings.Replace(pattern, "*", hex.EncodeToString(rnd[:]), 1))
	// The copy's calls run under a context its watchdog cancels when the
	// server stops answering: go-smb2 waits on a broken connection only as
	// long as its context lets it.
	t := &smbTemp{f: f, c: c, tmp: tmp, watch: newStallWatch(f.ctx, f.pool.Timeout)}
	t.sh = sh.WithContext(t.watch.ctx)
	t.watch.touch()
	h, err := t.sh.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		t.watch.stop()
		return nil, t.check("create a file in "+f.dir.String(), err)
	}
	t.h = h
	return t, nil
}

func (f *smbFile) Remove() error {
	c, sh, err := f.share()
	if err != nil {
		return err
	}
	if err := sh.Remove(f.path()); err != nil && smbconn.KindOf(err) != smbconn.NotFound && !errors.Is(err, os.ErrNotExist) {
		return c.Check(f.ctx, "remove "+f.Key(), err)
	}
	return nil
}

// smbTemp is a copy being written on a distribution point.
type smbTemp struct {
	f     *smbFile
	c     *smbconn.Conn
	sh    *smb2.Share // bound to watch.ctx
	h     *smb2.File
	tmp   string
	watch *stallWatch
}

// check names what failed; a call the watchdog cut short is a dropped
// connection (the pool then discards the session), not a cancellation.
func (t *smbTemp) check(op string, err error) error {
	if t.watch.stalled.Load() {
		err = fmt.Errorf("the server did not answer for %s: %w", t.watch.limit, io.ErrUnexpectedEOF)
	}
	return t.c.Check(t.f.ctx, op, err)
}

// stallWatch cancels its context when no call has started for longer than
// its limit, so a copy to a server that stopped answering fails instead of
// hanging the apply.
type stallWatch struct {
	ctx     context.Context
	cancel  context.CancelFunc
	limit   time.Duration
	last    atomic.Int64 // UnixNano of the last call's start
	stalled atomic.Bool
	done    chan struct{}
	once    sync.Once
}

func newStallWatch(parent context.Context, limit time.Duration) *stallWatch {
	if limit <= 0 {
		limit = smbconn.DefaultTimeout
	}
	ctx, cancel := context.WithCancel(parent)
	w := &stallWatch{ctx: ctx, cancel: cancel, limit: limit, done: make(chan struct{})}
	w.touch()
	go w.run()
	return w
}

func (w *stallWatch) run() {
	tick := time.NewTicker(min(w.limit/4, time.Second))
	defer tick.Stop()
	for {
		select {
		case <-w.done:
			return
		case <-w.ctx.Done():
			return
		case now := <-tick.C:
			if now.Sub(time.Unix(0, w.last.Load())) > w.limit {
				w.stalled.Store(true)
				w.cancel()
				return
			}
		}
	}
}

// touch marks the start of a call: each call gets the whole limit.
func (w *stallWatch) touch() { w.last.Store(time.Now().UnixNano()) }

func (w *stallWatch) stop() {
	w.once.Do(func() {
		close(w.done)
		w.cancel()
	})
}

func (t *smbTemp) Name() string {
	return t.f.dir.String() + "/" + path.Base(strings.ReplaceAll(t.tmp, `\`, "/"))
}

func (t *smbTemp) Write(b []byte) (int, error) {
	return t.write(func() (int, error) { return t.h.Write(b) })
}

// WriteAt writes b at off; several may be outstanding at once (the
// stream keeps writesInFlight of them going).
func (t *smbTemp) WriteAt(b []byte, off int64) (int, error) {
	return t.write(func() (int, error) { return t.h.WriteAt(b, off) })
}

func (t *smbTemp) write(w func() (int, error)) (n int, err error) {
	// go-smb2 trusts the byte count in a WRITE response: a response read
	// from a connection that broke mid-copy can claim more bytes than were
	// sent, and its write loop then slices past the buffer and panics. That
	// is a dropped connection (io.ErrUnexpectedEOF, so the pool discards the
	// session), not a bug here: it fails this copy alone.
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, t.check("write to "+t.f.dir.String(), fmt.Errorf("the server's answer to a write did not match the request (%v): %w", r, io.ErrUnexpectedEOF))
		}
	}()
	t.watch.touch()
	n, err = w()
	if err != nil {
		return n, t.check("write to "+t.f.dir.String(), err)
	}
	return n, nil
}

// Commit flushes the file on the server, closes it and renames it over
// the catalog (the server replaces the old one in the same operation).
func (t *smbTemp) Commit() error {
	defer t.watch.stop()
	t.watch.touch()
	if err := t.h.Sync(); err != nil {
		err = t.check("flush "+t.Name(), err)
		t.Abort()
		return err
	}
	t.watch.touch()
	if err := t.h.Close(); err != nil {
		err = t.check("close "+t.Name(), err)
		_ = t.sh.Remove(t.tmp)
		return err
	}
	t.watch.touch()
	if err := t.sh.Rename(t.tmp, t.f.path()); err != nil {
		err = t.check("rename "+t.Name()+" to "+t.f.name, err)
		t.watch.touch()
		_ = t.sh.Remove(t.tmp)
		return err
	}
	return nil
}

// Abort closes and removes the temporary file; when the connection is
// gone, the next copy into the folder removes it.
func (t *smbTemp) Abort() {
	defer t.watch.stop()
	t.watch.touch()
	_ = t.h.Close()
	t.watch.touch()
	_ = t.sh.Remove(t.tmp)
}
