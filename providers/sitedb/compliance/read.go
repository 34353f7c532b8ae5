package compliance

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Kind is what a file holds, known from its columns.
type Kind string

const (
	ScanResults Kind = "scan results"
	Memberships Kind = "collection memberships"
)

// column is one column a file kind knows.
type column struct {
	name     string
	required bool
}

// The columns of a scan-result export (v_GS_PatchStatusEx joined with
// v_R_System and v_GS_WORKSTATION_STATUS) and of a membership export
// (v_FullCollectionMembership). Names match case-insensitively; other
// columns are ignored.
var (
	scanColumns = []column{
		{"ResourceID", true}, {"Name0", true}, {"UniqueUpdateID", true}, {"ID", false},
		{"QNumbers", false}, {"Title", false}, {"LastStateName", true}, {"ScanDateTime", true},
		{"LastHWScan", false},
	}
	memberColumns = []column{{"CollectionID", true}, {"ResourceID", true}, {"Name", true}}
)

// Indexes into a row's fields, in the order of the column lists above.
const (
	cResource = iota
	cName
	cUpdate
	cBulletin
	cArticle
	cTitle
	cState
	cScanned
	cInventoried
)

const (
	mCollection = iota
	mResource
	mName
)

// FileError is a fault of a whole file: nothing of it is imported.
type FileError struct {
	Line    int // 0 when not tied to a line
	Summary string
	Detail  string
}

func (e *FileError) Error() string { return e.Summary + ": " + e.Detail }

// rowError rejects one row; the rest of the file is imported.
type rowError struct {
	line   int
	reason string
}

func (e *rowError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.reason) }

// readError is a failure to read the file itself (I/O, cancellation).
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// readErrors marks every error of r but io.EOF as a readError.
type readErrors struct{ r io.Reader }

func (r readErrors) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = &readError{err}
	}
	return n, err
}

// rows reads the rows of one file: CSV or JSON lines, UTF-8 (with or
// without a byte order mark) or UTF-16 with a byte order mark.
type rows struct {
	kind Kind
	// next fills fields (one per column of kind, "" when absent) and
	// returns the row's line; io.EOF at the end; a *FileError for a fault
	// of the file; a *rowError for a row that cannot be read.
	next   func(fields []string) (int, error)
	fields []string
}

// openRows sniffs the encoding and the format, reads the header and
// returns the row reader.
func openRows(r io.Reader) (*rows, error) {
	br := bufio.NewReaderSize(readErrors{r}, 1<<16)
	head, _ := br.Peek(4)
	var in io.Reader = br
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}), bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		in = bufio.NewReaderSize(transform.NewReader(br, dec), 1<<16)
	case bytes.HasPrefix(head, []byte{0xEF, 0xBB, 0xBF}):
		br.Discard(3)
	case len(head) >= 2 && (head[0] == 0 || head[1] == 0):
		return nil, &FileError{Line: 1, Summary: "Unsupported file encoding",
			Detail: "The file looks like UTF-16 without a byte order mark. Save it as UTF-8, or as UTF-16 with a byte order mark (SQL Server Management Studio's \"Unicode\"), and import it again."}
	}
	bin := in.(*bufio.Reader)
	first, err := firstNonSpace(bin)
	if err == io.EOF {
		return nil, &FileError{Summary: "Empty inventory file", Detail: "The file holds no header and no rows. Export the scan results or collection memberships again."}
	}
	if err != nil {
		return nil, err
	}
	if first == '{' {
		return jsonRows(bin)
	}
	return csvRows(bin)
}

func firstNonSpace(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		if b != ' ' && b != '\t' && b != '\r' && b != '\n' {
			return b, br.UnreadByte()
		}
	}
}

