package e2e

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const (
	journalSecret     = "JOURNAL-canary-7d41"
	journalPassphrase = "correct-horse-battery-staple"
)

func encryptedCollections(n, round int) string {
	return fmt.Sprintf(`
updplan {
  encryption {
    key_provider "pbkdf2" "main" {
      iterations = 200000
    }
    method "aes_gcm" "main" {
      keys = key_provider.pbkdf2.main
    }
    state {
      method = method.aes_gcm.main
    }
  }
}

variable "secret" {
  type      = string
  sensitive = true
}

site "lab" {
  code   = "LAB"
  name   = "Lab"
  server = "SITESRV"
}

collection "c" {
  count   = %d
  site    = site.lab.code
  name    = "clients-${count.index}"
  comment = "round %d ${var.secret}"
}
`, n, round)
}

// TestEncryptedJournalAfterKill kills an apply of an encrypted state while
// it writes its journal: the journal holds only encrypted records (no
// secret), a wrong passphrase cannot replay it and changes nothing, and
// the right one converges.
func TestEncryptedJournalAfterKill(t *testing.T) {
	dir := t.TempDir()
	env := []string{"UPDPLAN_VAR_secret=" + journalSecret, "UPDPLAN_ENCRYPTION_PASSPHRASE=" + journalPassphrase}
	journal := filepath.Join(dir, "updplan.state.journal")
	var caught []byte
	for round := 0; round < 5 && caught == nil; round++ {
		writeFile(t, dir, "main.upd.hcl", encryptedCollections(600, round))
		cmd := exec.Command(binary, "-no-color", "apply", "-auto-approve")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), env...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) {
			if b, err := os.ReadFile(journal); err == nil && bytes.Count(b, []byte("\n")) >= 20 {
				_ = cmd.Process.Signal(syscall.SIGKILL)
				break
			}
			time.Sleep(2 * time.Millisecond)
		}
		_ = cmd.Wait()
		caught, _ = os.ReadFile(journal)
	}
	if caught == nil {
		t.Fatal("no apply was caught while writing its journal")
	}
	lines := bytes.Split(bytes.TrimSpace(caught), []byte("\n"))
	if len(lines) < 2 || bytes.Contains(caught, []byte(journalSecret)) || bytes.Contains(caught, []byte(journalPassphrase)) {
		t.Fatalf("journal holds a secret or no record:\n%.400s", caught)
	}
	for _, rec := range lines[1:] {
		if !bytes.HasPrefix(rec, []byte(`{"updplan_encrypted":1`)) {
			t.Fatalf("journal record not encrypted: %.200s", rec)
		}
	}

	wrong := updplanEnv(t, dir, []string{"UPDPLAN_VAR_secret=" + journalSecret, "UPDPLAN_ENCRYPTION_PASSPHRASE=wrong-horse-battery-staple"}, "apply", "-auto-approve")
	if wrong.code != 1 || !strings.Contains(wrong.stderr, "passphrase is wrong") {
		t.Fatalf("apply with a wrong passphrase:\n%s", wrong)
	}
	if after, _ := os.ReadFile(journal); !bytes.Equal(after, caught) {
		t.Fatalf("a refused apply changed the journal")
	}

	if r := updplanEnv(t, dir, env, "apply", "-auto-approve"); r.code != 0 {
		t.Fatalf("apply after the kill:\n%s", r)
	}
	if r := updplanEnv(t, dir, env, "plan", "-detailed-exitcode"); r.code != 0 {
		t.Fatalf("not converged:\n%s", r)
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), "site.db") || d.Name() == "main.upd.hcl" {
			return err
		}
		if b, _ := os.ReadFile(path); bytes.Contains(b, []byte(journalSecret)) {
			t.Errorf("%s holds the secret", d.Name())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
