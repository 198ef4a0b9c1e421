package demo

import (
	"strings"
	"testing"
	"time"
)

func TestTemplateKeyNamesTheFillTheDayAndTheCode(t *testing.T) {
	day := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	k := TemplateKey("apitest", day)
	if !strings.HasPrefix(k, "apitest/2026-11-03/") || !strings.HasSuffix(k, Fingerprint()) || len(Fingerprint()) != 16 {
		t.Fatalf("key %q, fingerprint %q", k, Fingerprint())
	}
	if TemplateKey("apitest", day.AddDate(0, 0, 1)) == k || TemplateKey("intake", day) == k {
		t.Fatal("keys of another day or fill are the same")
	}
	if first, again := Fingerprint(), Fingerprint(); first != again {
		t.Fatalf("the fingerprint is not stable: %s, then %s", first, again)
	}
}
