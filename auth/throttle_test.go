package auth

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

func TestThrottleBackoff(t *testing.T) {
	th := NewThrottle(ThrottleOptions{}) // Free 3, Base 1s, Max 15m
	const k = "acct:a@b.vn"
	if d := th.Delay(k, t0); d != 0 {
		t.Fatalf("unknown key: %v", d)
	}
	want := []time.Duration{0, 0, 0, 1 * time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second}
	now := t0
	for i, w := range want {
		th.Fail(k, now)
		if d := th.Delay(k, now); d != w {
			t.Errorf("after failure %d: Delay = %v, want %v", i+1, d, w)
		}
		now = now.Add(w) // the caller waits exactly as told
		if d := th.Delay(k, now); d != 0 {
			t.Errorf("after failure %d and waiting: Delay = %v", i+1, d)
		}
	}
	// Part of the wait elapsed.
	th.Fail(k, now) // 8th: 16s
	if d := th.Delay(k, now.Add(10*time.Second)); d != 6*time.Second {
		t.Errorf("Delay 10s after the 8th failure = %v, want 6s", d)
	}
	// Other keys are independent.
	if d := th.Delay("addr:10.0.0.1", now); d != 0 {
		t.Errorf("other key: %v", d)
	}
}

func TestThrottleCap(t *testing.T) {
	th := NewThrottle(ThrottleOptions{})
	for i := range 40 {
		th.Fail("k", t0)
		if d := th.Delay("k", t0); d > DefaultThrottleMax {
			t.Fatalf("after %d failures: %v > cap", i+1, d)
		}
	}
	if d := th.Delay("k", t0); d != DefaultThrottleMax {
		t.Errorf("Delay = %v, want the cap %v", d, DefaultThrottleMax)
	}
	if d := th.Delay("k", t0.Add(DefaultThrottleMax)); d != 0 {
		t.Errorf("Delay after the cap elapsed = %v", d)
	}
}

func TestThrottleOptions(t *testing.T) {
	th := NewThrottle(ThrottleOptions{Free: -1, Base: 100 * time.Millisecond, Max: time.Second})
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second}
	for i, w := range want {
		th.Fail("k", t0)
		if d := th.Delay("k", t0); d != w {
			t.Errorf("after failure %d: %v, want %v", i+1, d, w)
		}
	}
}

func TestThrottleSucceedResets(t *testing.T) {
	th := NewThrottle(ThrottleOptions{})
	for range 6 {
		th.Fail("k", t0)
	}
	if th.Delay("k", t0) == 0 {
		t.Fatal("no delay after 6 failures")
	}
	th.Succeed("k")
	if d := th.Delay("k", t0); d != 0 {
		t.Errorf("after Succeed: %v", d)
	}
	th.Fail("k", t0)
	if d := th.Delay("k", t0); d != 0 {
		t.Errorf("first failure after Succeed: %v", d)
	}
}

func TestThrottleWindowForgets(t *testing.T) {
	th := NewThrottle(ThrottleOptions{Window: time.Hour})
	for range 10 {
		th.Fail("k", t0)
	}
	later := t0.Add(time.Hour)
	if d := th.Delay("k", later); d != 0 {
		t.Errorf("after the window: %v", d)
	}
	th.Fail("k", later) // starts again at one failure
	if d := th.Delay("k", later); d != 0 {
		t.Errorf("first failure after the window: %v", d)
	}
}

func TestThrottleEvictsIdle(t *testing.T) {
	th := NewThrottle(ThrottleOptions{Window: time.Hour})
	for i := range 1000 {
		th.Fail(fmt.Sprint("addr:", i), t0)
	}
	if n := th.Len(); n != 1000 {
		t.Fatalf("Len = %d", n)
	}
	th.Fail("new", t0.Add(time.Hour)) // sweeps
	if n := th.Len(); n != 1 {
		t.Errorf("Len after the window = %d, want 1", n)
	}
}

func TestThrottleCapEntries(t *testing.T) {
	th := NewThrottle(ThrottleOptions{MaxEntries: 100})
	// An account under attack, with many failures...
	for range 20 {
		th.Fail("acct:victim", t0)
	}
	// ...then a flood of new keys, one failure each.
	for i := range 10_000 {
		th.Fail(fmt.Sprint("addr:", i), t0.Add(time.Second))
		if n := th.Len(); n > 100 {
			t.Fatalf("Len = %d > cap", n)
		}
	}
	if th.Delay("acct:victim", t0.Add(2*time.Second)) == 0 {
		t.Error("the flood evicted the account under attack")
	}
}

func TestThrottleConcurrent(t *testing.T) {
	th := NewThrottle(ThrottleOptions{MaxEntries: 500})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 2000 {
				k := fmt.Sprint("k", (g*7+i)%700)
				now := t0.Add(time.Duration(i) * time.Millisecond)
				th.Fail(k, now)
				th.Delay(k, now)
				if i%50 == 0 {
					th.Succeed(k)
				}
			}
		})
	}
	wg.Wait()
	if n := th.Len(); n > 500 {
		t.Errorf("Len = %d > cap", n)
	}
}

// Attempts in flight count: with three free failures, three attempts may
// be checked at once, a fourth waits until one is settled; a refund gives
// its attempt back, a failure keeps it.
func TestThrottleAttemptsInFlightCount(t *testing.T) {
	th := NewThrottle(ThrottleOptions{Free: 3, Base: time.Second})
	now := time.Date(2026, 12, 8, 9, 0, 0, 0, time.UTC)
	for i := 0; i < 3; i++ {
		if w := th.Attempt("k", now); w != 0 {
			t.Fatalf("attempt %d: wait %v", i+1, w)
		}
	}
	if w := th.Attempt("k", now); w != time.Second {
		t.Fatalf("a fourth attempt in flight: wait %v, want Base", w)
	}
	th.Refund("k")
	if w := th.Attempt("k", now); w != 0 {
		t.Fatalf("after a refund: wait %v", w)
	}
	for i := 0; i < 3; i++ {
		th.Fail("k", now)
	}
	if w := th.Attempt("k", now); w != 0 { // three failures, all free: a fourth check
		t.Fatalf("after three free failures: wait %v", w)
	}
	th.Fail("k", now)
	if w := th.Attempt("k", now); w != time.Second {
		t.Fatalf("after the fourth failure: wait %v, want 1s", w)
	}
	if th.Len() != 1 {
		t.Fatalf("%d keys", th.Len())
	}
	th.Succeed("k")
	if w := th.Attempt("k", now); w != 0 || th.Len() != 1 {
		t.Fatalf("after success: wait %v, %d keys", w, th.Len())
	}
	th.Refund("k")
	if th.Len() != 0 {
		t.Fatalf("a refunded attempt of a clean key leaves %d keys", th.Len())
	}
}
