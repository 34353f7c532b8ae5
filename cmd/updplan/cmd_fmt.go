package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/rogpeppe/go-internal/diff"
)

const helpFmt = `Usage: updplan [global options] fmt [options] [FILE or DIR ... | -]

  Rewrites configuration files (*.upd.hcl) and variable files (*.updvars)
  in the canonical format and layout. Without arguments it formats the
  files of the working directory; "-" reads from standard input and writes
  the formatted text to standard output.

Options:
  -check        Write nothing; exit 3 when any file is not formatted (the
                names are listed), 0 when all are.
  -diff         Print a unified diff of every change.
  -list=false   Do not list the files whose formatting changed.
  -write=false  Do not rewrite the files (implied by -check and by "-").
  -recursive    Also format the files of subdirectories (hidden
                directories are skipped).
`

type fmtFlags struct {
	check     bool
	diff      bool
	list      bool
	write     bool
	recursive bool
	paths     []string
}

// fmtExitUnformatted is the exit code of fmt -check when a file would
// change (Terraform's).
const fmtExitUnformatted = 3

func runFmt(ctx context.Context, c *cli, args []string) int {
	var f fmtFlags
	fs := newFlagSet("fmt")
	fs.BoolVar(&f.check, "check", false, "")
	fs.BoolVar(&f.diff, "diff", false, "")
	fs.BoolVar(&f.list, "list", true, "")
	fs.BoolVar(&f.write, "write", true, "")
	fs.BoolVar(&f.recursive, "recursive", false, "")
	if err := fs.Parse(args); err != nil {
		c.human(nil).Diagnostics(hcl.Diagnostics{flagError("fmt", err)})
		return 1
	}
	f.paths = fs.Args()
	if f.check {
		f.write = false
	}
	fm := &formatter{c: c, flags: f, files: map[string]*hcl.File{}}
	if len(f.paths) == 1 && f.paths[0] == "-" {
		fm.stdin()
	} else {
		if len(f.paths) == 0 {
			f.paths = []string{"."}
		}
		for _, p := range f.paths {
			fm.path(p)
		}
	}
	if len(fm.diags) > 0 {
		c.human(fm.files).Diagnostics(fm.diags)
	}
	switch {
	case fm.diags.HasErrors():
		return 1
	case f.check && fm.changed:
		return fmtExitUnformatted
	}
	return 0
}

// formatter formats files and collects what happened.
type formatter struct {
	c       *cli
	flags   fmtFlags
	files   map[string]*hcl.File
	diags   hcl.Diagnostics
	changed bool
}

// fmtSuffixes are the files fmt formats.
var fmtSuffixes = []string{".upd.hcl", ".updvars"}

func formattable(name string) bool {
	for _, s := range fmtSuffixes {
		if strings.HasSuffix(name, s) && len(name) > len(s) {
			return true
		}
	}
	return false
}

// path formats one command-line argument: a file or a directory. name is
// as the user wrote it (relative to -chdir); that is how it is shown.
func (fm *formatter) path(name string) {
	if name == "-" {
		fm.diags = append(fm.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid fmt arguments",
			Detail:   `"-" (standard input) cannot be combined with files or directories. Run "updplan fmt -" on its own.`,
		})
		return
	}
	st, err := os.Stat(fm.c.path(name))
	if err != nil {
		fm.diags = append(fm.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "No such file or directory",
			Detail:   fmt.Sprintf("Cannot format %q: %s. Give an existing *.upd.hcl or *.updvars file, or a directory.", name, pathErr(err)),
		})
		return
	}
	if !st.IsDir() {
		if !formattable(name) {
			fm.diags = append(fm.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Not a configuration file",
				Detail:   fmt.Sprintf("Cannot format %q: only *.upd.hcl and *.updvars files can be formatted. Rename the file or give its directory.", name),
			})
			return
		}
		fm.file(name)
		return
	}
	var names []string
	root := fm.c.path(name)
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != root && (!fm.flags.recursive || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && formattable(d.Name()) {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			names = append(names, filepath.Join(name, rel))
		}
		return nil
	})
	if err != nil {
		fm.diags = append(fm.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unreadable directory",
			Detail:   fmt.Sprintf("Cannot list the files of %q: %s. Check its permissions.", name, pathErr(err)),
		})
	}
	sort.Strings(names)
	for _, n := range names {
		fm.file(n)
	}
}

// file formats one file.
func (fm *formatter) file(name string) {
	full := fm.c.path(name)
	src, err := os.ReadFile(full)
	if err != nil {
		fm.diags = append(fm.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unreadable file",
			Detail:   fmt.Sprintf("Cannot read %q: %s. Check its permissions.", name, pathErr(err)),
		})
		return
	}
	out, ok := fm.format(name, src)
	if !ok || bytes.Equal(src, out) {
		return
	}
	fm.changed = true
	if fm.flags.list {
		fmt.Fprintln(fm.c.stdout, name)
	}
	if fm.flags.diff {
		fm.c.stdout.Write(diff.Diff("old/"+filepath.ToSlash(name), src, "new/"+filepath.ToSlash(name), out))
	}
	if fm.flags.write {
		if err := writeFileKeepMode(full, out); err != nil {
			fm.diags = append(fm.diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unwritable file",
				Detail:   fmt.Sprintf("Cannot rewrite %q: %s. Check its permissions.", name, pathErr(err)),
			})
		}
	}
}

// stdin formats standard input to standard output.
func (fm *formatter) stdin() {
	src, err := io.ReadAll(fm.c.stdin)
	if err != nil {
		fm.diags = append(fm.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unreadable standard input",
			Detail:   fmt.Sprintf("Cannot read standard input: %s. Pipe a file into updplan fmt -.", err),
		})
		return
	}
	out, ok := fm.format("<stdin>", src)
	if !ok {
		return
	}
	fm.changed = !bytes.Equal(src, out)
	switch {
	case fm.flags.diff:
		if fm.changed {
			fm.c.stdout.Write(diff.Diff("old/<stdin>", src, "new/<stdin>", out))
		}
	case !fm.flags.check:
		fm.c.stdout.Write(out)
	}
}

// format checks the syntax of src and returns it formatted; ok is false
// (and the syntax errors are collected) when it does not parse.
func (fm *formatter) format(name string, src []byte) ([]byte, bool) {
	f, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	fm.files[name] = f
	fm.diags = append(fm.diags, diags...)
	if diags.HasErrors() {
		return nil, false
	}
	return hclwrite.Format(src), true
}

// writeFileKeepMode replaces the content of an existing file, keeping its
// permissions.
func writeFileKeepMode(name string, data []byte) error {
	st, err := os.Stat(name)
	if err != nil {
		return err
	}
	return os.WriteFile(name, data, st.Mode().Perm())
}

// pathErr is the reason of a file system error without the path, which the
// caller already names.
func pathErr(err error) string {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err.Error()
	}
	return err.Error()
}
