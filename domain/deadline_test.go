package domain

import (
	"testing"
	"time"
)

func TestDue(t *testing.T) {
	c := calTestCalendar()
	tests := []struct {
		name  string
		start string
		d     Deadline
		want  string
	}{
		// Working hours.
		{"2 h across lunch", "2026-03-10 11:00", Deadline{2, WorkingHours}, "2026-03-10 15:00"},
		{"4 h across lunch ends at close", "2026-03-10 11:00", Deadline{4, WorkingHours}, "2026-03-10 17:00"},
		{"4 h across an evening", "2026-03-10 16:00", Deadline{4, WorkingHours}, "2026-03-11 10:30"},
		{"4 h from Friday 16:00", "2026-03-13 16:00", Deadline{4, WorkingHours}, "2026-03-16 10:30"},
		{"8 h received on Sunday", "2026-03-15 21:00", Deadline{8, WorkingHours}, "2026-03-17 08:00"},
		{"4 h across Tết 2026", "2026-02-13 16:00", Deadline{4, WorkingHours}, "2026-02-23 10:30"},
		{"4 h onto a make-up Saturday", "2026-03-20 16:00", Deadline{4, WorkingHours}, "2026-03-21 10:30"},
		// Working days: the day of receipt is not counted.
		{"1 working day", "2026-03-10 09:00", Deadline{1, WorkingDays}, "2026-03-11 17:00"},
		{"received after hours", "2026-03-10 20:00", Deadline{1, WorkingDays}, "2026-03-11 17:00"},
		{"1 working day across a weekend", "2026-03-13 09:00", Deadline{1, WorkingDays}, "2026-03-16 17:00"},
		{"received on Saturday", "2026-03-14 10:00", Deadline{1, WorkingDays}, "2026-03-16 17:00"},
		{"5 working days", "2026-03-10 09:00", Deadline{5, WorkingDays}, "2026-03-17 17:00"},
		{"3 working days across Tết 2026", "2026-02-12 10:00", Deadline{3, WorkingDays}, "2026-02-24 17:00"},
		{"denunciation: 7 working days across Tết", "2026-02-12 10:00", Deadline{7, WorkingDays}, "2026-03-02 17:00"},
		{"make-up Saturday counts", "2026-03-20 10:00", Deadline{1, WorkingDays}, "2026-03-21 17:00"},
		{"Hùng Kings and its compensatory day", "2026-04-24 10:00", Deadline{1, WorkingDays}, "2026-04-28 17:00"},
		{"over 30 April and 1 May", "2026-04-24 10:00", Deadline{3, WorkingDays}, "2026-05-04 17:00"},
		{"New Year and a swapped day off", "2025-12-31 10:00", Deadline{1, WorkingDays}, "2026-01-05 17:00"},
		{"its make-up Saturday", "2026-01-09 10:00", Deadline{1, WorkingDays}, "2026-01-10 17:00"},
		{"10 working days", "2026-04-24 17:00", Deadline{10, WorkingDays}, "2026-05-13 17:00"},
		// Calendar days: an off last day moves to the next working day's close.
		{"10 calendar days", "2026-03-10 09:00", Deadline{10, CalendarDays}, "2026-03-20 17:00"},
		{"lands on Saturday", "2026-03-03 09:00", Deadline{11, CalendarDays}, "2026-03-16 17:00"},
		{"lands on a make-up Saturday", "2026-03-11 09:00", Deadline{10, CalendarDays}, "2026-03-21 17:00"},
		{"complaint accepted over Tết", "2026-02-06 15:00", Deadline{10, CalendarDays}, "2026-02-23 17:00"},
		{"received on Sunday night", "2026-03-15 22:00", Deadline{1, CalendarDays}, "2026-03-16 17:00"},
		{"30 days into a holiday", "2026-03-31 09:00", Deadline{30, CalendarDays}, "2026-05-04 17:00"},
		// Zero and negative amounts never go back in time.
		{"0 hours at lunch", "2026-03-10 12:00", Deadline{0, WorkingHours}, "2026-03-10 13:30"},
		{"-3 hours at work", "2026-03-10 09:00", Deadline{-3, WorkingHours}, "2026-03-10 09:00"},
		{"0 working days on Saturday", "2026-03-14 10:00", Deadline{0, WorkingDays}, "2026-03-16 07:30"},
		{"-1 calendar days", "2026-03-14 10:00", Deadline{-1, CalendarDays}, "2026-03-14 10:00"},
		{"unknown unit counts calendar days", "2026-03-10 09:00", Deadline{10, "weeks"}, "2026-03-20 17:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := calTime(t, tt.start)
			got := c.Due(start, tt.d)
			if want := calTime(t, tt.want); !got.Equal(want) {
				t.Errorf("Due(%s, %v) = %s, want %s", tt.start, tt.d, got.Format(time.DateTime), tt.want)
			}
			if got.Location() != c.Loc {
				t.Errorf("Due in %v, want %v", got.Location(), c.Loc)
			}
		})
	}
}

