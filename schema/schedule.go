package schema

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// ScheduleKind says which form a Schedule has.
type ScheduleKind int

const (
	// ScheduleInterval: "every N minutes|hours|days|weeks|months".
	ScheduleInterval ScheduleKind = iota + 1
	// ScheduleWeekly: "weekly on <weekday> at HH:MM" or
	// "every N weeks on <weekday> at HH:MM".
	ScheduleWeekly
	// ScheduleMonthlyByDate: "monthly on day D at HH:MM" (D 1–31 or last).
	ScheduleMonthlyByDate
	// ScheduleMonthlyByWeekday: "monthly on the first monday at HH:MM".
	ScheduleMonthlyByWeekday
	// ScheduleOnce: "once at <time>".
	ScheduleOnce
)

// IntervalUnit is the unit of an interval schedule.
type IntervalUnit string

const (
	Minutes IntervalUnit = "minutes"
	Hours   IntervalUnit = "hours"
	Days    IntervalUnit = "days"
	Weeks   IntervalUnit = "weeks"
	Months  IntervalUnit = "months"
)

// LastDay is Schedule.Day for "monthly on day last".
const LastDay = -1

// LastWeek is Schedule.Week for "monthly on the last <weekday>".
const LastWeek = -1

// Schedule is a parsed schedule string (DESIGN.md §3). Two spellings of one
// schedule parse to equal values and print the same canonical String.
//
// Invariants, by Kind:
//   - ScheduleInterval: Unit set, Every within the unit's ConfigMgr range
//     (minutes 1–59, hours 1–23, days 1–31, weeks 1–4, months 1–12).
//   - ScheduleWeekly: Every 1–4 weeks, Weekday, Hour, Minute.
//   - ScheduleMonthlyByDate: Every 1–12 months, Day 1–31 or LastDay, Hour, Minute.
//   - ScheduleMonthlyByWeekday: Every 1–12 months, Week 1–4 or LastWeek,
//     Weekday, Hour, Minute.
//   - ScheduleOnce: At; never a Start.
//
// Start is the zero time when no "starting" clause was given. StartLocal
// (and AtLocal for once) mark times written without a zone offset
// ("2026-12-01 02:00"): they are client local time, as ConfigMgr's
// IsGMT = false, and are kept in UTC fields only as a carrier.
type Schedule struct {
	Kind    ScheduleKind
	Every   int
	Unit    IntervalUnit
	Weekday time.Weekday
	Week    int
	Day     int
	Hour    int
	Minute  int

	At      time.Time
	AtLocal bool

	Start      time.Time
	StartLocal bool
}

// Recurring reports whether the schedule repeats.
func (s Schedule) Recurring() bool { return s.Kind != ScheduleOnce }

// Equal reports whether s and o describe the same schedule.
func (s Schedule) Equal(o Schedule) bool { return s.String() == o.String() }

var intervalRanges = map[IntervalUnit][2]int{
	Minutes: {1, 59},
	Hours:   {1, 23},
	Days:    {1, 31},
	Weeks:   {1, 4},
	Months:  {1, 12},
}

var unitNames = map[string]IntervalUnit{
	"minute": Minutes, "minutes": Minutes,
	"hour": Hours, "hours": Hours,
	"day": Days, "days": Days,
	"week": Weeks, "weeks": Weeks,
	"month": Months, "months": Months,
}

var weekdayNames = map[string]time.Weekday{
	"sunday": time.Sunday, "sun": time.Sunday,
	"monday": time.Monday, "mon": time.Monday,
	"tuesday": time.Tuesday, "tue": time.Tuesday,
	"wednesday": time.Wednesday, "wed": time.Wednesday,
	"thursday": time.Thursday, "thu": time.Thursday,
	"friday": time.Friday, "fri": time.Friday,
	"saturday": time.Saturday, "sat": time.Saturday,
}

var weekOrders = map[string]int{"first": 1, "second": 2, "third": 3, "fourth": 4, "last": LastWeek}

