package lang

import (
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// Functions returns every function of the language. Paths given to file
// functions are relative to baseDir (the configuration directory) unless
// absolute. Every function keeps the marks of its arguments (the Sensitive
// mark in particular) on its result, except nonsensitive.
func Functions(baseDir string) map[string]function.Function {
	fs := baseFunctions(baseDir)
	fs["templatefile"] = makeTemplateFileFunc(baseDir, func() map[string]function.Function {
		// Templates get every function but templatefile itself, so a
		// template cannot include itself recursively.
		return baseFunctions(baseDir)
	})
	return fs
}

// baseFunctions is every function except templatefile.
func baseFunctions(baseDir string) map[string]function.Function {
	return map[string]function.Function{
		// numbers
		"abs":      stdlib.AbsoluteFunc,
		"ceil":     stdlib.CeilFunc,
		"floor":    stdlib.FloorFunc,
		"log":      stdlib.LogFunc,
		"max":      stdlib.MaxFunc,
		"min":      stdlib.MinFunc,
		"parseint": stdlib.ParseIntFunc,
		"pow":      stdlib.PowFunc,
		"signum":   stdlib.SignumFunc,
		"sum":      SumFunc,

		// strings
		"chomp":       stdlib.ChompFunc,
		"endswith":    EndsWithFunc,
		"format":      stdlib.FormatFunc,
		"formatlist":  stdlib.FormatListFunc,
		"indent":      stdlib.IndentFunc,
		"join":        stdlib.JoinFunc,
		"lower":       stdlib.LowerFunc,
		"regex":       stdlib.RegexFunc,
		"regexall":    stdlib.RegexAllFunc,
		"replace":     ReplaceFunc,
		"split":       stdlib.SplitFunc,
		"startswith":  StartsWithFunc,
		"strcontains": StrContainsFunc,
		"strrev":      stdlib.ReverseFunc,
		"substr":      stdlib.SubstrFunc,
		"title":       stdlib.TitleFunc,
		"trim":        stdlib.TrimFunc,
		"trimprefix":  stdlib.TrimPrefixFunc,
		"trimsuffix":  stdlib.TrimSuffixFunc,
		"trimspace":   stdlib.TrimSpaceFunc,
		"upper":       stdlib.UpperFunc,

		// collections
		"alltrue":         AllTrueFunc,
		"anytrue":         AnyTrueFunc,
		"chunklist":       stdlib.ChunklistFunc,
		"coalesce":        stdlib.CoalesceFunc,
		"coalescelist":    stdlib.CoalesceListFunc,
		"compact":         stdlib.CompactFunc,
		"concat":          stdlib.ConcatFunc,
		"contains":        stdlib.ContainsFunc,
		"distinct":        stdlib.DistinctFunc,
		"element":         stdlib.ElementFunc,
		"flatten":         stdlib.FlattenFunc,
		"index":           IndexFunc,
		"keys":            stdlib.KeysFunc,
		"length":          LengthFunc,
		"lookup":          stdlib.LookupFunc,
		"merge":           stdlib.MergeFunc,
		"one":             OneFunc,
		"range":           stdlib.RangeFunc,
		"reverse":         stdlib.ReverseListFunc,
		"setintersection": stdlib.SetIntersectionFunc,
		"setproduct":      stdlib.SetProductFunc,
		"setsubtract":     stdlib.SetSubtractFunc,
		"setunion":        stdlib.SetUnionFunc,
		"slice":           stdlib.SliceFunc,
		"sort":            stdlib.SortFunc,
		"values":          stdlib.ValuesFunc,
		"zipmap":          stdlib.ZipmapFunc,

		// encoding
		"base64decode": Base64DecodeFunc,
		"base64encode": Base64EncodeFunc,
		"csvdecode":    stdlib.CSVDecodeFunc,
		"jsondecode":   stdlib.JSONDecodeFunc,
		"jsonencode":   stdlib.JSONEncodeFunc,
		"urlencode":    URLEncodeFunc,

		// hashing
		"md5":    MD5Func,
		"sha1":   SHA1Func,
		"sha256": SHA256Func,

		// files and environment
		"abspath":    makeAbsPathFunc(baseDir),
		"basename":   BasenameFunc,
		"dirname":    DirnameFunc,
		"env":        EnvFunc,
		"file":       makeFileFunc(baseDir),
		"filebase64": makeFileBase64Func(baseDir),
		"fileexists": makeFileExistsFunc(baseDir),
		"filesha256": makeFileSHA256Func(baseDir),

		// time
		"formatdate": stdlib.FormatDateFunc,
		"timeadd":    stdlib.TimeAddFunc,

		// types and errors
		"can":          tryfunc.CanFunc,
		"try":          tryfunc.TryFunc,
		"tobool":       stdlib.MakeToFunc(cty.Bool),
		"tolist":       stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"tomap":        stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"tonumber":     stdlib.MakeToFunc(cty.Number),
		"toset":        stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)),
		"tostring":     stdlib.MakeToFunc(cty.String),
		"sensitive":    SensitiveFunc,
		"nonsensitive": NonsensitiveFunc,
	}
}
