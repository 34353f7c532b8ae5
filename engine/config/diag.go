package config

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// errorAt builds an error diagnostic with the given subject.
func errorAt(rng hcl.Range, summary, detail string) *hcl.Diagnostic {
	r := rng
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: &r}
}

// warningAt builds a warning diagnostic with the given subject.
func warningAt(rng hcl.Range, summary, detail string) *hcl.Diagnostic {
	r := rng
	return &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: summary, Detail: detail, Subject: &r}
}

// didYouMean returns ` Did you mean "x"?` for the closest candidate, or "".
func didYouMean(given string, candidates []string) string {
	if s := suggest(given, candidates); s != "" {
		return fmt.Sprintf(" Did you mean %q?", s)
	}
	return ""
}

// suggest returns the candidate closest to given within an edit distance of
// 2 (or a case-insensitive match), or "" when none is close enough.
func suggest(given string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if strings.EqualFold(c, given) {
			return c
		}
		if d := editDistance(given, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// quotedList renders names as `"a", "b" or "c"`, sorted.
func quotedList(names []string) string {
	s := append([]string(nil), names...)
	sort.Strings(s)
	for i := range s {
		s[i] = fmt.Sprintf("%q", s[i])
	}
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// checkName reports a block label that is not a valid identifier.
func checkName(name string, rng hcl.Range, what string) hcl.Diagnostics {
	if hclsyntax.ValidIdentifier(name) {
		return nil
	}
	return hcl.Diagnostics{errorAt(rng, "Invalid name",
		fmt.Sprintf("%q is not a valid %s name. A name must start with a letter or underscore and may contain only letters, digits, underscores and dashes; rename it.", name, what))}
}

// duplicate reports a second declaration, naming where the first one is.
func duplicate(summary, what string, first, second hcl.Range) *hcl.Diagnostic {
	return errorAt(second, summary,
		fmt.Sprintf("%s was already declared at %s. Each must be declared once; remove or rename one of them.", what, first.String()))
}

// literalString evaluates an expression that must be a constant string.
func literalString(expr hcl.Expression, what string) (string, hcl.Diagnostics) {
	v, diags := expr.Value(nil)
	if diags.HasErrors() {
		return "", diags
	}
	if !v.IsNull() && v.IsKnown() && (v.Type() == cty.String || v.Type() == cty.Number || v.Type() == cty.Bool) {
		sv, err := convert.Convert(v, cty.String)
		if err == nil {
			return sv.AsString(), nil
		}
	}
	return "", hcl.Diagnostics{errorAt(expr.Range(), "Invalid "+what,
		fmt.Sprintf("%s must be a literal string; write it in quotes.", what))}
}

// literalBool evaluates an expression that must be a constant true or false.
func literalBool(expr hcl.Expression, what string) (bool, hcl.Diagnostics) {
	v, diags := expr.Value(nil)
	if diags.HasErrors() {
		return false, diags
	}
	if v.IsKnown() && !v.IsNull() && v.Type() == cty.Bool {
		return v.True(), nil
	}
	return false, hcl.Diagnostics{errorAt(expr.Range(), "Invalid "+what,
		fmt.Sprintf("%s must be the literal value true or false; write one of them, without quotes.", what))}
}

// advise completes the details of HCL's own diagnostics, which say what is
// wrong but not what to do, and leaves every other diagnostic alone.
func advise(diags hcl.Diagnostics) {
	for _, d := range diags {
		switch {
		case d.Summary == "Unsupported argument" && strings.HasPrefix(d.Detail, "An argument named") && !strings.Contains(d.Detail, "Did you mean"):
			d.Detail += " Remove it, or check its name against the documentation of this block."
		case d.Summary == "Unsupported block type" && strings.HasPrefix(d.Detail, "Blocks of type") && strings.HasSuffix(d.Detail, "are not expected here."):
			d.Detail += " Remove it, or check its type against the documentation of this block."
		case d.Summary == "Missing required argument" && strings.HasSuffix(d.Detail, "but no definition was found."):
			var name string
			if _, err := fmt.Sscanf(d.Detail, "The argument %q is required", &name); err == nil {
				d.Detail += fmt.Sprintf(" Add %s = ... to the block.", name)
			}
		case strings.HasPrefix(d.Summary, "Missing name for "):
			d.Detail += fmt.Sprintf(" Add the name in quotes after the block type, as in %s \"name\" { ... }.", strings.TrimPrefix(d.Summary, "Missing name for "))
		case strings.HasPrefix(d.Summary, "Extraneous label for "):
			d.Detail += " Remove the extra label."
		case strings.HasPrefix(d.Summary, "Unexpected \"") && d.Detail == "Blocks are not allowed here.":
			d.Detail += " Only name = value arguments are allowed here; remove the block or turn it into an argument."
		case d.Summary == "Variables not allowed" || d.Summary == "Function calls not allowed":
			d.Detail += " Write a literal value here: this argument is read before anything is evaluated."
		case d.Summary == "Invalid type specification":
			d.Detail += " Use a type such as string, number, bool, list(string), set(string), map(string) or object({ name = string })."
		}
	}
}
