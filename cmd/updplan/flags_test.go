package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/plan"
)

func mustInstance(t *testing.T, s string) addr.Instance {
	t.Helper()
	a, diags := addr.ParseInstance(s)
	if diags.HasErrors() {
		t.Fatalf("ParseInstance(%q): %s", s, diags.Error())
	}
	return a
}

func TestPlanFlags(t *testing.T) {
	c := &cli{dir: "site"}
	tests := map[string]struct {
		args     []string
		want     planFlags
		wantMode plan.Mode
		parseErr string
		checkErr string
	}{
		"defaults": {
			args:     nil,
			want:     planFlags{refresh: true, parallelism: 10, lock: true, input: true, compliance: true},
			wantMode: plan.NormalMode,
		},
		"vars and var files keep command-line order, files relative to -chdir": {
			args: []string{"-var", "a=1", "-var-file=prod.updvars", "-var=b=x=y", "-var-file", "/abs/x.updvars"},
			want: planFlags{refresh: true, parallelism: 10, lock: true, input: true, compliance: true, vars: []config.VarArg{
				{Value: "a=1"}, {File: filepath.Join("site", "prod.updvars")}, {Value: "b=x=y"}, {File: "/abs/x.updvars"},
			}},
		},
		"targets and replaces are parsed addresses": {
			args: []string{"-target=site.main", "-target", `collection.c["LAB"]`, "-replace=package.p[0]"},
			want: planFlags{refresh: true, parallelism: 10, lock: true, input: true, compliance: true,
				targets: []addr.Instance{mustInstance(t, "site.main"), mustInstance(t, `collection.c["LAB"]`)},
				replace: []addr.Instance{mustInstance(t, "package.p[0]")}},
		},
		"destroy mode": {
			args:     []string{"-destroy", "-lock=false", "-lock-timeout=30s", "-parallelism=3", "-input=false", "-compliance=false"},
			want:     planFlags{refresh: true, destroy: true, parallelism: 3, lock: false, lockTimeout: 30 * time.Second},
			wantMode: plan.DestroyMode,
		},
		"refresh-only mode": {
			args:     []string{"-refresh-only", "-json"},
			want:     planFlags{json: true, refresh: true, refreshOnly: true, parallelism: 10, lock: true, input: true, compliance: true},
			wantMode: plan.RefreshOnlyMode,
		},
		"var without equals":      {args: []string{"-var", "novalue"}, parseErr: "it must be NAME=VALUE"},
		"var with empty name":     {args: []string{"-var", "=1"}, parseErr: "it must be NAME=VALUE"},
		"bad target":              {args: []string{"-target=site"}, parseErr: "is not a resource address"},
		"bad duration":            {args: []string{"-lock-timeout=soon"}, parseErr: "invalid value"},
		"unknown flag":            {args: []string{"-destory"}, parseErr: "flag provided but not defined: -destory"},
		"refresh-only destroy":    {args: []string{"-refresh-only", "-destroy"}, checkErr: "-refresh-only and -destroy cannot be used together"},
		"refresh-only no refresh": {args: []string{"-refresh-only", "-refresh=false"}, checkErr: "-refresh-only and -refresh=false"},
		"refresh-only replace":    {args: []string{"-refresh-only", "-replace=site.a"}, checkErr: "-replace cannot be used with -refresh-only"},
		"zero parallelism":        {args: []string{"-parallelism=0"}, checkErr: "-parallelism must be 1 or more, not 0"},
		"negative lock timeout":   {args: []string{"-lock-timeout=-1s"}, checkErr: "-lock-timeout must not be negative"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var f planFlags
			fs := newFlagSet("plan")
			f.register(fs, c)
			err := fs.Parse(tt.args)
			if tt.parseErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.parseErr) {
					t.Fatalf("Parse error = %v, want one containing %q", err, tt.parseErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			diags := f.check("plan")
			if tt.checkErr != "" {
				if !diags.HasErrors() || !strings.Contains(diags.Error(), tt.checkErr) {
					t.Fatalf("check = %v, want an error containing %q", diags, tt.checkErr)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatalf("check: %s", diags.Error())
			}
			if diff := cmp.Diff(tt.want, f, cmp.AllowUnexported(planFlags{}), cmp.Comparer(func(a, b addr.Instance) bool { return a == b })); diff != "" {
				t.Errorf("flags (-want +got):\n%s", diff)
			}
			if f.mode() != tt.wantMode {
				t.Errorf("mode = %v, want %v", f.mode(), tt.wantMode)
			}
		})
	}
}

func TestHasJSONFlag(t *testing.T) {
	tests := map[string]struct {
		args []string
		want bool
	}{
		"none":              {[]string{"-out=x"}, false},
		"single dash":       {[]string{"-bogus", "-json"}, true},
		"double dash":       {[]string{"--json"}, true},
		"explicit true":     {[]string{"-json=true"}, true},
		"explicit false":    {[]string{"-json=false"}, false},
		"after terminator":  {[]string{"--", "-json"}, false},
		"as a value":        {[]string{"-var", "json"}, false},
		"prefix of a word":  {[]string{"-jsonx"}, false},
		"positional before": {[]string{"plan.file", "-json"}, true},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if got := hasJSONFlag(tt.args); got != tt.want {
				t.Errorf("hasJSONFlag(%q) = %v, want %v", tt.args, got, tt.want)
			}
		})
	}
}

