package domain

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// WorkPeriod is a working period of a day, in minutes after midnight:
// [StartMin, EndMin). 07:30–11:30 is {450, 690}.
type WorkPeriod struct {
	StartMin int `json:"start_min"`
	EndMin   int `json:"end_min"`
}

// DefaultWorkPeriods returns the commonly used office hours, 07:30–11:30 and
// 13:30–17:00 (a unit setting).
func DefaultWorkPeriods() []WorkPeriod {
	return []WorkPeriod{{StartMin: 7*60 + 30, EndMin: 11*60 + 30}, {StartMin: 13*60 + 30, EndMin: 17 * 60}}
}

// ValidatePeriods returns an invalid_input *Error unless ps is non-empty,
// each period lies within the day (0 ≤ StartMin < EndMin ≤ 1440), and the
// periods are in order without overlapping; nil otherwise.
func ValidatePeriods(ps []WorkPeriod) error {
	bad := func() error {
		return Invalid("Giờ làm việc không hợp lệ.", "Invalid working hours.", map[string]string{"periods": "invalid"})
	}
	if len(ps) == 0 {
		return bad()
	}
	prevEnd := 0
	for _, p := range ps {
		if p.StartMin < prevEnd || p.StartMin >= p.EndMin || p.EndMin > 24*60 {
			return bad()
		}
		prevEnd = p.EndMin
	}
	return nil
}

// VietnamLocation returns Asia/Ho_Chi_Minh from the time zone database, or,
// when the database is missing, a fixed UTC+7 zone named ICT (the same
// offset: Vietnam has kept UTC+7 without daylight saving since 1975).
func VietnamLocation() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*3600)
}

// calendarHorizonDays caps every search for working time: after this many
// consecutive days without any, a calendar is taken to have none at all.
const calendarHorizonDays = 3 * 366

// WorkCalendar is a unit's working time: working periods on working days, in
// a time zone. A day is a working day when its weekday is in Weekdays, unless
// the calendar marks it off; a day the calendar marks as a make-up working
// day (Off false) is a working day whatever its weekday. Build it with
// NewWorkCalendar; Periods and Weekdays may then be changed (unit settings).
// Its methods never read the clock and never loop forever: when no working
// time exists within about three years they fall back to wall-clock time.
type WorkCalendar struct {
	Loc      *time.Location // nil means UTC+7
	Periods  []WorkPeriod   // the working periods of every working day
	Weekdays [7]bool        // indexed by time.Weekday; Monday–Friday by default
	days     map[int]bool   // yyyymmdd → off (true) or make-up working day (false)
}

// NewWorkCalendar returns a calendar in loc (VietnamLocation() when nil) with
// the default periods, Monday to Friday, and the days off and make-up
// working days of days. Entries whose Date is not YYYY-MM-DD are ignored
// (check them with CalendarDay.Validate); for a date given twice, the last wins.
func NewWorkCalendar(loc *time.Location, days []CalendarDay) *WorkCalendar {
	if loc == nil {
		loc = VietnamLocation()
	}
	c := &WorkCalendar{Loc: loc, Periods: DefaultWorkPeriods(), days: make(map[int]bool, len(days))}
	for wd := time.Monday; wd <= time.Friday; wd++ {
		c.Weekdays[wd] = true
	}
	for _, d := range days {
		t, err := time.Parse(time.DateOnly, d.Date)
		if err != nil {
			continue
		}
		c.days[calDayKey(t)] = d.Off
	}
	return c
}

// IsWorkingDay reports whether the day of t (in the calendar's zone) is a
// working day.
func (c *WorkCalendar) IsWorkingDay(t time.Time) bool {
	return c.workingDay(c.civil(t))
}

// WorkingDuration returns the working time between from and to: the parts
// of working periods of working days that lie within [from, to). It returns
// 0 when to is not after from.
func (c *WorkCalendar) WorkingDuration(from, to time.Time) time.Duration {
	ps := c.periods()
	if !to.After(from) || len(ps) == 0 {
		return 0
	}
	var total time.Duration
	last := c.civil(to)
	for day := c.civil(from); !day.After(last); day = day.AddDate(0, 0, 1) {
		if !c.workingDay(day) {
			continue
		}
		for _, p := range ps {
			s, e := c.at(day, p.StartMin), c.at(day, p.EndMin)
			if from.After(s) {
				s = from
			}
			if to.Before(e) {
				e = to
			}
			if e.After(s) {
				total += e.Sub(s)
			}
		}
		if total > time.Duration(math.MaxInt64)-48*time.Hour {
			return time.Duration(math.MaxInt64) // centuries of work: saturate
		}
	}
	return total
}

