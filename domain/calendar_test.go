package domain

import (
	"testing"
	"time"
)

// calTime parses "YYYY-MM-DD HH:MM" in Asia/Ho_Chi_Minh.
func calTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, VietnamLocation())
	if err != nil {
		t.Fatalf("bad test time %q: %v", s, err)
	}
	return v
}

// calTestCalendar returns the seeded 2025–2027 calendar with two edits as an
// admin would make them: Friday 2 January 2026 off, made up on Saturday
// 10 January, and a make-up working Saturday on 21 March 2026.
func calTestCalendar() *WorkCalendar {
	var days []CalendarDay
	for y := 2025; y <= 2027; y++ {
		days = append(days, VietnamHolidays(y)...)
	}
	days = append(days,
		CalendarDay{Date: "2026-01-02", Off: true, Name: "Nghỉ hoán đổi Tết Dương lịch"},
		CalendarDay{Date: "2026-01-10", Off: false, Name: "Làm bù ngày 02/01"},
		CalendarDay{Date: "2026-03-21", Off: false, Name: "Làm bù"},
		CalendarDay{Date: "not a date", Off: true, Name: "ignored"},
	)
	return NewWorkCalendar(VietnamLocation(), days)
}

func TestVietnamLocation(t *testing.T) {
	loc := VietnamLocation()
	if _, off := time.Date(2026, 6, 1, 12, 0, 0, 0, loc).Zone(); off != 7*3600 {
		t.Errorf("offset %d, want UTC+7", off)
	}
}

func TestIsWorkingDay(t *testing.T) {
	c := calTestCalendar()
	tests := []struct {
		at   string
		want bool
	}{
		{"2026-03-10 09:00", true},  // Tuesday
		{"2026-03-14 09:00", false}, // Saturday
		{"2026-03-15 09:00", false}, // Sunday
		{"2026-03-21 09:00", true},  // make-up Saturday
		{"2026-01-02 09:00", false}, // swapped day off
		{"2026-01-10 09:00", true},  // its make-up Saturday
		{"2026-02-16 09:00", false}, // last day of the lunar year
		{"2026-02-20 09:00", false}, // 4th day of Tết
		{"2026-02-23 09:00", true},  // back to work
		{"2026-04-26 09:00", false}, // Hùng Kings, a Sunday
		{"2026-04-27 09:00", false}, // its compensatory day
		{"2026-04-28 09:00", true},
		{"2026-09-01 23:59", false},
	}
	for _, tt := range tests {
		if got := c.IsWorkingDay(calTime(t, tt.at)); got != tt.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.at, got, tt.want)
		}
	}
	// The day is taken in the calendar's zone: Monday 01:00 in Vietnam is
	// still Sunday in UTC.
	if !c.IsWorkingDay(time.Date(2026, 3, 15, 18, 0, 0, 0, time.UTC)) {
		t.Error("Sunday 18:00 UTC is Monday 01:00 in Vietnam, a working day")
	}
}

