package share

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// tableFormat is the version of the share table file format.
const tableFormat = 1

// lockTimeout bounds how long an apply waits for another process's lock on
// the share table.
const lockTimeout = 2 * time.Minute

// localDriver is a file server on local disk: drives are folders under root
// and the share table is root/shares.json. See the package documentation for
// the path mapping.
type localDriver struct {
	root string // as configured (cleaned): the base of local_path
	dir  string // root, absolute with symbolic links resolved: file I/O happens here
	file string // the share table
	lock string // the lock file beside it

	// qmu guards the queue of edits waiting for a commit, and whether a
	// caller is committing.
	qmu        sync.Mutex
	queue      []*editRequest
	committing bool

	mu sync.Mutex // guards cache
	// cache is the last table read or written, with the exact bytes of the
	// file it came from: it is reused only when the file holds those bytes,
	// so it is never stale.
	cache struct {
		raw []byte
		t   *table
	}
}

// table is the share table file.
type table struct {
	FormatVersion int           `json:"format_version"`
	Servers       []serverTable `json:"servers"` // sorted by name, case-insensitively
}

// serverTable holds the shares of one server.
type serverTable struct {
	Name   string  `json:"name"`
	Shares []Share `json:"shares"` // sorted by name, case-insensitively
}

// openLocal prepares the local driver on root, created if missing unless
// readOnly (plan: a missing root reads as one without shares, and
// nothing is created).
func openLocal(root, workingDir string, readOnly bool) (*localDriver, error) {
	if root == "" {
		return nil, fault("Empty share root", "The share provider's root is empty. Set root to a folder, e.g. \".site\", or leave it out to use the default.")
	}
	root = filepath.Clean(root)
	abs := root
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(workingDir, root)
	}
	if !readOnly {
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return nil, fault("Cannot create the share root", fmt.Sprintf("The local share driver could not create its root folder %s: %v. Check that the folder can be created there, or set root to another folder.", abs, errText(err)))
		}
	}
	dir, err := resolveExisting(abs)
	if err == nil {
		dir, err = filepath.Abs(dir)
	}
	if err != nil {
		return nil, fault("Cannot resolve the share root", fmt.Sprintf("The local share driver could not resolve its root folder %s: %v. Check the folder and its symbolic links.", abs, errText(err)))
	}
	return &localDriver{root: root, dir: dir, file: filepath.Join(dir, "shares.json"), lock: filepath.Join(dir, "shares.json.lock")}, nil
}

// resolveExisting resolves the symbolic links of the deepest part of path
// that exists and appends the rest.
func resolveExisting(path string) (string, error) {
	var rest []string
	for {
		if _, err := os.Lstat(path); err == nil {
			break
		}
		parent := filepath.Dir(path)
		if parent == path {
			break
		}
		rest = append([]string{filepath.Base(path)}, rest...)
		path = parent
	}
	resolved, err := filepath.EvalSymlinks(path)
	if err != nil {
		return "", err
	}
	return filepath.Join(append([]string{resolved}, rest...)...), nil
}

// errText is an error's text without the path *os.PathError repeats.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Locate maps a share path to a folder under root. Windows paths keep their
// drive as a folder: `D:\ITMU\PkgSource` on SRV01 is root/SRV01/D/ITMU/PkgSource.
func (d *localDriver) Locate(server, path string) (folder, error) {
	srv, err := serverFolder(server)
	if err != nil {
		return folder{}, err
	}
	segs, err := pathSegments(path)
	if err != nil {
		return folder{}, err
	}
	rel := filepath.Join(append([]string{srv}, segs...)...)
	f := folder{Shown: filepath.Join(d.root, rel), Real: filepath.Join(d.dir, rel)}
	return f, d.confine(path, f)
}

// serverFolder checks a server name and returns its folder name.
func serverFolder(server string) (string, error) {
	if server == "" || server == "." || server == ".." || strings.ContainsAny(server, "/\\:*?\"<>|\x00") {
		return "", &problem{Summary: "Invalid server name", Detail: fmt.Sprintf("The server name %q cannot name a file server: it is empty or holds one of / \\ : * ? \" < > |. Use the server's NetBIOS or DNS name, e.g. \"SRV01\".", server), Attr: "server"}
	}
	return strings.ToUpper(server), nil
}

