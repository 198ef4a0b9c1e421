package auth

import (
	"sync"
	"time"
)

// ThrottleOptions configure a Throttle; zero fields take the defaults.
type ThrottleOptions struct {
	// Free is the number of failures that cost no wait (default 3; a negative
	// value means none is free).
	Free int
	// Base is the wait after the first failure beyond Free (default 1s); it
	// doubles with each further failure.
	Base time.Duration
	// Max caps the wait (default 15 minutes).
	Max time.Duration
	// Window: a key with no failure for this long is forgotten (default 1
	// hour; never less than Max, so a key is not forgotten while it waits).
	Window time.Duration
	// MaxEntries caps the keys remembered (default 100,000).
	MaxEntries int
}

// Throttle defaults.
const (
	DefaultThrottleFree       = 3
	DefaultThrottleBase       = time.Second
	DefaultThrottleMax        = 15 * time.Minute
	DefaultThrottleWindow     = time.Hour
	DefaultThrottleMaxEntries = 100_000

	// throttleSample is how many entries are looked at to choose one to
	// evict when the throttle is full.
	throttleSample = 16
)

// Throttle slows repeated failed sign-ins per key: after Free failures,
// each further failure makes the key wait Base, 2·Base, 4·Base, ... up to
// Max before the next attempt. It is safe for concurrent use and its memory
// is bounded.
//
// Use (package api): one Throttle keyed by account and address together
// ("acct:"+email+"|addr:"+ip), so that failures from one address never lock
// the account's owner out from another, and one keyed by address alone
// ("addr:"+ip), with more free failures, against one address guessing at
// many accounts. Before checking a password, Attempt each key (refunding
// the first when the second must wait); a wait > 0 is answered
// rate_limited with Retry-After, checking nothing. After a wrong password,
// Fail both keys; after a right one, Succeed the pair key and Refund the
// address key (succeeding the address key would let someone holding one
// valid account reset the address between guesses at others).
//
// Memory: keys idle longer than Window are swept out (at most every Window/4,
// during Fail). When MaxEntries keys are remembered and none is idle, a new
// key evicts one of a random sample of throttleSample keys: the one with
// the fewest failures, the oldest among equals, so a flood of new keys
// tends to push out other new keys, not the accounts under attack.
type Throttle struct {
	opts ThrottleOptions

	mu        sync.Mutex
	entries   map[string]throttleEntry
	lastSweep time.Time
}

type throttleEntry struct {
	failures int
	last     time.Time // of the last failure
	pending  int       // attempts admitted by Attempt and not yet settled
}

// NewThrottle returns an empty Throttle configured by opts.
func NewThrottle(opts ThrottleOptions) *Throttle {
	if opts.Free == 0 {
		opts.Free = DefaultThrottleFree
	} else if opts.Free < 0 {
		opts.Free = 0
	}
	if opts.Base <= 0 {
		opts.Base = DefaultThrottleBase
	}
	if opts.Max <= 0 {
		opts.Max = DefaultThrottleMax
	}
	if opts.Max < opts.Base {
		opts.Max = opts.Base
	}
	if opts.Window <= 0 {
		opts.Window = DefaultThrottleWindow
	}
	if opts.Window < opts.Max {
		opts.Window = opts.Max
	}
	if opts.MaxEntries <= 0 {
		opts.MaxEntries = DefaultThrottleMaxEntries
	}
	return &Throttle{opts: opts, entries: make(map[string]throttleEntry)}
}

// Delay returns how long key must still wait, at now, before another attempt
// is allowed: 0 for a key unknown, idle longer than Window, or with at most
// Free failures; otherwise its back-off (see backoff) minus the time since
// its last failure, never negative. It never fails and changes nothing.
func (t *Throttle) Delay(key string, now time.Time) time.Duration {
	t.mu.Lock()
	e, ok := t.entries[key]
	t.mu.Unlock()
	if !ok {
		return 0
	}
	return t.delay(e, now)
}

