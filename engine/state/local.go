package state

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/encryption"
)

// DefaultLocalPath is the state file's name beside the configuration.
const DefaultLocalPath = "updplan.state"

// Local keeps the state in a file, with "<path>.backup" (the previous
// state), "<path>.journal" (the apply in progress) and "<path>.lock" (who
// holds the lock) beside it.
type Local struct {
	path string
	enc  *encryption.Target // nil: not encrypted

	mu       sync.Mutex
	lockFile *os.File // open while this Local holds the lock
	lockID   string
	journal  *localJournal // open journal, closed by Write
}

var _ Backend = (*Local)(nil)

// NewLocal returns the backend of the state file at path.
func NewLocal(path string) *Local { return &Local{path: path} }

// SetEncryption makes l encrypt the state and each journal record it
// writes with t, and read what t (or its fallback) can open.
func (l *Local) SetEncryption(t *encryption.Target) { l.enc = t }

// Path returns the state file's path.
func (l *Local) Path() string { return l.path }

func (l *Local) backupPath() string  { return l.path + ".backup" }
func (l *Local) journalPath() string { return l.path + ".journal" }
func (l *Local) lockPath() string    { return l.path + ".lock" }

// Describe names the state file.
func (l *Local) Describe() string { return "local state file " + l.path }

// Close closes an open journal and releases the lock if this Local holds it.
func (l *Local) Close() error {
	l.mu.Lock()
	j := l.journal
	l.journal = nil
	id := l.lockID
	l.mu.Unlock()
	var errs []error
	if j != nil {
		errs = append(errs, j.Close())
	}
	if id != "" {
		errs = append(errs, l.Unlock(context.Background(), id))
	}
	return errors.Join(errs...)
}

// Read returns the stored state with any journal replayed on top, or nil.
func (l *Local) Read(ctx context.Context, types TypeFunc) (*State, error) {
	stored, err := l.readStored(types)
	if err != nil {
		return nil, err
	}
	h, records, err := readJournalFile(l.journalPath())
	if errors.Is(err, fs.ErrNotExist) {
		return stored, nil
	}
	if err != nil {
		return nil, err
	}
	if h == nil {
		return stored, nil // an apply died before its header was durable
	}
	if records, err = openRecords(l.enc, records, l.journalPath()); err != nil {
		return nil, err
	}
	verdict, err := judgeJournal(stored, *h, l.journalPath())
	if err != nil {
		return nil, err
	}
	if verdict == journalStale {
		return stored, nil
	}
	return replayJournal(stored, *h, records, types, l.journalPath())
}

func (l *Local) readStored(types TypeFunc) (*State, error) {
	b, err := os.ReadFile(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading state file: %w", err)
	}
	if b, err = l.enc.Open("state", b); err != nil {
		return nil, fmt.Errorf("state file %s: %w", l.path, err)
	}
	s, err := Decode(b, types)
	if err != nil {
		return nil, fmt.Errorf("state file %s: %w", l.path, err)
	}
	return s, nil
}

// storedHead reads only the lineage and serial of the stored state, or
// nil when there is none.
func (l *Local) storedHead() (*State, error) {
	b, err := os.ReadFile(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading state file: %w", err)
	}
	if b, err = l.enc.Open("state", b); err != nil {
		return nil, fmt.Errorf("state file %s: %w", l.path, err)
	}
	var head struct {
		Serial  uint64 `json:"serial"`
		Lineage string `json:"lineage"`
	}
	if err := json.Unmarshal(b, &head); err != nil || head.Lineage == "" {
		return nil, fmt.Errorf("state file %s is not a valid state; run plan to see why", l.path)
	}
	return &State{Serial: head.Serial, Lineage: head.Lineage}, nil
}

// Write stores s atomically: a temporary file in the same directory is
// written and synced, the current file becomes the backup, the temporary
// file is renamed into place and the directory synced. The journal, now
// folded in, is removed.
func (l *Local) Write(ctx context.Context, s *State) error {
	b, err := Encode(s)
	if err != nil {
		return err
	}
	if b, err = l.enc.Seal("state", b); err != nil {
		return err
	}
	l.mu.Lock()
	j := l.journal
	l.journal = nil
	l.mu.Unlock()
	if j != nil {
		if err := j.Close(); err != nil {
			return err
		}
	}
	if err := writeAtomic(l.path, b, l.backupPath()); err != nil {
		return err
	}
	if err := os.Remove(l.journalPath()); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("the state was written, but its journal could not be removed (it will be ignored): %w", err)
	}
	return syncDir(filepath.Dir(l.path))
}

// writeAtomic replaces path with b so that a reader sees either the old or
// the new file, and a crash leaves one of them. When path exists and
// backup is not empty, the old file is kept as backup.
func writeAtomic(path string, b []byte, backup string) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing state: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // after a successful rename this finds nothing
	if err := tmp.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		tmp.Close()
		return fmt.Errorf("writing state: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("writing state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("writing state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing state: %w", err)
	}
	if backup != "" {
		if err := keepBackup(path, backup); err != nil {
			return err
		}
	}
	if err := os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("writing state: %w", err)
	}
	return syncDir(dir)
}