// pathSegments splits an absolute Windows (`D:\a\b`, `D:/a/b`) or POSIX
// (`/a/b`) path into the folders under the server's folder: the drive letter
// first, in upper case.
func pathSegments(path string) ([]string, error) {
	var segs []string
	var rest string
	switch {
	case len(path) >= 3 && isLetter(path[0]) && path[1] == ':' && (path[2] == '\\' || path[2] == '/'):
		segs, rest = []string{strings.ToUpper(path[:1])}, path[3:]
	case strings.HasPrefix(path, "/") && !strings.HasPrefix(path, "//"):
		rest = path[1:]
	default:
		return nil, pathFault("Relative share path", fmt.Sprintf("The share path %q is not an absolute local path on the server. Write it with its drive, e.g. \"D:\\\\ITMU\\\\PkgSource\", or as an absolute POSIX path such as \"/srv/updates\"; UNC paths are not share folders.", path))
	}
	for _, s := range strings.FieldsFunc(rest, func(r rune) bool { return r == '\\' || r == '/' }) {
		switch {
		case s == ".":
		case s == "..":
			return nil, pathFault("Share path leaves its folder", fmt.Sprintf("The share path %q holds \"..\", which could reach outside the driver's root. Write the path without \"..\".", path))
		case strings.ContainsAny(s, ":\x00"):
			return nil, pathFault("Invalid share path", fmt.Sprintf("The share path %q holds a \":\" after its drive, or a NUL character. Correct the path.", path))
		default:
			segs = append(segs, s)
		}
	}
	return segs, nil
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// confine refuses a folder whose existing part resolves, through symbolic
// links, outside the root.
func (d *localDriver) confine(path string, f folder) error {
	// Walk up to the part that exists. A part that cannot be examined (a
	// file in the way, no permission) cannot be made either: MakeFolder
	// reports it.
	existing := f.Real
	for {
		if _, err := os.Lstat(existing); err == nil {
			break
		}
		existing = filepath.Dir(existing)
	}
	resolved, err := filepath.EvalSymlinks(existing)
	if err != nil {
		return pathFault("Share path escapes the root", fmt.Sprintf("The folder of share path %q is %s, but %s is a symbolic link that cannot be resolved (%v), so the folder cannot be confined to the driver's root %s. Remove the link or choose another path.", path, f.Shown, existing, errText(err), d.dir))
	}
	if up, err := filepath.Rel(resolved, d.dir); err == nil && up != ".." && !strings.HasPrefix(up, ".."+string(filepath.Separator)) {
		// Nothing exists below the root (it is not created yet, as in a
		// plan): nothing can escape.
		if _, err := os.Lstat(d.dir); err != nil {
			return nil
		}
	}
	if rel, err := filepath.Rel(d.dir, resolved); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return pathFault("Share path escapes the root", fmt.Sprintf("The folder of share path %q is %s, but %s resolves to %s, outside the driver's root %s. Remove the symbolic link or choose another path.", path, f.Shown, existing, resolved, d.dir))
	}
	return nil
}

func (d *localDriver) FolderExists(f folder) (bool, error) {
	fi, err := os.Stat(f.Real)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return fi.IsDir(), nil
}

func (d *localDriver) MakeFolder(f folder) error {
	if err := os.MkdirAll(f.Real, 0o755); err != nil {
		return fault("Cannot create the share folder", fmt.Sprintf("Creating %s failed: %v. Check the permissions of the driver's root, or remove the file that stands in the way.", f.Shown, errText(err)))
	}
	return nil
}

func (d *localDriver) Shares(_ context.Context, server string) ([]Share, error) {
	t, err := d.load()
	if err != nil {
		return nil, err
	}
	if st := t.server(server); st != nil {
		return slices.Clone(st.Shares), nil
	}
	return nil, nil
}

func (d *localDriver) Servers(_ context.Context) ([]string, error) {
	t, err := d.load()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, st := range t.Servers {
		if len(st.Shares) > 0 {
			out = append(out, st.Name)
		}
	}
	return out, nil
}

// Edit queues the edit; the first caller that finds no commit under way
// commits every queued edit in one write (group commit), so parallel applies
// share a lock and an fsync. Each decide sees the edits decided before it.
func (d *localDriver) Edit(ctx context.Context, server string, decide func([]Share) ([]edit, error)) error {
	req := &editRequest{server: server, decide: decide, done: make(chan error, 1)}
	d.qmu.Lock()
	d.queue = append(d.queue, req)
	leader := !d.committing
	d.committing = true
	d.qmu.Unlock()
	if leader {
		for {
			d.qmu.Lock()
			batch := d.queue
			d.queue = nil
			if len(batch) == 0 {
				d.committing = false
				d.qmu.Unlock()
				break
			}
			d.qmu.Unlock()
			d.commit(ctx, batch)
		}
	}
	return <-req.done
}

