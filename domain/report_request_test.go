package domain

import (
	"testing"
	"time"
)

// A report compares with the period just before it: a calendar month with
// the calendar month before, a quarter with the quarter before (across the
// year end too), other periods with as many days just before.
func TestPreviousPeriodOfEachKind(t *testing.T) {
	loc := VietnamLocation()
	d := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name, from, to, wantFrom, wantTo string
	}{
		{"November", "2026-11-01", "2026-11-30", "2026-10-01", "2026-10-31"},
		{"March after a short February", "2026-03-01", "2026-03-31", "2026-02-01", "2026-02-28"},
		{"March of a leap year", "2028-03-01", "2028-03-31", "2028-02-01", "2028-02-29"},
		{"January, across the year end", "2027-01-01", "2027-01-31", "2026-12-01", "2026-12-31"},
		{"Q3", "2026-07-01", "2026-09-30", "2026-04-01", "2026-06-30"},
		{"Q1, across the year end", "2027-01-01", "2027-03-31", "2026-10-01", "2026-12-31"},
		{"a half year", "2026-07-01", "2026-12-31", "2026-01-01", "2026-06-30"},
		{"a whole year", "2026-01-01", "2026-12-31", "2025-01-01", "2025-12-31"},
		{"a week", "2026-11-02", "2026-11-08", "2026-10-26", "2026-11-01"},
		{"a week across the year end", "2026-12-28", "2027-01-03", "2026-12-21", "2026-12-27"},
		{"a month to date", "2026-11-01", "2026-11-03", "2026-10-29", "2026-10-31"},
		{"ten days", "2026-11-11", "2026-11-20", "2026-11-01", "2026-11-10"},
		{"from mid-month to a month end", "2026-11-15", "2026-11-30", "2026-10-30", "2026-11-14"},
	}
	for _, tt := range tests {
		f, to := PreviousPeriod(d(tt.from), d(tt.to))
		if got := f.Format("2006-01-02") + ".." + to.Format("2006-01-02"); got != tt.wantFrom+".."+tt.wantTo {
			t.Errorf("%s (%s..%s): previous %s, want %s..%s", tt.name, tt.from, tt.to, got, tt.wantFrom, tt.wantTo)
		}
	}
}