var weekOrderNames = map[int]string{1: "first", 2: "second", 3: "third", 4: "fourth", LastWeek: "last"}

// scheduleForms is shown in errors that cannot point at one mistake.
const scheduleForms = `"every 7 days", "weekly on sunday at 02:00", "monthly on day 1 at 03:00", "monthly on the last friday at 22:00" or "once at 2026-12-01T02:00:00Z", optionally followed by "starting 2026-12-01T00:00:00Z"`

// ParseSchedule parses a schedule string such as "every 7 days",
// "weekly on sunday at 02:00" or "monthly on day 1 at 03:00 starting
// 2026-12-01T00:00:00Z". Keywords are case-insensitive and any run of
// spaces counts as one. Errors say what is wrong and give an example.
func ParseSchedule(str string) (Schedule, error) {
	words := strings.Fields(str)
	if len(words) == 0 {
		return Schedule{}, fmt.Errorf("the schedule is empty; write it as %s", scheduleForms)
	}
	p := &scheduleParser{words: words}
	s, err := p.parse()
	if err != nil {
		return Schedule{}, err
	}
	return s, nil
}

// inventoryRanges are the simple intervals of the hardware inventory
// client agent's schedule dialog: 1–60 minutes, 1–24 hours, 1–31 days
// (domain.md §9), wider than a schedule token's spans elsewhere.
var inventoryRanges = map[IntervalUnit][2]int{
	Minutes: {1, 60},
	Hours:   {1, 24},
	Days:    {1, 31},
	Weeks:   {1, 4},
	Months:  {1, 12},
}

// ParseInventorySchedule parses a hardware inventory schedule: as
// ParseSchedule, with the inventory dialog's ranges ("every 24 hours",
// "every 60 minutes").
func ParseInventorySchedule(str string) (Schedule, error) {
	words := strings.Fields(str)
	if len(words) == 0 {
		return Schedule{}, fmt.Errorf("the schedule is empty; write it as %s", scheduleForms)
	}
	return (&scheduleParser{words: words, ranges: inventoryRanges}).parse()
}

// CanonicalSchedule returns the canonical form of a schedule string, for
// storing and comparing.
func CanonicalSchedule(str string) (string, error) {
	s, err := ParseSchedule(str)
	if err != nil {
		return "", err
	}
	return s.String(), nil
}

type scheduleParser struct {
	words []string
	pos   int
	// ranges of simple intervals; nil means intervalRanges.
	ranges map[IntervalUnit][2]int
}

func (p *scheduleParser) done() bool { return p.pos >= len(p.words) }

// next returns the next word in lower case, or "" at the end.
func (p *scheduleParser) next() string {
	if p.done() {
		return ""
	}
	w := p.words[p.pos]
	p.pos++
	return strings.ToLower(w)
}

func (p *scheduleParser) peek() string {
	if p.done() {
		return ""
	}
	return strings.ToLower(p.words[p.pos])
}

// expect consumes the keyword want, or explains what was found instead.
func (p *scheduleParser) expect(want, example string) error {
	got := p.next()
	if got == want {
		return nil
	}
	if got == "" {
		return fmt.Errorf("the schedule ends where %q should follow; for example %q", want, example)
	}
	return fmt.Errorf("expected %q but found %q; for example %q", want, got, example)
}

