package domain

import (
	"testing"
	"time"
)

func TestSolarToLunar(t *testing.T) {
	tests := []struct {
		name    string
		y, m, d int
		want    LunarDate
	}{
		{"Tết 2025", 2025, 1, 29, LunarDate{2025, 1, 1, false}},
		{"Tết 2026", 2026, 2, 17, LunarDate{2026, 1, 1, false}},
		{"Tết 2027", 2027, 2, 6, LunarDate{2027, 1, 1, false}},
		{"Tết 2028", 2028, 1, 26, LunarDate{2028, 1, 1, false}},
		{"Tết 2029", 2029, 2, 13, LunarDate{2029, 1, 1, false}},
		// DOMAIN.md lists 2030-02-03, which is China's date: the new moon
		// falls at 2030-02-02 16:08 UTC, 23:08 in Vietnam but 00:08 on
		// 3 February in China. See TestLunarChinaDiffers.
		{"Tết 2030 (UTC+7)", 2030, 2, 2, LunarDate{2030, 1, 1, false}},
		{"day 2 of Tết 2030", 2030, 2, 3, LunarDate{2030, 1, 2, false}},
		{"eve of Tết 2026", 2026, 2, 16, LunarDate{2025, 12, 29, false}},
		{"Hùng Kings 2025", 2025, 4, 7, LunarDate{2025, 3, 10, false}},
		{"Hùng Kings 2026", 2026, 4, 26, LunarDate{2026, 3, 10, false}},
		// UTC+7 against UTC+8: Vietnam and China disagree on these.
		{"Tết 1985 (China: 20 Feb)", 1985, 1, 21, LunarDate{1985, 1, 1, false}},
		{"Tết 2007 (China: 18 Feb)", 2007, 2, 17, LunarDate{2007, 1, 1, false}},
		// Leap months.
		{"leap 4th month 2020", 2020, 5, 23, LunarDate{2020, 4, 1, true}},
		{"leap 2nd month 2023", 2023, 3, 22, LunarDate{2023, 2, 1, true}},
		{"leap 6th month 2025", 2025, 7, 25, LunarDate{2025, 6, 1, true}},
		{"regular 6th month 2025", 2025, 6, 25, LunarDate{2025, 6, 1, false}},
		{"normalised 2026-01-32", 2026, 1, 32, LunarDate{2025, 12, 14, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SolarToLunar(tt.y, tt.m, tt.d); got != tt.want {
				t.Errorf("SolarToLunar(%d, %d, %d) = %+v, want %+v", tt.y, tt.m, tt.d, got, tt.want)
			}
		})
	}
}

func TestLunarToSolar(t *testing.T) {
	tests := []struct {
		name    string
		in      LunarDate
		y, m, d int
		wantErr bool
	}{
		{"Tết 2026", LunarDate{2026, 1, 1, false}, 2026, 2, 17, false},
		{"Hùng Kings 2026", LunarDate{2026, 3, 10, false}, 2026, 4, 26, false},
		{"Hùng Kings 2025", LunarDate{2025, 3, 10, false}, 2025, 4, 7, false},
		{"leap 2nd month 2023", LunarDate{2023, 2, 1, true}, 2023, 3, 22, false},
		{"last day of lunar 2025", LunarDate{2025, 12, 29, false}, 2026, 2, 16, false},
		{"no leap month 2026", LunarDate{2026, 3, 1, true}, 0, 0, 0, true},
		{"wrong leap month 2025", LunarDate{2025, 5, 1, true}, 0, 0, 0, true},
		{"month 0", LunarDate{2026, 0, 1, false}, 0, 0, 0, true},
		{"month 13", LunarDate{2026, 13, 1, false}, 0, 0, 0, true},
		{"day 0", LunarDate{2026, 1, 0, false}, 0, 0, 0, true},
		{"day 31", LunarDate{2026, 1, 31, false}, 0, 0, 0, true},
		{"30th of a 29-day month", LunarDate{2025, 12, 30, false}, 0, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			y, m, d, err := LunarToSolar(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("LunarToSolar(%+v) = %d-%d-%d, want an error", tt.in, y, m, d)
				}
				if ErrorCode(err) != EINVALID {
					t.Errorf("error code = %q, want %q", ErrorCode(err), EINVALID)
				}
				return
			}
			if err != nil {
				t.Fatalf("LunarToSolar(%+v): %v", tt.in, err)
			}
			if y != tt.y || m != tt.m || d != tt.d {
				t.Errorf("LunarToSolar(%+v) = %d-%02d-%02d, want %d-%02d-%02d", tt.in, y, m, d, tt.y, tt.m, tt.d)
			}
		})
	}
}

// TestLunarChinaDiffers checks the same algorithm at UTC+8 against the
// Chinese new-year dates where the two calendars differ.
func TestLunarChinaDiffers(t *testing.T) {
	tests := []struct {
		y, m, d int
		vietnam time.Month
		vday    int
	}{
		{1985, 2, 20, time.January, 21},
		{2007, 2, 18, time.February, 17},
		{2030, 2, 3, time.February, 2},
	}
	for _, tt := range tests {
		if got := lunarFromSolar(tt.y, tt.m, tt.d, 8); got != (LunarDate{tt.y, 1, 1, false}) {
			t.Errorf("China %d-%02d-%02d = %+v, want 1/1/%d", tt.y, tt.m, tt.d, got, tt.y)
		}
		if got := SolarToLunar(tt.y, int(tt.vietnam), tt.vday); got != (LunarDate{tt.y, 1, 1, false}) {
			t.Errorf("Vietnam %d-%02d-%02d = %+v, want 1/1/%d", tt.y, tt.vietnam, tt.vday, got, tt.y)
		}
	}
}

// TestLunarRoundTrip converts every day of 2000–2050 to the lunar calendar
// and back, and checks that lunar days advance one by one.
func TestLunarRoundTrip(t *testing.T) {
	day := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2051, 1, 1, 0, 0, 0, 0, time.UTC)
	prev := SolarToLunar(1999, 12, 31)
	for ; day.Before(end); day = day.AddDate(0, 0, 1) {
		ld := SolarToLunar(day.Year(), int(day.Month()), day.Day())
		y, m, d, err := LunarToSolar(ld)
		if err != nil {
			t.Fatalf("%s → %+v → error %v", day.Format(time.DateOnly), ld, err)
		}
		if y != day.Year() || m != int(day.Month()) || d != day.Day() {
			t.Fatalf("%s → %+v → %d-%02d-%02d", day.Format(time.DateOnly), ld, y, m, d)
		}
		if ld.Day != prev.Day+1 {
			if ld.Day != 1 || prev.Day < 29 || prev.Day > 30 {
				t.Fatalf("%s: lunar day %+v follows %+v", day.Format(time.DateOnly), ld, prev)
			}
			if !ld.Leap && ld.Month != prev.Month%12+1 || ld.Leap && ld.Month != prev.Month {
				t.Fatalf("%s: lunar month %+v follows %+v", day.Format(time.DateOnly), ld, prev)
			}
			if ld.Month == 1 && !ld.Leap && ld.Year != prev.Year+1 {
				t.Fatalf("%s: lunar year %+v follows %+v", day.Format(time.DateOnly), ld, prev)
			}
		} else if ld.Month != prev.Month || ld.Leap != prev.Leap || ld.Year != prev.Year {
			t.Fatalf("%s: %+v follows %+v within a month", day.Format(time.DateOnly), ld, prev)
		}
		prev = ld
	}
}
