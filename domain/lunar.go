package domain

import "math"

// The Vietnamese lunisolar calendar, computed with Hồ Ngọc Đức's astronomical
// algorithm (new moons and the sun's longitude, after Jean Meeus) at UTC+7.
// Dates are exact for about 1800–2199; the Chinese calendar, computed at
// UTC+8, sometimes differs (Tết 1985: 21 January here, 20 February in China).

// lunarTimeZone is the offset of Vietnam's calendar from UTC, in hours.
const lunarTimeZone = 7.0

// LunarDate is a date of the Vietnamese lunar calendar. Year is the lunar
// year (the Gregorian year in which its first month begins); Leap marks the
// intercalary month (tháng nhuận) that repeats Month.
type LunarDate struct {
	Year, Month, Day int
	Leap             bool
}

// SolarToLunar returns the lunar date of the Gregorian date y-m-d (the day in
// Vietnam, UTC+7). Out-of-range days and months are normalised first, as
// time.Date does.
func SolarToLunar(y, m, d int) LunarDate { return lunarFromSolar(y, m, d, lunarTimeZone) }

// lunarFromSolar is SolarToLunar for a calendar kept at UTC+tz (China: 8).
func lunarFromSolar(y, m, d int, tz float64) LunarDate {
	dayNumber := lunarJDFromDate(y, m, d)
	k := lunarFloor((float64(dayNumber) - 2415021.076998695) / 29.530588853)
	monthStart := lunarNewMoonDay(k+1, tz)
	if monthStart > dayNumber {
		monthStart = lunarNewMoonDay(k, tz)
	}
	gy, _, _ := lunarJDToDate(dayNumber)
	a11 := lunarMonth11(gy, tz)
	b11 := a11
	var lunarYear int
	if a11 >= monthStart {
		lunarYear = gy
		a11 = lunarMonth11(gy-1, tz)
	} else {
		lunarYear = gy + 1
		b11 = lunarMonth11(gy+1, tz)
	}
	day := dayNumber - monthStart + 1
	diff := lunarFloor(float64(monthStart-a11) / 29)
	leap := false
	month := diff + 11
	if b11-a11 > 365 {
		leapDiff := lunarLeapOffset(a11, tz)
		if diff >= leapDiff {
			month = diff + 10
			leap = diff == leapDiff
		}
	}
	if month > 12 {
		month -= 12
	}
	if month >= 11 && diff < 4 {
		lunarYear--
	}
	return LunarDate{Year: lunarYear, Month: month, Day: day, Leap: leap}
}

// LunarToSolar returns the Gregorian date of ld. It returns an invalid_input
// *Error when the month is not 1–12, the day is not within that month (29 or
// 30 days), or Leap is set for a month that is not intercalary that year.
func LunarToSolar(ld LunarDate) (y, m, d int, err error) {
	if ld.Month < 1 || ld.Month > 12 || ld.Day < 1 || ld.Day > 30 {
		return 0, 0, 0, lunarInvalid()
	}
	start, ok := lunarMonthStart(ld.Year, ld.Month, ld.Leap)
	if !ok {
		return 0, 0, 0, lunarInvalid()
	}
	jd := start + ld.Day - 1
	// The month has 29 or 30 days: the day must still belong to it.
	if got := lunarFromJD(jd); got.Month != ld.Month || got.Leap != ld.Leap || got.Day != ld.Day {
		return 0, 0, 0, lunarInvalid()
	}
	y, m, d = lunarJDToDate(jd)
	return y, m, d, nil
}

func lunarInvalid() *Error {
	return Invalid("Ngày âm lịch không hợp lệ.", "Invalid lunar date.", map[string]string{"lunar_date": "invalid"})
}

// lunarFromJD is SolarToLunar for a Julian day number.
func lunarFromJD(jd int) LunarDate {
	y, m, d := lunarJDToDate(jd)
	return SolarToLunar(y, m, d)
}

// lunarMonthStart returns the Julian day number of the first day of the
// lunar month, and false when leap is set but that month is not intercalary.
func lunarMonthStart(year, month int, leap bool) (int, bool) {
	var a11, b11 int
	if month < 11 {
		a11 = lunarMonth11(year-1, lunarTimeZone)
		b11 = lunarMonth11(year, lunarTimeZone)
	} else {
		a11 = lunarMonth11(year, lunarTimeZone)
		b11 = lunarMonth11(year+1, lunarTimeZone)
	}
	k := lunarFloor(0.5 + (float64(a11)-2415021.076998695)/29.530588853)
	off := month - 11
	if off < 0 {
		off += 12
	}
	if b11-a11 > 365 {
		leapOff := lunarLeapOffset(a11, lunarTimeZone)
		leapMonth := leapOff - 2
		if leapMonth < 0 {
			leapMonth += 12
		}
		if leap && month != leapMonth {
			return 0, false
		}
		if leap || off >= leapOff {
			off++
		}
	} else if leap {
		return 0, false
	}
	return lunarNewMoonDay(k+off, lunarTimeZone), true
}

func lunarFloor(x float64) int { return int(math.Floor(x)) }

// lunarJDFromDate returns the Julian day number of a Gregorian date (Julian
// calendar before 15 October 1582).
func lunarJDFromDate(yy, mm, dd int) int {
	a := lunarFloor(float64(14-mm) / 12)
	y := yy + 4800 - a
	m := mm + 12*a - 3
	jd := dd + lunarFloor(float64(153*m+2)/5) + 365*y + lunarFloor(float64(y)/4) -
		lunarFloor(float64(y)/100) + lunarFloor(float64(y)/400) - 32045
	if jd < 2299161 {
		jd = dd + lunarFloor(float64(153*m+2)/5) + 365*y + lunarFloor(float64(y)/4) - 32083
	}
	return jd
}