func (t *Throttle) delay(e throttleEntry, now time.Time) time.Duration {
	if now.Sub(e.last) >= t.opts.Window {
		return 0
	}
	b := t.backoff(e.failures)
	wait := e.last.Add(b).Sub(now)
	return max(0, min(wait, b)) // min: a clock stepping back never adds wait
}

// Attempt is Delay and the reservation of an attempt in one step, for a
// caller about to check a password: it returns the wait when key must wait
// (and reserves nothing), else reserves the attempt and returns 0. The
// caller then settles it with Fail, Succeed or Refund. Attempts in flight
// count: beyond the free ones, a second attempt waits for the first to be
// settled (Base), so twenty requests sent at once are not all checked.
func (t *Throttle) Attempt(key string, now time.Time) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, known := t.entries[key]
	if now.Sub(e.last) >= t.opts.Window {
		e.failures = 0
	}
	if e.pending > 0 && e.failures+e.pending >= t.opts.Free {
		return t.opts.Base
	}
	if wait := t.delay(e, now); wait > 0 {
		return wait
	}
	if !known {
		t.makeRoom(now)
	}
	e.pending++
	t.entries[key] = e
	return 0
}

// Refund settles an attempt Attempt reserved without counting it: the
// password was right (at an address whose other failures stand), or the
// check could not be made.
func (t *Throttle) Refund(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.entries[key]
	if !ok {
		return
	}
	if e.pending > 0 {
		e.pending--
	}
	if e.pending == 0 && e.failures == 0 {
		delete(t.entries, key)
		return
	}
	t.entries[key] = e
}

// Fail records a failed attempt for key at now. A key idle longer than
// Window starts again from one failure.
func (t *Throttle) Fail(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.Sub(t.lastSweep) >= t.opts.Window/4 {
		t.sweep(now)
	}
	e, ok := t.entries[key]
	switch {
	case !ok:
		t.makeRoom(now)
	case now.Sub(e.last) >= t.opts.Window:
		e = throttleEntry{}
	}
	if e.pending > 0 {
		e.pending-- // the attempt Attempt reserved, settled
	}
	if e.failures < 1<<20 {
		e.failures++
	}
	if now.After(e.last) {
		e.last = now
	}
	t.entries[key] = e
}

// makeRoom frees a place for a new key when MaxEntries keys are held: the
// idle ones go first, then one of a sample at a time (evictOne). t.mu is held.
func (t *Throttle) makeRoom(now time.Time) {
	if len(t.entries) < t.opts.MaxEntries {
		return
	}
	t.sweep(now)
	for len(t.entries) >= t.opts.MaxEntries {
		t.evictOne()
	}
}

// Succeed forgets key: its next failure is its first.
func (t *Throttle) Succeed(key string) {
	t.mu.Lock()
	delete(t.entries, key)
	t.mu.Unlock()
}

// Len returns the number of keys remembered.
func (t *Throttle) Len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.entries)
}

// backoff returns the wait after a key's failures-th failure: 0 up to Free,
// then Base·2^(failures-Free-1), capped at Max.
func (t *Throttle) backoff(failures int) time.Duration {
	n := failures - t.opts.Free
	if n <= 0 {
		return 0
	}
	d := t.opts.Base
	for i := 1; i < n && d < t.opts.Max; i++ {
		d *= 2
	}
	return min(d, t.opts.Max)
}

// sweep removes the keys idle for Window or longer. t.mu is held.
func (t *Throttle) sweep(now time.Time) {
	for k, e := range t.entries {
		if e.pending == 0 && now.Sub(e.last) >= t.opts.Window {
			delete(t.entries, k)
		}
	}
	t.lastSweep = now
}

// evictOne removes, among a random sample of keys (map order is random),
// the one with the fewest failures, the oldest among equals. t.mu is held.
func (t *Throttle) evictOne() {
	var victim string
	var worst throttleEntry
	found, seen := false, 0
	for k, e := range t.entries {
		if !found || e.failures < worst.failures ||
			(e.failures == worst.failures && e.last.Before(worst.last)) {
			victim, worst, found = k, e, true
		}
		if seen++; seen >= throttleSample {
			break
		}
	}
	if found {
		delete(t.entries, victim)
	}
}
