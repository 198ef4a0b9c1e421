package ui

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// The feedback form carries the time it was shown, signed, in a hidden
// field: a form sent back faster than a person can fill it, or much later,
// is shown again instead of stored.
const (
	minFillTime = 3 * time.Second
	maxFormAge  = 24 * time.Hour
)

// stampResult says what a form's time stamp tells.
type stampResult int

const (
	stampOK      stampResult = iota
	stampTooFast             // sent back faster than minFillTime
	stampStale               // older than maxFormAge, or not ours
)

// newStamp returns "UNIX.MAC": the time the form is shown and an HMAC of it
// bound to the browser's CSRF token.
func (p *pages) newStamp(now time.Time, csrf string) string {
	ts := strconv.FormatInt(now.Unix(), 10)
	return ts + "." + p.stampMAC(ts, csrf)
}

func (p *pages) stampMAC(ts, csrf string) string {
	m := hmac.New(sha256.New, p.formKey)
	m.Write([]byte("stamp|" + ts + "|" + csrf))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// checkStamp verifies a stamp made by newStamp for the same CSRF token.
func (p *pages) checkStamp(stamp, csrf string, now time.Time) stampResult {
	ts, mac, ok := strings.Cut(stamp, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(p.stampMAC(ts, csrf))) {
		return stampStale
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return stampStale
	}
	age := now.Sub(time.Unix(sec, 0))
	switch {
	case age < minFillTime:
		return stampTooFast
	case age > maxFormAge:
		return stampStale
	}
	return stampOK
}