// editRequest is one queued Edit.
type editRequest struct {
	server string
	decide func([]Share) ([]edit, error)
	done   chan error
}

// commit decides and writes a batch of edits under the file lock, and
// answers every request of the batch. The context is the committing
// caller's.
func (d *localDriver) commit(ctx context.Context, batch []*editRequest) {
	answer := func(reqs []*editRequest, err error) {
		for _, r := range reqs {
			r.done <- err
		}
	}
	l, err := d.acquire(ctx)
	if err != nil {
		answer(batch, err)
		return
	}
	defer l.unlock()
	t, err := d.load()
	if err != nil {
		answer(batch, err)
		return
	}
	var changed []*editRequest
	for _, r := range batch {
		var current []Share
		if st := t.server(r.server); st != nil {
			current = slices.Clone(st.Shares)
		}
		edits, err := r.decide(slices.Clone(current))
		if err != nil || len(edits) == 0 {
			r.done <- err
			continue
		}
		for _, e := range edits {
			if e.remove != "" {
				current = slices.DeleteFunc(current, func(s Share) bool { return fold(s.Name) == fold(e.remove) })
			}
			if e.put != nil {
				normalise(e.put)
				current = slices.DeleteFunc(current, func(s Share) bool { return fold(s.Name) == fold(e.put.Name) })
				current = append(current, *e.put)
			}
		}
		t = t.with(r.server, current)
		changed = append(changed, r)
	}
	if len(changed) > 0 {
		answer(changed, d.write(t))
	}
}

// acquire takes the share table's file lock, waiting for another holder up
// to lockTimeout.
func (d *localDriver) acquire(ctx context.Context) (*fileLock, error) {
	deadline := time.Now().Add(lockTimeout)
	wait := time.Millisecond
	for {
		l, ok, err := tryLock(d.lock)
		if err != nil {
			return nil, fault("Cannot lock the share table", fmt.Sprintf("Locking %s failed: %v. Check the permissions of the driver's root.", d.lock, errText(err)))
		}
		if ok {
			return l, nil
		}
		if time.Now().After(deadline) {
			return nil, fault("Share table locked", fmt.Sprintf("The lock %s has been held for over %s. %s", d.lock, lockTimeout, lockHint))
		}
		select {
		case <-ctx.Done():
			return nil, fault("Share table lock not taken", fmt.Sprintf("The operation was cancelled while waiting for the lock %s. Run the command again.", d.lock))
		case <-time.After(wait):
		}
		wait = min(2*wait, 50*time.Millisecond)
	}
}

// load reads the share table; a missing file is an empty table. The table
// returned is shared with the cache: never modify it.
func (d *localDriver) load() (*table, error) {
	raw, err := os.ReadFile(d.file)
	if errors.Is(err, fs.ErrNotExist) {
		return &table{FormatVersion: tableFormat}, nil
	}
	if err != nil {
		return nil, fault("Unreadable share table", fmt.Sprintf("Reading %s failed: %v. Check the file's permissions; updplan changes no share while it cannot read the table.", d.file, errText(err)))
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cache.t != nil && bytes.Equal(raw, d.cache.raw) {
		return d.cache.t, nil
	}
	t, err := parseTable(raw)
	if err != nil {
		return nil, fault("Corrupt share table", fmt.Sprintf("The share table %s cannot be used: %v. Correct the file by hand or restore it from a backup (updplan changes no share while the table is unreadable); deleting it forgets every share of the local driver, not their folders.", d.file, err))
	}
	d.cache.raw, d.cache.t = raw, t
	return t, nil
}

// parseTable decodes and checks a share table, filling what hand-written
// entries may leave out.
func parseTable(raw []byte) (*table, error) {
	var t table
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("not a valid share table: %v", err)
	}
	if dec.More() {
		return nil, errors.New("not a valid share table: data after the JSON object")
	}
	if t.FormatVersion != tableFormat {
		return nil, fmt.Errorf("format_version is %d, and this updplan reads version %d", t.FormatVersion, tableFormat)
	}
	servers := map[string]bool{}
	for si := range t.Servers {
		st := &t.Servers[si]
		if _, err := serverFolder(st.Name); err != nil {
			return nil, fmt.Errorf("server %q: not a valid server name", st.Name)
		}
		if servers[fold(st.Name)] {
			return nil, fmt.Errorf("server %q appears twice", st.Name)
		}
		servers[fold(st.Name)] = true
		names := map[string]bool{}
		for i := range st.Shares {
			s := &st.Shares[i]
			switch {
			case s.Name == "":
				return nil, fmt.Errorf("server %q: share %d has no name", st.Name, i+1)
			case names[fold(s.Name)]:
				return nil, fmt.Errorf("server %q: share %q appears twice (share names compare case-insensitively)", st.Name, s.Name)
			case s.Path == "":
				return nil, fmt.Errorf("server %q: share %q has no path", st.Name, s.Name)
			}
			names[fold(s.Name)] = true
			normalise(s)
		}
		sortShares(st.Shares)
	}
	slices.SortFunc(t.Servers, func(a, b serverTable) int { return strings.Compare(fold(a.Name), fold(b.Name)) })
	return &t, nil
}

