package schema

import (
	"strings"
	"testing"
)

func TestParseScheduleValid(t *testing.T) {
	tests := map[string]struct {
		in   string
		want string // canonical form
	}{
		"days":                        {"every 7 days", "every 7 days"},
		"singular with one":           {"every 1 day", "every 1 days"},
		"plural with one":             {"every 1 hours", "every 1 hours"},
		"upper case and extra spaces": {"  EVERY   7\tDays ", "every 7 days"},
		"leading zero":                {"every 07 days", "every 7 days"},
		"minutes low edge":            {"every 1 minute", "every 1 minutes"},
		"minutes high edge":           {"every 59 minutes", "every 59 minutes"},
		"hours high edge":             {"every 23 hours", "every 23 hours"},
		"days low edge":               {"every 1 days", "every 1 days"},
		"days high edge":              {"every 31 days", "every 31 days"},
		"weeks low edge":              {"every 1 week", "every 1 weeks"},
		"weeks high edge":             {"every 4 weeks", "every 4 weeks"},
		"months low edge":             {"every 1 month", "every 1 months"},
		"months high edge":            {"every 12 months", "every 12 months"},
		"weekly":                      {"weekly on sunday at 02:00", "weekly on sunday at 02:00"},
		"weekly abbreviated day":      {"Weekly on SUN at 2:00", "weekly on sunday at 02:00"},
		"every 1 week on":             {"every 1 week on monday at 23:59", "weekly on monday at 23:59"},
		"every 4 weeks on":            {"every 4 weeks on saturday at 00:00", "every 4 weeks on saturday at 00:00"},
		"monthly by date low edge":    {"monthly on day 1 at 03:00", "monthly on day 1 at 03:00"},
		"monthly by date high edge":   {"monthly on day 31 at 03:00", "monthly on day 31 at 03:00"},
		"monthly on last day":         {"monthly on day LAST at 03:00", "monthly on day last at 03:00"},
		"every 12 months on day":      {"every 12 months on day 15 at 12:30", "every 12 months on day 15 at 12:30"},
		"every 1 month on day":        {"every 1 month on day 15 at 12:30", "monthly on day 15 at 12:30"},
		"monthly first weekday":       {"monthly on the first monday at 03:00", "monthly on the first monday at 03:00"},
		"monthly fourth weekday":      {"monthly on the fourth wed at 03:00", "monthly on the fourth wednesday at 03:00"},
		"monthly last weekday":        {"monthly on the last friday at 22:00", "monthly on the last friday at 22:00"},
		"every 3 months by weekday":   {"every 3 months on the second tuesday at 01:05", "every 3 months on the second tuesday at 01:05"},
		"once":                        {"once at 2026-12-01T02:00:00Z", "once at 2026-12-01T02:00:00Z"},
		"once lower-case rfc3339":     {"once at 2026-12-01t02:00:00z", "once at 2026-12-01T02:00:00Z"},
		"once with zero offset":       {"once at 2026-12-01T02:00:00+00:00", "once at 2026-12-01T02:00:00Z"},
		"once with offset":            {"once at 2026-12-01T02:00:00+01:00", "once at 2026-12-01T02:00:00+01:00"},
		"once local":                  {"once at 2026-12-01 02:00", "once at 2026-12-01 02:00"},
		"starting rfc3339":            {"every 7 days starting 2026-12-01T00:00:00Z", "every 7 days starting 2026-12-01T00:00:00Z"},
		"starting fractional":         {"every 7 days starting 2026-12-01T00:00:00.500Z", "every 7 days starting 2026-12-01T00:00:00.5Z"},
		"starting local":              {"weekly on sunday at 02:00 STARTING 2026-12-01 00:00", "weekly on sunday at 02:00 starting 2026-12-01 00:00"},
		"starting 1990":               {"every 1 days starting 1990-01-01T00:00:00Z", "every 1 days starting 1990-01-01T00:00:00Z"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			s, err := ParseSchedule(tt.in)
			if err != nil {
				t.Fatalf("ParseSchedule(%q): %v", tt.in, err)
			}
			if got := s.String(); got != tt.want {
				t.Errorf("ParseSchedule(%q).String() = %q, want %q", tt.in, got, tt.want)
			}
			again, err := ParseSchedule(s.String())
			if err != nil || !again.Equal(s) {
				t.Errorf("canonical form %q does not parse back to the same schedule (err %v)", s.String(), err)
			}
		})
	}
}

