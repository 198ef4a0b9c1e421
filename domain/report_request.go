package domain

import (
	"fmt"
	"time"
)

// MaxReportDays is the longest period a report may cover, both ends included.
const MaxReportDays = 366

// ReportRequest asks for the summary of a unit (and the units below it) over
// a period of whole days in Asia/Ho_Chi_Minh.
type ReportRequest struct {
	Unit string    // unit code; empty: the caller's unit
	From time.Time // the first day, at midnight in Asia/Ho_Chi_Minh
	To   time.Time // the last day (included), at midnight
	// Appendix fills Summary.Tickets with every ticket received in the
	// period. It is ignored for a unit with units below it (a province):
	// each commune's report and the CSV export carry those lists.
	Appendix bool
}

// TicketExport selects the tickets of a CSV export: the queue's filters
// (Statuses empty means every status; After and Limit are ignored) and,
// when set, the days of creation (both included).
type TicketExport struct {
	Filter TicketFilter
	From   *time.Time // the first day, at midnight in Asia/Ho_Chi_Minh
	To     *time.Time // the last day (included), at midnight
}

// Report periods of the archive.
const (
	PeriodWeek    = "week"
	PeriodMonth   = "month"
	PeriodQuarter = "quarter"
	PeriodCustom  = "custom"
)

// ArchivedReport is a stored report (its PDF is fetched apart).
type ArchivedReport struct {
	ID         int64     `json:"id"`
	Unit       string    `json:"unit"`
	UnitName   string    `json:"unit_name"`
	Period     string    `json:"period"`
	From       string    `json:"from"`
	To         string    `json:"to"`
	Header     string    `json:"header"`
	Received   int       `json:"received"`
	Resolved   int       `json:"resolved"`
	Overdue    int       `json:"overdue"`
	OnTimeRate float64   `json:"on_time_rate"`
	CreatedAt  time.Time `json:"created_at"`
}

// ArchiveCursor is a position in the archive: after the report of PeriodFrom
// (YYYY-MM-DD) with ID, newest first.
type ArchiveCursor struct {
	PeriodFrom string
	ID         int64
}

// ArchiveFilter selects stored reports; empty fields match anything.
type ArchiveFilter struct {
	Unit   string // unit code
	Period string // week, month, quarter or custom
	After  *ArchiveCursor
	Limit  int
}

// NewArchivedReport is a report to store.
type NewArchivedReport struct {
	UnitID  int64
	Period  string // week, month, quarter or custom
	Header  string // ubnd or dang-uy
	Summary *Summary
	PDF     []byte
	By      *int64 // the user who asked for it; nil for a scheduled report
}

// ParseReportPeriod reads a report's from and to dates (YYYY-MM-DD, both
// included) in loc. An empty from is the first day of to's month; an empty
// to is today (now in loc). It returns an invalid_input error naming the
// field for a malformed date, from after to, or a period over MaxReportDays.
func ParseReportPeriod(from, to string, now time.Time, loc *time.Location) (time.Time, time.Time, error) {
	if loc == nil {
		loc = VietnamLocation()
	}
	bad := map[string]string{}
	parse := func(field, s string) time.Time {
		d, err := time.ParseInLocation("2006-01-02", s, loc)
		if err != nil {
			bad[field] = "invalid_date"
		}
		return d
	}
	var f, t time.Time
	if to == "" {
		n := now.In(loc)
		t = time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	} else {
		t = parse("to", to)
	}
	if from == "" {
		f = time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
	} else {
		f = parse("from", from)
	}
	if len(bad) > 0 {
		return f, t, Invalid("Ngày không hợp lệ (định dạng YYYY-MM-DD).", "Invalid date (use YYYY-MM-DD).", bad)
	}
	if f.After(t) {
		return f, t, Invalid("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.", "from must not be after to.",
			map[string]string{"from": "after_to"})
	}
	if days := PeriodDays(f, t); days > MaxReportDays {
		return f, t, Invalid(fmt.Sprintf("Kỳ báo cáo dài %d ngày; tối đa %d ngày.", days, MaxReportDays),
			fmt.Sprintf("The period is %d days long; at most %d.", days, MaxReportDays),
			map[string]string{"to": "period_too_long"})
	}
	return f, t, nil
}

// PeriodDays returns the number of days from from to to, both included.
func PeriodDays(from, to time.Time) int {
	a := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	b := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours()/24) + 1
}

// PreviousPeriod returns the period a report of from..to compares with:
// for whole calendar months (a month, a quarter, a half or a whole year:
// from the 1st to the last day of a month) the same number of calendar
// months just before (November with October, Q3 with Q2, January with the
// December before); for any other period the same number of days just
// before.
func PreviousPeriod(from, to time.Time) (time.Time, time.Time) {
	if months, ok := wholeMonths(from, to); ok {
		return from.AddDate(0, -months, 0), from.AddDate(0, 0, -1)
	}
	n := PeriodDays(from, to)
	return from.AddDate(0, 0, -n), from.AddDate(0, 0, -1)
}

// wholeMonths returns how many calendar months from..to spans when it runs
// from the first day of a month to the last day of a month.
func wholeMonths(from, to time.Time) (int, bool) {
	if from.Day() != 1 || to.AddDate(0, 0, 1).Day() != 1 || to.Before(from) {
		return 0, false
	}
	return (to.Year()-from.Year())*12 + int(to.Month()) - int(from.Month()) + 1, true
}

// LastCompletedPeriod returns the latest week (Monday to Sunday), month or
// quarter that ended before now, in loc; ok is false for another period.
func LastCompletedPeriod(period string, now time.Time, loc *time.Location) (from, to time.Time, ok bool) {
	if loc == nil {
		loc = VietnamLocation()
	}
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	switch period {
	case PeriodWeek:
		monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
		return monday.AddDate(0, 0, -7), monday.AddDate(0, 0, -1), true
	case PeriodMonth:
		first := time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, loc)
		return first.AddDate(0, -1, 0), first.AddDate(0, 0, -1), true
	case PeriodQuarter:
		q := time.Date(n.Year(), time.Month((int(n.Month())-1)/3*3+1), 1, 0, 0, 0, 0, loc)
		return q.AddDate(0, -3, 0), q.AddDate(0, 0, -1), true
	}
	return time.Time{}, time.Time{}, false
}
