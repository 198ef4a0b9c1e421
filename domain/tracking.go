package domain

import (
	"crypto/rand"
	"strings"
)

// TrackingAlphabet is the alphabet of tracking codes: digits and capital
// letters without those easily confused when read aloud, handwritten or
// typed on a phone: 0/O, 1/I/L and U (taken for V).
const TrackingAlphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// Tracking code shape: two groups of 4 and 5 characters ("K7QM-R4TX9"),
// 9 characters of a 30-letter alphabet: 44 random bits.
const (
	trackingHead = 4
	trackingLen  = 9
)

// NewTrackingCode returns a new random tracking code in its canonical form,
// such as "K7QM-R4TX9", drawn uniformly with crypto/rand (44 bits). It does
// not fail: crypto/rand.Read never returns an error.
func NewTrackingCode() string {
	const n = byte(len(TrackingAlphabet))
	const limit = 256 - 256%int(n) // reject bytes ≥ limit: no modulo bias
	code := make([]byte, 0, trackingLen+1)
	var buf [16]byte
	for len(code) < trackingLen+1 {
		_, _ = rand.Read(buf[:])
		for _, b := range buf {
			if int(b) >= limit || len(code) == trackingLen+1 {
				continue
			}
			if len(code) == trackingHead {
				code = append(code, '-')
			}
			code = append(code, TrackingAlphabet[b%n])
		}
	}
	return string(code)
}

// ParseTrackingCode returns the canonical form ("K7QM-R4TX9") of a tracking
// code as a citizen typed or dictated it: lower case, spaces, dots,
// underscores and missing, extra or Unicode hyphens are accepted, and U is
// read as V. Anything else returns an invalid_input *Error naming the field
// "tracking_code".
func ParseTrackingCode(s string) (string, error) {
	bad := Invalid("Mã theo dõi không hợp lệ.", "The tracking code is not valid.",
		map[string]string{"tracking_code": "invalid"})
	if len(s) > 64 {
		return "", bad
	}
	code := make([]byte, 0, trackingLen+1)
	for _, r := range s {
		switch {
		case r == '-' || r == '_' || r == '.' || r == ' ' || r == '\t' || r == '\n' || r == '\r' ||
			r == '\u00a0' || r == '\u2010' || r == '\u2011' || r == '\u2012' || r == '\u2013' || r == '\u2014' || r == '\u2212':
			continue
		case 'a' <= r && r <= 'z':
			r -= 'a' - 'A'
		}
		if r == 'U' {
			r = 'V'
		}
		if r >= 0x80 || !strings.ContainsRune(TrackingAlphabet, r) || len(code) == trackingLen+1 {
			return "", bad
		}
		if len(code) == trackingHead {
			code = append(code, '-')
		}
		code = append(code, byte(r))
	}
	if len(code) != trackingLen+1 {
		return "", bad
	}
	return string(code), nil
}

// trackingTail is the length of a code's part after the dash, the part a
// citizen most often reads out alone.
const trackingTail = trackingLen - trackingHead

// TrackingSearch reads a staff search as a tracking code: code is the
// canonical code when q is one (any case, with or without the dash);
// else tail is q's five characters when they can be a code's part after
// the dash (its search then matches that too). Both are "" for other text.
func TrackingSearch(q string) (code, tail string) {
	q = strings.TrimSpace(q)
	if c, err := ParseTrackingCode(q); err == nil {
		return c, ""
	}
	if len(q) != trackingTail {
		return "", ""
	}
	b := []byte(strings.ToUpper(q))
	for i, r := range b {
		if r == 'U' {
			b[i] = 'V'
		}
		if !strings.ContainsRune(TrackingAlphabet, rune(b[i])) {
			return "", ""
		}
	}
	return "", string(b)
}