// kindOf decides the file kind from its column names and maps each known
// column to its position in names (-1 when absent).
func kindOf(names []string) (Kind, []int, error) {
	has := map[string]int{}
	for i, n := range names {
		k := strings.ToLower(strings.TrimSpace(n))
		if _, dup := has[k]; dup {
			return "", nil, &FileError{Line: 1, Summary: "Duplicate column", Detail: fmt.Sprintf("The column %q appears twice in the header. Remove one of them and import the file again.", strings.TrimSpace(n))}
		}
		has[k] = i
	}
	var (
		kind Kind
		cols []column
	)
	_, collection := has["collectionid"]
	_, update := has["uniqueupdateid"]
	switch {
	case update:
		kind, cols = ScanResults, scanColumns
	case collection:
		kind, cols = Memberships, memberColumns
	default:
		return "", nil, &FileError{Line: 1, Summary: "Unknown inventory file",
			Detail: fmt.Sprintf("The header (%s) has neither UniqueUpdateID (a scan-result export: %s) nor CollectionID (a collection membership export: %s). Export one of those and import it again.",
				clip(strings.Join(names, ","), 200), columnList(scanColumns), columnList(memberColumns))}
	}
	pos := make([]int, len(cols))
	var missing []string
	for i, c := range cols {
		p, ok := has[strings.ToLower(c.name)]
		if !ok {
			p = -1
			if c.required {
				missing = append(missing, c.name)
			}
		}
		pos[i] = p
	}
	if len(missing) > 0 {
		return "", nil, &FileError{Line: 1, Summary: "Missing columns",
			Detail: fmt.Sprintf("The %s file has no column %s. Its header must name at least %s (in any order; other columns are ignored). Export it again with those columns.",
				kind, strings.Join(missing, ", "), columnList(requiredOnly(cols)))}
	}
	return kind, pos, nil
}

func requiredOnly(cols []column) []column {
	var out []column
	for _, c := range cols {
		if c.required {
			out = append(out, c)
		}
	}
	return out
}

func columnList(cols []column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	return strings.Join(names, ",")
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func csvRows(r io.Reader) (*rows, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, csvError(err)
	}
	kind, pos, err := kindOf(header)
	if err != nil {
		return nil, err
	}
	width := len(header)
	out := &rows{kind: kind, fields: make([]string, len(pos))}
	out.next = func(fields []string) (int, error) {
		rec, err := cr.Read()
		if err != nil {
			if err == io.EOF {
				return 0, err
			}
			return 0, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && rec[0] == "" {
			return line, &rowError{line, "empty line"}
		}
		if len(rec) != width {
			return line, &rowError{line, fmt.Sprintf("%d fields, the header has %d (a truncated line, or a comma in a value that is not quoted)", len(rec), width)}
		}
		for i, p := range pos {
			if p < 0 {
				fields[i] = ""
				continue
			}
			fields[i] = rec[p]
		}
		return line, nil
	}
	return out, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &FileError{Line: pe.Line, Summary: "Malformed CSV",
			Detail: fmt.Sprintf("The file is not valid CSV at line %d, column %d: %s. A quoted value that never ends usually means a truncated file. Export the file again.", pe.Line, pe.Column, pe.Err)}
	}
	return err
}

