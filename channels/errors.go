package channels

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Error is a failed send to a platform. Permanent tells an outbox worker to
// give up (record the delivery as failed) instead of retrying with back-off.
// It never holds an access token: the platform's message is scrubbed of the
// token it was sent with.
type Error struct {
	Op         string        // what failed, e.g. "facebook: send message"
	Status     int           // HTTP status; 0 when no response arrived
	Code       int           // the platform's error code (Graph error.code, Zalo error); 0 if none
	Subcode    int           // Graph error_subcode; 0 if none
	Message    string        // the platform's message, if any
	Permanent  bool          // retrying the same send cannot succeed
	RetryAfter time.Duration // the platform's Retry-After, when it sent one
	Sent       int           // parts of a split text delivered before this failure
	Err        error         // the underlying cause (network error, timeout), if any
}

// Error returns a one-line description without tokens.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.Code != 0 {
		fmt.Fprintf(&b, ": code %d", e.Code)
		if e.Subcode != 0 {
			fmt.Fprintf(&b, "/%d", e.Subcode)
		}
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.Sent > 0 {
		fmt.Fprintf(&b, " (after %d part(s) sent)", e.Sent)
	}
	if e.Permanent {
		b.WriteString(" [permanent]")
	}
	return b.String()
}

// Unwrap returns the underlying cause, or nil.
func (e *Error) Unwrap() error { return e.Err }

// IsPermanent reports whether err is a send failure that retrying cannot fix:
// a rejected request (HTTP 4xx other than 408 and 429), a recipient outside
// the platform's messaging window, an invalid user, an invalid or expired
// token. It returns false for nil and for every other error (5xx, timeouts,
// network failures, rate limits, cancellation), which are worth retrying.
func IsPermanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Permanent
}

// SentParts returns how many parts of a split text were delivered before err,
// or 0 when err is not an *Error.
func SentParts(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Sent
	}
	return 0
}

// Scrub replaces every occurrence of secret in s with "[redacted]" and
// shortens s to at most 300 bytes, so that a platform message can be kept in
// an Error and logged. An empty secret leaves s unredacted.
func Scrub(s, secret string) string {
	if secret != "" {
		s = strings.ReplaceAll(s, secret, "[redacted]")
	}
	const maxLen = 300
	if len(s) > maxLen {
		cut := maxLen
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
