package channels

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestIsPermanent(t *testing.T) {
	perm := &Error{Op: "x", Status: 400, Permanent: true}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain error", errors.New("boom"), false},
		{"retryable", &Error{Op: "x", Status: 503}, false},
		{"permanent", perm, true},
		{"wrapped permanent", fmt.Errorf("outbox: %w", perm), true},
		{"timeout", &Error{Op: "x", Err: context.DeadlineExceeded}, false},
	}
	for _, tt := range tests {
		if got := IsPermanent(tt.err); got != tt.want {
			t.Errorf("%s: IsPermanent = %v, want %v", tt.name, got, tt.want)
		}
	}
	if !errors.Is(&Error{Op: "x", Err: context.DeadlineExceeded}, context.DeadlineExceeded) {
		t.Error("Error does not unwrap to its cause")
	}
}

func TestErrorText(t *testing.T) {
	e := &Error{Op: "facebook: send message", Status: 400, Code: 10, Subcode: 2018278,
		Message: "outside window", Permanent: true, Sent: 1}
	want := "facebook: send message: HTTP 400: code 10/2018278: outside window (after 1 part(s) sent) [permanent]"
	if got := e.Error(); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if SentParts(fmt.Errorf("w: %w", e)) != 1 || SentParts(errors.New("x")) != 0 {
		t.Error("SentParts wrong")
	}
}

func TestScrub(t *testing.T) {
	if got := Scrub("bad token EAAB123 given", "EAAB123"); strings.Contains(got, "EAAB123") {
		t.Errorf("Scrub kept the token: %q", got)
	}
	long := strings.Repeat("ệ", 400)
	got := Scrub(long, "")
	if len(got) > 300+len("…") || !strings.HasSuffix(got, "…") || strings.ContainsRune(got, '\uFFFD') {
		t.Errorf("Scrub did not shorten cleanly: %d bytes", len(got))
	}
}