func (p *scheduleParser) parse() (Schedule, error) {
	var s Schedule
	var err error
	switch first := p.next(); first {
	case "every":
		s, err = p.parseEvery()
	case "weekly":
		s, err = p.parseWeekly(1)
	case "monthly":
		s, err = p.parseMonthly(1)
	case "once":
		s, err = p.parseOnce()
	default:
		return Schedule{}, fmt.Errorf("a schedule starts with \"every\", \"weekly\", \"monthly\" or \"once\", not %q; write it as %s", first, scheduleForms)
	}
	if err != nil {
		return Schedule{}, err
	}
	if p.done() {
		return s, nil
	}
	if w := p.next(); w != "starting" {
		return Schedule{}, fmt.Errorf("unexpected %q after %q; only \"starting <time>\" may follow, for example %q", w, s.body(), s.body()+" starting 2026-12-01T00:00:00Z")
	}
	if s.Kind == ScheduleOnce {
		return Schedule{}, fmt.Errorf("a one-time schedule has no start time besides its own; write %q", "once at 2026-12-01T02:00:00Z")
	}
	start, local, err := p.parseTime("starting", s.body()+" starting 2026-12-01T00:00:00Z")
	if err != nil {
		return Schedule{}, err
	}
	s.Start, s.StartLocal = start, local
	if !p.done() {
		return Schedule{}, fmt.Errorf("unexpected %q after the start time; nothing may follow it, for example %q", p.peek(), s.body()+" starting 2026-12-01T00:00:00Z")
	}
	return s, nil
}

// parseEvery parses what follows "every": "N unit" or "N weeks on ..." or
// "N months on ...".
func (p *scheduleParser) parseEvery() (Schedule, error) {
	nWord := p.next()
	if nWord == "" {
		return Schedule{}, errors.New(`"every" must be followed by a number and a unit; for example "every 7 days"`)
	}
	n, err := atoiClamped(nWord)
	if err != nil {
		return Schedule{}, fmt.Errorf("%q is not a whole number; write the interval as digits, for example \"every 7 days\"", nWord)
	}
	unitWord := p.next()
	unit, ok := unitNames[unitWord]
	if !ok {
		if unitWord == "" {
			return Schedule{}, fmt.Errorf("the interval has no unit; write minutes, hours, days, weeks or months, for example \"every %s days\"", nWord)
		}
		return Schedule{}, fmt.Errorf("unknown unit %q; use minutes, hours, days, weeks or months, for example \"every %s days\"", unitWord, nWord)
	}
	if n != 1 && !strings.HasSuffix(unitWord, "s") {
		return Schedule{}, fmt.Errorf("%d %s: write the plural %q for a number other than 1, for example \"every %d %s\"", n, unitWord, string(unit), n, unit)
	}
	if p.peek() == "on" {
		switch unit {
		case Weeks:
			return p.parseWeeklyEvery(n)
		case Months:
			return p.parseMonthly(n)
		default:
			return Schedule{}, fmt.Errorf("only weeks and months take \"on\"; write for example \"every 2 weeks on monday at 02:00\" or \"every %d %s\"", n, unit)
		}
	}
	r := intervalRanges[unit]
	if p.ranges != nil {
		r = p.ranges[unit]
	}
	if n < r[0] || n > r[1] {
		return Schedule{}, fmt.Errorf("every %d %s is out of range: %s go from %d to %d; for example \"every %d %s\"", n, unit, unit, r[0], r[1], r[1], unit)
	}
	return Schedule{Kind: ScheduleInterval, Every: n, Unit: unit}, nil
}

func (p *scheduleParser) parseWeeklyEvery(n int) (Schedule, error) {
	if n < 1 || n > 4 {
		return Schedule{}, fmt.Errorf("every %d weeks is out of range: a weekly schedule repeats every 1 to 4 weeks; for example \"every 2 weeks on sunday at 02:00\"", n)
	}
	return p.parseWeekly(n)
}

// parseWeekly parses "on <weekday> at HH:MM".
func (p *scheduleParser) parseWeekly(n int) (Schedule, error) {
	const example = "weekly on sunday at 02:00"
	if err := p.expect("on", example); err != nil {
		return Schedule{}, err
	}
	wd, err := p.parseWeekday(example)
	if err != nil {
		return Schedule{}, err
	}
	h, m, err := p.parseAt(example)
	if err != nil {
		return Schedule{}, err
	}
	return Schedule{Kind: ScheduleWeekly, Every: n, Weekday: wd, Hour: h, Minute: m}, nil
}