// lunarJDToDate returns the Gregorian date of a Julian day number.
func lunarJDToDate(jd int) (year, month, day int) {
	var b, c int
	if jd > 2299160 {
		a := jd + 32044
		b = lunarFloor(float64(4*a+3) / 146097)
		c = a - lunarFloor(float64(b*146097)/4)
	} else {
		c = jd + 32082
	}
	d := lunarFloor(float64(4*c+3) / 1461)
	e := c - lunarFloor(float64(1461*d)/4)
	m := lunarFloor(float64(5*e+2) / 153)
	day = e - lunarFloor(float64(153*m+2)/5) + 1
	month = m + 3 - 12*lunarFloor(float64(m)/10)
	year = b*100 + d - 4800 + lunarFloor(float64(m)/10)
	return year, month, day
}

// lunarNewMoon returns the Julian date (UTC) of the k-th new moon after
// 1900-01-01 13:52 UTC.
func lunarNewMoon(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85
	t2 := t * t
	t3 := t2 * t
	dr := math.Pi / 180
	jd1 := 2415020.75933 + 29.53058868*kf + 0.0001178*t2 - 0.000000155*t3
	jd1 += 0.00033 * math.Sin((166.56+132.87*t-0.009173*t2)*dr)
	m := 359.2242 + 29.10535608*kf - 0.0000333*t2 - 0.00000347*t3
	mpr := 306.0253 + 385.81691806*kf + 0.0107306*t2 + 0.00001236*t3
	f := 21.2964 + 390.67050646*kf - 0.0016528*t2 - 0.00000239*t3
	c1 := (0.1734-0.000393*t)*math.Sin(m*dr) + 0.0021*math.Sin(2*dr*m)
	c1 = c1 - 0.4068*math.Sin(mpr*dr) + 0.0161*math.Sin(dr*2*mpr)
	c1 -= 0.0004 * math.Sin(dr*3*mpr)
	c1 = c1 + 0.0104*math.Sin(dr*2*f) - 0.0051*math.Sin(dr*(m+mpr))
	c1 = c1 - 0.0074*math.Sin(dr*(m-mpr)) + 0.0004*math.Sin(dr*(2*f+m))
	c1 = c1 - 0.0004*math.Sin(dr*(2*f-m)) - 0.0006*math.Sin(dr*(2*f+mpr))
	c1 = c1 + 0.0010*math.Sin(dr*(2*f-mpr)) + 0.0005*math.Sin(dr*(2*mpr+m))
	var deltat float64
	if t < -11 {
		deltat = 0.001 + 0.000839*t + 0.0002261*t2 - 0.00000845*t3 - 0.000000081*t*t3
	} else {
		deltat = -0.000278 + 0.000265*t + 0.000262*t2
	}
	return jd1 + c1 - deltat
}

// lunarSunLongitude returns the sun's apparent longitude, in radians within
// [0, 2π), at the Julian date jdn (UTC).
func lunarSunLongitude(jdn float64) float64 {
	t := (jdn - 2451545.0) / 36525
	t2 := t * t
	dr := math.Pi / 180
	m := 357.52910 + 35999.05030*t - 0.0001559*t2 - 0.00000048*t*t2
	l0 := 280.46645 + 36000.76983*t + 0.0003032*t2
	dl := (1.914600 - 0.004817*t - 0.000014*t2) * math.Sin(dr*m)
	dl += (0.019993-0.000101*t)*math.Sin(dr*2*m) + 0.000290*math.Sin(dr*3*m)
	l := (l0 + dl) * dr
	l -= math.Pi * 2 * math.Floor(l/(math.Pi*2))
	return l
}

// lunarSunTerm returns the major solar term (0–11, each 30° of the sun's
// longitude) at local midnight starting the day dayNumber.
func lunarSunTerm(dayNumber int, tz float64) int {
	return lunarFloor(lunarSunLongitude(float64(dayNumber)-0.5-tz/24) / math.Pi * 6)
}

// lunarNewMoonDay returns the Julian day number of the local day of the k-th
// new moon.
func lunarNewMoonDay(k int, tz float64) int {
	return lunarFloor(lunarNewMoon(k) + 0.5 + tz/24)
}

// lunarMonth11 returns the Julian day number of the first day of the 11th
// lunar month (the one holding the winter solstice) that ends Gregorian year yy.
func lunarMonth11(yy int, tz float64) int {
	off := lunarJDFromDate(yy, 12, 31) - 2415021
	k := lunarFloor(float64(off) / 29.530588853)
	nm := lunarNewMoonDay(k, tz)
	if lunarSunTerm(nm, tz) >= 9 {
		nm = lunarNewMoonDay(k-1, tz)
	}
	return nm
}

// lunarLeapOffset returns the offset, in months after the 11th month starting
// at a11, of the leap month: the first month without a major solar term.
func lunarLeapOffset(a11 int, tz float64) int {
	k := lunarFloor((float64(a11)-2415021.076998695)/29.530588853 + 0.5)
	i := 1
	arc := lunarSunTerm(lunarNewMoonDay(k+i, tz), tz)
	for {
		last := arc
		i++
		arc = lunarSunTerm(lunarNewMoonDay(k+i, tz), tz)
		if arc == last || i >= 14 {
			break
		}
	}
	return i - 1
}
