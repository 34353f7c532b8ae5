package state

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/updplan/updplan/internal/pgtest"
)

const lockHelperEnv = "UPDPLAN_STATE_LOCK_HELPER"

func TestMain(m *testing.M) {
	if path := os.Getenv(lockHelperEnv); path != "" {
		os.Exit(lockHelper(path))
	}
	os.Exit(pgtest.Main(m))
}

// lockHelper is the child process of TestLockReleasedWhenHolderKilled: it
// takes the lock, says so, and sleeps until killed.
func lockHelper(path string) int {
	id, err := NewLocal(path).Lock(context.Background(), LockInfo{Operation: "OperationTypeApply"}, 0, nil)
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	fmt.Println("locked", id)
	time.Sleep(time.Hour)
	return 0
}

func localKit(t *testing.T) backendKit {
	path := filepath.Join(t.TempDir(), DefaultLocalPath)
	return backendKit{
		open: func(t *testing.T) Backend {
			l := NewLocal(path)
			t.Cleanup(func() { l.Close() })
			return l
		},
		backup: func(t *testing.T) *State {
			b, err := os.ReadFile(path + ".backup")
			if err != nil {
				t.Fatal(err)
			}
			s, err := Decode(b, testTypes)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
}

func TestLocalContract(t *testing.T) { runBackendContract(t, localKit) }

func TestLocalWriteModeAndBackup(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes are not unix modes on Windows")
	}
	ctx := context.Background()
	dir := t.TempDir()
	l := NewLocal(filepath.Join(dir, DefaultLocalPath))
	s := sampleState()
	must(t, l.Write(ctx, s))
	if _, err := os.Stat(l.backupPath()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("first write made a backup (err = %v)", err)
	}
	first, _ := os.ReadFile(l.Path())
	s.Serial++
	must(t, l.Write(ctx, s))
	for _, p := range []string{l.Path(), l.backupPath()} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", p, fi.Mode().Perm())
		}
	}
	backup, _ := os.ReadFile(l.backupPath())
	if string(backup) != string(first) {
		t.Error("the backup is not the previous state")
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, " ") != "updplan.state updplan.state.backup" {
		t.Errorf("directory holds %v; temporary files were left behind", names)
	}
}

func TestLocalReadErrorsNameTheFile(t *testing.T) {
	ctx := context.Background()
	tests := map[string]struct {
		content string
		want    string
	}{
		"truncated":    {`{"version": 1, "serial": 3, "lineage": "a", "resou`, "truncated"},
		"newer format": {`{"version": 9, "serial": 3, "lineage": "a"}`, "Upgrade updplan"},
		"not json":     {"serial = 3\n", "invalid JSON at line 1, column 1"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), DefaultLocalPath)
			must(t, os.WriteFile(path, []byte(tc.content), 0o600))
			_, err := NewLocal(path).Read(ctx, testTypes)
			if err == nil {
				t.Fatal("Read succeeded")
			}
			if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q should name %s and say %q", err, path, tc.want)
			}
		})
	}
}

func TestLocalJournalTornLastLine(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), DefaultLocalPath)
	l := NewLocal(path)
	base := sampleState()
	must(t, l.Write(ctx, base))
	j, err := l.OpenJournal(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	must(t, j.Set(siteResource("second", "XYZ")))
	must(t, j.Close())
	// A kill in the middle of the next write leaves half a record.
	rec, err := encodeSet(siteResource("torn", "TRN"))
	if err != nil {
		t.Fatal(err)
	}
	appendFile(t, l.journalPath(), rec[:len(rec)/2])

	got, err := NewLocal(path).Read(ctx, testTypes)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Resources) != len(base.Resources)+1 || got.Get(siteResource("torn", "").Addr) != nil {
		t.Fatalf("replay kept %d resources (torn one present: %v); want the complete record only", len(got.Resources), got.Get(siteResource("torn", "").Addr) != nil)
	}

	// Continuing the journal cuts the torn tail, so later records count.
	next := NewLocal(path)
	j2, err := next.OpenJournal(ctx, got)
	if err != nil {
		t.Fatal(err)
	}
	must(t, j2.Set(siteResource("fourth", "FOU")))
	must(t, j2.Close())
	got, err = NewLocal(path).Read(ctx, testTypes)
	if err != nil {
		t.Fatal(err)
	}
	if got.Get(siteResource("fourth", "").Addr) == nil || got.Get(siteResource("second", "").Addr) == nil {
		t.Fatal("records appended after a torn line were lost")
	}
}

func TestLocalJournalCorruptMiddleLine(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), DefaultLocalPath)
	l := NewLocal(path)
	base := sampleState()
	must(t, l.Write(ctx, base))
	j, err := l.OpenJournal(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	must(t, j.Close())
	appendFile(t, l.journalPath(), []byte("{garbage\n"))
	_, err = NewLocal(path).Read(ctx, testTypes)
	if err == nil || !strings.Contains(err.Error(), l.journalPath()) || !strings.Contains(err.Error(), "record 1 is corrupt") {
		t.Fatalf("err = %v; want one naming the journal and the record", err)
	}
}

