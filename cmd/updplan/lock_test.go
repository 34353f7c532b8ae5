package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/updplan/updplan/engine/state"
)

// TestStateLockHeld runs commands while another run holds the state lock:
// they fail naming the holder, and force-unlock releases the lock.
func TestStateLockHeld(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(approvalConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	runIn := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(ctx, append([]string{"-chdir=" + dir}, args...), strings.NewReader(""), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	if code, out, errOut := runIn("apply", "-auto-approve"); code != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", code, out, errOut)
	}

	holder := state.NewLocal(filepath.Join(dir, state.DefaultLocalPath))
	id, err := holder.Lock(ctx, state.LockInfo{Operation: "apply", Who: "alice@ci-7", Version: version, Created: time.Now()}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { holder.Close() })

	for _, args := range [][]string{
		{"plan"},
		{"apply", "-auto-approve"},
		{"state", "rm", "site.lab"},
		{"state", "mv", "site.lab", "site.other"},
	} {
		code, _, errOut := runIn(args...)
		if code != 1 {
			t.Errorf("%v with the lock held: exit %d, want 1", args, code)
		}
		if !strings.Contains(errOut, "alice@ci-7") {
			t.Errorf("%v with the lock held does not name the holder:\n%s", args, errOut)
		}
	}
	// Reading needs no lock.
	if code, out, errOut := runIn("state", "list"); code != 0 || !strings.Contains(out, "site.lab") {
		t.Errorf("state list with the lock held: exit %d\n%s\n%s", code, out, errOut)
	}
	// -lock=false edits anyway.
	if code, out, errOut := runIn("state", "mv", "-lock=false", "-dry-run", "site.lab", "site.other"); code != 0 {
		t.Errorf("state mv -lock=false: exit %d\n%s\n%s", code, out, errOut)
	}

	if code, _, errOut := runIn("force-unlock", "-force", "not-the-id"); code != 1 {
		t.Errorf("force-unlock with a wrong id: exit %d, want 1\n%s", code, errOut)
	}
	// The local backend knows the holder is alive and refuses.
	if code, _, errOut := runIn("force-unlock", "-force", id); code != 1 || !strings.Contains(errOut, "held by a live process") {
		t.Errorf("force-unlock of a live lock: exit %d, want 1\n%s", code, errOut)
	}
	if err := holder.Unlock(ctx, id); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runIn("state", "rm", "site.lab"); code != 0 {
		t.Errorf("state rm after the holder unlocked: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestInterrupted: a command whose context is cancelled (SIGINT) exits 1
// and says so.
func TestInterrupted(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(approvalConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	code := run(ctx, []string{"-chdir=" + dir, "apply", "-auto-approve"}, strings.NewReader(""), &stdout, &stderr)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stderr.String(), "Interrupted") {
		t.Errorf("stderr does not say it was interrupted:\n%s", stderr.String())
	}
	if strings.Contains(stdout.String(), "Apply complete!") {
		t.Errorf("an interrupted run claims to be complete:\n%s", stdout.String())
	}
}

// TestForceUnlockAsks: on a terminal force-unlock asks, and anything but
// "yes" leaves the lock alone.
func TestForceUnlockAsks(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(approvalConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	c, stdout, stderr := terminalCLI(t, dir, "no\n")
	if code := runForceUnlock(context.Background(), c, []string{"some-id"}); code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	out := stdout.String()
	if !strings.Contains(out, "Do you really want to force-unlock?") || !strings.Contains(out, "force-unlock cancelled.") {
		t.Errorf("stdout:\n%s", out)
	}
	if stderr.Len() > 0 {
		t.Errorf("a cancelled force-unlock reports an error:\n%s", stderr)
	}

	// "yes" goes on to the backend, which has no such lock.
	c, stdout, stderr = terminalCLI(t, dir, "yes\n")
	if code := runForceUnlock(context.Background(), c, []string{"some-id"}); code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stderr.String(), "State not unlocked") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

// promptReader answers the approval prompt only when told to, and says
// when the prompt is waiting for it.
type promptReader struct {
	asked  chan struct{}
	answer chan string
	buf    string
}

func (r *promptReader) Read(b []byte) (int, error) {
	if r.buf == "" {
		close(r.asked)
		a, ok := <-r.answer
		if !ok {
			return 0, io.EOF
		}
		r.buf = a
	}
	n := copy(b, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// TestApplyHoldsLockThroughPrompt: apply and destroy without a plan file
// hold one lock from the refresh through the prompt to the last write, so a
// plan started while the prompt waits cannot take the state in between; it
// waits -lock-timeout, then names the holder.
func TestApplyHoldsLockThroughPrompt(t *testing.T) {
	for _, cmd := range []string{"apply", "destroy"} {
		t.Run(cmd, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(approvalConfig), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			if cmd == "destroy" {
				var out, errOut bytes.Buffer
				if code := run(ctx, []string{"-chdir=" + dir, "apply", "-auto-approve"}, strings.NewReader(""), &out, &errOut); code != 0 {
					t.Fatalf("apply: exit %d\n%s\n%s", code, out.String(), errOut.String())
				}
			}
			c, stdout, stderr := terminalCLI(t, dir, "")
			in := &promptReader{asked: make(chan struct{}), answer: make(chan string, 1)}
			c.stdin = in
			exit := make(chan int, 1)
			go func() {
				if cmd == "apply" {
					exit <- runApply(ctx, c, nil)
				} else {
					exit <- runDestroy(ctx, c, nil)
				}
			}()
			select {
			case <-in.asked:
			case code := <-exit:
				t.Fatalf("%s ended without asking: exit %d\n%s\n%s", cmd, code, stdout, stderr)
			}

			var out, errOut bytes.Buffer
			start := time.Now()
			code := run(ctx, []string{"-chdir=" + dir, "plan", "-lock-timeout=300ms"}, strings.NewReader(""), &out, &errOut)
			waited := time.Since(start)
			in.answer <- "yes\n"
			if code != 1 {
				t.Errorf("plan during the prompt: exit %d, want 1 (the state is locked)\n%s\n%s", code, out.String(), errOut.String())
			}
			if waited < 300*time.Millisecond {
				t.Errorf("plan gave up after %s, before its -lock-timeout of 300ms", waited)
			}
			for _, want := range []string{"Error acquiring the state lock", "Operation: " + cmd} {
				if !strings.Contains(errOut.String(), want) {
					t.Errorf("plan during the prompt does not say %q:\n%s", want, errOut.String())
				}
			}
			if code := <-exit; code != 0 {
				t.Fatalf("%s after yes: exit %d\n%s\n%s", cmd, code, stdout, stderr)
			}
			// The lock is released at the end.
			out.Reset()
			errOut.Reset()
			if code := run(ctx, []string{"-chdir=" + dir, "plan"}, strings.NewReader(""), &out, &errOut); code != 0 {
				t.Errorf("plan after %s: exit %d\n%s", cmd, code, errOut.String())
			}
		})
	}
}
