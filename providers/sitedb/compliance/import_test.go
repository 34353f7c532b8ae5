package compliance_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/updplan/updplan/providers/sitedb/compliance"
	"golang.org/x/text/encoding/unicode"
)

const header = "ResourceID,Name0,UniqueUpdateID,ID,QNumbers,Title,LastStateName,ScanDateTime,LastHWScan\n"

const firstScan = header +
	"16777220,PC01,aaaa-1,MS08-067,958644,Security Update for Windows XP (KB958644),Installed,2026-11-30T08:00:00Z,2026-11-30T09:00:00Z\n" +
	"16777220,PC01,bbbb-2,MS09-001,958687,\"Update, with a comma and \"\"quotes\"\"\",Required,2026-11-30T08:00:00Z,2026-11-30T09:00:00Z\n" +
	"16777221,PC02,aaaa-1,MS08-067,958644,Security Update for Windows XP (KB958644),Applicable,2026-11-29 07:00:00,\n"

func counts(r *compliance.Result) compliance.Counts { return r.Counts }

func TestImportScanResults(t *testing.T) {
	eachDriver(t, func(t *testing.T, s *compliance.Store) {
		got := counts(mustImport(t, s, "scan.csv", firstScan))
		want := compliance.Counts{Rows: 3, Added: 3}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("first import (-want +got):\n%s", d)
		}
		// The same file again changes nothing.
		got = counts(mustImport(t, s, "scan.csv", firstScan))
		if d := cmp.Diff(compliance.Counts{Rows: 3, Unchanged: 3}, got); d != "" {
			t.Errorf("second import (-want +got):\n%s", d)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM scan_results WHERE state = 'required'`); n != 2 {
			t.Errorf("%d required rows, want 2 (Applicable is Required)", n)
		}
		var title string
		s.DB.QueryRow(`SELECT title FROM scan_results WHERE update_id = 'bbbb-2'`).Scan(&title)
		if title != `Update, with a comma and "quotes"` {
			t.Errorf("title %q", title)
		}
		// A newer scan of PC01 replaces its rows: bbbb-2 is gone, aaaa-1
		// is updated; PC02 is not in the file and keeps its row.
		newer := header + "16777220,PC01-renamed,aaaa-1,MS08-067,958644,Security Update for Windows XP (KB958644),Required,2026-12-05T08:00:00Z,2026-12-05T09:00:00Z\n"
		got = counts(mustImport(t, s, "newer.csv", newer))
		if d := cmp.Diff(compliance.Counts{Rows: 1, Updated: 1, Removed: 1}, got); d != "" {
			t.Errorf("newer scan (-want +got):\n%s", d)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM scan_results`); n != 2 {
			t.Errorf("%d rows after the newer scan, want 2", n)
		}
		var name, inv string
		s.DB.QueryRow(`SELECT name, inventoried_at FROM scan_clients WHERE resource_id = 16777220`).Scan(&name, &inv)
		if name != "PC01-renamed" || inv != "2026-12-05T09:00:00Z" {
			t.Errorf("client row: %q %q", name, inv)
		}
		// The older scan again: superseded, nothing changes.
		got = counts(mustImport(t, s, "scan.csv", firstScan))
		if d := cmp.Diff(compliance.Counts{Rows: 3, Unchanged: 1, Superseded: 2}, got); d != "" {
			t.Errorf("older scan after the newer (-want +got):\n%s", d)
		}
	})
}

func TestImportRejectsBadRows(t *testing.T) {
	eachDriver(t, func(t *testing.T, s *compliance.Store) {
		content := "Extra,LastHWScan,ScanDateTime,LastStateName,Title,QNumbers,ID,UniqueUpdateID,Name0,ResourceID\n" +
			"x,,2026-11-30T08:00:00Z,Installed,T,1,B,u1,PC01,1\n" + // line 2: fine
			"x,,2026-13-30T08:00:00Z,Installed,T,1,B,u2,PC01,1\n" + // bad date
			"x,,2026-11-30T08:00:00Z,Maybe,T,1,B,u3,PC01,1\n" + // unknown state
			"x,,2026-11-30T08:00:00Z,Installed,T,1,B,u1,PC01,1\n" + // duplicate of line 2
			"x,,2026-11-30T08:00:00Z,Installed,T,1,B,u4,PC01,-5\n" + // bad resource id
			"x,,2026-11-30T08:00:00Z,Installed,T,1\n" // truncated line
		res := mustImport(t, s, "bad.csv", content)
		want := []compliance.Rejection{
			{3, `ScanDateTime "2026-13-30T08:00:00Z" is not an ISO 8601 time such as 2026-11-30T08:15:00Z or 2026-11-30 08:15:00`},
			{4, `LastStateName "Maybe" is not one of Installed, Required (or Applicable), Not Required, Reboot pending, Unknown`},
			{5, "a duplicate of line 2 (same client, update and scan time)"},
			{6, `ResourceID "-5" is not a positive whole number`},
			{7, "6 fields, the header has 10 (a truncated line, or a comma in a value that is not quoted)"},
		}
		if d := cmp.Diff(want, res.Rejections); d != "" {
			t.Errorf("rejections (-want +got):\n%s", d)
		}
		if d := cmp.Diff(compliance.Counts{Rows: 6, Added: 1, Rejected: 5}, res.Counts); d != "" {
			t.Errorf("counts (-want +got):\n%s", d)
		}
	})
}

