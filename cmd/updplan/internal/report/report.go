package report

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/updplan/updplan/cmd/updplan/internal/view"
)

// Formats are the values of -format.
var Formats = []string{"table", "csv", "json", "html"}

// Report is one report: rows under columns, and charts for the HTML page.
type Report struct {
	// Kind names the report in JSON ("compliance_by_collection").
	Kind     string
	Title    string
	Subtitle string // site and time, shown under the title
	Columns  []Column
	// Rows hold one cell per column: a string, an int64, a float64 (a
	// percentage) or nil (no value).
	Rows [][]any
	// Empty is said instead of an empty table.
	Empty  string
	Charts []Chart
}

// Column is a column of a report.
type Column struct {
	Name string // header of the table, CSV and HTML
	Key  string // key in JSON
}

// Chart is one chart of the HTML page: horizontal stacked bars.
type Chart struct {
	Title string
	Bars  []Bar
}

// Bar is one stacked bar.
type Bar struct {
	Label    string
	Segments []Segment
}

// Segment is one part of a bar; Class picks its colour (installed,
// not_required, required, reboot_pending, unknown, reported,
// not_reported).
type Segment struct {
	Label string
	Value int64
	Class string
}

// Write renders r in the format (one of Formats).
func Write(w io.Writer, r *Report, format string) error {
	switch format {
	case "table":
		return writeTable(w, r)
	case "csv":
		return writeCSV(w, r)
	case "json":
		return writeJSON(w, r)
	case "html":
		return writeHTML(w, r)
	}
	return fmt.Errorf("unknown report format %q", format)
}

// text renders a cell for the table and CSV.
func text(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case float64:
		return strconv.FormatFloat(x, 'f', 1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v)
}

func (r *Report) header() []string {
	h := make([]string, len(r.Columns))
	for i, c := range r.Columns {
		h[i] = c.Name
	}
	return h
}

func writeTable(w io.Writer, r *Report) error {
	fmt.Fprintf(w, "%s\n", r.Title)
	if r.Subtitle != "" {
		fmt.Fprintf(w, "%s\n", r.Subtitle)
	}
	fmt.Fprintln(w)
	if len(r.Rows) == 0 {
		_, err := fmt.Fprintln(w, r.Empty)
		return err
	}
	rows := make([][]string, len(r.Rows))
	for i, row := range r.Rows {
		rows[i] = make([]string, len(row))
		for j, v := range row {
			rows[i][j] = text(v)
		}
	}
	return view.Table(w, r.header(), rows)
}

func writeCSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	cw.Write(r.header())
	rec := make([]string, len(r.Columns))
	for _, row := range r.Rows {
		for j, v := range row {
			rec[j] = csvCell(v)
		}
		cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// csvCell is a cell of the CSV report. A text cell that a spreadsheet
// would take for a formula (it starts with =, +, -, @, a tab or a carriage
// return: a client named =HYPERLINK(...) in an imported scan) gets a
// leading ' as OWASP recommends against CSV injection, so that it opens
// as the text it is; numbers are written as numbers.
func csvCell(v any) string {
	s := text(v)
	if _, isText := v.(string); isText && s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func writeJSON(w io.Writer, r *Report) error {
	rows := make([]map[string]any, len(r.Rows))
	for i, row := range r.Rows {
		m := make(map[string]any, len(row))
		for j, v := range row {
			m[r.Columns[j].Key] = v
		}
		rows[i] = m
	}
	doc := map[string]any{"format_version": "1.0", "report": r.Kind, "title": r.Title, "subtitle": r.Subtitle, "rows": rows}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
