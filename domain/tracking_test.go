package domain

import (
	"regexp"
	"strings"
	"testing"
)

var trackingRE = regexp.MustCompile(`^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{5}$`)

func TestNewTrackingCode(t *testing.T) {
	seen := map[string]bool{}
	counts := map[rune]int{}
	for range 2000 {
		c := NewTrackingCode()
		if !trackingRE.MatchString(c) {
			t.Fatalf("bad code %q", c)
		}
		if seen[c] {
			t.Fatalf("duplicate %q", c)
		}
		seen[c] = true
		if p, err := ParseTrackingCode(c); err != nil || p != c {
			t.Fatalf("ParseTrackingCode(%q) = %q, %v", c, p, err)
		}
		for _, r := range strings.ReplaceAll(c, "-", "") {
			counts[r]++
		}
	}
	if len(counts) != len(TrackingAlphabet) {
		t.Errorf("%d letters of the alphabet used in 18000 draws", len(counts))
	}
}

func TestParseTrackingCode(t *testing.T) {
	ok := []struct{ in, want string }{
		{"K7QM-R4TX9", "K7QM-R4TX9"},
		{"k7qm-r4tx9", "K7QM-R4TX9"},
		{"K7QMR4TX9", "K7QM-R4TX9"},
		{" k7qm r4tx9 ", "K7QM-R4TX9"},
		{"K7-QM-R4-TX9", "K7QM-R4TX9"},
		{"K7QM--R4TX9", "K7QM-R4TX9"},
		{"K7QM–R4TX9", "K7QM-R4TX9"}, // en dash
		{"k 7 q m r 4 t x 9", "K7QM-R4TX9"},
		{"K7QM-R4TU9", "K7QM-R4TV9"}, // U is read as V
	}
	for _, tt := range ok {
		got, err := ParseTrackingCode(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseTrackingCode(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	bad := []string{"", "-", "K7QM-R4TX", "K7QM-R4TX9A", "K0QM-R4TX9", "K7OM-R4TX9", "K1QM-R4TX9",
		"KIQM-R4TX9", "KLQM-R4TX9", "K7QM-R4TX9!", "Ķ7QM-R4TX9", strings.Repeat("K", 100), "K7QM/R4TX9"}
	for _, s := range bad {
		got, err := ParseTrackingCode(s)
		if err == nil {
			t.Errorf("ParseTrackingCode(%q) = %q, want an error", s, got)
			continue
		}
		if ErrorCode(err) != EINVALID || got != "" {
			t.Errorf("ParseTrackingCode(%q): %v", s, err)
		}
		if e := err.(*Error); e.Fields["tracking_code"] != FieldInvalid || e.Message == "" || e.MessageEN == "" {
			t.Errorf("ParseTrackingCode(%q): %+v", s, e)
		}
	}
}

func FuzzTrackingCode(f *testing.F) {
	for _, s := range []string{"K7QM-R4TX9", "k7qm r4tx9", "", "----", "K7QM-R4TX9-", "\xff", "0O1IL"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseTrackingCode(s)
		if err != nil {
			if c != "" || ErrorCode(err) != EINVALID {
				t.Fatalf("ParseTrackingCode(%q) = %q, %v", s, c, err)
			}
			return
		}
		if !trackingRE.MatchString(c) {
			t.Fatalf("ParseTrackingCode(%q) = %q: not canonical", s, c)
		}
		if again, err := ParseTrackingCode(c); err != nil || again != c {
			t.Fatalf("ParseTrackingCode(%q) = %q, %v: not the identity", c, again, err)
		}
	})
}

func BenchmarkNewTrackingCode(b *testing.B) {
	for b.Loop() {
		NewTrackingCode()
	}
}

func TestTrackingSearch(t *testing.T) {
	for _, c := range []struct{ q, code, tail string }{
		{"HGPV-3F9XA", "HGPV-3F9XA", ""},
		{"hgpv3f9xa", "HGPV-3F9XA", ""},
		{" hgpv-3f9xa ", "HGPV-3F9XA", ""},
		{"3F9XA", "", "3F9XA"},
		{"3f9xa", "", "3F9XA"},
		{"đèn hỏng", "", ""},
		{"HONGX", "", ""}, // O is not in the alphabet: a word, not a code
		{"3F9X", "", ""},
	} {
		code, tail := TrackingSearch(c.q)
		if code != c.code || tail != c.tail {
			t.Errorf("TrackingSearch(%q) = %q, %q; want %q, %q", c.q, code, tail, c.code, c.tail)
		}
	}
}