func TestImportFileFaults(t *testing.T) {
	tests := map[string]struct {
		content, summary string
		line             int
	}{
		"missing columns":    {"ResourceID,Name0,UniqueUpdateID\n1,PC,u\n", "Missing columns", 1},
		"unknown file":       {"a,b\n1,2\n", "Unknown inventory file", 1},
		"unterminated quote": {header + "1,PC01,u,B,1,\"Title never ends,Installed,2026-11-30T08:00:00Z,\n", "Malformed CSV", 2},
		"empty":              {"", "Empty inventory file", 0},
		"utf-16 without bom": {"R\x00e\x00s\x00", "Unsupported file encoding", 1},
		"bad json":           {"{\"ResourceID\": 1,\n", "Malformed JSON line", 1},
	}
	eachDriver(t, func(t *testing.T, s *compliance.Store) {
		mustImport(t, s, "scan.csv", firstScan)
		for name, tc := range tests {
			t.Run(name, func(t *testing.T) {
				_, d := importString(t, s, "f.csv", tc.content)
				if !d.HasErrors() || d[0].Summary != tc.summary {
					t.Fatalf("want %q, got %s", tc.summary, d.Error())
				}
				if tc.line > 0 && (d[0].Subject == nil || d[0].Subject.Start.Line != tc.line) {
					t.Errorf("subject %v, want line %d", d[0].Subject, tc.line)
				}
				if !strings.Contains(d[0].Detail, "Nothing of the file was imported") {
					t.Errorf("detail does not say nothing was imported: %s", d[0].Detail)
				}
			})
		}
		if n := count(t, s, `SELECT COUNT(*) FROM scan_results`); n != 3 {
			t.Errorf("%d rows after failed imports, want the first file's 3", n)
		}
	})
}

// A file that fails after some rows were staged leaves nothing behind.
func TestImportFailingFileLeavesNothing(t *testing.T) {
	eachDriver(t, func(t *testing.T, s *compliance.Store) {
		var b strings.Builder
		b.WriteString(header)
		for i := 0; i < 1000; i++ {
			b.WriteString("5,PC05,u" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + ",B,1,T,Installed,2026-11-30T08:00:00Z,\n")
		}
		b.WriteString("5,PC05,\"broken\n")
		if _, d := importString(t, s, "big.csv", b.String()); !d.HasErrors() {
			t.Fatal("want an error")
		}
		if n := count(t, s, `SELECT COUNT(*) FROM scan_results`) + count(t, s, `SELECT COUNT(*) FROM scan_clients`); n != 0 {
			t.Errorf("%d rows left by a failed file", n)
		}
	})
}

func TestImportUTF16AndJSONLines(t *testing.T) {
	eachDriver(t, func(t *testing.T, s *compliance.Store) {
		enc, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(firstScan)
		if got := counts(mustImport(t, s, "ssms.csv", enc)); got.Added != 3 || got.Rejected != 0 {
			t.Errorf("UTF-16 file: %+v", got)
		}
		jl := `{"ResourceID": 16777220, "Name0": "PC01", "UniqueUpdateID": "aaaa-1", "ID": "MS08-067", "QNumbers": "958644", "Title": "Security Update for Windows XP (KB958644)", "LastStateName": "Installed", "ScanDateTime": "2026-11-30T08:00:00Z", "LastHWScan": "2026-11-30T09:00:00Z", "Ignored": [1]}
{"ResourceID": 16777222, "Name0": "Jörg's <script>", "UniqueUpdateID": "aaaa-1", "LastStateName": "Reboot pending", "ScanDateTime": "2026-11-30T08:00:00Z"}
{"ResourceID": "x", "Name0": "PC09", "UniqueUpdateID": "aaaa-1", "LastStateName": "Installed", "ScanDateTime": "2026-11-30T08:00:00Z"}
`
		res := mustImport(t, s, "scan.jsonl", jl)
		if d := cmp.Diff(compliance.Counts{Rows: 3, Added: 1, Unchanged: 1, Rejected: 1}, res.Counts); d != "" {
			t.Errorf("JSON lines (-want +got):\n%s", d)
		}
		var name string
		s.DB.QueryRow(`SELECT name FROM scan_clients WHERE resource_id = 16777222`).Scan(&name)
		if name != "Jörg's <script>" {
			t.Errorf("name %q", name)
		}
	})
}

func TestImportMemberships(t *testing.T) {
	eachDriver(t, func(t *testing.T, s *compliance.Store) {
		members := "CollectionID,ResourceID,Name,SiteCode\nSMS00001,16777220,PC01,LAB\nSMS00001,16777221,PC02,LAB\nLAB00012,16777220,PC01,LAB\nLAB00012,16777220,PC01,LAB\nbad,1,PC,LAB\n"
		res := mustImport(t, s, "members.csv", members)
		if d := cmp.Diff(compliance.Counts{Rows: 5, Added: 3, Rejected: 2}, res.Counts); d != "" {
			t.Errorf("first import (-want +got):\n%s", d)
		}
		if got := counts(mustImport(t, s, "members.csv", members)); got.Unchanged != 3 || got.Added+got.Updated+got.Removed != 0 {
			t.Errorf("second import: %+v", got)
		}
		// A new export of SMS00001 replaces its members; LAB00012 is kept.
		got := counts(mustImport(t, s, "m2.csv", "CollectionID,ResourceID,Name\nSMS00001,16777221,PC02-new\n"))
		if d := cmp.Diff(compliance.Counts{Rows: 1, Updated: 1, Removed: 1}, got); d != "" {
			t.Errorf("new export (-want +got):\n%s", d)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM collection_members`); n != 2 {
			t.Errorf("%d members, want 2", n)
		}
	})
}
