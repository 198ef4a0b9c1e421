package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Ellipsis is what Truncate appends to a shortened text.
const Ellipsis = "…"

// NormalizeText returns s as Cầu Nối stores text: CRLF and lone CR become
// "\n"; control characters other than "\n" and "\t" (and the byte-order
// mark) are removed; every Unicode space becomes an ASCII space and runs of
// spaces within a line collapse to one; spaces and tabs at the ends of each
// line are dropped; more than one blank line in a row becomes one; the whole
// text is trimmed and put in Unicode NFC. Invalid UTF-8 bytes become U+FFFD
// (callers that must refuse them check utf8.ValidString first).
// NormalizeText is idempotent.
func NormalizeText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	var b strings.Builder
	b.Grow(len(s))
	var line []byte // the current line, spaces collapsed
	blank := 0      // blank lines seen since the last written line
	wrote := false  // a non-blank line has been written
	flush := func() {
		l := strings.Trim(string(line), " \t")
		line = line[:0]
		if l == "" {
			blank++
			return
		}
		if wrote {
			b.WriteByte('\n')
			if blank > 0 {
				b.WriteByte('\n')
			}
		}
		b.WriteString(l)
		wrote, blank = true, 0
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\r':
			if i < len(s) && s[i] == '\n' {
				i++
			}
			flush()
		case r == '\n' || r == '\u2028' || r == '\u2029':
			flush()
		case r == '\t':
			line = append(line, '\t')
		case r == '\uFEFF' || unicode.IsControl(r):
		case r == ' ' || unicode.IsSpace(r) || unicode.Is(unicode.Zs, r):
			if n := len(line); n > 0 && line[n-1] != ' ' {
				line = append(line, ' ')
			}
		default:
			line = utf8.AppendRune(line, r)
		}
	}
	flush()
	out := b.String()
	if !norm.NFC.IsNormalString(out) {
		out = strings.TrimSpace(norm.NFC.String(out))
	}
	return out
}

// foldRune maps one rune of an NFD text with its marks already removed to
// its folded form: lower case, and đ/Đ (and the look-alike ð/Ð typed by
// some keyboards) to d.
func foldRune(r rune) rune {
	switch r {
	case 'đ', 'Đ', 'ð', 'Ð':
		return 'd'
	}
	return unicode.ToLower(r)
}

// Fold returns s in lower case without diacritics: "Đèn đường Hỏng" becomes
// "den duong hong". It is what search and keyword matching compare when a
// text was typed without accents. Its definition is NFD, the removal of
// nonspacing marks (unicode.Mn), lower case with đ → d, then NFC; text in
// ASCII, Latin letters (Vietnamese included), punctuation and emoji takes an
// equivalent fast path rune by rune.
func Fold(s string) string {
	if out, ok := foldFast(s); ok {
		return out
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), runes.Map(foldRune), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil { // cannot happen on valid UTF-8; keep a sane answer anyway
		return strings.ToLower(s)
	}
	return out
}

// foldFast folds s rune by rune when every rune is one whose fold cannot
// depend on its neighbours: ASCII, Latin letters (which decompose into a
// Latin letter and marks), general punctuation and symbols, emoji. It
// reports false for anything else (combining marks, other scripts, invalid
// UTF-8), which then takes the transform.
func foldFast(s string) (string, bool) {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf && !('A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	if i == len(s) {
		return s, true
	}
	b := make([]byte, i, len(s))
	copy(b, s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError:
			return "", false
		case 0xA0 <= r && r < 0x250 || 0x1E00 <= r && r < 0x1F00:
			d := norm.NFD.PropertiesString(s[i:]).Decomposition()
			if d == nil {
				b = utf8.AppendRune(b, foldRune(r))
				break
			}
			for len(d) > 0 {
				m, n := utf8.DecodeRune(d)
				d = d[n:]
				if !unicode.Is(unicode.Mn, m) {
					b = utf8.AppendRune(b, foldRune(m))
				}
			}
		case 0x2000 <= r && r < 0x2070 || 0x20A0 <= r && r < 0x20D0 || 0x1F000 <= r && r < 0x1FB00:
			if norm.NFD.PropertiesString(s[i:]).Decomposition() != nil {
				return "", false
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", false
		}
		i += size
	}
	return string(b), true
}

// HasDiacritics reports whether s holds a letter with a diacritic (a
// combining mark once decomposed) or the letter đ/Đ.
func HasDiacritics(s string) bool {
	for i, r := range s {
		if r < utf8.RuneSelf {
			continue
		}
		if runeHasDiacritic(r, s[i:]) {
			return true
		}
	}
	return false
}

// runeHasDiacritic reports whether r (the first rune of rest) is đ/Đ, a
// nonspacing mark, or decomposes into one.
func runeHasDiacritic(r rune, rest string) bool {
	switch r {
	case 'đ', 'Đ', 'ð', 'Ð':
		return true
	}
	if unicode.Is(unicode.Mn, r) {
		return true
	}
	d := norm.NFD.PropertiesString(rest).Decomposition()
	for len(d) > 0 {
		m, size := utf8.DecodeRune(d)
		if unicode.Is(unicode.Mn, m) {
			return true
		}
		d = d[size:]
	}
	return false
}

