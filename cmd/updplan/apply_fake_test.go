package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/updplan/updplan/engine"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/providers/providertest"
)

// fakeCLI is the command line over the fake provider, in dir.
func fakeCLI(dir string, fake *providertest.Fake) (*cli, *bytes.Buffer, *bytes.Buffer) {
	var stdout, stderr bytes.Buffer
	reg := providers.NewRegistry(fake)
	return &cli{
		stdin: strings.NewReader(""), stdout: &stdout, stderr: &stderr, dir: dir,
		reg: reg, eng: &engine.Engine{Providers: reg, Version: version},
	}, &stdout, &stderr
}

// TestApplyFailure: when an object fails, the others are still applied,
// the error is shown, there is no "Apply complete!" and the exit code is 1;
// the sensitive attribute never shows.
func TestApplyFailure(t *testing.T) {
	dir := t.TempDir()
	src := `
fake_thing "ok" {
  name   = "ok"
  secret = "fake-s3cret"
}

fake_thing "bad" {
  name = "bad"
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	fake := &providertest.Fake{FailApply: map[string]string{"fake_thing.bad": "the server said no"}}
	c, stdout, stderr := fakeCLI(dir, fake)
	code := apply(context.Background(), c, "apply", []string{"-auto-approve"})
	out, errOut := stdout.String(), stderr.String()
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"fake_thing.ok: Creation complete", "fake_thing.bad: Creating..."} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "the server said no") {
		t.Errorf("stderr lacks the provider's error:\n%s", errOut)
	}
	if strings.Contains(out, "Apply complete!") {
		t.Errorf("a failed apply claims to be complete:\n%s", out)
	}
	if strings.Contains(out+errOut, "fake-s3cret") {
		t.Errorf("the sensitive attribute shows:\n%s\n%s", out, errOut)
	}

	// The next plan shows exactly what is left.
	c, stdout, stderr = fakeCLI(dir, fake)
	if code := runPlan(context.Background(), c, []string{"-detailed-exitcode"}); code != planDetailedChanges {
		t.Fatalf("plan after the failure: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout.String(), "Plan: 1 to add, 0 to change, 0 to destroy.") {
		t.Errorf("plan after the failure:\n%s", stdout)
	}
}
