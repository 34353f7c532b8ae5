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
	h, err := sh.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, c.Check(f.ctx, "create a file in "+f.dir.String(), err)
	}
	return &smbTemp{f: f, c: c, sh: sh, h: h, tmp: tmp}, nil
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
	f   *smbFile
	c   *smbconn.Conn
	sh  *smb2.Share
	h   *smb2.File
	tmp string
}

func (t *smbTemp) Name() string {
	return t.f.dir.String() + "/" + path.Base(strings.ReplaceAll(t.tmp, `\`, "/"))
}

func (t *smbTemp) Write(b []byte) (n int, err error) {
	// go-smb2 trusts the byte count in a WRITE response: a response read
	// from a connection that broke mid-copy can claim more bytes than were
	// sent, and its write loop then slices past the buffer and panics. That
	// is a dropped connection (io.ErrUnexpectedEOF, so the pool discards the
	// session), not a bug here: it fails this copy alone.
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, t.c.Check(t.f.ctx, "write to "+t.f.dir.String(), fmt.Errorf("the server's answer to a write did not match the request (%v): %w", r, io.ErrUnexpectedEOF))
		}
	}()
	n, err = t.h.Write(b)
	if err != nil {
		return n, t.c.Check(t.f.ctx, "write to "+t.f.dir.String(), err)
	}
	return n, nil
}

// Commit flushes the file on the server, closes it and renames it over
// the catalog (the server replaces the old one in the same operation).
func (t *smbTemp) Commit() error {
	if err := t.h.Sync(); err != nil {
		t.Abort()
		return t.c.Check(t.f.ctx, "flush "+t.Name(), err)
	}
	if err := t.h.Close(); err != nil {
		_ = t.sh.Remove(t.tmp)
		return t.c.Check(t.f.ctx, "close "+t.Name(), err)
	}
	if err := t.sh.Rename(t.tmp, t.f.path()); err != nil {
		_ = t.sh.Remove(t.tmp)
		return t.c.Check(t.f.ctx, "rename "+t.Name()+" to "+t.f.name, err)
	}
	return nil
}

// Abort closes and removes the temporary file; when the connection is
// gone, the next copy into the folder removes it.
func (t *smbTemp) Abort() {
	_ = t.h.Close()
	_ = t.sh.Remove(t.tmp)
}