func TestWorkingDuration(t *testing.T) {
	c := calTestCalendar()
	tests := []struct {
		name     string
		from, to string
		want     time.Duration
	}{
		{"whole day", "2026-03-10 06:00", "2026-03-10 20:00", 7*time.Hour + 30*time.Minute},
		{"across lunch", "2026-03-10 11:00", "2026-03-10 14:00", time.Hour},
		{"within lunch", "2026-03-10 11:40", "2026-03-10 13:20", 0},
		{"across an evening", "2026-03-10 16:00", "2026-03-11 09:00", 2*time.Hour + 30*time.Minute},
		{"across a weekend", "2026-03-13 15:00", "2026-03-16 09:00", 3*time.Hour + 30*time.Minute},
		{"weekend only", "2026-03-14 08:00", "2026-03-15 17:00", 0},
		{"across Tết 2026", "2026-02-13 16:00", "2026-02-23 08:30", 2 * time.Hour},
		{"make-up Saturday", "2026-03-21 00:00", "2026-03-22 00:00", 7*time.Hour + 30*time.Minute},
		{"reversed", "2026-03-11 09:00", "2026-03-10 09:00", 0},
		{"a working week", "2026-03-09 00:00", "2026-03-16 00:00", 5 * (7*time.Hour + 30*time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := c.WorkingDuration(calTime(t, tt.from), calTime(t, tt.to)); got != tt.want {
				t.Errorf("WorkingDuration(%s, %s) = %v, want %v", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestAddWorking(t *testing.T) {
	c := calTestCalendar()
	tests := []struct {
		name  string
		start string
		d     time.Duration
		want  string
	}{
		{"within the morning", "2026-03-10 08:00", 2 * time.Hour, "2026-03-10 10:00"},
		{"across lunch", "2026-03-10 11:00", 2 * time.Hour, "2026-03-10 15:00"},
		{"ends at close, not next morning", "2026-03-10 11:00", 4 * time.Hour, "2026-03-10 17:00"},
		{"ends at the start of lunch", "2026-03-10 11:00", 30 * time.Minute, "2026-03-10 11:30"},
		{"starts during lunch", "2026-03-10 12:00", time.Hour, "2026-03-10 14:30"},
		{"starts before opening", "2026-03-10 06:00", time.Hour, "2026-03-10 08:30"},
		{"across an evening", "2026-03-10 16:00", 4 * time.Hour, "2026-03-11 10:30"},
		{"starts at night", "2026-03-10 20:00", 8 * time.Hour, "2026-03-12 08:00"},
		{"across a weekend", "2026-03-13 16:00", 4 * time.Hour, "2026-03-16 10:30"},
		{"across Tết 2026", "2026-02-13 16:00", 4 * time.Hour, "2026-02-23 10:30"},
		{"onto a make-up Saturday", "2026-03-20 16:00", 4 * time.Hour, "2026-03-21 10:30"},
		{"zero in working time", "2026-03-10 09:15", 0, "2026-03-10 09:15"},
		{"zero at lunch", "2026-03-10 11:30", 0, "2026-03-10 13:30"},
		{"negative on a Saturday", "2026-03-14 10:00", -time.Hour, "2026-03-16 07:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := calTime(t, tt.start)
			got := c.AddWorking(start, tt.d)
			if want := calTime(t, tt.want); !got.Equal(want) {
				t.Errorf("AddWorking(%s, %v) = %s, want %s", tt.start, tt.d, got.Format(time.DateTime), tt.want)
			}
			if tt.d > 0 {
				if back := c.WorkingDuration(start, got); back != tt.d {
					t.Errorf("WorkingDuration back = %v, want %v", back, tt.d)
				}
			}
		})
	}
}

func TestCalendarHelpers(t *testing.T) {
	c := calTestCalendar()
	if got, want := c.CloseOfBusiness(calTime(t, "2026-03-10 08:00")), calTime(t, "2026-03-10 17:00"); !got.Equal(want) {
		t.Errorf("CloseOfBusiness = %v, want %v", got, want)
	}
	if got := c.NextWorkingMoment(calTime(t, "2026-02-14 10:00")); !got.Equal(calTime(t, "2026-02-23 07:30")) {
		t.Errorf("NextWorkingMoment over Tết = %v", got)
	}
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-03-13 09:00", 1, "2026-03-16 00:00"},
		{"2026-03-13 09:00", 0, "2026-03-13 00:00"},
		{"2026-03-14 09:00", 0, "2026-03-16 00:00"},
		{"2026-02-13 09:00", 1, "2026-02-23 00:00"},
		{"2026-03-20 09:00", 1, "2026-03-21 00:00"}, // make-up Saturday
	}
	for _, tt := range tests {
		got, ok := c.WorkingDayAfter(calTime(t, tt.from), tt.n)
		if !ok || !got.Equal(calTime(t, tt.want)) {
			t.Errorf("WorkingDayAfter(%s, %d) = %v, %v; want %s", tt.from, tt.n, got, ok, tt.want)
		}
	}
}

func TestCalendarPeriodsSetting(t *testing.T) {
	c := calTestCalendar()
	// A unit working 08:00–12:00 and 13:00–17:00, periods given out of order.
	c.Periods = []WorkPeriod{{13 * 60, 17 * 60}, {8 * 60, 12 * 60}}
	if got := c.AddWorking(calTime(t, "2026-03-10 11:00"), 2*time.Hour); !got.Equal(calTime(t, "2026-03-10 14:00")) {
		t.Errorf("AddWorking with custom periods = %v", got)
	}
	// Overlapping and out-of-day periods are merged and clipped.
	c.Periods = []WorkPeriod{{-30, 60}, {30, 120}, {23 * 60, 25 * 60}, {600, 600}}
	if got := c.WorkingDuration(calTime(t, "2026-03-10 00:00"), calTime(t, "2026-03-11 00:00")); got != 3*time.Hour {
		t.Errorf("WorkingDuration with messy periods = %v, want 3h", got)
	}
	if ValidatePeriods(DefaultWorkPeriods()) != nil {
		t.Error("default periods invalid")
	}
	for _, ps := range [][]WorkPeriod{nil, {{600, 500}}, {{0, 1441}}, {{400, 700}, {600, 900}}, {{800, 900}, {400, 500}}} {
		if ErrorCode(ValidatePeriods(ps)) != EINVALID {
			t.Errorf("ValidatePeriods(%v) accepted", ps)
		}
	}
}

// TestCalendarWithoutWorkingTime checks that a calendar with no working day
// or no working period ends its searches and falls back to wall-clock time.
func TestCalendarWithoutWorkingTime(t *testing.T) {
	start := calTime(t, "2026-03-10 09:00")

	noDays := NewWorkCalendar(VietnamLocation(), nil)
	noDays.Weekdays = [7]bool{}
	if got := noDays.AddWorking(start, 3*time.Hour); !got.Equal(start.Add(3 * time.Hour)) {
		t.Errorf("no working day: AddWorking = %v", got)
	}
	if got := noDays.NextWorkingMoment(start); !got.Equal(start) {
		t.Errorf("no working day: NextWorkingMoment = %v", got)
	}
	if _, ok := noDays.WorkingDayAfter(start, 1); ok {
		t.Error("no working day: WorkingDayAfter found one")
	}
	for _, d := range []Deadline{{3, WorkingDays}, {3, CalendarDays}, {3, WorkingHours}, {0, WorkingDays}} {
		if due := noDays.Due(start, d); due.Before(start) || due.After(start.AddDate(0, 0, 5)) {
			t.Errorf("no working day: Due(%v) = %v", d, due)
		}
	}

	noPeriods := NewWorkCalendar(VietnamLocation(), nil)
	noPeriods.Periods = nil
	if got := noPeriods.AddWorking(start, 3*time.Hour); !got.Equal(start.Add(3 * time.Hour)) {
		t.Errorf("no periods: AddWorking = %v", got)
	}
	if got := noPeriods.Due(start, Deadline{1, WorkingDays}); !got.Equal(calTime(t, "2026-03-12 00:00")) {
		t.Errorf("no periods: Due(1 working day) = %v, want the end of Wednesday", got)
	}
	if got := noPeriods.WorkingDuration(start, start.Add(time.Hour)); got != 0 {
		t.Errorf("no periods: WorkingDuration = %v", got)
	}

	var zero WorkCalendar // no weekdays, no periods, no zone: still terminates
	if due := zero.Due(start, Deadline{2, WorkingDays}); due.Before(start) {
		t.Errorf("zero calendar: Due = %v", due)
	}
}
