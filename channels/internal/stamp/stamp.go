// Package stamp decodes the platforms' timestamps, which come as JSON numbers
// or strings, in seconds or milliseconds.
package stamp

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"
)

// Stamp is a timestamp as it appeared in a payload and the time it denotes.
type Stamp struct {
	Raw  string    // the number or the string's content; "" when absent or null
	Time time.Time // zero when Raw is not a time this package understands
}

// UnmarshalJSON accepts a number, a string or null; objects, arrays and
// booleans are an error.
func (s *Stamp) UnmarshalJSON(b []byte) error {
	b = []byte(strings.TrimSpace(string(b)))
	if len(b) == 0 {
		return errors.New("stamp: empty value")
	}
	switch b[0] {
	case 'n':
		*s = Stamp{}
		return nil
	case '"':
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		*s = Stamp{Raw: str, Time: Parse(str)}
		return nil
	case '{', '[', 't', 'f':
		return errors.New("stamp: not a number or a string")
	}
	*s = Stamp{Raw: string(b), Time: Parse(string(b))}
	return nil
}

// Parse reads a Unix time in seconds or milliseconds (a value of 1e11 or more
// is taken as milliseconds: 1e11 seconds is in the year 5138, 1e11 ms in 1973)
// or an RFC 3339 / Graph API ("2006-01-02T15:04:05-0700") time. It returns the
// zero time when s is none of these.
func Parse(s string) time.Time {
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return fromUnix(float64(n), n)
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
		return fromUnix(f, int64(f))
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05-0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

func fromUnix(f float64, n int64) time.Time {
	const msFrom = 1e11
	switch {
	case f <= 0 || f >= 1e16: // before 1970 or absurdly far: not a platform time
		return time.Time{}
	case f >= msFrom:
		return time.UnixMilli(n).UTC()
	default:
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC()
	}
}
