package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// hostile holds the names that must survive every format.
var hostile = []string{`Jörg's "laptop", <script>alert(1)</script>`, "KÖLN-07 ✓", "=cmd|' /C calc'!A0"}

func sample() *Report {
	r := &Report{Kind: "compliance_by_collection", Title: "Compliance by collection <b>", Subtitle: "Site LAB",
		Columns: []Column{{Name: "Name", Key: "name"}, {Name: "Clients", Key: "clients"}, {Name: "Reported %", Key: "reported_percent"}, {Name: "Oldest scan", Key: "oldest_scan"}}}
	for i, h := range hostile {
		r.Rows = append(r.Rows, []any{h, int64(i + 3), 66.666, nil})
		r.Charts = append(r.Charts, Chart{Title: h, Bars: []Bar{
			{Label: "Clients", Segments: []Segment{{"Reported", 3, "reported"}, {"Not reported", 1, "not_reported"}}},
			{Label: "Updates on reported clients", Segments: []Segment{{"Installed", 6, "installed"}, {"Required", 2, "required"}, {"Reboot pending", 1, "reboot_pending"}, {"Not required", 0, "not_required"}, {"Unknown", 1, "unknown"}}},
		}})
	}
	return r
}

func render(t *testing.T, format string) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, sample(), format); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestCSVKeepsNames(t *testing.T) {
	recs, err := csv.NewReader(strings.NewReader(render(t, "csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs[1:] {
		got = append(got, r[0])
	}
	// The formula-like name comes out neutralised (TestCSVFormulas).
	want := []string{hostile[0], hostile[1], "'" + hostile[2]}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("names after a CSV round trip (-want +got):\n%s", d)
	}
	if recs[1][2] != "66.7" || recs[1][3] != "" {
		t.Errorf("cells %q", recs[1])
	}
}

func TestCSVFormulas(t *testing.T) {
	tests := map[string]struct {
		cell any
		want string
	}{
		"equals":          {"=HYPERLINK(\"http://x\",\"PC01\")", "'=HYPERLINK(\"http://x\",\"PC01\")"},
		"plus":            {"+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		"minus":           {"-2+3", "'-2+3"},
		"at":              {"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		"tab":             {"\t=1", "'\t=1"},
		"carriage return": {"\r=1", "'\r=1"},
		"plain text":      {"PC01", "PC01"},
		"inner equals":    {"a=b", "a=b"},
		"empty":           {"", ""},
		"null":            {nil, ""},
		"negative int":    {int64(-5), "-5"},
		"negative float":  {-2.5, "-2.5"},
		"percent":         {66.666, "66.7"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			r := &Report{Columns: []Column{{Name: "Cell", Key: "cell"}, {Name: "Name", Key: "name"}}, Rows: [][]any{{tc.cell, "PC01"}}}
			var b bytes.Buffer
			if err := Write(&b, r, "csv"); err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(&b).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if got := recs[1][0]; got != tc.want {
				t.Errorf("cell %q: got %q, want %q", tc.cell, got, tc.want)
			}
		})
	}
}

func TestJSONKeepsNames(t *testing.T) {
	var doc struct {
		Report string
		Rows   []map[string]any
	}
	if err := json.Unmarshal([]byte(render(t, "json")), &doc); err != nil {
		t.Fatal(err)
	}
	for i, h := range hostile {
		if doc.Rows[i]["name"] != h {
			t.Errorf("row %d name %q, want %q", i, doc.Rows[i]["name"], h)
		}
	}
	if doc.Report != "compliance_by_collection" || doc.Rows[0]["oldest_scan"] != nil || doc.Rows[0]["clients"] != 3.0 {
		t.Errorf("document: %+v", doc)
	}
}

func TestTableKeepsNames(t *testing.T) {
	out := render(t, "table")
	for _, h := range hostile {
		if !strings.Contains(out, h) {
			t.Errorf("table lacks %q:\n%s", h, out)
		}
	}
}

// The HTML page escapes every value and refers to nothing outside itself.
func TestHTMLEscapesAndStandsAlone(t *testing.T) {
	out := render(t, "html")
	for _, bad := range []string{"<script", "<b>", "src=", "href=", "url(", "@import", "https://"} {
		if strings.Contains(out, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "KÖLN-07 ✓", "Jörg&#39;s &#34;laptop&#34;,", `<td class="num">66.7</td>`, "@media print"} {
		if !strings.Contains(out, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if n := strings.Count(out, "<svg"); n != 2*len(hostile) {
		t.Errorf("%d charts, want %d", n, 2*len(hostile))
	}
}

func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("UPDPLAN_REQUIRE_SERVERS") == "1" {
		t.Fatal("chromium is not installed and UPDPLAN_REQUIRE_SERVERS=1: install the Debian package chromium")
	}
	t.Skip("chromium is not installed: install the Debian package chromium to run this test")
	return ""
}

// A headless Chromium renders the page without console messages, draws
// the charts (their colours are on the screenshot) and prints it to PDF.
func TestHTMLRendersInChromium(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, []byte(render(t, "html")), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		args = append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + filepath.Join(dir, "profile"),
			"--enable-logging=stderr", "--v=0", "--no-first-run"}, args...)
		cmd := exec.Command(bin, append(args, "file://"+page)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		return stderr.String()
	}
	shot := filepath.Join(dir, "shot.png")
	logs := run("--window-size=1000,1400", "--screenshot="+shot)
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, ":CONSOLE") {
			t.Errorf("console message: %s", l)
		}
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]color.RGBA{
		"installed": {0x2d, 0xa4, 0x4e, 0xff}, "required": {0xcf, 0x22, 0x2e, 0xff},
		"reported": {0x09, 0x69, 0xda, 0xff}, "reboot_pending": {0xbf, 0x87, 0x00, 0xff},
	} {
		// A bar segment is hundreds of pixels; a legend square alone is
		// about 150.
		if n := countPixels(img, c); n < 1000 {
			t.Errorf("%d pixels of the %s colour on the screenshot: the charts did not render", n, name)
		}
	}
	pdf := filepath.Join(dir, "report.pdf")
	run("--no-pdf-header-footer", "--print-to-pdf="+pdf)
	b, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("no PDF printed: %v", err)
	}
}

func countPixels(img image.Image, want color.RGBA) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if uint8(r>>8) == want.R && uint8(g>>8) == want.G && uint8(bl>>8) == want.B {
				n++
			}
		}
	}
	return n
}
