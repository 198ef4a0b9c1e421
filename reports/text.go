package reports

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// replacementRune stands for a rune the embedded font cannot draw.
const replacementRune = '?'

// cleaner turns untrusted text into text the PDF can draw: valid UTF-8, NFC,
// no control or format characters, nothing outside the font's coverage,
// phone numbers masked.
type cleaner struct {
	fonts *fontSet
	memo  map[string]string // short single-line inputs already cleaned
}

// line cleans s for a single line: newlines and tabs become spaces, runs of
// spaces collapse to one.
func (c cleaner) line(s string) string {
	if len(s) > 128 || c.memo == nil {
		return c.clean(s, false)
	}
	if v, ok := c.memo[s]; ok {
		return v
	}
	v := c.clean(s, false)
	c.memo[s] = v
	return v
}

// para cleans s keeping its line breaks (for multi-paragraph text).
func (c cleaner) para(s string) string {
	return c.clean(s, true)
}

func (c cleaner) clean(s string, keepNewlines bool) string {
	if s == "" {
		return ""
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, string(replacementRune))
	}
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false // last written rune was a space
	for _, r := range s {
		switch {
		case r == '\n' && keepNewlines:
			b.WriteByte('\n')
			space = false
			continue
		case r == '\r' && keepNewlines:
			continue
		case unicode.IsSpace(r) || r == '\u00a0':
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		case unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r):
			// control characters, bidi marks, zero-width joiners, BOM
			continue
		case r > 0xFFFF || !c.fonts.covers(r):
			r = replacementRune
		}
		b.WriteRune(r)
		space = false
	}
	return maskPhones(strings.TrimSpace(b.String()))
}

// phoneAt matches a Vietnamese phone number (mobile 0xxxxxxxxx, +84 or 84
// followed by 9 digits, landline 0 followed by 10 digits) at the start of a
// string, digits possibly grouped by single spaces, dots or dashes.
var phoneAt = regexp.MustCompile(`^(?:\+84|84|0)(?:[ .\-]?[0-9]){9,10}`)

// maskPhones replaces every phone number in s by its first digits, three
// asterisks and its last three digits: "0912345678" → "0912***678".
func maskPhones(s string) string {
	var b strings.Builder
	last := 0 // s[last:i] not yet copied
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if ch != '0' && ch != '+' && ch != '8' {
			continue
		}
		if i > 0 && isDigit(s[i-1]) {
			continue
		}
		loc := phoneAt.FindStringIndex(s[i:])
		if loc == nil {
			continue
		}
		end := i + loc[1]
		if end < len(s) && isDigit(s[end]) {
			continue // a longer number: not a phone
		}
		b.WriteString(s[last:i])
		b.WriteString(maskDigits(s[i:end]))
		last = end
		i = end - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// maskDigits masks one matched phone number: prefix (0, 84 or +84) and the
// next three digits are kept, then "***", then the last three digits.
func maskDigits(m string) string {
	prefix := "0"
	switch {
	case strings.HasPrefix(m, "+84"):
		prefix, m = "+84", m[3:]
	case strings.HasPrefix(m, "84"):
		prefix, m = "84", m[2:]
	default:
		m = m[1:]
	}
	d := make([]byte, 0, 10)
	for i := 0; i < len(m); i++ {
		if isDigit(m[i]) {
			d = append(d, m[i])
		}
	}
	if len(d) < 6 {
		return prefix + "***"
	}
	return prefix + string(d[:3]) + "***" + string(d[len(d)-3:])
}

// clip shortens s to at most n runes, ending in "…" when cut.
func clip(s string, n int) string {
	if len(s) <= n { // bytes ≥ runes
		return s
	}
	i := 0
	for pos := range s {
		if i == n-1 {
			return strings.TrimSpace(s[:pos]) + "…"
		}
		i++
	}
	return s
}

// upper is strings.ToUpper kept NFC (Vietnamese capitals are precomposed).
func upper(s string) string { return norm.NFC.String(strings.ToUpper(s)) }

// wrap breaks s into lines no wider than maxW (in thousandths of an em)
// using the widths of m. Words wider than a line are cut between runes, so
// any input finishes in time linear in its length.
func wrap(s string, maxW int, m *fontMetrics) []string {
	if maxW < 1000 {
		maxW = 1000
	}
	spaceW := m.width(' ')
	var lines []string
	var cur strings.Builder
	curW := 0
	flush := func() {
		lines = append(lines, cur.String())
		cur.Reset()
		curW = 0
	}
	for _, word := range strings.Fields(s) {
		ww := 0
		for _, r := range word {
			ww += m.width(r)
		}
		if cur.Len() > 0 && curW+spaceW+ww <= maxW {
			cur.WriteByte(' ')
			cur.WriteString(word)
			curW += spaceW + ww
			continue
		}
		if cur.Len() > 0 {
			flush()
		}
		if ww <= maxW {
			cur.WriteString(word)
			curW = ww
			continue
		}
		// A word too long for a line: cut it.
		for _, r := range word {
			rw := m.width(r)
			if curW+rw > maxW && cur.Len() > 0 {
				flush()
			}
			cur.WriteRune(r)
			curW += rw
		}
	}
	if cur.Len() > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}
