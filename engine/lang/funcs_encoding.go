package lang

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"unicode/utf8"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// hashFunc makes a function returning the lowercase hex digest of a string's
// UTF-8 bytes.
func hashFunc(name string, sum func([]byte) []byte) function.Function {
	return function.New(&function.Spec{
		Description: "Returns the " + name + " digest of the string's UTF-8 bytes, as lowercase hexadecimal.",
		Params:      []function.Parameter{{Name: "str", Type: cty.String}},
		Type:        function.StaticReturnType(cty.String),
		RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder {
			return b.NotNull()
		},
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			return cty.StringVal(hex.EncodeToString(sum([]byte(args[0].AsString())))), nil
		},
	})
}

var (
	SHA256Func = hashFunc("SHA-256", func(b []byte) []byte { s := sha256.Sum256(b); return s[:] })
	SHA1Func   = hashFunc("SHA-1", func(b []byte) []byte { s := sha1.Sum(b); return s[:] })
	MD5Func    = hashFunc("MD5", func(b []byte) []byte { s := md5.Sum(b); return s[:] })
)

// Base64EncodeFunc encodes a string's UTF-8 bytes with standard base64.
var Base64EncodeFunc = function.New(&function.Spec{
	Description: "Encodes a string's UTF-8 bytes with standard base64.",
	Params:      []function.Parameter{{Name: "str", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		return cty.StringVal(base64.StdEncoding.EncodeToString([]byte(args[0].AsString()))), nil
	},
})

// Base64DecodeFunc decodes standard base64; the result must be UTF-8 text.
var Base64DecodeFunc = function.New(&function.Spec{
	Description: "Decodes a standard base64 string whose decoded bytes are UTF-8 text.",
	Params:      []function.Parameter{{Name: "str", Type: cty.String}},
	Type:        function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		b, err := base64.StdEncoding.DecodeString(args[0].AsString())
		if err != nil {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "the string is not valid base64 (%s); check that it was not truncated or altered", err)
		}
		if !utf8.Valid(b) {
			return cty.UnknownVal(cty.String), function.NewArgErrorf(0, "the decoded bytes are not valid UTF-8 text; base64decode only returns text")
		}
		return cty.StringVal(string(b)), nil
	},
})
