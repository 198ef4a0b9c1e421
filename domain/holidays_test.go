package domain

import (
	"slices"
	"strings"
	"testing"
)

func TestVietnamHolidays2026(t *testing.T) {
	want := []CalendarDay{
		{"2026-01-01", true, "Tết Dương lịch"},
		{"2026-02-16", true, "Tết Nguyên đán"},
		{"2026-02-17", true, "Tết Nguyên đán"},
		{"2026-02-18", true, "Tết Nguyên đán"},
		{"2026-02-19", true, "Tết Nguyên đán"},
		{"2026-02-20", true, "Tết Nguyên đán"},
		{"2026-04-26", true, "Giỗ Tổ Hùng Vương"},         // a Sunday…
		{"2026-04-27", true, "Nghỉ bù Giỗ Tổ Hùng Vương"}, // …gives Monday off
		{"2026-04-30", true, "Ngày Chiến thắng"},
		{"2026-05-01", true, "Ngày Quốc tế Lao động"},
		{"2026-09-01", true, "Quốc khánh"},
		{"2026-09-02", true, "Quốc khánh"},
	}
	if got := VietnamHolidays(2026); !slices.Equal(got, want) {
		t.Errorf("VietnamHolidays(2026) =\n%v\nwant\n%v", got, want)
	}
}

func TestVietnamHolidaysCompensation(t *testing.T) {
	tests := []struct {
		name     string
		year     int
		date     string // a compensatory day expected in the seed
		wantName string
	}{
		{"Tết ends on a Saturday", 2025, "2025-02-03", "Nghỉ bù Tết Nguyên đán"},
		{"Tết over a weekend: two days", 2027, "2027-02-10", "Nghỉ bù Tết Nguyên đán"},
		{"Tết over a weekend: second day", 2027, "2027-02-11", "Nghỉ bù Tết Nguyên đán"},
		{"1 May on a Saturday", 2027, "2027-05-03", "Nghỉ bù Ngày Quốc tế Lao động"},
		{"1 January on a Saturday", 2028, "2028-01-03", "Nghỉ bù Tết Dương lịch"},
		{"30 April on Sunday, 1 May on Monday", 2028, "2028-05-02", "Nghỉ bù Ngày Chiến thắng"},
		{"1–2 September on a weekend", 2029, "2029-09-04", "Nghỉ bù Quốc khánh"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			days := VietnamHolidays(tt.year)
			i := slices.IndexFunc(days, func(d CalendarDay) bool { return d.Date == tt.date })
			if i < 0 {
				t.Fatalf("%s missing from %v", tt.date, days)
			}
			if days[i].Name != tt.wantName || !days[i].Off {
				t.Errorf("%s = %+v, want off, %q", tt.date, days[i], tt.wantName)
			}
		})
	}
}

func TestVietnamHolidaysShape(t *testing.T) {
	for year := 2000; year <= 2050; year++ {
		days := VietnamHolidays(year)
		tet, hung, comp := 0, 0, 0
		for i, d := range days {
			if err := d.Validate(); err != nil {
				t.Fatalf("%d: %+v: %v", year, d, err)
			}
			if !d.Off || !strings.HasPrefix(d.Date, "2") {
				t.Errorf("%d: unexpected %+v", year, d)
			}
			if i > 0 && days[i-1].Date >= d.Date {
				t.Errorf("%d: not sorted or duplicated at %s", year, d.Date)
			}
			switch {
			case d.Name == "Tết Nguyên đán":
				tet++
			case d.Name == "Giỗ Tổ Hùng Vương":
				hung++
			case strings.HasPrefix(d.Name, "Nghỉ bù "):
				comp++
			}
		}
		if tet != 5 || hung != 1 || len(days) != 11+comp {
			t.Errorf("%d: %d days of Tết, %d Hùng Kings' days, %d days in all with %d compensatory",
				year, tet, hung, len(days), comp)
		}
	}
}

func TestCalendarDayValidate(t *testing.T) {
	tests := []struct {
		day   CalendarDay
		field string // "" when valid
	}{
		{CalendarDay{"2026-01-02", true, "Nghỉ hoán đổi"}, ""},
		{CalendarDay{"2026-01-10", false, "Làm bù"}, ""},
		{CalendarDay{"2026-02-30", true, "Sai"}, "date"},
		{CalendarDay{"02/01/2026", true, "Sai"}, "date"},
		{CalendarDay{"2026-01-02", true, ""}, "name"},
	}
	for _, tt := range tests {
		err := tt.day.Validate()
		if tt.field == "" {
			if err != nil {
				t.Errorf("%+v: %v", tt.day, err)
			}
			continue
		}
		var e *Error
		if err == nil || ErrorCode(err) != EINVALID {
			t.Errorf("%+v: error %v, want invalid_input", tt.day, err)
		} else if e = err.(*Error); e.Fields[tt.field] == "" {
			t.Errorf("%+v: fields %v, want %q", tt.day, e.Fields, tt.field)
		}
	}
}
