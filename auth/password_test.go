package auth

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"caunoi/domain"
)

func TestHashAndCheckPassword(t *testing.T) {
	h, err := HashPassword("caunoi-demo")
	if err != nil {
		t.Fatal(err)
	}
	if cost, err := bcrypt.Cost([]byte(h)); err != nil || cost != PasswordCost {
		t.Fatalf("cost = %d, %v; want %d", cost, err, PasswordCost)
	}
	if !CheckPassword(h, "caunoi-demo") {
		t.Error("right password refused")
	}
	for _, pw := range []string{"", "caunoi-demO", "caunoi-demo "} {
		if CheckPassword(h, pw) {
			t.Errorf("wrong password %q accepted", pw)
		}
	}
	if CheckPassword("not a hash", "caunoi-demo") {
		t.Error("malformed hash accepted")
	}
	if NeedsRehash(h) {
		t.Error("NeedsRehash of a fresh hash")
	}
	if !NeedsRehash("not a hash") {
		t.Error("NeedsRehash of garbage = false")
	}
}

func TestHashPasswordEmpty(t *testing.T) {
	_, err := HashPassword("")
	if domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("err = %v; want invalid_input", err)
	}
}

// A plain bcrypt hash made elsewhere (e.g. by a seed script) still verifies.
func TestCheckPasswordPlainBcrypt(t *testing.T) {
	h, err := bcrypt.GenerateFromPassword([]byte("caunoi-demo"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(string(h), "caunoi-demo") {
		t.Error("plain bcrypt hash refused")
	}
}

// Beyond 72 bytes every byte still counts (pre-hashed with SHA-256).
func TestLongPassword(t *testing.T) {
	long := strings.Repeat("một câu dài ", 10) // > 72 bytes
	h, err := HashPassword(long + "A")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, long+"A") {
		t.Error("long password refused")
	}
	if CheckPassword(h, long+"B") {
		t.Error("long password differing after byte 72 accepted")
	}
	if CheckPassword(h, long[:72]) {
		t.Error("72-byte prefix accepted")
	}
}

// fastest returns the shortest of three runs of f.
func fastest(f func()) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		f()
		best = min(best, time.Since(start))
	}
	return best
}

// DummyCheck costs about what CheckPassword costs on a real hash; a loose
// bound, since CI machines are noisy: same order of magnitude.
func TestDummyCheckTakesTime(t *testing.T) {
	h, err := HashPassword("caunoi-demo")
	if err != nil {
		t.Fatal(err)
	}
	real := fastest(func() { CheckPassword(h, "wrong") })
	dummy := fastest(func() { DummyCheck("wrong") })
	if dummy < real/4 || dummy > real*4 {
		t.Errorf("DummyCheck took %v, CheckPassword %v", dummy, real)
	}
	if cost, err := bcrypt.Cost([]byte(dummyHash)); err != nil || cost != PasswordCost {
		t.Errorf("dummy hash cost = %d, %v", cost, err)
	}
}
