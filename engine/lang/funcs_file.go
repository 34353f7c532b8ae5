package lang

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// resolve makes path absolute against baseDir.
func resolve(baseDir, path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(baseDir, path)
}

// readFile reads a file for a function, with errors that say what to do.
func readFile(baseDir, path string) ([]byte, error) {
	if path == "" {
		return nil, function.NewArgErrorf(0, "the path is empty; give the path of a file, relative to the configuration directory")
	}
	b, err := os.ReadFile(resolve(baseDir, path))
	switch {
	case err == nil:
		return b, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, function.NewArgErrorf(0, "no file exists at %q (paths are relative to the configuration directory); check the path, or use fileexists to test for it", path)
	case errors.Is(err, fs.ErrPermission):
		return nil, function.NewArgErrorf(0, "the file %q cannot be read: permission denied; check its permissions", path)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return nil, function.NewArgErrorf(0, "the file %q cannot be read: %s", path, err)
}

func makeFileFunc(baseDir string) function.Function {
	return function.New(&function.Spec{
		Description: "Reads a UTF-8 text file, relative to the configuration directory.",
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			path := args[0].AsString()
			b, err := readFile(baseDir, path)
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			if !utf8.Valid(b) {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "the contents of %q are not valid UTF-8 text; file only reads text files (use filesha256 to refer to a binary file by its hash)", path)
			}
			return cty.StringVal(string(b)), nil
		},
	})
}

func makeFileExistsFunc(baseDir string) function.Function {
	return function.New(&function.Spec{
		Description: "Says whether a regular file exists at the path, relative to the configuration directory.",
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			path := args[0].AsString()
			st, err := os.Stat(resolve(baseDir, path))
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return cty.False, nil
			case err != nil:
				return cty.UnknownVal(cty.Bool), function.NewArgErrorf(0, "cannot check %q: %s", path, unwrapPathErr(err))
			case !st.Mode().IsRegular():
				return cty.UnknownVal(cty.Bool), function.NewArgErrorf(0, "%q is not a regular file but a %s; give the path of a file", path, modeName(st.Mode()))
			}
			return cty.True, nil
		},
	})
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

func modeName(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "directory"
	case m&fs.ModeSymlink != 0:
		return "symbolic link"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeDevice != 0:
		return "device"
	case m&fs.ModeSocket != 0:
		return "socket"
	}
	return "special file"
}

func makeFileSHA256Func(baseDir string) function.Function {
	return fileDigestFunc(baseDir, "Returns the SHA-256 of a file's bytes (text or binary), as lowercase hexadecimal.", func(b []byte) string {
		s := sha256.Sum256(b)
		return hex.EncodeToString(s[:])
	})
}

// fileDigestFunc makes a function of one path that returns a string made
// from the file's bytes (text or binary): filesha256, filebase64.
func fileDigestFunc(baseDir, description string, digest func([]byte) string) function.Function {
	return function.New(&function.Spec{
		Description: description,
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			b, err := readFile(baseDir, args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), err
			}
			return cty.StringVal(digest(b)), nil
		},
	})
}

// EnvFunc returns an environment variable of the updplan process. An unset
// variable is an error rather than "": an empty server name or DSN would
// otherwise pass silently. Write try(env("NAME"), "default") for an
// optional one. A variable set to the empty string returns "".
var EnvFunc = function.New(&function.Spec{
	Description: "Returns the value of an environment variable; an error when it is not set (use try(env(\"NAME\"), \"default\") for an optional one).",
	Params:      []function.Parameter{{Name: "name", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		name := args[0].AsString()
		if name == "" || strings.ContainsAny(name, "=\x00") {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "%q is not an environment variable name", name)
		}
		v, ok := os.LookupEnv(name)
		if !ok {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "the environment variable %s is not set; set it, or write try(env(%q), \"default\") to fall back to a default", name, name)
		}
		return cty.StringVal(v), nil
	},
})

// makeTemplateFileFunc makes templatefile(path, vars): the file is an HCL
// string template evaluated with vars and the functions that funcs returns.
func makeTemplateFileFunc(baseDir string, funcs func() map[string]function.Function) function.Function {
	load := func(path string) (hcl.Expression, error) {
		b, err := readFile(baseDir, path)
		if err != nil {
			return nil, err
		}
		if !utf8.Valid(b) {
			return nil, function.NewArgErrorf(0, "the contents of %q are not valid UTF-8 text; a template must be a text file", path)
		}
		expr, diags := hclsyntax.ParseTemplate(b, path, hcl.Pos{Line: 1, Column: 1, Byte: 0})
		if diags.HasErrors() {
			return nil, function.NewArgErrorf(0, "the template %q is not valid: %s", path, diagsText(diags))
		}
		return expr, nil
	}
	render := func(expr hcl.Expression, varsVal cty.Value) (cty.Value, error) {
		if !varsVal.IsWhollyKnown() {
			return cty.DynamicVal, nil
		}
		vars := map[string]cty.Value{}
		if !varsVal.IsNull() {
			ty := varsVal.Type()
			if !ty.IsObjectType() && !ty.IsMapType() {
				return cty.DynamicVal, function.NewArgErrorf(1, "vars must be an object or a map, such as { name = \"value\" }")
			}
			for it := varsVal.ElementIterator(); it.Next(); {
				k, v := it.Element()
				name := k.AsString()
				if !hclsyntax.ValidIdentifier(name) {
					return cty.DynamicVal, function.NewArgErrorf(1, "%q cannot be a template variable: a name must start with a letter and hold only letters, digits, underscores and dashes", name)
				}
				vars[name] = v
			}
		}
		var missing []string
		for _, t := range expr.Variables() {
			if _, ok := vars[t.RootName()]; !ok {
				rng := t.SourceRange()
				missing = append(missing, fmt.Sprintf("%q (line %d)", t.RootName(), rng.Start.Line))
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			return cty.DynamicVal, function.NewArgErrorf(1, "vars has no value for %s, which the template refers to; add it to vars", strings.Join(missing, ", "))
		}
		ctx := &hcl.EvalContext{Variables: vars, Functions: funcs()}
		val, diags := expr.Value(ctx)
		if diags.HasErrors() {
			return cty.DynamicVal, function.NewArgErrorf(0, "the template could not be rendered: %s", diagsText(diags))
		}
		return val, nil
	}
	return function.New(&function.Spec{
		Description: "Renders a file as a string template with the given variables.",
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType},
		},
		Type: func(args []cty.Value) (cty.Type, error) {
			if !args[0].IsKnown() || !args[1].IsWhollyKnown() {
				return cty.DynamicPseudoType, nil
			}
			expr, err := load(args[0].AsString())
			if err != nil {
				return cty.DynamicPseudoType, err
			}
			val, err := render(expr, args[1])
			return val.Type(), err
		},
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			expr, err := load(args[0].AsString())
			if err != nil {
				return cty.DynamicVal, err
			}
			return render(expr, args[1])
		},
	})
}

// diagsText joins the error diagnostics into one line with positions.
func diagsText(diags hcl.Diagnostics) string {
	var parts []string
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		s := d.Summary
		if d.Detail != "" {
			s += ": " + d.Detail
		}
		if d.Subject != nil {
			s = fmt.Sprintf("line %d: %s", d.Subject.Start.Line, s)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}
