package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"
	"golang.org/x/term"

	"github.com/updplan/updplan/cmd/updplan/internal/view"
	"github.com/updplan/updplan/engine"
	"github.com/updplan/updplan/engine/lang"
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/providers"
)

// commandName is the command a command line runs, for the log: its first
// word that is not a flag (arguments and flag values are never logged:
// -var values may be secrets).
func commandName(args []string) string {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return ""
}

// command is one entry of the command table.
type command struct {
	name     string
	synopsis string // one line for the usage list
	help     string // full help: usage line, description, options
	run      func(ctx context.Context, c *cli, args []string) int
}

// commandTable is the one literal table of commands, in the order the
// usage lists them. It is a function, not a variable, because `help` looks
// itself up in it.
func commandTable() []command {
	return []command{
		{"init", "Prepare the state backend and the providers", helpInit, runInit},
		{"validate", "Check whether the configuration is valid", helpValidate, runValidate},
		{"fmt", "Rewrite configuration files in the canonical format", helpFmt, runFmt},
		{"plan", "Show the changes apply would make", helpPlan, runPlan},
		{"apply", "Make the changes the configuration calls for", helpApply, runApply},
		{"destroy", "Destroy every object updplan manages", helpDestroy, runDestroy},
		{"drift", "Report objects changed outside updplan (read-only)", helpDrift, runDrift},
		{"show", "Show the state or a saved plan", helpShow, runShow},
		{"state", "Inspect and edit the state (list, show, rm, mv, pull, push)", helpState, runState},
		{"import", "Adopt an existing object into the state", helpImport, runImport},
		{"output", "Show output values from the state", helpOutput, runOutput},
		{"graph", "Print the dependency graph in DOT", helpGraph, runGraph},
		{"console", "Evaluate expressions against the configuration and state", helpConsole, runConsole},
		{"force-unlock", "Release a stuck state lock", helpForceUnlock, runForceUnlock},
		{"version", "Show the updplan version", helpVersion, runVersion},
		{"inventory", "Load client scan results into the site database", helpInventory, runInventory},
		{"report", "Report compliance, catalog, shares or objects", helpReport, runReport},
		{"help", "Show help for a command", helpHelp, runHelp},
	}
}

func lookupCommand(name string) (command, bool) {
	for _, cmd := range commandTable() {
		if cmd.name == name {
			return cmd, true
		}
	}
	return command{}, false
}

// cli is what every command gets: the streams, the global settings and the
// engine.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	// dir is -chdir: the configuration directory, and the base of every
	// relative path given on the command line.
	dir string
	// color is true when both output streams are terminals and neither
	// -no-color nor NO_COLOR says otherwise.
	color bool
	// stdinTerminal allows prompts; stdoutTerminal allows progress bars.
	stdinTerminal  bool
	stdoutTerminal bool
	width          int
	env            []string

	reg *providers.Registry
	eng *engine.Engine
}

// globalFlags are the flags before the command name.
type globalFlags struct {
	chdir   string
	noColor bool
	help    bool
	version bool
}

// run is the whole command line: it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, env: os.Environ()}
	closeLog, err := setupLogging(c.env, stderr)
	defer closeLog()
	if err != nil {
		fmt.Fprintf(stderr, "updplan: %s. Logging is off for this run.\n", err)
	}
	start := time.Now()
	slog.Info("updplan start", "version", version, "command", commandName(args), "pid", os.Getpid())
	defer func() { slog.Info("updplan exit", "code", code, "elapsed", time.Since(start)) }()

	var g globalFlags
	fs := flag.NewFlagSet("updplan", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&g.chdir, "chdir", "", "")
	fs.BoolVar(&g.noColor, "no-color", false, "")
	fs.BoolVar(&g.help, "help", false, "")
	fs.BoolVar(&g.help, "h", false, "")
	fs.BoolVar(&g.version, "version", false, "")
	if err := fs.Parse(args); err != nil {
		c.human(nil).Diagnostics(hcl.Diagnostics{flagError("updplan", err)})
		fmt.Fprint(stderr, "\n"+usage())
		return 1
	}
	rest := fs.Args()
	// Terraform accepts -no-color after the command too (`plan -no-color`),
	// and CI scripts are written that way.
	if len(rest) > 0 {
		var kept []string
		for i, a := range rest[1:] {
			if a == "--" {
				kept = append(kept, rest[1+i:]...)
				break
			}
			if a == "-no-color" || a == "--no-color" {
				g.noColor = true
				continue
			}
			kept = append(kept, a)
		}
		rest = append([]string{rest[0]}, kept...)
	}
	c.setTerminal(g.noColor)
	c.dir = "."
	if g.chdir != "" {
		st, err := os.Stat(g.chdir)
		if err != nil || !st.IsDir() {
			c.human(nil).Diagnostics(hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Invalid -chdir directory",
				Detail:   fmt.Sprintf("The directory %q given with -chdir does not exist or is not a directory. Give the directory that holds the *.upd.hcl files.", g.chdir),
			}})
			return 1
		}
		c.dir = filepath.Clean(g.chdir)
	}
	c.reg = newRegistry()
	c.eng = &engine.Engine{Providers: c.reg, Version: version, Inputs: engine.Inputs{Env: c.env}}
	// Providers hold connections (the site database): close them when the
	// command ends, so SQLite folds its WAL back into the file.
	defer c.eng.Close()
	// Saved plans record the version that wrote them, and mark the
	// sensitive values they read back with the language's own mark.
	plan.UpdplanVersion = version
	plan.SensitiveMark = lang.Sensitive

	if g.version {
		return runVersion(ctx, c, nil)
	}
	if len(rest) == 0 {
		if g.help {
			fmt.Fprint(stdout, usage())
			return 0
		}
		fmt.Fprint(stderr, usage())
		return 1
	}
	name, cmdArgs := rest[0], rest[1:]
	cmd, ok := lookupCommand(name)
	if !ok {
		c.human(nil).Diagnostics(hcl.Diagnostics{unknownCommand(name)})
		return 1
	}
	if g.help || wantsHelp(cmdArgs) {
		fmt.Fprint(stdout, cmd.help)
		return 0
	}
	return cmd.run(ctx, c, cmdArgs)
}