func TestLocalJournalOfAnotherLineage(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), DefaultLocalPath)
	l := NewLocal(path)
	// A first apply dies, leaving its journal...
	j, err := l.OpenJournal(ctx, New())
	if err != nil {
		t.Fatal(err)
	}
	must(t, j.Set(siteResource("main", "ABC")))
	// ...and someone puts another state in place by hand.
	other, _ := Encode(sampleState())
	must(t, os.WriteFile(path, other, 0o600))
	_, err = NewLocal(path).Read(ctx, testTypes)
	if err == nil || !strings.Contains(err.Error(), "belongs to another state") || !strings.Contains(err.Error(), "delete the journal") {
		t.Fatalf("err = %v; want one saying the journal belongs to another state and what to do", err)
	}
}

func TestLocalStaleJournalIgnored(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), DefaultLocalPath)
	l := NewLocal(path)
	base := sampleState()
	must(t, l.Write(ctx, base))
	j, err := l.OpenJournal(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	must(t, j.Set(siteResource("gone", "GON")))
	must(t, j.Close())
	journal, err := os.ReadFile(l.journalPath())
	if err != nil {
		t.Fatal(err)
	}
	final := base.DeepCopy()
	final.Serial++
	must(t, l.Write(ctx, final))
	// The run died after the rename but before deleting the journal.
	must(t, os.WriteFile(l.journalPath(), journal, 0o600))
	got, err := NewLocal(path).Read(ctx, testTypes)
	if err != nil {
		t.Fatal(err)
	}
	assertSameState(t, got, final)
	// A new journal replaces the stale one.
	j2, err := l.OpenJournal(ctx, got)
	if err != nil {
		t.Fatal(err)
	}
	must(t, j2.Set(siteResource("new", "NEW")))
	got, err = NewLocal(path).Read(ctx, testTypes)
	if err != nil {
		t.Fatal(err)
	}
	if got.Get(siteResource("gone", "").Addr) != nil || got.Get(siteResource("new", "").Addr) == nil || got.Serial != final.Serial+1 {
		t.Fatalf("after replacing a stale journal: serial %d, resources %v", got.Serial, got.Addrs())
	}
}

func TestLockReleasedWhenHolderKilled(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), DefaultLocalPath)
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), lockHelperEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	must(t, cmd.Start())
	killed := false
	t.Cleanup(func() {
		if !killed {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("helper said nothing: %v", err)
	}
	id, ok := strings.CutPrefix(strings.TrimSpace(line), "locked ")
	if !ok {
		t.Fatalf("helper: %s", line)
	}

	l := NewLocal(path)
	_, err = l.Lock(ctx, LockInfo{Operation: "OperationTypePlan"}, 0, nil)
	var le *LockError
	if !errors.As(err, &le) || le.Holder.ID != id || le.Holder.PID != cmd.Process.Pid {
		t.Fatalf("Lock while the helper holds it: err = %v, want a LockError naming ID %s and PID %d", err, id, cmd.Process.Pid)
	}
	if err := l.ForceUnlock(ctx, id); err == nil || !strings.Contains(err.Error(), "live process") {
		t.Fatalf("ForceUnlock of a live holder: err = %v", err)
	}

	must(t, cmd.Process.Kill())
	cmd.Wait()
	killed = true

	id2, err := l.Lock(ctx, LockInfo{Operation: "OperationTypePlan"}, 0, nil)
	if err != nil {
		t.Fatalf("Lock after the holder was killed: %v", err)
	}
	must(t, l.Unlock(ctx, id2))
	if _, err := os.Stat(l.lockPath()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Unlock left the lock file (err = %v)", err)
	}
}

func TestForceUnlockClearsDeadHolder(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), DefaultLocalPath)
	// What a killed holder leaves: the file with its info, but no OS lock.
	info := completeLockInfo(LockInfo{Operation: "OperationTypeApply"}, path)
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	must(t, writeLockInfo(f, info))
	f.Close()
	l := NewLocal(path)
	if err := l.ForceUnlock(ctx, "other"); err == nil {
		t.Fatal("ForceUnlock with a wrong ID succeeded")
	}
	must(t, l.ForceUnlock(ctx, info.ID))
	if _, err := os.Stat(path + ".lock"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ForceUnlock left the lock file (err = %v)", err)
	}
}

func appendFile(t *testing.T, path string, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(b); err != nil {
		t.Fatal(err)
	}
}

// TestLockNamesHolderStillWritingInfo: a run refused in the instant between
// the holder taking the OS lock and writing its info still names the
// holder (it printed an empty ID and "Who: unknown" in 10 of 30
// simultaneous starts).
func TestLockNamesHolderStillWritingInfo(t *testing.T) {
	path := filepath.Join(t.TempDir(), DefaultLocalPath)
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ok, err := tryLockFile(f)
	if err != nil || !ok {
		t.Fatalf("tryLockFile: %v %v", ok, err)
	}
	info := completeLockInfo(LockInfo{Operation: "apply", Who: "alice@ci-7"}, path)
	go func() {
		time.Sleep(30 * time.Millisecond)
		_ = writeLockInfo(f, info)
	}()
	_, err = NewLocal(path).Lock(context.Background(), LockInfo{Operation: "plan"}, 0, nil)
	var le *LockError
	if !errors.As(err, &le) {
		t.Fatalf("Lock: err = %v, want a LockError", err)
	}
	if le.Holder.ID != info.ID || le.Holder.Who != "alice@ci-7" {
		t.Errorf("LockError names %+v, want ID %s and alice@ci-7", le.Holder, info.ID)
	}
}
