package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/updplan/updplan/engine"
)

// terminalCLI is the command line as if standard input were a terminal
// answering with input.
func terminalCLI(t *testing.T, dir, input string) (*cli, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	reg := newRegistry()
	return &cli{
		stdin: strings.NewReader(input), stdout: &stdout, stderr: &stderr,
		dir: dir, stdinTerminal: true,
		reg: reg, eng: &engine.Engine{Providers: reg, Version: version},
	}, &stdout, &stderr
}

const approvalConfig = `
site "lab" {
  code   = "LAB"
  name   = "Lab-Primary"
  server = "SCCM01"
}
`

func TestApplyApproval(t *testing.T) {
	tests := map[string]struct {
		cmd      string
		answer   string
		want     int
		question string
		after    string
	}{
		"yes applies":           {cmd: "apply", answer: "yes\n", want: 0, question: "Do you want to perform these actions?", after: "Apply complete! Resources: 1 added"},
		"no cancels":            {cmd: "apply", answer: "no\n", want: 1, question: "Do you want to perform these actions?", after: "Apply cancelled."},
		"only yes is accepted":  {cmd: "apply", answer: "y\n", want: 1, question: "Enter a value:", after: "Apply cancelled."},
		"end of input cancels":  {cmd: "apply", answer: "", want: 1, question: "Enter a value:", after: "Apply cancelled."},
		"yes without a newline": {cmd: "apply", answer: "yes", want: 0, question: "Enter a value:", after: "Apply complete!"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(approvalConfig), 0o644); err != nil {
				t.Fatal(err)
			}
			c, stdout, stderr := terminalCLI(t, dir, tt.answer)
			got := apply(context.Background(), c, tt.cmd, nil)
			if got != tt.want {
				t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", got, tt.want, stdout, stderr)
			}
			out := stdout.String()
			qi, ai := strings.Index(out, tt.question), strings.Index(out, tt.after)
			if qi < 0 || ai < 0 || ai < qi {
				t.Errorf("want %q, then %q in stdout:\n%s", tt.question, tt.after, out)
			}
			_, err := os.Stat(filepath.Join(dir, "updplan.state"))
			if applied := err == nil; applied != (tt.want == 0) {
				t.Errorf("state written = %v, want %v", applied, tt.want == 0)
			}
		})
	}
}

func TestDestroyApproval(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.upd.hcl"), []byte(approvalConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	c, stdout, stderr := terminalCLI(t, dir, "")
	if got := apply(context.Background(), c, "apply", []string{"-auto-approve"}); got != 0 {
		t.Fatalf("apply: exit %d\n%s\n%s", got, stdout, stderr)
	}
	c, stdout, stderr = terminalCLI(t, dir, "no\n")
	if got := apply(context.Background(), c, "destroy", nil); got != 1 {
		t.Fatalf("destroy answered no: exit %d\n%s\n%s", got, stdout, stderr)
	}
	if !strings.Contains(stdout.String(), "Do you really want to destroy all managed objects?") {
		t.Errorf("destroy question missing:\n%s", stdout)
	}
	c, stdout, stderr = terminalCLI(t, dir, "yes\n")
	if got := apply(context.Background(), c, "destroy", nil); got != 0 {
		t.Fatalf("destroy answered yes: exit %d\n%s\n%s", got, stdout, stderr)
	}
	if !strings.Contains(stdout.String(), "Destroy complete! Resources: 1 destroyed.") {
		t.Errorf("destroy summary missing:\n%s", stdout)
	}
}