func TestShiftForPause(t *testing.T) {
	c := calTestCalendar()
	tests := []struct {
		name     string
		due      string
		from, to string
		unit     DeadlineUnit
		want     string
	}{
		{"across a weekend (working hours)", "2026-03-18 10:00", "2026-03-13 15:00", "2026-03-16 09:00", WorkingHours, "2026-03-18 15:30"},
		{"one working day (working days)", "2026-03-27 17:00", "2026-03-16 07:30", "2026-03-17 07:30", WorkingDays, "2026-03-30 17:00"},
		{"onto a make-up Saturday", "2026-03-20 17:00", "2026-03-16 07:30", "2026-03-17 07:30", WorkingDays, "2026-03-21 17:00"},
		{"over Tết: only working time counts", "2026-02-25 17:00", "2026-02-13 16:00", "2026-02-23 08:30", WorkingDays, "2026-02-26 09:30"},
		{"weekend-only pause", "2026-03-18 10:00", "2026-03-14 08:00", "2026-03-15 20:00", WorkingHours, "2026-03-18 10:00"},
		{"calendar days: wall time", "2026-03-18 17:00", "2026-03-10 09:00", "2026-03-12 09:00", CalendarDays, "2026-03-20 17:00"},
		{"calendar days: onto a weekend", "2026-03-26 17:00", "2026-03-10 09:00", "2026-03-12 09:00", CalendarDays, "2026-03-30 17:00"},
		{"empty pause", "2026-03-18 10:00", "2026-03-12 09:00", "2026-03-12 09:00", WorkingHours, "2026-03-18 10:00"},
		{"reversed pause", "2026-03-18 10:00", "2026-03-12 09:00", "2026-03-11 09:00", CalendarDays, "2026-03-18 10:00"},
		{"pause after the due time", "2026-03-18 10:00", "2026-03-19 09:00", "2026-03-20 09:00", WorkingHours, "2026-03-18 10:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.ShiftForPause(calTime(t, tt.due), calTime(t, tt.from), calTime(t, tt.to), tt.unit)
			if want := calTime(t, tt.want); !got.Equal(want) {
				t.Errorf("ShiftForPause = %s, want %s", got.Format(time.DateTime), tt.want)
			}
		})
	}
}

func TestExtend(t *testing.T) {
	c := calTestCalendar()
	tests := []struct {
		name string
		due  string
		d    Deadline
		want string
	}{
		{"complaint: 15 days onto a Saturday", "2026-03-20 17:00", Deadline{15, CalendarDays}, "2026-04-06 17:00"},
		{"feedback: 10 working days over the April holidays", "2026-04-24 17:00", Deadline{10, WorkingDays}, "2026-05-13 17:00"},
		{"4 working hours from close", "2026-03-13 17:00", Deadline{4, WorkingHours}, "2026-03-16 11:30"},
		{"zero keeps the due time", "2026-03-13 17:00", Deadline{0, WorkingDays}, "2026-03-13 17:00"},
		{"negative keeps the due time", "2026-03-13 17:00", Deadline{-5, WorkingHours}, "2026-03-13 17:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Extend(calTime(t, tt.due), tt.d)
			if want := calTime(t, tt.want); !got.Equal(want) {
				t.Errorf("Extend(%s, %v) = %s, want %s", tt.due, tt.d, got.Format(time.DateTime), tt.want)
			}
		})
	}
}