func TestParseScheduleFields(t *testing.T) {
	s, err := ParseSchedule("monthly on the last friday at 22:15 starting 2026-12-01T00:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	if s.Kind != ScheduleMonthlyByWeekday || s.Week != LastWeek || s.Weekday.String() != "Friday" || s.Hour != 22 || s.Minute != 15 || s.Every != 1 || s.Start.Year() != 2026 || s.StartLocal {
		t.Errorf("unexpected fields: %+v", s)
	}
	if !s.Recurring() {
		t.Error("a monthly schedule is recurring")
	}
	once, _ := ParseSchedule("once at 2026-12-01T02:00:00Z")
	if once.Recurring() {
		t.Error("a one-time schedule is not recurring")
	}
	a, _ := ParseSchedule("every 1 day")
	b, _ := ParseSchedule("EVERY 1 HOURS")
	c, _ := ParseSchedule("every 1 days")
	if !a.Equal(c) || a.Equal(b) {
		t.Error("Equal must compare the schedules, not their spelling")
	}
	if got, err := CanonicalSchedule("Weekly on Sun at 2:00"); err != nil || got != "weekly on sunday at 02:00" {
		t.Errorf("CanonicalSchedule = %q, %v", got, err)
	}
}

func TestParseScheduleInvalid(t *testing.T) {
	tests := map[string]struct {
		in      string
		wantErr string // a fragment of the error
	}{
		"empty":                    {"", "empty"},
		"blank":                    {"   ", "empty"},
		"unknown start":            {"daily at 02:00", `not "daily"`},
		"every alone":              {"every", "followed by a number"},
		"no unit":                  {"every 7", "no unit"},
		"unknown unit":             {"every 2 fortnights", `unknown unit "fortnights"`},
		"not a number":             {"every seven days", `"seven" is not a whole number`},
		"negative":                 {"every -1 days", "not a whole number"},
		"fraction":                 {"every 1.5 days", "not a whole number"},
		"singular with two":        {"every 2 day", `plural "days"`},
		"minutes zero":             {"every 0 minutes", "minutes go from 1 to 59"},
		"minutes above":            {"every 60 minutes", "minutes go from 1 to 59"},
		"hours zero":               {"every 0 hours", "hours go from 1 to 23"},
		"hours above":              {"every 24 hours", "hours go from 1 to 23"},
		"days zero":                {"every 0 days", "days go from 1 to 31"},
		"days above":               {"every 32 days", "days go from 1 to 31"},
		"weeks zero":               {"every 0 weeks", "weeks go from 1 to 4"},
		"weeks above":              {"every 5 weeks", "weeks go from 1 to 4"},
		"months zero":              {"every 0 months", "months go from 1 to 12"},
		"months above":             {"every 13 months", "months go from 1 to 12"},
		"huge number":              {"every 99999999999999999999999 days", "out of range"},
		"weekly weeks above":       {"every 5 weeks on monday at 02:00", "every 1 to 4 weeks"},
		"weekly weeks zero":        {"every 0 weeks on monday at 02:00", "every 1 to 4 weeks"},
		"monthly months above":     {"every 13 months on day 1 at 02:00", "every 1 to 12 months"},
		"monthly months zero":      {"every 0 months on day 1 at 02:00", "every 1 to 12 months"},
		"on with days":             {"every 2 days on monday at 02:00", "only weeks and months"},
		"weekly without on":        {"weekly sunday at 02:00", `expected "on"`},
		"weekly bad day":           {"weekly on funday at 02:00", `"funday" is not a weekday`},
		"weekly no day":            {"weekly on", "weekday should follow"},
		"weekly no at":             {"weekly on sunday", `"at" should follow`},
		"weekly no time":           {"weekly on sunday at", "followed by a time of day"},
		"hour 24":                  {"weekly on sunday at 24:00", `"24:00" is not a time of day`},
		"minute 60":                {"weekly on sunday at 02:60", "not a time of day"},
		"one-digit minute":         {"weekly on sunday at 02:5", "not a time of day"},
		"am/pm":                    {"weekly on sunday at 2am", "not a time of day"},
		"monthly day zero":         {"monthly on day 0 at 03:00", "day 0 is out of range"},
		"monthly day 32":           {"monthly on day 32 at 03:00", "day 32 is out of range"},
		"monthly day word":         {"monthly on day first at 03:00", `"first" is not a day of the month`},
		"monthly no day":           {"monthly on day", "followed by a day of the month"},
		"monthly fifth":            {"monthly on the fifth monday at 03:00", `"fifth" is not a week of the month`},
		"monthly bad keyword":      {"monthly on 1 at 03:00", `expected "day" or "the"`},
		"monthly nothing after on": {"monthly on", `followed by "day D"`},
		"monthly no at":            {"monthly on day 1", `"at" should follow`},
		"once no time":             {"once at", "followed by a time"},
		"once no at":               {"once 2026-12-01T02:00:00Z", `expected "at"`},
		"once no zone":             {"once at 2026-12-01T02:00:00", "is not a time"},
		"once before 1990":         {"once at 1989-12-31T23:59:59Z", "before 1990"},
		"once with starting":       {"once at 2026-12-01T02:00:00Z starting 2026-12-01T00:00:00Z", "no start time"},
		"trailing words":           {"every 7 days please", `unexpected "please"`},
		"starting nothing":         {"every 7 days starting", "followed by a time"},
		"starting bad":             {"every 7 days starting tomorrow", `"tomorrow" is not a time`},
		"after starting":           {"every 7 days starting 2026-12-01T00:00:00Z again", `unexpected "again" after the start time`},
		"starting before 1990":     {"every 7 days starting 1970-01-01T00:00:00Z", "before 1990"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := ParseSchedule(tt.in)
			if err == nil {
				t.Fatalf("ParseSchedule(%q) succeeded, want an error containing %q", tt.in, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseSchedule(%q) error = %q, want it to contain %q", tt.in, err, tt.wantErr)
			}
			// Every error shows a way to write it.
			if !strings.Contains(err.Error(), "for example") && !strings.Contains(err.Error(), "write") {
				t.Errorf("error %q gives no example", err)
			}
		})
	}
}

