package lang

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// eval evaluates an HCL expression with the language's functions, with
// baseDir testdata and the variable `secret` marked sensitive.
func eval(t *testing.T, src string) (cty.Value, hcl.Diagnostics) {
	t.Helper()
	expr, diags := hclsyntax.ParseExpression([]byte(src), "test.upd.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("parse %s: %s", src, diags.Error())
	}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"secret":  cty.StringVal("hunter2").Mark(Sensitive),
			"unknown": cty.UnknownVal(cty.String),
			"path":    PathValue("/site", "/work"),
		},
		Functions: Functions("testdata"),
	}
	return expr.Value(ctx)
}

func TestFunctions(t *testing.T) {
	t.Setenv("UPDPLAN_TEST_SITE", "LAB")
	t.Setenv("UPDPLAN_TEST_EMPTY", "")
	tests := map[string]struct {
		expr string
		want cty.Value
		err  string // substring of the error; "" means success
	}{
		"file reads text":                 {expr: `file("hello.txt")`, want: cty.StringVal("PkgSource\n")},
		"file missing says what to do":    {expr: `file("nope.txt")`, err: `no file exists at "nope.txt"`},
		"file refuses binary":             {expr: `file("binary.bin")`, err: "not valid UTF-8"},
		"file empty path":                 {expr: `file("")`, err: "the path is empty"},
		"file unknown path":               {expr: `file(unknown)`, want: cty.UnknownVal(cty.String)},
		"fileexists true":                 {expr: `fileexists("hello.txt")`, want: cty.True},
		"fileexists false":                {expr: `fileexists("nope.txt")`, want: cty.False},
		"fileexists directory":            {expr: `fileexists(".")`, err: "not a regular file but a directory"},
		"filesha256 text":                 {expr: `filesha256("hello.txt")`, want: cty.StringVal("54726c28661a80a33731d3c608c9277fe1a22276047189878d101de09ccae860")},
		"filesha256 binary":               {expr: `length(filesha256("binary.bin"))`, want: cty.NumberIntVal(64)},
		"filesha256 missing":              {expr: `filesha256("nope")`, err: "no file exists"},
		"sha256":                          {expr: `sha256("abc")`, want: cty.StringVal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")},
		"sha1":                            {expr: `sha1("abc")`, want: cty.StringVal("a9993e364706816aba3e25717850c26c9cd0d89d")},
		"md5":                             {expr: `md5("abc")`, want: cty.StringVal("900150983cd24fb0d6963f7d28e17f72")},
		"base64encode":                    {expr: `base64encode("SMS Admins")`, want: cty.StringVal("U01TIEFkbWlucw==")},
		"base64decode":                    {expr: `base64decode("U01TIEFkbWlucw==")`, want: cty.StringVal("SMS Admins")},
		"base64decode invalid":            {expr: `base64decode("!!!")`, err: "not valid base64"},
		"base64decode not text":           {expr: `base64decode("//4=")`, err: "not valid UTF-8"},
		"alltrue":                         {expr: `alltrue([true, true])`, want: cty.True},
		"alltrue empty":                   {expr: `alltrue([])`, want: cty.True},
		"alltrue false":                   {expr: `alltrue([true, false])`, want: cty.False},
		"alltrue null counts false":       {expr: `alltrue([true, null])`, want: cty.False},
		"alltrue not bools":               {expr: `alltrue(["x"])`, err: "a bool is required"},
		"anytrue":                         {expr: `anytrue([false, true])`, want: cty.True},
		"anytrue empty":                   {expr: `anytrue([])`, want: cty.False},
		"anytrue unknown":                 {expr: `anytrue([false, unknown == "a"])`, want: cty.UnknownVal(cty.Bool)},
		"one of one":                      {expr: `one(["x"])`, want: cty.StringVal("x")},
		"one of none":                     {expr: `one(tolist([]))`, want: cty.NullVal(cty.DynamicPseudoType)},
		"one of empty tuple":              {expr: `one([])`, want: cty.NullVal(cty.DynamicPseudoType)},
		"one of set":                      {expr: `one(toset(["a"]))`, want: cty.StringVal("a")},
		"one of two":                      {expr: `one(["a", "b"])`, err: "has 2 elements"},
		"one of two in a list":            {expr: `one(tolist(["a", "b"]))`, err: "has 2 elements"},
		"one of a string":                 {expr: `one("a")`, err: "list, set or tuple is required"},
		"sum":                             {expr: `sum([1, 2, 3.5])`, want: cty.NumberFloatVal(6.5)},
		"sum of a set":                    {expr: `sum(toset([1, 2]))`, want: cty.NumberIntVal(3)},
		"sum empty":                       {expr: `sum([])`, err: "cannot sum an empty list"},
		"sum not numbers":                 {expr: `sum(["a"])`, err: "element 0 is not a number"},
		"sum null element":                {expr: `sum([1, null])`, err: "element 1 is null"},
		"startswith":                      {expr: `startswith("PackageSrc_1", "PackageSrc")`, want: cty.True},
		"startswith no":                   {expr: `startswith("PkgSource", "PackageSrc")`, want: cty.False},
		"endswith":                        {expr: `endswith("wsusscn2.cab", ".cab")`, want: cty.True},
		"endswith no":                     {expr: `endswith("wsusscn2.cab", ".exe")`, want: cty.False},
		"strcontains":                     {expr: `strcontains("SMS Admins", "Adm")`, want: cty.True},
		"env":                             {expr: `env("UPDPLAN_TEST_SITE")`, want: cty.StringVal("LAB")},
		"env set but empty":               {expr: `env("UPDPLAN_TEST_EMPTY")`, want: cty.StringVal("")},
		"env unset is an error":           {expr: `env("UPDPLAN_TEST_UNSET_X")`, err: "is not set; set it, or write try("},
		"env unset with try":              {expr: `try(env("UPDPLAN_TEST_UNSET_X"), "CEN")`, want: cty.StringVal("CEN")},
		"env bad name":                    {expr: `env("A=B")`, err: "is not an environment variable name"},
		"try falls back":                  {expr: `try(tonumber("x"), 0)`, want: cty.NumberIntVal(0)},
		"can":                             {expr: `can(regex("^[A-Z0-9]{3}$", "LAB"))`, want: cty.True},
		"can fails":                       {expr: `can(regex("^[A-Z0-9]{3}$", "LABS"))`, want: cty.False},
		"templatefile":                    {expr: `templatefile("share.tmpl", {code = "LAB", server = "SCCM01", groups = ["a", "b"]})`, want: cty.StringVal("Site LAB on SCCM01\n- A\n- B\n")},
		"templatefile missing var":        {expr: `templatefile("missing.tmpl", {})`, err: `vars has no value for "missing" (line 1)`},
		"templatefile not recursive":      {expr: `templatefile("recursive.tmpl", {})`, err: "no function named \"templatefile\""},
		"templatefile vars not an object": {expr: `templatefile("share.tmpl", "x")`, err: "vars must be an object or a map"},
		"templatefile missing file":       {expr: `templatefile("nope.tmpl", {})`, err: "no file exists"},
		"templatefile unknown vars":       {expr: `templatefile("share.tmpl", {code = unknown})`, want: cty.DynamicVal},
		"index":                           {expr: `index(["a", "b", "c"], "b")`, want: cty.NumberIntVal(1)},
		"index missing":                   {expr: `index(["a"], "z")`, err: "the value is not in the list"},
		"length of string":                {expr: `length("héllo")`, want: cty.NumberIntVal(5)},
		"length of list":                  {expr: `length(["a", "b"])`, want: cty.NumberIntVal(2)},
		"length of object":                {expr: `length({a = 1, b = 2, c = 3})`, want: cty.NumberIntVal(3)},
		"length of number":                {expr: `length(1)`, err: "a collection or string is required"},
		"replace literal":                 {expr: `replace("PkgSource", "Pkg", "Package")`, want: cty.StringVal("PackageSource")},
		"replace regex":                   {expr: `replace("PackageSrc_12", "/_[0-9]+$/", "")`, want: cty.StringVal("PackageSrc")},
		"replace bad regex":               {expr: `replace("a", "/(/", "")`, err: "regular expression is not valid"},
		"stdlib under terraform names":    {expr: `join(",", sort(distinct(concat(["b"], ["a", "b"]))))`, want: cty.StringVal("a,b")},
		"strrev":                          {expr: `strrev("abc")`, want: cty.StringVal("cba")},
		"reverse":                         {expr: `reverse([1, 2])`, want: cty.TupleVal([]cty.Value{cty.NumberIntVal(2), cty.NumberIntVal(1)})},
		"tostring":                        {expr: `tostring(5)`, want: cty.StringVal("5")},
		"jsonencode":                      {expr: `jsonencode({a = 1})`, want: cty.StringVal(`{"a":1}`)},
		"path":                            {expr: `"${path.root}|${path.cwd}"`, want: cty.StringVal("/site|/work")},
		"nonsensitive":                    {expr: `nonsensitive(secret)`, want: cty.StringVal("hunter2")},
		"nonsensitive of a plain value":   {expr: `nonsensitive("x")`, want: cty.StringVal("x")},
		"sensitive":                       {expr: `sensitive("x")`, want: cty.StringVal("x").Mark(Sensitive)},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got, diags := eval(t, tc.expr)
			if tc.err != "" {
				if !diags.HasErrors() {
					t.Fatalf("%s = %#v, want an error containing %q", tc.expr, got, tc.err)
				}
				if !strings.Contains(diags.Error(), tc.err) {
					t.Fatalf("%s: error %q does not contain %q", tc.expr, diags.Error(), tc.err)
				}
				return
			}
			if diags.HasErrors() {
				t.Fatalf("%s: %s", tc.expr, diags.Error())
			}
			if !got.RawEquals(tc.want) {
				t.Fatalf("%s = %#v, want %#v", tc.expr, got, tc.want)
			}
		})
	}
}

