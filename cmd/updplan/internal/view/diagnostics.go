package view

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	wordwrap "github.com/mitchellh/go-wordwrap"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// VT100 codes used when Human.Color is set.
const (
	ansiReset     = "\x1b[0m"
	ansiBold      = "\x1b[1m"
	ansiRed       = "\x1b[31m"
	ansiGreen     = "\x1b[32m"
	ansiYellow    = "\x1b[33m"
	ansiCyan      = "\x1b[36m"
	ansiHighlight = "\x1b[1;4m"
)

// Diagnostics writes diagnostics to h.Err the way Terraform does: severity
// and summary, the source lines around the subject (the subject highlighted
// in colour, or marked with carets below a one-line subject without it), the
// values of the variables the expression used (never a marked, that is
// sensitive, one), then the detail wrapped at h.Width.
func (h *Human) Diagnostics(diags hcl.Diagnostics) {
	for _, d := range diags {
		if d == nil {
			continue
		}
		h.diagnostic(d)
	}
}

func (h *Human) diagnostic(d *hcl.Diagnostic) {
	var b strings.Builder
	sev, colour := "Error", ansiRed
	if d.Severity == hcl.DiagWarning {
		sev, colour = "Warning", ansiYellow
	}
	if h.Color {
		fmt.Fprintf(&b, "%s%s%s: %s%s%s\n\n", ansiBold+colour, sev, ansiReset, ansiBold, d.Summary, ansiReset)
	} else {
		fmt.Fprintf(&b, "%s: %s\n\n", sev, d.Summary)
	}

	if d.Subject != nil {
		sn := snippetOf(d, h.Files)
		if sn == nil {
			fmt.Fprintf(&b, "  on %s line %d:\n  (source code not available)\n\n", d.Subject.Filename, d.Subject.Start.Line)
		} else {
			ctx := ""
			if sn.Context != nil {
				ctx = ", in " + *sn.Context
			}
			fmt.Fprintf(&b, "  on %s line %d%s:\n", d.Subject.Filename, d.Subject.Start.Line, ctx)
			h.writeSnippet(&b, sn)
			b.WriteByte('\n')
		}
		if stmts := valueStatements(d); len(stmts) > 0 {
			for i, s := range stmts {
				if i == 0 {
					b.WriteString("    with ")
				} else {
					b.WriteString("         ")
				}
				b.WriteString(s.Traversal + " " + s.Statement)
				if i == len(stmts)-1 {
					b.WriteString(".\n")
				} else {
					b.WriteString(",\n")
				}
			}
			b.WriteByte('\n')
		}
	}

	if d.Detail != "" {
		detail := d.Detail
		if h.Width > 0 {
			detail = wordwrap.WrapString(detail, uint(h.Width))
		}
		b.WriteString(detail)
		b.WriteString("\n\n")
	}
	io.WriteString(h.Err, b.String())
}

// writeSnippet prints the numbered source lines; the highlighted bytes are
// underlined in colour, or marked with carets on the next line when the
// subject lies on one line and there is no colour.
func (h *Human) writeSnippet(b *strings.Builder, sn *diagSnippet) {
	lines := strings.Split(sn.Code, "\n")
	off := 0
	for i, line := range lines {
		start, end := off, off+len(line)
		off = end + 1
		hs := max(sn.HighlightStartOffset, start)
		he := min(sn.HighlightEndOffset, end)
		num := sn.StartLine + i
		if he <= hs {
			fmt.Fprintf(b, "%4d: %s\n", num, line)
			continue
		}
		before, mid, after := line[:hs-start], line[hs-start:he-start], line[he-start:]
		if h.Color {
			fmt.Fprintf(b, "%4d: %s%s%s%s%s\n", num, before, ansiHighlight, mid, ansiReset, after)
			continue
		}
		fmt.Fprintf(b, "%4d: %s\n", num, line)
		if sn.oneLine {
			fmt.Fprintf(b, "      %s%s\n", caretPad(before), strings.Repeat("^", max(1, len([]rune(mid)))))
		}
	}
}

// caretPad keeps tabs so that carets line up under tab-indented source.
func caretPad(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '\t' {
			b.WriteRune('\t')
		} else {
			b.WriteRune(' ')
		}
	}
	return b.String()
}

