package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// landing describes one atomic write of a catalog into a folder.
type landing struct {
	dir, name string
	// limit refuses more bytes than this.
	limit int64
	// also receives every byte (a signature check).
	also io.Writer
	// accept is called with the SHA-256 and size of what was written,
	// before the rename; an error refuses the file.
	accept func(sha string, n int64) error
	// progress is called with the bytes written so far and total, the
	// expected size (0: unknown).
	progress func(done, total int64)
	total    int64
}

const copyChunk = 1 << 20

// tempPattern names temporary files: hidden, and recognisable as ours, so
// that one left by a killed run is removed by the next.
func tempPattern(name string) string { return "." + name + ".updplan-*.tmp" }

// land streams r into a temporary file in l.dir (created if missing) while
// hashing it, lets l.accept look at the result, then syncs the file and
// renames it over l.dir/l.name, and syncs the folder. No reader ever sees a
// partial catalog; on any failure the temporary file is removed and the old
// catalog is left as it was.
func (p *Provider) land(l landing, r io.Reader) (sha string, n int64, err error) {
	if err := os.MkdirAll(l.dir, 0o755); err != nil {
		return "", 0, err
	}
	if stale, _ := filepath.Glob(filepath.Join(l.dir, tempPattern(l.name))); len(stale) > 0 {
		for _, f := range stale {
			os.Remove(f)
		}
	}
	f, err := os.CreateTemp(l.dir, tempPattern(l.name))
	if err != nil {
		return "", 0, err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	h := sha256.New()
	w := io.MultiWriter(f, h)
	if l.also != nil {
		w = io.MultiWriter(f, h, l.also)
	}
	buf := make([]byte, copyChunk)
	for {
		k, rerr := r.Read(buf)
		if k > 0 {
			if n+int64(k) > l.limit {
				return "", n, fmt.Errorf("the catalog is larger than %d bytes", l.limit)
			}
			if _, err := w.Write(buf[:k]); err != nil {
				return "", n, err
			}
			n += int64(k)
			if p.onCopy != nil {
				if err := p.onCopy(tmp, n); err != nil {
					return "", n, err
				}
			}
			if l.progress != nil {
				l.progress(n, l.total)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return "", n, rerr
		}
	}
	sha = hex.EncodeToString(h.Sum(nil))
	if l.accept != nil {
		if err := l.accept(sha, n); err != nil {
			return sha, n, err
		}
	}
	if err := f.Chmod(0o644); err != nil {
		return "", n, err
	}
	if err := f.Sync(); err != nil {
		return "", n, err
	}
	if err := f.Close(); err != nil {
		return "", n, err
	}
	if err := os.Rename(tmp, filepath.Join(l.dir, l.name)); err != nil {
		return "", n, err
	}
	syncDir(l.dir)
	return sha, n, nil
}

// syncDir makes a rename durable where the platform allows it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// copyTo copies the catalog at src, whose SHA-256 must be want, to
// dir/name. A source that no longer has that hash (changed under us) is
// refused before the rename.
func (p *Provider) copyTo(src, dir, name, want string, progress func(done, total int64)) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	_, _, err = p.land(landing{
		dir: dir, name: name, limit: p.maxSize, total: info.Size(), progress: progress,
		accept: func(sha string, _ int64) error {
			if sha != want {
				return errChangedUnderUs
			}
			return nil
		},
	}, f)
	return err
}

var errChangedUnderUs = errors.New("the catalog changed while it was being copied")

// removeIfOurs removes dir/name when its SHA-256 is want: the copy updplan
// placed. It reports whether something else was found there and kept.
func (p *Provider) removeIfOurs(dir, name, want string, pr *private) (kept bool, err error) {
	path := filepath.Join(dir, name)
	st, err := p.inspect(path, pr, true, nil)
	if errors.Is(err, errMissing) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if want == "" || st.SHA256 != want {
		return true, nil
	}
	delete(pr.Files, path)
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, err
	}
	return false, nil
}