func FuzzParseSchedule(f *testing.F) {
	for _, s := range []string{
		"every 7 days", "every 1 hour", "weekly on sunday at 02:00", "every 2 weeks on mon at 1:00",
		"monthly on day last at 03:00", "monthly on the first monday at 03:00",
		"every 3 months on the last fri at 23:59 starting 2026-12-01 00:00",
		"once at 2026-12-01T02:00:00+01:00", "every 7 days starting 2026-12-01T00:00:00.123456789-05:30",
		"every 99999999999999999999 days", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseSchedule(in)
		if err != nil {
			return
		}
		canon := s.String()
		again, err := ParseSchedule(canon)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", canon, in, err)
		}
		if again.String() != canon {
			t.Fatalf("canonical form %q of %q prints as %q after a round trip", canon, in, again.String())
		}
		if again.Kind != s.Kind || again.Every != s.Every || again.Unit != s.Unit || again.Weekday != s.Weekday ||
			again.Week != s.Week || again.Day != s.Day || again.Hour != s.Hour || again.Minute != s.Minute ||
			!again.At.Equal(s.At) || again.AtLocal != s.AtLocal || !again.Start.Equal(s.Start) || again.StartLocal != s.StartLocal {
			t.Fatalf("round trip of %q changed the schedule: %+v -> %+v", in, s, again)
		}
	})
}
