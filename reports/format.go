package reports

import (
	"math"
	"strconv"
	"strings"
)

// formatInt writes n with Vietnamese thousands separators: 12345 → "12.345".
func formatInt(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// formatDec writes f with one decimal and a decimal comma: 12.25 → "12,3".
func formatDec(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "-"
	}
	s := strconv.FormatFloat(f, 'f', 1, 64)
	ip, fp, _ := strings.Cut(s, ".")
	n, err := strconv.Atoi(ip)
	if err != nil || math.Abs(f) >= 1e15 {
		return strings.Replace(s, ".", ",", 1)
	}
	out := formatInt(n)
	if n == 0 && strings.HasPrefix(ip, "-") {
		out = "-0"
	}
	if fp == "0" {
		return out
	}
	return out + "," + fp
}

// formatPct writes a ratio as a percentage: 0.853 → "85,3%".
func formatPct(r float64) string { return formatDec(r*100) + "%" }

// share is n/total as a percentage, "-" when total is 0.
func share(n, total int) string {
	if total <= 0 {
		return "-"
	}
	return formatPct(float64(n) / float64(total))
}

// delta writes the change from prev to cur: "+12 (+6,4%)", "-3 (-2%)",
// "0 (0%)"; the percentage is left out when prev is 0.
func delta(cur, prev int) string {
	d := cur - prev
	sign := ""
	if d > 0 {
		sign = "+"
	}
	s := sign + formatInt(d)
	if prev > 0 {
		s += " (" + sign + formatPct(float64(d)/float64(prev)) + ")"
	}
	return s
}

// deltaPoints writes the change of a rate in percentage points.
func deltaPoints(cur, prev float64) string {
	d := (cur - prev) * 100
	sign := ""
	if d > 0.05 {
		sign = "+"
	}
	return sign + formatDec(d) + " điểm %"
}

// hours writes a duration in hours, with days when it is long.
func hours(h *float64) string {
	if h == nil || math.IsNaN(*h) || math.IsInf(*h, 0) {
		return "chưa có số liệu"
	}
	s := formatDec(*h) + " giờ"
	if *h >= 48 {
		s += " (khoảng " + formatDec(*h/24) + " ngày)"
	}
	return s
}