func TestSavedPlanConflicts(t *testing.T) {
	tests := map[string]struct {
		args []string
		want []string // flag names reported, in order
	}{
		"allowed options":     {[]string{"-auto-approve", "-json", "-parallelism=2", "-lock-timeout=1s", "f.plan"}, nil},
		"variables open it":   {[]string{"-var", "a=1", "-var-file=x", "f.plan"}, nil}, // checked against the plan's values
		"planning options":    {[]string{"-var", "a=1", "-var=b=2", "-target=site.a", "-destroy", "f.plan"}, []string{"target", "destroy"}},
		"double dash options": {[]string{"--refresh=false", "--var-file=x"}, []string{"refresh"}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var got []string
			for _, d := range savedPlanConflicts(tt.args) {
				got = append(got, strings.Fields(strings.TrimPrefix(d.Detail, "-"))[0])
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("conflicts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"init", "validate", "plan", "apply", "destroy", "force-unlock"}
	tests := map[string]string{
		"plna":     "plan",
		"aply":     "apply",
		"valdiate": "validate",
		"force":    "force-unlock",
		"xyzzy":    "",
		"in":       "init",
	}
	for given, want := range tests {
		if got := suggest(given, names); got != want {
			t.Errorf("suggest(%q) = %q, want %q", given, got, want)
		}
	}
}

// TestRunExitCodes calls the command line in-process.
func TestRunExitCodes(t *testing.T) {
	tests := map[string]struct {
		args       []string
		want       int
		wantStdout string
		wantStderr string
	}{
		"no command":               {nil, 1, "", "Usage: updplan"},
		"help":                     {[]string{"-help"}, 0, "Commands:", ""},
		"command help":             {[]string{"apply", "-help"}, 0, "-auto-approve", ""},
		"help after terminator":    {[]string{"fmt", "--", "-help"}, 1, "", "No such file or directory"},
		"unknown command":          {[]string{"aplly"}, 1, "", `Did you mean "apply"?`},
		"unknown state command":    {[]string{"state", "lst"}, 1, "", `Did you mean "list"?`},
		"state without command":    {[]string{"state"}, 1, "", "Subcommands:"},
		"version":                  {[]string{"version"}, 0, "updplan v" + version, ""},
		"inventory without files":  {[]string{"inventory", "import"}, 1, "", "Give the files to import"},
		"report without a kind":    {[]string{"report"}, 1, "", "Say which report"},
		"force-unlock refuses":     {[]string{"force-unlock", "abc"}, 1, "", "Pass -force"},
		"import arguments":         {[]string{"import", "site.a"}, 1, "", "import takes two arguments"},
		"output raw and json":      {[]string{"output", "-raw", "-json", "x"}, 1, `"summary": "Incompatible command-line options"`, ""},
		"output raw needs a name":  {[]string{"output", "-raw"}, 1, "", "-raw needs the name of one output"},
		"bad -var hides its value": {[]string{"plan", "-var", "pw-s3cret"}, 1, "", "Invalid value for flag -var: it must be NAME=VALUE"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			got := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr)
			if got != tt.want {
				t.Errorf("exit code = %d, want %d\nstdout: %s\nstderr: %s", got, tt.want, stdout.String(), stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout does not contain %q:\n%s", tt.wantStdout, stdout.String())
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.wantStderr, stderr.String())
			}
			if strings.Contains(stdout.String()+stderr.String(), "s3cret") {
				t.Errorf("the output repeats a -var value:\n%s\n%s", stdout.String(), stderr.String())
			}
			if tt.wantStdout == "" && stdout.Len() > 0 && tt.want != 0 {
				t.Errorf("stdout should be empty on this error:\n%s", stdout.String())
			}
		})
	}
}

func TestUseColor(t *testing.T) {
	tests := map[string]struct {
		outTerm, errTerm, flag bool
		env                    string
		want                   bool
	}{
		"terminal":               {outTerm: true, errTerm: true, want: true},
		"stdout piped":           {outTerm: false, errTerm: true, want: false},
		"stderr piped":           {outTerm: true, errTerm: false, want: false},
		"-no-color":              {outTerm: true, errTerm: true, flag: true, want: false},
		"NO_COLOR":               {outTerm: true, errTerm: true, env: "1", want: false},
		"NO_COLOR set but empty": {outTerm: true, errTerm: true, env: "", want: true},
	}
	for name, tt := range tests {
		if got := useColor(tt.outTerm, tt.errTerm, tt.flag, tt.env); got != tt.want {
			t.Errorf("%s: useColor = %v, want %v", name, got, tt.want)
		}
	}
}

// TestNotTerminal: streams that are not files are no terminal: no colour,
// no prompt, no progress bars.
func TestNotTerminal(t *testing.T) {
	c := &cli{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}}
	c.setTerminal(false)
	if c.color || c.stdinTerminal || c.stdoutTerminal || c.width != 0 {
		t.Errorf("buffers taken for a terminal: %+v", c)
	}
}