// wordForms returns the two forms the router compares a word by: folded
// (lower case, no diacritics: "duong") and exact (folded plus the word's
// diacritics, sorted, so that the old and new tone placements "hoà"/"hòa"
// and case and normalisation form do not matter, while "câu" ≠ "cầu" and
// "đường" ≠ "dương"). marked reports whether the word carries a diacritic.
func wordForms(w string) (folded, exact string, marked bool) {
	var buf [64]byte
	var mbuf [16]rune
	b, marks := buf[:0], mbuf[:0]
	for i, r := range w {
		switch {
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b = append(b, byte(r))
		case r == 'đ' || r == 'Đ' || r == 'ð' || r == 'Ð':
			b = append(b, 'd')
			marks = append(marks, 'đ')
		case unicode.Is(unicode.Mn, r):
			marks = append(marks, r)
		default:
			d := norm.NFD.PropertiesString(w[i:]).Decomposition()
			if d == nil {
				b = utf8.AppendRune(b, unicode.ToLower(r))
				break
			}
			for len(d) > 0 {
				m, n := utf8.DecodeRune(d)
				d = d[n:]
				if unicode.Is(unicode.Mn, m) {
					marks = append(marks, m)
				} else {
					b = utf8.AppendRune(b, unicode.ToLower(m))
				}
			}
		}
	}
	if len(marks) == 0 {
		folded = string(b)
		return folded, folded, false
	}
	// insertion sort: a word has a handful of marks
	for i := 1; i < len(marks); i++ {
		for j := i; j > 0 && marks[j] < marks[j-1]; j-- {
			marks[j], marks[j-1] = marks[j-1], marks[j]
		}
	}
	n := len(b)
	b = append(b, 0)
	for _, m := range marks {
		b = utf8.AppendRune(b, m)
	}
	exact = string(b)
	return exact[:n], exact, true
}

// Truncate returns s cut to at most n runes, Ellipsis included: when s is
// longer it is cut at the last word boundary that fits (or, when the first
// word alone is too long, mid-word, but never inside a character nor
// between a letter and its combining marks),
// trailing spaces and punctuation are dropped and Ellipsis appended. It
// returns s unchanged when it fits and "" when n <= 0.
func Truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n == 1 {
		return Ellipsis
	}
	// cut: byte offset after the first n-1 runes
	cut, count := 0, 0
	for i := range s {
		if count == n-1 {
			cut = i
			break
		}
		count++
	}
	// never separate a base letter from its combining marks
	for cut > 0 {
		r, _ := utf8.DecodeRuneInString(s[cut:])
		if !unicode.Is(unicode.Mn, r) && !unicode.Is(unicode.Me, r) && !unicode.Is(unicode.Mc, r) {
			break
		}
		_, size := utf8.DecodeLastRuneInString(s[:cut])
		cut -= size
	}
	next, _ := utf8.DecodeRuneInString(s[cut:])
	if !unicode.IsSpace(next) {
		// inside a word: go back to the last space, if any word precedes it
		if sp := strings.LastIndexFunc(s[:cut], unicode.IsSpace); sp >= 0 && strings.TrimSpace(s[:sp]) != "" {
			cut = sp
		}
	}
	head := strings.TrimRightFunc(s[:cut], func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != ')' && r != '"' && r != '”'
	})
	if head == "" {
		head = strings.TrimRightFunc(s[:cut], unicode.IsSpace)
	}
	return head + Ellipsis
}

// Summarize returns the one-line summary of a ticket shown in lists and
// reports: the title when it has one, else the body's first words, with
// whitespace (newlines included) collapsed and cut to n runes by Truncate.
func Summarize(title, body string, n int) string {
	s := oneLine(title, n)
	if s == "" {
		s = oneLine(body, n)
	}
	return Truncate(s, n)
}

// oneLine returns s as NormalizeText would store it, with its lines and
// runs of spaces joined by one space: the words of a summary. A summary
// of n runes needs only the first n+1 of them (Truncate cuts at n), so
// where s is already stored text (valid UTF-8 in NFC, as everything read
// back from the database is) it reads only that far, in one pass: the
// staff queue summarises fifty bodies a page. Anything else takes the full
// definition.
func oneLine(s string, n int) string {
	if out, ok := oneLineFast(s, n+2); ok {
		return out
	}
	return strings.Join(strings.Fields(NormalizeText(s)), " ")
}

// oneLineFast is oneLine for the first limit runes or more of s; ok is
// false where it cannot be sure of NormalizeText's answer (invalid UTF-8,
// text not in NFC).
func oneLineFast(s string, limit int) (string, bool) {
	b := make([]byte, 0, min(len(s), 4*limit))
	count, space := 0, false
	word := func(r string) {
		if space && len(b) > 0 {
			b = append(b, ' ')
			count++
		}
		space = false
		b = append(b, r...)
		count++
	}
	for i := 0; i < len(s) && count < limit; {
		if c := s[i]; c < utf8.RuneSelf {
			i++
			switch {
			case c == ' ' || c == '\n' || c == '\r' || c == '\t':
				space = true
			case c < 0x20 || c == 0x7f: // NormalizeText drops other control characters
			default:
				word(s[i-1 : i])
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			return "", false
		}
		i += size
		switch {
		case r == '\uFEFF' || unicode.IsControl(r): // dropped, as NormalizeText does
		case r == '\u2028' || r == '\u2029' || unicode.IsSpace(r) || unicode.Is(unicode.Zs, r):
			space = true
		default:
			word(s[i-size : i])
		}
	}
	out := string(b)
	if !norm.NFC.IsNormalString(out) {
		return "", false
	}
	return out, true
}
