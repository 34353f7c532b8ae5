package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// canaryConfig encrypts state and plans; the secret reaches a resource
// attribute, a sensitive output, a computed string and a computed id the
// provider builds from it (sync_host's "LAB/<computer>").
const canaryConfig = `
updplan {
  encryption {
    key_provider "pbkdf2" "main" {
      passphrase = var.passphrase
      iterations = 200000
    }
    method "aes_gcm" "main" {
      keys = key_provider.pbkdf2.main
    }
    state {
      method   = method.aes_gcm.main
      enforced = true
    }
    plan {
      method   = method.aes_gcm.main
      enforced = true
    }
  }
}

variable "passphrase" {
  type      = string
  sensitive = true
}

variable "secret" {
  type      = string
  sensitive = true
}

site "lab" {
  code   = "LAB"
  name   = "Lab"
  server = "SCCM01"
}

collection "c" {
  site    = site.lab.code
  name    = "All"
  comment = "token ${var.secret}"
}

sync_host "h" {
  site     = site.lab.code
  computer = var.secret
}

output "secret" {
  value     = var.secret
  sensitive = true
}

output "host_id" {
  value     = sync_host.h.id
  sensitive = true
}
`

// TestSecretCanary runs every command that reads or writes the state,
// the journal or a saved plan, with a secret variable and the passphrase
// given through the environment, and greps every output and every file
// updplan leaves (state, backup, journal, lock, plan, log) for them. The
// site database and the file server (.site) hold the site's own data and
// are not searched.
func TestSecretCanary(t *testing.T) {
	const secret = "CANARY-5ecret-9f2e"
	const passphrase = "CANARY-passphrase-31c7a"
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(canaryConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "updplan.log")
	env := []string{
		"UPDPLAN_VAR_secret=" + secret,
		"UPDPLAN_VAR_passphrase=" + passphrase,
		"UPDPLAN_LOG=trace",
		"UPDPLAN_LOG_PATH=" + logPath,
	}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	var outputs bytes.Buffer
	runIn := func(want int, args ...string) {
		t.Helper()
		code, stdout, stderr := runDir(t, dir, args...)
		outputs.WriteString(stdout)
		outputs.WriteString(stderr)
		if code != want {
			t.Fatalf("%v: exit %d, want %d\n%s\n%s", args, code, want, stdout, stderr)
		}
	}
	runIn(0, "validate")
	runIn(0, "plan")
	runIn(0, "apply", "-auto-approve")
	runIn(0, "plan", "-out=canary.plan", "-var=secret="+secret+"-2")
	runIn(0, "show", "canary.plan")
	runIn(0, "show", "-json", "canary.plan")
	runIn(0, "apply", "canary.plan")
	runIn(0, "show")
	runIn(0, "show", "-json")
	runIn(0, "state", "list")
	runIn(0, "state", "show", "collection.c")
	runIn(0, "output")
	runIn(0, "output", "-json")
	runIn(2, "drift") // pending: the applied plan used another value
	runIn(2, "drift", "-json")
	runIn(1, "plan", "-var=secret=short", "-var=passphrase=short")
	runIn(0, "destroy", "-auto-approve")

	for _, s := range []string{secret, passphrase} {
		if strings.Contains(outputs.String(), s) {
			t.Errorf("the output shows %q", s)
		}
	}
	searched := assertNoSecretsInFiles(t, dir, func(name string) bool {
		// The site database and the file server (.site) hold the site's
		// own data.
		return strings.HasPrefix(name, "site.db") || name == ".site"
	}, []string{"updplan.state", "updplan.state.backup", "canary.plan", "updplan.log"}, secret, passphrase)
	// The log is not empty: it has what a trace should have.
	log, _ := os.ReadFile(logPath)
	for _, want := range []string{"updplan start", "command=apply", "level=TRACE msg=\"provider call\" op=plan provider=sitedb type=collection addr=collection.c", "msg=sql statement=", "state written", "state lock", "updplan exit"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("the log lacks %q", want)
		}
	}
	t.Logf("searched %d files and %d bytes of output", searched, outputs.Len())
}

// assertNoSecretsInFiles greps every file under dir (but main.upd.hcl and
// what skip names: a file, or a folder not entered) for each secret, and
// checks that the files in want were there to be searched. It returns how
// many files it read.
func assertNoSecretsInFiles(t *testing.T, dir string, skip func(name string) bool, want []string, secrets ...string) int {
	t.Helper()
	searched := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if path != dir && skip != nil && skip(name) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || name == "main.upd.hcl" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		searched++
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds %q", name, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range want {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("expected %s to be searched: %v", name, err)
		}
	}
	return searched
}