// keepBackup makes backup a copy of path (a hard link where the file system
// allows it), replacing the old backup atomically.
func keepBackup(path, backup string) error {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	tmpName := backup + ".tmp"
	os.Remove(tmpName)
	if err := os.Link(path, tmpName); err != nil {
		if err := copyFile(path, tmpName); err != nil {
			os.Remove(tmpName)
			return fmt.Errorf("keeping a backup of the state: %w", err)
		}
	}
	if err := os.Rename(tmpName, backup); err != nil {
		os.Remove(tmpName)
		return fmt.Errorf("keeping a backup of the state: %w", err)
	}
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// OpenJournal starts, or continues, the journal beside the state file. A
// journal left by a killed apply that Read replayed is continued, so its
// records stay until the next Write folds them in; a journal already folded
// into the state is replaced.
func (l *Local) OpenJournal(ctx context.Context, base *State) (Journal, error) {
	if base == nil {
		return nil, errors.New("a journal needs the state it starts from; this is a bug in updplan")
	}
	stored, err := l.storedHead()
	if err != nil {
		return nil, err
	}
	if stored != nil && stored.Lineage != base.Lineage {
		return nil, fmt.Errorf("the apply starts from a state of lineage %s, but %s holds lineage %s; this is a bug in updplan", base.Lineage, l.path, stored.Lineage)
	}
	jpath := l.journalPath()
	h, _, err := readJournalFile(jpath)
	switch {
	case errors.Is(err, fs.ErrNotExist) || (err == nil && h == nil):
		// Start a new journal below.
	case err != nil:
		return nil, err
	default:
		if h.Lineage != base.Lineage {
			return nil, fmt.Errorf("journal %s belongs to another state (lineage %s, not %s). If that state is gone, delete the journal, then run the command again", jpath, h.Lineage, base.Lineage)
		}
		verdict := journalReplay
		if stored != nil {
			if verdict, err = judgeJournal(stored, *h, jpath); err != nil {
				return nil, err
			}
		}
		if verdict == journalReplay {
			return l.openJournal(jpath, true)
		}
	}
	hb, err := json.Marshal(journalHeader{Journal: JournalFormatVersion, Lineage: base.Lineage, Serial: base.Serial})
	if err != nil {
		return nil, err
	}
	if err := writeAtomic(jpath, append(hb, '\n'), ""); err != nil {
		return nil, fmt.Errorf("starting journal %s: %w", jpath, err)
	}
	return l.openJournal(jpath, false)
}

func (l *Local) openJournal(jpath string, continuing bool) (*localJournal, error) {
	if continuing {
		if err := trimTornTail(jpath); err != nil {
			return nil, fmt.Errorf("continuing journal %s: %w", jpath, err)
		}
	}
	f, err := os.OpenFile(jpath, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening journal: %w", err)
	}
	j := &localJournal{f: f, path: jpath, enc: l.enc}
	l.mu.Lock()
	old := l.journal
	l.journal = j
	l.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return j, nil
}

// trimTornTail cuts a last line that a killed writer left without its
// newline, so that records appended after it stay readable.
func trimTornTail(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if len(b) == 0 || b[len(b)-1] == '\n' {
		return nil
	}
	return os.Truncate(path, int64(bytes.LastIndexByte(b, '\n')+1))
}

// readJournalFile returns the header (nil when the file has no complete
// header line) and the complete record lines. A torn last line, left by a
// write cut short, is dropped; a bad line before the last is an error.
func readJournalFile(path string) (*journalHeader, [][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var lines [][]byte
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadBytes('\n')
		if err == io.EOF {
			break // a line without its newline is torn: ignore it
		}
		if err != nil {
			return nil, nil, fmt.Errorf("reading journal %s: %w", path, err)
		}
		lines = append(lines, line[:len(line)-1])
	}
	if len(lines) == 0 {
		return nil, nil, nil
	}
	var h journalHeader
	if err := json.Unmarshal(lines[0], &h); err != nil || h.Journal == 0 || h.Lineage == "" {
		return nil, nil, fmt.Errorf("journal %s has no valid header line; it is not an updplan journal. Move it away and run plan to see what the interrupted apply left", path)
	}
	return &h, lines[1:], nil
}

// journalSyncEvery is how many records a journal writes between fsyncs:
// each record reaches the OS in one write (it survives the process being
// killed), and every group reaches the disk (it survives a power loss).
const journalSyncEvery = 32

type localJournal struct {
	enc      *encryption.Target
	mu       sync.Mutex
	f        *os.File
	path     string
	unsynced int
	err      error // the first failure; the journal is unusable after it
}

func (j *localJournal) Set(r *Resource) error {
	b, err := encodeSet(r)
	if err != nil {
		return err
	}
	return j.append(b)
}

func (j *localJournal) Remove(a addr.Instance) error {
	b, err := encodeRemove(a)
	if err != nil {
		return err
	}
	return j.append(b)
}

func (j *localJournal) append(rec []byte) error {
	rec, err := j.enc.Seal("journal", rec)
	if err != nil {
		return err
	}
	line := make([]byte, 0, len(rec)+1)
	line = append(append(line, rec...), '\n')
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return j.err
	}
	if j.f == nil {
		return fmt.Errorf("journal %s is closed; this is a bug in updplan", j.path)
	}
	if _, err := j.f.Write(line); err != nil {
		j.err = fmt.Errorf("writing journal %s: %w", j.path, err)
		return j.err
	}
	j.unsynced++
	if j.unsynced >= journalSyncEvery {
		return j.syncLocked()
	}
	return nil
}

func (j *localJournal) Sync() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err != nil {
		return j.err
	}
	if j.f == nil {
		return nil
	}
	return j.syncLocked()
}

func (j *localJournal) syncLocked() error {
	if err := j.f.Sync(); err != nil {
		j.err = fmt.Errorf("syncing journal %s: %w", j.path, err)
		return j.err
	}
	j.unsynced = 0
	return nil
}

func (j *localJournal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.f == nil {
		return j.err
	}
	err := j.err
	if err == nil && j.unsynced > 0 {
		err = j.syncLocked()
	}
	if cerr := j.f.Close(); cerr != nil && err == nil {
		err = cerr
	}
	j.f = nil
	return err
}