// jsonRows reads JSON lines: one object per line with the CSV's column
// names as keys; strings, numbers or null as values.
func jsonRows(br *bufio.Reader) (*rows, error) {
	line := 0
	var pos []int
	var names []string
	readLine := func() ([]byte, error) {
		for {
			b, err := br.ReadSlice('\n')
			if err == bufio.ErrBufferFull {
				// A line longer than the buffer: gather it.
				all := append([]byte(nil), b...)
				for err == bufio.ErrBufferFull {
					if len(all) > 16<<20 {
						return nil, &FileError{Line: line + 1, Summary: "Line too long", Detail: fmt.Sprintf("Line %d is longer than 16 MiB: this is not a JSON-lines export of scan results. Check the file.", line+1)}
					}
					b, err = br.ReadSlice('\n')
					all = append(all, b...)
				}
				b = all
			}
			if err != nil && err != io.EOF {
				return nil, err
			}
			if len(b) == 0 && err == io.EOF {
				return nil, io.EOF
			}
			line++
			if t := bytes.TrimSpace(b); len(t) > 0 {
				return t, nil
			}
			if err == io.EOF {
				return nil, io.EOF
			}
		}
	}
	var obj map[string]json.RawMessage
	decode := func(b []byte) error {
		clear(obj)
		if err := json.Unmarshal(b, &obj); err != nil {
			return &rowError{line, "not a JSON object: " + err.Error()}
		}
		return nil
	}
	first, err := readLine()
	if err != nil {
		return nil, err
	}
	obj = map[string]json.RawMessage{}
	if err := decode(first); err != nil {
		return nil, &FileError{Line: line, Summary: "Malformed JSON line", Detail: fmt.Sprintf("Line %d is not a JSON object (%s). A JSON-lines file holds one object per line, with the CSV export's column names as keys.", line, err.(*rowError).reason)}
	}
	for k := range obj {
		names = append(names, k)
	}
	kind, p, err := kindOf(names)
	if err != nil {
		return nil, err
	}
	pos = p
	cols := scanColumns
	if kind == Memberships {
		cols = memberColumns
	}
	keys := map[string]int{} // lower-case key -> column
	for i, c := range cols {
		if pos[i] >= 0 {
			keys[strings.ToLower(c.name)] = i
		}
	}
	pending := true
	out := &rows{kind: kind, fields: make([]string, len(cols))}
	out.next = func(fields []string) (int, error) {
		if !pending {
			b, err := readLine()
			if err != nil {
				return 0, err
			}
			if err := decode(b); err != nil {
				return line, err
			}
		}
		pending = false
		for i := range fields {
			fields[i] = ""
		}
		seen := 0
		for k, raw := range obj {
			i, ok := keys[strings.ToLower(k)]
			if !ok {
				continue
			}
			seen++
			v, err := jsonScalar(raw)
			if err != nil {
				return line, &rowError{line, fmt.Sprintf("%s: %s", k, err)}
			}
			fields[i] = v
		}
		for i, c := range cols {
			if c.required && pos[i] >= 0 && fields[i] == "" {
				if _, ok := lookupKey(obj, c.name); !ok {
					return line, &rowError{line, "no " + c.name}
				}
			}
		}
		return line, nil
	}
	return out, nil
}

func lookupKey(obj map[string]json.RawMessage, name string) (json.RawMessage, bool) {
	for k, v := range obj {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

func jsonScalar(raw json.RawMessage) (string, error) {
	if len(raw) == 0 {
		return "", nil
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", err
		}
		return s, nil
	case 'n':
		return "", nil
	case '{', '[':
		return "", errors.New("an object or array where a string or number belongs")
	}
	return string(raw), nil
}

// states maps LastStateName (case-insensitively) to the stored state.
var states = map[string]string{
	"installed":      "installed",
	"required":       "required",
	"applicable":     "required",
	"not required":   "not_required",
	"not applicable": "not_required",
	"reboot pending": "reboot_pending",
	"unknown":        "unknown",
}

// stateSpellings are the LastStateName values as exports write them,
// looked up as they are: lowering each row's state costs an allocation.
var stateSpellings = map[string]string{
	"Installed":      "installed",
	"Required":       "required",
	"Applicable":     "required",
	"Not Required":   "not_required",
	"Not Applicable": "not_required",
	"Reboot pending": "reboot_pending",
	"Reboot Pending": "reboot_pending",
	"Unknown":        "unknown",
}

// stateOf maps a LastStateName, in any letter case and with spaces
// around it, to its stored state.
func stateOf(s string) (string, bool) {
	if st, ok := stateSpellings[s]; ok {
		return st, true
	}
	st, ok := states[strings.ToLower(strings.TrimSpace(s))]
	return st, ok
}

// StateNames are the stored states, in report order.
var StateNames = []string{"installed", "required", "reboot_pending", "not_required", "unknown"}

// timeLayout is how times are stored: UTC, fixed width, so text order is
// time order.
const timeLayout = "2006-01-02T15:04:05Z"

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
}

// timeParser parses ISO 8601 times, remembering the last one: a client's
// rows share their scan time.
type timeParser struct {
	now        time.Time
	last, conv string
	// hw caches the hardware-inventory times (LastHWScan) apart from the
	// scan times, which they would otherwise keep evicting.
	hw *timeParser
}

