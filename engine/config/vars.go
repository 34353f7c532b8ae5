package config

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
)

// Variable file names.
const (
	DefaultVarFile = "updplan.updvars"
	AutoVarSuffix  = ".auto.updvars"
	EnvVarPrefix   = "UPDPLAN_VAR_"
)

// LoadVarValues collects the values of root variables given from outside
// the configuration files, in Terraform's precedence order (later wins):
// environment UPDPLAN_VAR_name, updplan.updvars (and .json), *.auto.updvars
// (and .json) in name order, then -var-file and -var in command-line order.
//
// Every variable file read is added to cfg.Files. A value for an undeclared
// variable is an error on the command line, a warning in the automatically
// loaded files and ignored in the environment. -var and environment values
// are kept as strings (FromString). Their text is added to cfg.Files under a
// synthetic name for snippets, except for sensitive variables.
func LoadVarValues(cfg *Config, args []VarArg, env []string) (map[string]*RawValue, hcl.Diagnostics) {
	vals := map[string]*RawValue{}
	var diags hcl.Diagnostics
	if cfg.Files == nil {
		cfg.Files = map[string]*hcl.File{}
	}

	for _, kv := range env {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, EnvVarPrefix) {
			continue
		}
		name = strings.TrimPrefix(name, EnvVarPrefix)
		if _, declared := cfg.Variables[name]; !declared {
			continue
		}
		vals[name] = stringValue(cfg, name, value, "env", fmt.Sprintf("<value for var.%s from environment>", name))
	}

	dir := cfg.Dir
	if dir == "" {
		dir = "."
	}
	var auto []string
	for _, n := range []string{DefaultVarFile, DefaultVarFile + ".json"} {
		if st, err := os.Stat(filepath.Join(dir, n)); err == nil && !st.IsDir() {
			auto = append(auto, n)
		}
	}
	if entries, err := os.ReadDir(dir); err == nil {
		var names []string
		for _, e := range entries {
			n := e.Name()
			if !e.IsDir() && (strings.HasSuffix(n, AutoVarSuffix) || strings.HasSuffix(n, AutoVarSuffix+".json")) {
				names = append(names, n)
			}
		}
		sort.Strings(names)
		auto = append(auto, names...)
	}
	for _, n := range auto {
		diags = append(diags, varFile(cfg, vals, filepath.Join(dir, n), n, false)...)
	}

	varOpts := 0
	for _, a := range args {
		if a.File == "" {
			varOpts++
		}
		if a.File != "" {
			diags = append(diags, varFile(cfg, vals, a.File, a.File, true)...)
			continue
		}
		name, value, ok := strings.Cut(a.Value, "=")
		if !ok || strings.TrimSpace(name) == "" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid -var option",
				// The text is not shown: without a name it may well be a secret.
				Detail: fmt.Sprintf("The %s -var option is not a variable name and a value separated by an equals sign. Write it as -var=\"name=value\".", ordinal(varOpts)),
			})
			continue
		}
		name = strings.TrimSpace(name)
		if _, declared := cfg.Variables[name]; !declared {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Value for undeclared variable",
				Detail: fmt.Sprintf("A -var option sets a variable named %q, but the configuration declares no such variable.%s Declare it with a variable block, or fix the name.",
					name, didYouMean(name, variableNames(cfg))),
			})
			continue
		}
		vals[name] = stringValue(cfg, name, value, "var", fmt.Sprintf("<value for var.%s>", name))
	}
	return vals, diags
}

// ordinal renders 1 as "1st", 2 as "2nd", ...
func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

func variableNames(cfg *Config) []string {
	names := make([]string, 0, len(cfg.Variables))
	for n := range cfg.Variables {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// stringValue makes the raw value of a -var or environment value. Its text
// becomes a synthetic file (so the engine can parse it as HCL with snippets)
// unless the variable is sensitive.
func stringValue(cfg *Config, name, value, source, filename string) *RawValue {
	rng := hcl.Range{
		Filename: filename,
		Start:    hcl.InitialPos,
		End:      hcl.Pos{Line: 1, Column: 1 + len([]rune(value)), Byte: len(value)},
	}
	if v := cfg.Variables[name]; v == nil || !v.Sensitive {
		cfg.Files[filename] = &hcl.File{Bytes: []byte(value)}
	}
	return &RawValue{Value: cty.StringVal(value), FromString: true, Source: source, Range: rng}
}

// varFile reads one variable file into vals. fromArgs is true for
// -var-file, where an undeclared variable is an error.
func varFile(cfg *Config, vals map[string]*RawValue, path, name string, fromArgs bool) hcl.Diagnostics {
	src, err := os.ReadFile(path)
	if err != nil {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read variable file",
			Detail:   fmt.Sprintf("The variable file %q cannot be read: %s. Check the path and its permissions.", name, plainErr(err)),
		}}
	}
	return parseVarFile(cfg, vals, name, src, fromArgs)
}

// parseVarFile reads the contents of one variable file into vals.
func parseVarFile(cfg *Config, vals map[string]*RawValue, name string, src []byte, fromArgs bool) hcl.Diagnostics {
	var f *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(name, ".json") {
		src = trimBOM(src)
		f, diags = hcljson.Parse(src, name)
	} else {
		f, diags = hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	}
	if f == nil {
		f = &hcl.File{Bytes: src}
	}
	cfg.Files[name] = f
	if diags.HasErrors() || f.Body == nil {
		return diags
	}
	attrs, adiags := f.Body.JustAttributes()
	advise(adiags)
	diags = append(diags, adiags...)
	list := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		list = append(list, a)
	}
	sortAttrs(list)
	for _, a := range list {
		if _, declared := cfg.Variables[a.Name]; !declared {
			detail := fmt.Sprintf("The file %q sets a variable named %q, but the configuration declares no such variable.%s Declare it with a variable block, or remove the value.",
				name, a.Name, didYouMean(a.Name, variableNames(cfg)))
			if fromArgs {
				diags = append(diags, errorAt(a.NameRange, "Value for undeclared variable", detail))
			} else {
				diags = append(diags, warningAt(a.NameRange, "Value for undeclared variable", detail))
			}
			continue
		}
		v, vdiags := a.Expr.Value(nil)
		advise(vdiags)
		diags = append(diags, vdiags...)
		if vdiags.HasErrors() {
			continue
		}
		vals[a.Name] = &RawValue{Value: v, Source: "file", Range: a.Expr.Range()}
	}
	return diags
}
