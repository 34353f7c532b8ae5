package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/updplan/updplan/engine/state"
)

// TestConsoleLock: the console reads the state without the lock, so it
// works while another run holds it; with -lock=true it takes the lock and
// waits for it like any command that does.
func TestConsoleLock(t *testing.T) {
	dir := t.TempDir()
	src := "site \"lab\" {\n  code   = \"LAB\"\n  name   = \"Lab\"\n  server = \"SCCM01\"\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	console := func(stdin string, args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		code := run(ctx, append([]string{"-chdir=" + dir, "console"}, args...), strings.NewReader(stdin), &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	if code, out, errs := console("", "-lock=false"); code != 0 {
		t.Fatalf("console: %d %s %s", code, out, errs)
	}
	var stdout, stderr bytes.Buffer
	if code := run(ctx, []string{"-chdir=" + dir, "apply", "-auto-approve"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("apply: %s %s", stdout.String(), stderr.String())
	}

	held := state.NewLocal(filepath.Join(dir, "updplan.state"))
	id, err := held.Lock(ctx, state.LockInfo{Operation: "apply", Who: "someone@elsewhere", Created: time.Now()}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Unlock(ctx, id)

	code, out, errs := console("site.lab.name\n")
	if code != 0 || out != "\"Lab\"\n" {
		t.Errorf("console while the lock is held: exit %d, %q %s", code, out, errs)
	}
	code, _, errs = console("site.lab.name\n", "-lock=true")
	if code != 1 || !strings.Contains(errs, "Error acquiring the state lock") {
		t.Errorf("console -lock=true while the lock is held: exit %d %s", code, errs)
	}
}