// diagSnippet is the "snippet" object of Terraform's diagnostic JSON.
type diagSnippet struct {
	Context              *string               `json:"context"`
	Code                 string                `json:"code"`
	StartLine            int                   `json:"start_line"`
	HighlightStartOffset int                   `json:"highlight_start_offset"`
	HighlightEndOffset   int                   `json:"highlight_end_offset"`
	Values               []diagExpressionValue `json:"values"`

	oneLine bool
}

type diagExpressionValue struct {
	Traversal string `json:"traversal"`
	Statement string `json:"statement"`
}

// snippetOf cuts the source lines covering the subject (and context) out of
// the file the subject points into; nil when the source is not available.
func snippetOf(d *hcl.Diagnostic, files map[string]*hcl.File) *diagSnippet {
	if d.Subject == nil {
		return nil
	}
	file := files[d.Subject.Filename]
	if file == nil || file.Bytes == nil {
		return nil
	}
	subject := *d.Subject
	snip := subject
	if d.Context != nil {
		snip = hcl.RangeOver(snip, *d.Context)
	}
	// An empty range cannot be shown; widen it to one character.
	if snip.Empty() {
		snip.End.Byte++
		snip.End.Column++
	}
	if subject.Empty() {
		subject.End.Byte++
		subject.End.Column++
	}
	sn := &diagSnippet{
		Values:  []diagExpressionValue{},
		oneLine: subject.Start.Line == subject.End.Line,
	}
	if s := contextString(file, d.Subject.Start.Byte); s != "" {
		sn.Context = &s
	}
	var code strings.Builder
	codeStart := -1
	first := true
	// Lines are cut here, not with hcl.RangeScanner: its bufio.Scanner
	// never advances past a line over 64 KiB that starts with invalid
	// UTF-8, and validate hung on such a file.
	eachLine(file.Bytes, func(line, start, end int) bool {
		if start >= snip.End.Byte {
			return false
		}
		if end <= snip.Start.Byte || start == end {
			return true
		}
		if first {
			sn.StartLine = line
			codeStart = start
			first = false
		} else {
			code.WriteByte('\n')
		}
		code.Write(bytes.TrimSuffix(file.Bytes[start:end], []byte("\r")))
		return true
	})
	if first {
		return nil
	}
	sn.Code = code.String()
	// Offsets are into Code; line ends in Code are single '\n' bytes, as in
	// files with Unix line ends. Clamp for CRLF files and ranges past the end.
	sn.HighlightStartOffset = clamp(subject.Start.Byte-codeStart, 0, len(sn.Code))
	sn.HighlightEndOffset = clamp(subject.End.Byte-codeStart, sn.HighlightStartOffset, len(sn.Code))
	sn.Values = valueStatements(d)
	redactSnippet(sn)
	return sn
}

// urlInSource finds URLs written in configuration source.
var urlInSource = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.\-]*://[^\s"'<>\x60]+`)

// redactSnippet hides the credentials of URLs written in the snippet's
// source lines (a catalog source's user:password@ or ?sig=), which the
// snippet would otherwise print, keeping the highlight on the same text.
func redactSnippet(sn *diagSnippet) {
	matches := urlInSource.FindAllStringIndex(sn.Code, -1)
	for i := len(matches) - 1; i >= 0; i-- {
		ms, me := matches[i][0], matches[i][1]
		r := schema.RedactURL(sn.Code[ms:me])
		if r == sn.Code[ms:me] {
			continue
		}
		delta := len(r) - (me - ms)
		shift := func(off int, end bool) int {
			switch {
			case off >= me:
				return off + delta
			case off > ms && end:
				return ms + len(r)
			case off > ms:
				return ms
			}
			return off
		}
		sn.HighlightStartOffset = shift(sn.HighlightStartOffset, false)
		sn.HighlightEndOffset = shift(sn.HighlightEndOffset, true)
		sn.Code = sn.Code[:ms] + r + sn.Code[me:]
	}
}