// wantsHelp reports whether a command's arguments ask for its help.
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		switch a {
		case "-h", "-help", "--help", "--h":
			return true
		}
	}
	return false
}

// setTerminal decides colour, prompts and progress bars from the streams.
func (c *cli) setTerminal(noColor bool) {
	outFd, outTerm := terminalFd(c.stdout)
	_, errTerm := terminalFd(c.stderr)
	_, c.stdinTerminal = terminalFd(c.stdin)
	c.stdoutTerminal = outTerm
	c.color = useColor(outTerm, errTerm, noColor, os.Getenv("NO_COLOR"))
	if outTerm {
		if w, _, err := term.GetSize(outFd); err == nil {
			c.width = w
		}
	}
}

// useColor decides colour: only when both output streams are terminals,
// and neither -no-color nor NO_COLOR (set and not empty, no-color.org) says
// otherwise.
func useColor(outTerm, errTerm, noColorFlag bool, noColorEnv string) bool {
	return outTerm && errTerm && !noColorFlag && noColorEnv == ""
}

func terminalFd(v any) (int, bool) {
	f, ok := v.(*os.File)
	if !ok {
		return 0, false
	}
	fd := int(f.Fd())
	return fd, term.IsTerminal(fd)
}

// human returns the human view, rendering diagnostics against files.
func (c *cli) human(files map[string]*hcl.File) *view.Human {
	return &view.Human{Out: c.stdout, Err: c.stderr, Color: c.color, Width: c.width, Files: files}
}

// path resolves a path given on the command line against -chdir.
func (c *cli) path(p string) string {
	if p == "" || filepath.IsAbs(p) || p == "-" {
		return p
	}
	return filepath.Join(c.dir, p)
}

const helpHelp = `Usage: updplan help [COMMAND]

  Shows the list of commands, or the help of COMMAND (the same as
  "updplan COMMAND -help").
`

func usage() string {
	var b strings.Builder
	b.WriteString("Usage: updplan [global options] <command> [args]\n\n")
	b.WriteString("updplan plans and applies the software-update infrastructure of a\nConfiguration Manager 2007 site from HCL site definitions (*.upd.hcl).\n\n")
	b.WriteString("Commands:\n")
	for _, cmd := range commandTable() {
		fmt.Fprintf(&b, "  %-14s %s\n", cmd.name, cmd.synopsis)
	}
	b.WriteString(`
Global options (before the command):
  -chdir=DIR     Work in DIR: the configuration and every relative path.
  -no-color      No colour in the output (also: the NO_COLOR environment
                 variable).
  -help          Show this help; "updplan help CMD" shows a command's help.
  -version       Show the version, as "updplan version" does.
`)
	return b.String()
}

// unknownCommand says that name is no command, suggesting the closest.
func unknownCommand(name string) *hcl.Diagnostic {
	var names []string
	for _, cmd := range commandTable() {
		names = append(names, cmd.name)
	}
	detail := fmt.Sprintf("%q is not an updplan command.", name)
	if s := suggest(name, names); s != "" {
		detail += fmt.Sprintf(" Did you mean %q?", s)
	} else {
		detail += " Run \"updplan -help\" to list the commands."
	}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown command", Detail: detail}
}

// suggest returns the candidate closest to given, or "" when none is close.
func suggest(given string, candidates []string) string {
	best, bestDist := "", 3
	for _, cand := range candidates {
		if d := levenshtein.Distance(given, cand, nil); d < bestDist {
			best, bestDist = cand, d
		}
	}
	if best == "" {
		for _, cand := range candidates {
			if len(given) >= 3 && strings.HasPrefix(cand, given) {
				return cand
			}
		}
	}
	return best
}

// runHelp is `updplan help [CMD [SUB]]`.
func runHelp(ctx context.Context, c *cli, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(c.stdout, usage())
		return 0
	}
	cmd, ok := lookupCommand(args[0])
	if !ok {
		c.human(nil).Diagnostics(hcl.Diagnostics{unknownCommand(args[0])})
		return 1
	}
	fmt.Fprint(c.stdout, cmd.help)
	return 0
}

// varValueInError matches the flag package's quoting of a -var value.
var varValueInError = regexp.MustCompile(`^invalid value (?s:.*) for flag -var:`)

// flagError turns a flag package error into a diagnostic naming the
// command's help.
func flagError(cmdName string, err error) *hcl.Diagnostic {
	// A -var value may be a secret: never repeat it.
	msg := varValueInError.ReplaceAllString(err.Error(), "invalid value for flag -var:")
	help := "updplan -help"
	if cmdName != "updplan" {
		help = "updplan " + cmdName + " -help"
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid command-line option",
		Detail:   fmt.Sprintf("%s. Run %q to see the options.", upperFirst(msg), help),
	}
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// hasJSONFlag reports whether args ask for -json, before the flags are
// parsed, so that the view is picked first.
func hasJSONFlag(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if !strings.HasPrefix(a, "-") {
			continue
		}
		a = strings.TrimPrefix(a[1:], "-")
		if slices.Contains([]string{"json", "json=true", "json=1", "json=t", "json=TRUE", "json=True"}, a) {
			return true
		}
	}
	return false
}