func (p *timeParser) parse(s, what string) (string, string) {
	s = strings.TrimSpace(s)
	if s == p.last && s != "" {
		return p.conv, ""
	}
	for _, l := range timeLayouts {
		t, err := time.Parse(l, s)
		if err != nil {
			continue
		}
		t = t.UTC()
		switch {
		case t.Year() < 1995:
			// WMI's "unset" time is 1990-01-01; no ITMU scan is older than 2005.
			return "", fmt.Sprintf("%s %q is before 1995: an unset time, not a scan", what, s)
		case t.After(p.now.Add(24 * time.Hour)):
			return "", fmt.Sprintf("%s %q is in the future (check the clock of the client or of the export)", what, s)
		}
		p.last, p.conv = s, t.Format(timeLayout)
		return p.conv, ""
	}
	return "", fmt.Sprintf("%s %q is not an ISO 8601 time such as 2026-11-30T08:15:00Z or 2026-11-30 08:15:00", what, s)
}

// scanRow is a validated row of a scan-result file.
type scanRow struct {
	line                               int
	resourceID                         int64
	name, updateID, bulletin, article  string
	title, state, scanned, inventoried string
}

func validText(fields []string) string {
	for _, f := range fields {
		if !utf8.ValidString(f) {
			return "a value that is not valid UTF-8 (save the file as UTF-8, or UTF-16 with a byte order mark)"
		}
	}
	return ""
}

func parseResourceID(s string) (int64, string) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Sprintf("ResourceID %q is not a positive whole number", clip(s, 40))
	}
	return n, ""
}

func (p *timeParser) scanRow(line int, f []string) (scanRow, string) {
	if why := validText(f); why != "" {
		return scanRow{}, why
	}
	id, why := parseResourceID(f[cResource])
	if why != "" {
		return scanRow{}, why
	}
	r := scanRow{line: line, resourceID: id, name: strings.TrimSpace(f[cName]), updateID: strings.TrimSpace(f[cUpdate]),
		bulletin: strings.TrimSpace(f[cBulletin]), article: strings.TrimSpace(f[cArticle]), title: f[cTitle]}
	switch {
	case r.name == "":
		return r, "no computer name (Name0)"
	case r.updateID == "":
		return r, "no UniqueUpdateID"
	}
	st, ok := stateOf(f[cState])
	if !ok {
		return r, fmt.Sprintf("LastStateName %q is not one of Installed, Required (or Applicable), Not Required, Reboot pending, Unknown", clip(f[cState], 40))
	}
	r.state = st
	if r.scanned, why = p.parse(f[cScanned], "ScanDateTime"); why != "" {
		return r, why
	}
	if strings.TrimSpace(f[cInventoried]) != "" {
		if p.hw == nil {
			p.hw = &timeParser{now: p.now}
		}
		if r.inventoried, why = p.hw.parse(f[cInventoried], "LastHWScan"); why != "" {
			return r, why
		}
	}
	return r, ""
}

// memberRow is a validated row of a membership file.
type memberRow struct {
	line         int
	collectionID string
	resourceID   int64
	name         string
}

func memberRowOf(line int, f []string) (memberRow, string) {
	if why := validText(f); why != "" {
		return memberRow{}, why
	}
	id, why := parseResourceID(f[mResource])
	if why != "" {
		return memberRow{}, why
	}
	c := strings.ToUpper(strings.TrimSpace(f[mCollection]))
	if !validCollectionID(c) {
		return memberRow{}, fmt.Sprintf("CollectionID %q is not a collection id (the site code and five hex digits, e.g. SMS00001)", clip(f[mCollection], 40))
	}
	name := strings.TrimSpace(f[mName])
	if name == "" {
		return memberRow{}, "no computer name (Name)"
	}
	return memberRow{line: line, collectionID: c, resourceID: id, name: name}, ""
}

func validCollectionID(s string) bool {
	if len(s) != 8 {
		return false
	}
	for i := 0; i < 8; i++ {
		c := s[i]
		alnum := c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		hex := c >= 'A' && c <= 'F' || c >= '0' && c <= '9'
		if i < 3 && !alnum || i >= 3 && !hex {
			return false
		}
	}
	return true
}