// eachLine calls fn with the number and byte range of each line of src
// (without its '\n'), until fn returns false.
func eachLine(src []byte, fn func(line, start, end int) bool) {
	for line, start := 1, 0; start <= len(src); line++ {
		end := len(src)
		if i := bytes.IndexByte(src[start:], '\n'); i >= 0 {
			end = start + i
		}
		if !fn(line, start, end) {
			return
		}
		start = end + 1
	}
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

func contextString(file *hcl.File, offset int) string {
	type contextStringer interface {
		ContextString(offset int) string
	}
	if cs, ok := file.Nav.(contextStringer); ok {
		return cs.ContextString(offset)
	}
	return ""
}

// valueStatements describes the variables the diagnostic's expression used,
// sorted; marked (sensitive) and unknown values are left out.
func valueStatements(d *hcl.Diagnostic) []diagExpressionValue {
	out := []diagExpressionValue{}
	if d.Expression == nil || d.EvalContext == nil {
		return out
	}
	seen := map[string]bool{}
	for _, trav := range d.Expression.Variables() {
		val, diags := trav.TraverseAbs(d.EvalContext)
		if diags.HasErrors() {
			continue
		}
		name := traversalString(trav)
		if seen[name] || !val.IsWhollyKnown() || val.ContainsMarked() {
			continue
		}
		seen[name] = true
		out = append(out, diagExpressionValue{Traversal: name, Statement: valueSummary(val)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Traversal < out[j].Traversal })
	return out
}

func traversalString(t hcl.Traversal) string {
	var b strings.Builder
	for _, step := range t {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		case hcl.TraverseIndex:
			if s.Key.Type().IsPrimitiveType() && s.Key.IsKnown() && !s.Key.IsNull() && !s.Key.IsMarked() {
				b.WriteString("[" + shortValue(s.Key) + "]")
			} else {
				b.WriteString("[...]")
			}
		}
	}
	return b.String()
}

// valueSummary is Terraform's "is ..." statement: short, never a whole
// collection.
func valueSummary(v cty.Value) string {
	switch {
	case v.IsNull():
		return "is null"
	case v.Type().IsPrimitiveType():
		return "is " + shortValue(v)
	case v.Type().IsCollectionType() || v.Type().IsTupleType():
		n := v.LengthInt()
		switch n {
		case 0:
			return "is empty " + v.Type().FriendlyName()
		case 1:
			return "is " + v.Type().FriendlyName() + " with 1 element"
		}
		return fmt.Sprintf("is %s with %d elements", v.Type().FriendlyName(), n)
	case v.Type().IsObjectType():
		n := len(v.Type().AttributeTypes())
		switch n {
		case 0:
			return "is object with no attributes"
		case 1:
			return "is object with 1 attribute"
		}
		return fmt.Sprintf("is object with %d attributes", n)
	}
	return "is " + v.Type().FriendlyName()
}

func shortValue(v cty.Value) string {
	switch v.Type() {
	case cty.Bool:
		if v.True() {
			return "true"
		}
		return "false"
	case cty.Number:
		return v.AsBigFloat().Text('f', -1)
	case cty.String:
		return hclQuote(v.AsString())
	}
	return v.Type().FriendlyName()
}

// DiagnosticJSON is one diagnostic in Terraform's JSON shape: severity,
// summary, detail, and when the subject is known a range
// {filename,start{line,column,byte},end{...}} and, when the source is among
// files, a snippet {context,code,start_line,highlight_start_offset,
// highlight_end_offset,values}.
func DiagnosticJSON(d *hcl.Diagnostic, files map[string]*hcl.File) map[string]any {
	sev := "error"
	if d.Severity == hcl.DiagWarning {
		sev = "warning"
	}
	m := map[string]any{
		"severity": sev,
		"summary":  d.Summary,
		"detail":   d.Detail,
	}
	if d.Subject != nil {
		m["range"] = rangeJSON(*d.Subject)
		if sn := snippetOf(d, files); sn != nil {
			m["snippet"] = sn
		}
	}
	return m
}

func rangeJSON(r hcl.Range) map[string]any {
	pos := func(p hcl.Pos) map[string]int {
		return map[string]int{"line": p.Line, "column": p.Column, "byte": p.Byte}
	}
	return map[string]any{"filename": r.Filename, "start": pos(r.Start), "end": pos(r.End)}
}

// WriteValidateJSON writes the single document of `validate -json`:
// {"format_version":"1.0","valid","error_count","warning_count","diagnostics"}.
func WriteValidateJSON(w io.Writer, diags hcl.Diagnostics, files map[string]*hcl.File) error {
	list := []map[string]any{}
	errs, warns := 0, 0
	for _, d := range diags {
		if d == nil {
			continue
		}
		if d.Severity == hcl.DiagWarning {
			warns++
		} else {
			errs++
		}
		list = append(list, DiagnosticJSON(d, files))
	}
	doc := map[string]any{
		"format_version": "1.0",
		"valid":          errs == 0,
		"error_count":    errs,
		"warning_count":  warns,
		"diagnostics":    list,
	}
	return writeJSONIndent(w, doc)
}

func writeJSONIndent(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