// parseMonthly parses "on day D at HH:MM" or "on the <order> <weekday> at HH:MM".
func (p *scheduleParser) parseMonthly(n int) (Schedule, error) {
	if n < 1 || n > 12 {
		return Schedule{}, fmt.Errorf("every %d months is out of range: a monthly schedule repeats every 1 to 12 months; for example \"every 3 months on day 1 at 03:00\"", n)
	}
	if err := p.expect("on", "monthly on day 1 at 03:00"); err != nil {
		return Schedule{}, err
	}
	switch w := p.next(); w {
	case "day":
		const example = "monthly on day 1 at 03:00"
		dWord := p.next()
		day := 0
		switch {
		case dWord == "last":
			day = LastDay
		case dWord == "":
			return Schedule{}, fmt.Errorf("\"day\" must be followed by a day of the month (1 to 31) or \"last\"; for example %q", example)
		default:
			d, err := atoiClamped(dWord)
			if err != nil {
				return Schedule{}, fmt.Errorf("%q is not a day of the month; use 1 to 31 or \"last\", for example %q", dWord, example)
			}
			if d < 1 || d > 31 {
				return Schedule{}, fmt.Errorf("day %d is out of range: use 1 to 31 or \"last\", for example %q", d, example)
			}
			day = d
		}
		h, m, err := p.parseAt(example)
		if err != nil {
			return Schedule{}, err
		}
		return Schedule{Kind: ScheduleMonthlyByDate, Every: n, Day: day, Hour: h, Minute: m}, nil
	case "the":
		const example = "monthly on the first monday at 03:00"
		oWord := p.next()
		week, ok := weekOrders[oWord]
		if !ok {
			return Schedule{}, fmt.Errorf("%q is not a week of the month; use first, second, third, fourth or last, for example %q", oWord, example)
		}
		wd, err := p.parseWeekday(example)
		if err != nil {
			return Schedule{}, err
		}
		h, m, err := p.parseAt(example)
		if err != nil {
			return Schedule{}, err
		}
		return Schedule{Kind: ScheduleMonthlyByWeekday, Every: n, Week: week, Weekday: wd, Hour: h, Minute: m}, nil
	case "":
		return Schedule{}, errors.New(`"on" must be followed by "day D" or "the <first|second|third|fourth|last> <weekday>"; for example "monthly on day 1 at 03:00"`)
	default:
		return Schedule{}, fmt.Errorf("expected \"day\" or \"the\" but found %q; for example \"monthly on day 1 at 03:00\" or \"monthly on the first monday at 03:00\"", w)
	}
}

func (p *scheduleParser) parseOnce() (Schedule, error) {
	at, local, err := p.parseTime("at", "once at 2026-12-01T02:00:00Z")
	if err != nil {
		return Schedule{}, err
	}
	return Schedule{Kind: ScheduleOnce, At: at, AtLocal: local}, nil
}

func (p *scheduleParser) parseWeekday(example string) (time.Weekday, error) {
	w := p.next()
	wd, ok := weekdayNames[w]
	if !ok {
		if w == "" {
			return 0, fmt.Errorf("the schedule ends where a weekday should follow; for example %q", example)
		}
		return 0, fmt.Errorf("%q is not a weekday; use monday to sunday, for example %q", w, example)
	}
	return wd, nil
}

// parseAt parses "at HH:MM".
func (p *scheduleParser) parseAt(example string) (hour, minute int, err error) {
	if err := p.expect("at", example); err != nil {
		return 0, 0, err
	}
	w := p.next()
	if w == "" {
		return 0, 0, fmt.Errorf("\"at\" must be followed by a time of day HH:MM; for example %q", example)
	}
	h, m, ok := parseClock(w)
	if !ok {
		return 0, 0, fmt.Errorf("%q is not a time of day; write HH:MM from 00:00 to 23:59, for example %q", w, example)
	}
	return h, m, nil
}