// normalise fills defaults and orders the ACL, so that equal shares encode
// equally.
func normalise(s *Share) {
	if s.FolderEnumeration == "" {
		s.FolderEnumeration = "unrestricted"
	}
	if s.Caching == "" {
		s.Caching = "manual"
	}
	if s.Access == nil {
		s.Access = []ACE{}
	}
	for i := range s.Access {
		s.Access[i].Rights = strings.ToLower(s.Access[i].Rights)
	}
	slices.SortFunc(s.Access, func(a, b ACE) int {
		if c := strings.Compare(fold(a.Principal), fold(b.Principal)); c != 0 {
			return c
		}
		return strings.Compare(a.Rights, b.Rights)
	})
}

func sortShares(ss []Share) {
	slices.SortFunc(ss, func(a, b Share) int { return strings.Compare(fold(a.Name), fold(b.Name)) })
}

func (t *table) server(name string) *serverTable {
	for i := range t.Servers {
		if fold(t.Servers[i].Name) == fold(name) {
			return &t.Servers[i]
		}
	}
	return nil
}

// with returns a copy of t whose server has exactly shares; t is unchanged.
func (t *table) with(server string, shares []Share) *table {
	sortShares(shares)
	out := &table{FormatVersion: tableFormat}
	found := false
	for _, st := range t.Servers {
		if fold(st.Name) == fold(server) {
			st = serverTable{Name: st.Name, Shares: shares}
			found = true
		}
		if len(st.Shares) > 0 {
			out.Servers = append(out.Servers, st)
		}
	}
	if !found && len(shares) > 0 {
		out.Servers = append(out.Servers, serverTable{Name: server, Shares: shares})
		slices.SortFunc(out.Servers, func(a, b serverTable) int { return strings.Compare(fold(a.Name), fold(b.Name)) })
	}
	if out.Servers == nil {
		out.Servers = []serverTable{}
	}
	return out
}

// write replaces the share table atomically: a reader sees the old table or
// the new one, never a part. The caller commits (one per process at a time)
// and holds the file lock.
func (d *localDriver) write(t *table) error {
	raw, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the share table: %w", err)
	}
	raw = append(raw, '\n')
	fail := func(err error) error {
		return fault("Cannot write the share table", fmt.Sprintf("Writing %s failed: %v. The table is unchanged; check free space and the permissions of %s, then run the command again.", d.file, errText(err), d.dir))
	}
	d.removeStaleTemps()
	tmp, err := os.CreateTemp(d.dir, ".shares-*.json.tmp")
	if err != nil {
		return fail(err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if _, err := tmp.Write(raw); err != nil {
		tmp.Close()
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp.Name(), d.file); err != nil {
		return fail(err)
	}
	syncDir(d.dir)
	d.mu.Lock()
	d.cache.raw, d.cache.t = raw, t
	d.mu.Unlock()
	return nil
}

// removeStaleTemps removes the temporary tables of writers killed before
// their rename. The caller holds the table lock, so no writer is using
// one.
func (d *localDriver) removeStaleTemps() {
	entries, err := os.ReadDir(d.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, ".shares-") && strings.HasSuffix(n, ".json.tmp") {
			os.Remove(filepath.Join(d.dir, n))
		}
	}
}

// syncDir makes a rename in dir durable where the system allows it.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		_ = f.Sync() // not supported on every system; the rename itself is atomic
		f.Close()
	}
}
