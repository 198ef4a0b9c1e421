package channels

import (
	"errors"
	"unicode"
	"unicode/utf8"
)

// Split cuts text into parts of at most max runes each, so that a long answer
// can go out as several messages. It cuts at the last line break or space that
// keeps a part within max (a line break is preferred when it falls in the
// second half of the part) and drops the white space at the cut. A word longer
// than max is cut inside, but not between a character and the combining
// marks, variation selectors or joiners that go with it (unless that cluster
// alone is longer than max).
//
// A text of at most max runes is returned unchanged as the only part; an empty
// or all-white-space text gives no parts. max below 1 is treated as MaxText.
// Split is deterministic, so an outbox that knows how many parts already went
// out can resume with Split(text, MaxText)[sent:].
func Split(text string, max int) []string {
	if max < 1 {
		max = MaxText
	}
	if utf8.RuneCountInString(text) <= max {
		if isBlank(text) {
			return nil
		}
		return []string{text}
	}
	rest := trimSpace([]rune(text))
	var parts []string
	for len(rest) > max {
		cut := cutPoint(rest, max)
		if part := trimSpace(rest[:cut]); len(part) > 0 {
			parts = append(parts, string(part))
		}
		rest = trimSpace(rest[cut:])
	}
	if len(rest) > 0 {
		parts = append(parts, string(rest))
	}
	return parts
}

// cutPoint returns the index in rs (len(rs) > max) before which the next part
// ends: rs[:cut] has at most max runes and cut > 0.
func cutPoint(rs []rune, max int) int {
	lastSpace, lastBreak := -1, -1
	// rs[max] itself may be the space that ends a part of exactly max runes.
	for i := max; i > 0; i-- {
		if rs[i] == '\n' && lastBreak < 0 {
			lastBreak = i
		}
		if unicode.IsSpace(rs[i]) && lastSpace < 0 {
			lastSpace = i
		}
		if lastBreak >= 0 {
			break
		}
	}
	switch {
	case lastBreak >= max/2:
		return lastBreak
	case lastSpace > 0:
		return lastSpace
	}
	// No white space: cut inside the word, but keep a character together with
	// the marks that modify it.
	cut := max
	for cut > 1 && joined(rs, cut) {
		cut--
	}
	if joined(rs, cut) { // only marks: any cut is as good as another
		return max
	}
	return cut
}

// joined reports whether rs[i] belongs to the character before it: a
// combining mark (the tone marks of decomposed Vietnamese), a variation
// selector, an emoji skin-tone modifier or a zero-width joiner, or a character
// that a joiner attaches to the one before.
func joined(rs []rune, i int) bool {
	r := rs[i]
	return unicode.Is(unicode.M, r) || r == zwj || (r >= 0x1F3FB && r <= 0x1F3FF) ||
		(i > 0 && rs[i-1] == zwj)
}

const zwj = '\u200d'

func trimSpace(rs []rune) []rune {
	for len(rs) > 0 && unicode.IsSpace(rs[0]) {
		rs = rs[1:]
	}
	for len(rs) > 0 && unicode.IsSpace(rs[len(rs)-1]) {
		rs = rs[:len(rs)-1]
	}
	return rs
}

func isBlank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// SendParts splits text (Split, MaxText) and sends each part with send, in
// order, stopping at the first failure, whose *Error then records in Sent
// how many parts went out. It returns the id send gave the first part; an
// empty text is a permanent error of op.
func SendParts(op, text string, send func(part string) (string, error)) (string, error) {
	parts := Split(text, MaxText)
	if len(parts) == 0 {
		return "", &Error{Op: op, Permanent: true, Message: "empty text"}
	}
	var first string
	for i, p := range parts {
		id, err := send(p)
		if err != nil {
			var ce *Error
			if errors.As(err, &ce) {
				ce.Sent = i
			}
			return "", err
		}
		if i == 0 {
			first = id
		}
	}
	return first, nil
}
