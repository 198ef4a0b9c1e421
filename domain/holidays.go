package domain

import (
	"cmp"
	"slices"
	"time"
)

// CalendarDay is one entry of a unit's holiday calendar: a day off on a
// working day, or a make-up working day (Off false, usually a Saturday).
type CalendarDay struct {
	Date string `json:"date"` // YYYY-MM-DD
	Off  bool   `json:"off"`  // true: day off; false: make-up working day
	Name string `json:"name"` // Vietnamese, e.g. "Quốc khánh"
}

// Validate returns an invalid_input *Error when Date is not a YYYY-MM-DD
// date or Name is empty; nil otherwise.
func (d CalendarDay) Validate() error {
	fields := map[string]string{}
	if _, err := time.Parse(time.DateOnly, d.Date); err != nil {
		fields["date"] = "invalid"
	}
	if d.Name == "" {
		fields["name"] = "required"
	}
	if len(fields) > 0 {
		return Invalid("Ngày trong lịch làm việc không hợp lệ.", "Invalid calendar day.", fields)
	}
	return nil
}

// VietnamHolidays returns the seed of year's holiday calendar, sorted by date:
// the public holidays of the Labour Code 2019, Art. 112 — 1 January; Tết,
// the last day of the old lunar year and the first four of the new one; the
// Hùng Kings' Commemoration (10/3 lunar); 30 April; 1 May; 1 and 2 September —
// and, for each of them falling on a Saturday or Sunday, a compensatory day
// off on the next working day (Art. 111(3)). The government's yearly
// announcements (swapped days, make-up Saturdays) are an admin's edits on top.
func VietnamHolidays(year int) []CalendarDay {
	var days []CalendarDay
	add := func(t time.Time, name string) {
		days = append(days, CalendarDay{Date: t.Format(time.DateOnly), Off: true, Name: name})
	}
	date := func(m time.Month, d int) time.Time { return time.Date(year, m, d, 0, 0, 0, 0, time.UTC) }

	add(date(time.January, 1), "Tết Dương lịch")
	if y, m, d, err := LunarToSolar(LunarDate{Year: year, Month: 1, Day: 1}); err == nil {
		newYear := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
		for i := -1; i < 4; i++ {
			add(newYear.AddDate(0, 0, i), "Tết Nguyên đán")
		}
	}
	if y, m, d, err := LunarToSolar(LunarDate{Year: year, Month: 3, Day: 10}); err == nil {
		add(time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC), "Giỗ Tổ Hùng Vương")
	}
	add(date(time.April, 30), "Ngày Chiến thắng")
	add(date(time.May, 1), "Ngày Quốc tế Lao động")
	add(date(time.September, 1), "Quốc khánh")
	add(date(time.September, 2), "Quốc khánh")
	byDate := func(a, b CalendarDay) int { return cmp.Compare(a.Date, b.Date) } // YYYY-MM-DD sorts as dates
	slices.SortFunc(days, byDate)
	days = append(days, holidayCompensations(days)...)
	slices.SortFunc(days, byDate)
	return days
}

// holidayCompensations returns the compensatory days off for the holidays
// (sorted) that fall on a weekend: each gets the next weekday that is neither
// a holiday nor already a compensatory day. The result is sorted.
func holidayCompensations(holidays []CalendarDay) []CalendarDay {
	taken := make(map[string]bool, len(holidays))
	for _, h := range holidays {
		taken[h.Date] = true
	}
	var out []CalendarDay
	for _, h := range holidays {
		t, err := time.Parse(time.DateOnly, h.Date)
		if err != nil || (t.Weekday() != time.Saturday && t.Weekday() != time.Sunday) {
			continue
		}
		for {
			t = t.AddDate(0, 0, 1)
			if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday && !taken[t.Format(time.DateOnly)] {
				break
			}
		}
		day := CalendarDay{Date: t.Format(time.DateOnly), Off: true, Name: "Nghỉ bù " + h.Name}
		taken[day.Date] = true
		out = append(out, day)
	}
	return out
}