// AddWorking returns the moment d of working time after t: time outside
// working periods is skipped, so a t outside working hours starts at the
// next opening, and an amount that ends exactly at the end of a period ends
// there (17:00, not the next morning). A d ≤ 0 returns the next working
// moment at or after t. When the calendar has no working time (no periods,
// or none within about three years), it returns t plus the remaining d of
// wall-clock time.
func (c *WorkCalendar) AddWorking(t time.Time, d time.Duration) time.Time {
	loc := c.location()
	t = t.In(loc)
	remaining := max(d, 0)
	ps := c.periods()
	if len(ps) == 0 {
		return t.Add(remaining)
	}
	cursor := t
	gap := 0
	for day := c.civil(t); ; day = day.AddDate(0, 0, 1) {
		if !c.workingDay(day) {
			if gap++; gap > calendarHorizonDays {
				return cursor.Add(remaining)
			}
			continue
		}
		gap = 0
		for _, p := range ps {
			s, e := c.at(day, p.StartMin), c.at(day, p.EndMin)
			if !e.After(cursor) || !e.After(s) {
				continue
			}
			if cursor.After(s) {
				s = cursor
			}
			avail := e.Sub(s)
			if remaining <= avail {
				return s.Add(remaining)
			}
			remaining -= avail
			cursor = e
		}
	}
}

// NextWorkingMoment returns t when it lies within a working period, else the
// start of the next one (t itself when the calendar has no working time).
func (c *WorkCalendar) NextWorkingMoment(t time.Time) time.Time {
	return c.AddWorking(t, 0)
}

// CloseOfBusiness returns the end of the last working period of t's day (in
// the calendar's zone), whether or not that day is a working day, or the
// midnight ending that day when the calendar has no periods.
func (c *WorkCalendar) CloseOfBusiness(t time.Time) time.Time {
	return c.closeOf(c.civil(t))
}

// WorkingDayAfter returns the start (00:00) of the n-th working day after
// t's day, t's day not counted; n ≤ 0 returns t's day when it is a working
// day, else the next working day. When no working day comes within about
// three years it returns the day n calendar days after t's day (at least the
// next day) and false.
func (c *WorkCalendar) WorkingDayAfter(t time.Time, n int) (time.Time, bool) {
	day, ok := c.workingDayAfter(c.civil(t), n)
	return c.at(day, 0), ok
}

// workingDayAfter is WorkingDayAfter on civil days.
func (c *WorkCalendar) workingDayAfter(day time.Time, n int) (time.Time, bool) {
	if n <= 0 {
		if c.workingDay(day) {
			return day, true
		}
		n = 1
	}
	gap := 0
	for d, left := day, n; ; {
		d = d.AddDate(0, 0, 1)
		if !c.workingDay(d) {
			if gap++; gap > calendarHorizonDays {
				return day.AddDate(0, 0, n), false
			}
			continue
		}
		gap = 0
		if left--; left == 0 {
			return d, true
		}
	}
}

// closeOf returns the end of the last working period of a civil day.
func (c *WorkCalendar) closeOf(day time.Time) time.Time {
	ps := c.periods()
	if len(ps) == 0 {
		return c.at(day, 24*60)
	}
	return c.at(day, ps[len(ps)-1].EndMin)
}

// location returns the calendar's zone, UTC+7 when unset.
func (c *WorkCalendar) location() *time.Location {
	if c.Loc == nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return c.Loc
}

// civil returns t's day in the calendar's zone as midnight UTC, so that days
// step by AddDate without daylight-saving surprises.
func (c *WorkCalendar) civil(t time.Time) time.Time {
	y, m, d := t.In(c.location()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// at returns the instant min minutes after the start of a civil day, in the
// calendar's zone.
func (c *WorkCalendar) at(day time.Time, min int) time.Time {
	return time.Date(day.Year(), day.Month(), day.Day(), 0, min, 0, 0, c.location())
}

// workingDay reports whether a civil day is a working day.
func (c *WorkCalendar) workingDay(day time.Time) bool {
	if off, ok := c.days[calDayKey(day)]; ok {
		return !off
	}
	return c.Weekdays[day.Weekday()]
}

// periods returns the calendar's periods clipped to the day, sorted, with
// empty ones dropped and overlapping ones merged.
func (c *WorkCalendar) periods() []WorkPeriod {
	ps := make([]WorkPeriod, 0, len(c.Periods))
	for _, p := range c.Periods {
		p.StartMin, p.EndMin = max(p.StartMin, 0), min(p.EndMin, 24*60)
		if p.StartMin < p.EndMin {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, func(a, b WorkPeriod) int { return cmp.Compare(a.StartMin, b.StartMin) })
	out := ps[:0]
	for _, p := range ps {
		if n := len(out); n > 0 && p.StartMin <= out[n-1].EndMin {
			out[n-1].EndMin = max(out[n-1].EndMin, p.EndMin)
			continue
		}
		out = append(out, p)
	}
	return out
}

// calDayKey returns yyyymmdd of a date.
func calDayKey(t time.Time) int {
	return t.Year()*10000 + int(t.Month())*100 + t.Day()
}
