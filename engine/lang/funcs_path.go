package lang

import (
	"encoding/base64"
	"net/url"
	"path/filepath"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// pathFunc makes a function of one path string.
func pathFunc(desc string, fn func(string) (string, error)) function.Function {
	return function.New(&function.Spec{
		Description: desc,
		Params:      []function.Parameter{{Name: "path", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			s, err := fn(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgError(0, err)
			}
			return cty.StringVal(s), nil
		},
	})
}

var (
	// BasenameFunc is the last element of a path.
	BasenameFunc = pathFunc("Returns the last element of a path.", func(p string) (string, error) { return filepath.Base(p), nil })
	// DirnameFunc is a path without its last element.
	DirnameFunc = pathFunc("Returns a path without its last element.", func(p string) (string, error) { return filepath.Dir(p), nil })
	// URLEncodeFunc escapes a string for use in a URL query.
	URLEncodeFunc = pathFunc("Escapes a string for use in a URL query.", func(s string) (string, error) { return url.QueryEscape(s), nil })
)

// makeAbsPathFunc makes abspath: a path made absolute against baseDir.
func makeAbsPathFunc(baseDir string) function.Function {
	return pathFunc("Makes a path absolute, relative to the configuration directory.", func(p string) (string, error) {
		return filepath.Abs(resolve(baseDir, p))
	})
}

// makeFileBase64Func makes filebase64: a file's bytes (text or binary) in
// standard base64.
func makeFileBase64Func(baseDir string) function.Function {
	return fileDigestFunc(baseDir, "Returns a file's bytes (text or binary) encoded with standard base64.", base64.StdEncoding.EncodeToString)
}
