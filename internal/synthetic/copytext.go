package synthetic

import (
	"strconv"
	"time"
)

// COPY's text format, written by hand for speed (see repository.BulkLoad).

// copyEscape returns s as a field of COPY's text format.
func copyEscape(s string) string {
	return string(appendCopyText(nil, s))
}

// appendCopyText appends s as a field of COPY's text format: backslash,
// tab, newline and carriage return escaped.
func appendCopyText(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b = append(b, '\\', '\\')
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendCopyNull appends COPY's NULL.
func appendCopyNull(b []byte) []byte {
	return append(b, '\\', 'N')
}

func appendCopyBool(b []byte, v bool) []byte {
	if v {
		return append(b, 't')
	}
	return append(b, 'f')
}

const decimalDigits = "0123456789"

// append2 appends v (0 to 99) in two digits.
func append2(b []byte, v int) []byte {
	return append(b, decimalDigits[v/10], decimalDigits[v%10])
}

// appendCopyDate appends t's date in its own location: 2026-11-26.
func appendCopyDate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	b = append2(append2(b, y/100), y%100)
	b = append2(append(b, '-'), int(m))
	return append2(append(b, '-'), d)
}

// appendCopyTime appends t as a timestamptz in UTC with its nanoseconds,
// "2026-11-26 03:04:05.678901234+00" (PostgreSQL rounds to microseconds as
// it did for lib/pq's format). A zero time is NULL.
func appendCopyTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return appendCopyNull(b)
	}
	t = t.UTC()
	b = appendCopyDate(b, t)
	h, mi, s := t.Clock()
	b = append2(append(b, ' '), h)
	b = append2(append(b, ':'), mi)
	b = append2(append(b, ':'), s)
	if ns := t.Nanosecond(); ns != 0 {
		b = append(b, '.')
		for div := 100000000; div > 0; div /= 10 {
			b = append(b, decimalDigits[ns/div%10])
		}
	}
	return append(b, '+', '0', '0')
}

// appendCopyFloat appends f exactly (the shortest text that reads back as f).
func appendCopyFloat(b []byte, f float64) []byte {
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}