// Every function keeps the Sensitive mark of its arguments on its result.
func TestFunctionsKeepMarks(t *testing.T) {
	exprs := []string{
		`upper(secret)`,
		`sha256(secret)`,
		`base64encode(secret)`,
		`format("%s-x", secret)`,
		`join(",", [secret, "a"])`,
		`length(secret)`,
		`startswith(secret, "h")`,
		`one([secret])`,
		`replace(secret, "/h/", "H")`,
		`templatefile("share.tmpl", {code = secret, server = "s", groups = []})`,
		`try(secret, "x")`,
		`sensitive(nonsensitive(secret))`,
		`lookup({a = secret}, "a", "b")`,
		`file(sensitive("hello.txt"))`,
		`"${secret}-x"`,
	}
	for _, src := range exprs {
		t.Run(src, func(t *testing.T) {
			got, diags := eval(t, src)
			if diags.HasErrors() {
				t.Fatal(diags.Error())
			}
			if !IsSensitive(got) {
				t.Fatalf("%s = %#v lost the Sensitive mark", src, got)
			}
		})
	}
	got, diags := eval(t, `nonsensitive(secret)`)
	if diags.HasErrors() || IsSensitive(got) {
		t.Fatalf("nonsensitive(secret) = %#v, %v: still sensitive", got, diags)
	}
}

// Every function Terraform users reach for is present.
func TestFunctionNames(t *testing.T) {
	fs := Functions(".")
	want := strings.Fields(`abs ceil floor log max min parseint pow signum chomp format formatlist indent join lower
		regex regexall replace split strrev substr title trim trimprefix trimsuffix trimspace upper chunklist
		coalesce coalescelist compact concat contains distinct element flatten index keys length lookup merge
		range reverse setintersection setproduct setsubtract setunion slice sort values zipmap jsonencode
		jsondecode csvdecode formatdate timeadd tostring tonumber tobool tolist toset tomap file fileexists
		filesha256 sha256 sha1 md5 base64encode base64decode alltrue anytrue one sum startswith endswith env
		templatefile try can sensitive nonsensitive`)
	for _, n := range want {
		if _, ok := fs[n]; !ok {
			t.Errorf("function %s is missing", n)
		}
	}
}

func TestFileAbsolutePath(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "x.txt")
	if err := os.WriteFile(p, []byte("abs"), 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := Functions("/nonexistent")["file"].Call([]cty.Value{cty.StringVal(p)})
	if err != nil || v.AsString() != "abs" {
		t.Fatalf("file(%q) = %#v, %v", p, v, err)
	}
}
