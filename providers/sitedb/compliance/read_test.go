package compliance

import (
	"strings"
	"testing"
	"time"
)

// The spellings looked up as they are give what lowering them gives, and
// any other spelling still goes through the lowered lookup.
func TestStateOf(t *testing.T) {
	for spelling, want := range stateSpellings {
		if got := states[strings.ToLower(spelling)]; got != want {
			t.Errorf("stateSpellings[%q] = %q, the lowered lookup gives %q", spelling, want, got)
		}
	}
	for _, tt := range []struct{ in, want string }{
		{"Installed", "installed"},
		{" INSTALLED ", "installed"},
		{"not required", "not_required"},
		{"Reboot pending", "reboot_pending"},
		{"applicable", "required"},
		{"Superseded", ""},
	} {
		got, ok := stateOf(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("stateOf(%q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

// A row's hardware-inventory time is parsed with its own cache, so it
// neither evicts nor takes the scan time's.
func TestScanRowTimeCaches(t *testing.T) {
	p := timeParser{now: time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)}
	row := func(scan, hw string) scanRow {
		t.Helper()
		f := make([]string, cInventoried+1)
		f[cResource], f[cName], f[cUpdate], f[cState], f[cScanned], f[cInventoried] = "16777220", "PC1", "u1", "Installed", scan, hw
		r, why := p.scanRow(2, f)
		if why != "" {
			t.Fatalf("scanRow: %s", why)
		}
		return r
	}
	for _, tt := range []struct{ scan, hw, wantScan, wantHW string }{
		{"2026-11-30T08:15:00Z", "2026-11-29 07:00:00", "2026-11-30T08:15:00Z", "2026-11-29T07:00:00Z"},
		{"2026-11-30T08:15:00Z", "2026-11-28T06:00:00Z", "2026-11-30T08:15:00Z", "2026-11-28T06:00:00Z"},
		{"2026-12-01 09:00:00", "2026-11-28T06:00:00Z", "2026-12-01T09:00:00Z", "2026-11-28T06:00:00Z"},
		{"2026-12-01 09:00:00", "", "2026-12-01T09:00:00Z", ""},
	} {
		r := row(tt.scan, tt.hw)
		if r.scanned != tt.wantScan || r.inventoried != tt.wantHW {
			t.Errorf("scan %q, hw %q: got %q, %q; want %q, %q", tt.scan, tt.hw, r.scanned, r.inventoried, tt.wantScan, tt.wantHW)
		}
	}
}