// FuzzDue feeds random starts (2000–2199), amounts and units to Due, Extend
// and ShiftForPause on four calendars — the seeded one, one without working
// days, one without periods, and one with messy periods — and checks that
// nothing panics, nothing loops, and no due time is before its start.
func FuzzDue(f *testing.F) {
	f.Add(int64(1773111600), 4, uint8(2), uint8(0))  // Tuesday 2026-03-10 10:00, 4 working hours
	f.Add(int64(1770973200), 7, uint8(1), uint8(0))  // Friday 2026-02-13 16:00, across Tết
	f.Add(int64(1773500400), -3, uint8(0), uint8(1)) // negative amount, no working day
	f.Add(int64(-1), 1<<40, uint8(9), uint8(3))      // huge amount, unknown unit
	var days []CalendarDay
	for y := 2000; y < 2200; y++ {
		days = append(days, VietnamHolidays(y)...)
	}
	seeded := NewWorkCalendar(VietnamLocation(), days)
	noDays := NewWorkCalendar(VietnamLocation(), nil)
	noDays.Weekdays = [7]bool{}
	noPeriods := NewWorkCalendar(time.UTC, nil)
	noPeriods.Periods = nil
	messy := NewWorkCalendar(VietnamLocation(), days)
	messy.Periods = []WorkPeriod{{-5, 10}, {1439, 3000}, {600, 601}, {590, 700}}
	calendars := []*WorkCalendar{seeded, noDays, noPeriods, messy}
	units := []DeadlineUnit{CalendarDays, WorkingDays, WorkingHours}

	const span = int64(200 * 365.2425 * 86400)
	f.Fuzz(func(t *testing.T, sec int64, amount int, unit uint8, cal uint8) {
		start := time.Unix(946684800+((sec%span)+span)%span, 0) // 2000-01-01 … 2199
		c := calendars[int(cal)%len(calendars)]
		d := Deadline{Amount: amount, Unit: DeadlineUnit("unknown")}
		if int(unit) < len(units) {
			d.Unit = units[unit]
		}
		due := c.Due(start, d)
		if due.Before(start) {
			t.Fatalf("Due(%v, %v) = %v, before start", start, d, due)
		}
		if c == seeded && d.Unit == WorkingHours && amount > 0 && amount <= maxDeadlineAmount {
			if got := c.WorkingDuration(start, due); got != time.Duration(amount)*time.Hour {
				t.Fatalf("Due(%v, %v) = %v holds %v of working time", start, d, due, got)
			}
		}
		if c == seeded && (d.Unit == WorkingDays || d.Unit == CalendarDays) && amount > 0 && !c.IsWorkingDay(due) {
			t.Fatalf("Due(%v, %v) = %v, not a working day", start, d, due)
		}
		if ext := c.Extend(due, d); ext.Before(due) {
			t.Fatalf("Extend(%v, %v) = %v, before due", due, d, ext)
		}
		if shifted := c.ShiftForPause(due, start, start.Add(time.Duration(amount%1000)*time.Hour), d.Unit); shifted.Before(due) {
			t.Fatalf("ShiftForPause(%v) = %v, before due", due, shifted)
		}
	})
}

// BenchmarkDue measures a 30-working-day deadline on the seeded calendar
// (day-level stepping: about six weeks of days per call).
func BenchmarkDue(b *testing.B) {
	var days []CalendarDay
	for y := 2025; y <= 2027; y++ {
		days = append(days, VietnamHolidays(y)...)
	}
	c := NewWorkCalendar(VietnamLocation(), days)
	start := time.Date(2026, 2, 12, 10, 0, 0, 0, c.Loc)
	for b.Loop() {
		c.Due(start, Deadline{Amount: 30, Unit: WorkingDays})
		c.Due(start, Deadline{Amount: 240, Unit: WorkingHours})
	}
}