// parseTime parses the keyword, then an RFC 3339 time or "YYYY-MM-DD HH:MM"
// (two words, local time).
func (p *scheduleParser) parseTime(keyword, example string) (time.Time, bool, error) {
	if keyword != "starting" {
		if err := p.expect(keyword, example); err != nil {
			return time.Time{}, false, err
		}
	}
	if p.done() {
		return time.Time{}, false, fmt.Errorf("%q must be followed by a time in RFC 3339 form or as YYYY-MM-DD HH:MM; for example %q", keyword, example)
	}
	w := p.words[p.pos]
	p.pos++
	t, local, ok := time.Time{}, false, false
	if pt, err := time.Parse(time.RFC3339, strings.ToUpper(w)); err == nil {
		t, ok = normalizeZone(pt), true
	} else if clock := p.peek(); clock != "" {
		if pt, err := time.Parse("2006-01-02 15:04", w+" "+clock); err == nil {
			p.pos++
			t, local, ok = pt, true, true
		}
	}
	if ok {
		if t.Year() < 1990 {
			return time.Time{}, false, fmt.Errorf("%s is before 1990, where Configuration Manager times begin; use a later time, for example %q", formatScheduleTime(t, local), example)
		}
		return t, local, nil
	}
	return time.Time{}, false, fmt.Errorf("%q is not a time; write it in RFC 3339 form (2026-12-01T02:00:00Z, with Z or an offset like +01:00) or as YYYY-MM-DD HH:MM, for example %q", w, example)
}

// normalizeZone makes times with equal instants and offsets print the same
// way regardless of which zone name Parse picked.
func normalizeZone(t time.Time) time.Time {
	_, off := t.Zone()
	if off == 0 {
		return t.UTC()
	}
	return t.In(time.FixedZone("", off))
}

func parseClock(w string) (hour, minute int, ok bool) {
	hs, ms, found := strings.Cut(w, ":")
	if !found || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 || !isDigits(hs) || !isDigits(ms) {
		return 0, 0, false
	}
	hour, _ = strconv.Atoi(hs)
	minute, _ = strconv.Atoi(ms)
	if hour > 23 || minute > 59 {
		return 0, 0, false
	}
	return hour, minute, true
}

// atoiClamped parses a run of ASCII digits; numbers too large for an int
// come back as a large number, so the caller reports them out of range.
func atoiClamped(s string) (int, error) {
	if !isDigits(s) {
		return 0, strconv.ErrSyntax
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return math.MaxInt32, nil
	}
	return n, nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// String returns the canonical form: lower case, single spaces, plural
// units, "weekly"/"monthly" for an interval of 1, times as HH:MM and RFC
// 3339 (or YYYY-MM-DD HH:MM for local times).
func (s Schedule) String() string {
	b := s.body()
	if !s.Start.IsZero() {
		b += " starting " + formatScheduleTime(s.Start, s.StartLocal)
	}
	return b
}

func (s Schedule) body() string {
	at := fmt.Sprintf("at %02d:%02d", s.Hour, s.Minute)
	switch s.Kind {
	case ScheduleInterval:
		return fmt.Sprintf("every %d %s", s.Every, s.Unit)
	case ScheduleWeekly:
		wd := strings.ToLower(s.Weekday.String())
		if s.Every > 1 {
			return fmt.Sprintf("every %d weeks on %s %s", s.Every, wd, at)
		}
		return fmt.Sprintf("weekly on %s %s", wd, at)
	case ScheduleMonthlyByDate, ScheduleMonthlyByWeekday:
		lead := "monthly"
		if s.Every > 1 {
			lead = fmt.Sprintf("every %d months", s.Every)
		}
		if s.Kind == ScheduleMonthlyByDate {
			day := strconv.Itoa(s.Day)
			if s.Day == LastDay {
				day = "last"
			}
			return fmt.Sprintf("%s on day %s %s", lead, day, at)
		}
		return fmt.Sprintf("%s on the %s %s %s", lead, weekOrderNames[s.Week], strings.ToLower(s.Weekday.String()), at)
	case ScheduleOnce:
		return "once at " + formatScheduleTime(s.At, s.AtLocal)
	}
	return ""
}

func formatScheduleTime(t time.Time, local bool) string {
	if local {
		return t.Format("2006-01-02 15:04")
	}
	return t.Format(time.RFC3339Nano)
}
