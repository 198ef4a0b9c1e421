// Package ratelimit limits events per key (a client address, an API key)
// with one token bucket (golang.org/x/time/rate) per key. Memory is bounded:
// idle keys are forgotten and the number of keys is capped. It has no
// package-level mutable state; every call takes `now`.
package ratelimit

import (
	"fmt"
	"hash/maphash"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Defaults.
const (
	DefaultMaxKeys = 100_000
	DefaultIdleTTL = time.Minute

	maxShards      = 64
	minPerShard    = 256 // keys per shard before the limiter splits further
	evictionSample = 8
)

// Option configures a Limiter.
type Option func(*config)

type config struct {
	maxKeys int
	idleTTL time.Duration
}

// WithMaxKeys caps the keys remembered at once (default DefaultMaxKeys;
// n < 1 is ignored). See Limiter for what happens at the cap.
func WithMaxKeys(n int) Option {
	return func(c *config) {
		if n >= 1 {
			c.maxKeys = n
		}
	}
}

// WithIdleTTL sets how long a key must go unseen before it is forgotten
// (default DefaultIdleTTL; d ≤ 0 is ignored). The limiter never forgets a
// key sooner than its bucket takes to refill completely (burst/r), so
// forgetting a key never grants more than the limit does.
func WithIdleTTL(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.idleTTL = d
		}
	}
}

// Limiter holds one token bucket per key: r events a second on average,
// bursts of up to burst. It is safe for concurrent use; keys are spread over
// up to 64 shards, each with its own lock, so parallel calls on different
// keys rarely contend.
//
// Memory: a key unseen for the idle TTL is removed (each shard sweeps itself
// at most once per idle TTL, during Allow). The number of keys is capped
// (WithMaxKeys; enforced per shard, so the total never exceeds it). When a
// new key arrives at a full shard, the shard first drops its idle keys, and
// if still full, forgets the least recently seen of a random sample of 8
// keys. A forgotten key starts again with a full bucket, so under a flood of
// more distinct keys than the cap within the idle TTL, some keys may get
// more than their share; no request is ever refused for lack of room, and
// memory stays bounded.
type Limiter struct {
	limit    rate.Limit
	burst    int
	idleTTL  time.Duration
	shardCap int
	seed     maphash.Seed
	shards   []shard
}

type shard struct {
	mu        sync.Mutex
	keys      map[string]*entry
	lastSweep time.Time
	_         [64]byte // keeps shards on separate cache lines
}

type entry struct {
	lim  *rate.Limiter
	last time.Time // last seen
}

// New returns a Limiter allowing each key r events a second with bursts of
// burst. r = rate.Inf allows everything (and remembers nothing). It panics
// when r ≤ 0 or burst < 1, which are programming errors.
func New(r rate.Limit, burst int, opts ...Option) *Limiter {
	if r <= 0 || burst < 1 {
		panic(fmt.Sprintf("ratelimit: New(%v, %d): the rate must be positive and the burst at least 1", r, burst))
	}
	cfg := config{maxKeys: DefaultMaxKeys, idleTTL: DefaultIdleTTL}
	for _, o := range opts {
		o(&cfg)
	}
	n := 1
	for n < maxShards && cfg.maxKeys/(n*2) >= minPerShard {
		n *= 2
	}
	l := &Limiter{
		limit:    r,
		burst:    burst,
		idleTTL:  max(cfg.idleTTL, refillTime(r, burst)),
		shardCap: cfg.maxKeys / n,
		seed:     maphash.MakeSeed(),
		shards:   make([]shard, n),
	}
	for i := range l.shards {
		l.shards[i].keys = make(map[string]*entry)
	}
	return l
}

// refillTime returns how long an empty bucket takes to fill (burst/r),
// rounded up and capped at a year.
func refillTime(r rate.Limit, burst int) time.Duration {
	if r == rate.Inf {
		return 0
	}
	ns := math.Ceil(float64(burst) / float64(r) * 1e9)
	const year = float64(365 * 24 * time.Hour)
	return time.Duration(min(ns, year))
}

// Allow takes one token from key's bucket at now. It returns true and 0 when
// the event may happen, or false and how long until a token will be there
// (for Retry-After; see RetryAfterSeconds), rounded up to the nanosecond so
// it is never early. A refused call takes nothing.
func (l *Limiter) Allow(key string, now time.Time) (ok bool, retryAfter time.Duration) {
	if l.limit == rate.Inf {
		return true, 0
	}
	s := &l.shards[maphash.String(l.seed, key)&uint64(len(l.shards)-1)]
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.lastSweep) >= l.idleTTL {
		s.sweep(now, l.idleTTL)
	}
	e := s.keys[key]
	if e == nil {
		s.makeRoom(now, l.shardCap, l.idleTTL)
		e = &entry{lim: rate.NewLimiter(l.limit, l.burst)}
		s.keys[key] = e
	}
	if now.After(e.last) {
		e.last = now
	}
	if e.lim.AllowN(now, 1) {
		return true, 0
	}
	need := 1 - e.lim.TokensAt(now)
	return false, time.Duration(math.Ceil(need / float64(l.limit) * 1e9))
}

// Len returns the number of keys remembered.
func (l *Limiter) Len() int {
	n := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		n += len(s.keys)
		s.mu.Unlock()
	}
	return n
}

// sweep removes the keys unseen for ttl. s.mu is held.
func (s *shard) sweep(now time.Time, ttl time.Duration) {
	for k, e := range s.keys {
		if now.Sub(e.last) >= ttl {
			delete(s.keys, k)
		}
	}
	s.lastSweep = now
}

// makeRoom makes sure the shard holds fewer than limit keys: it sweeps idle
// keys (at most once per ttl/16, so a flood of new keys does not sweep on
// every call), then forgets sampled least-recently-seen keys. s.mu is held.
func (s *shard) makeRoom(now time.Time, limit int, ttl time.Duration) {
	if len(s.keys) < limit {
		return
	}
	if now.Sub(s.lastSweep) >= ttl/16 {
		s.sweep(now, ttl)
	}
	for len(s.keys) >= limit {
		s.evictOne()
	}
}

// evictOne forgets the least recently seen of a random sample of keys (map
// iteration order is random). s.mu is held.
func (s *shard) evictOne() {
	var victim string
	var oldest time.Time
	seen := 0
	for k, e := range s.keys {
		if seen == 0 || e.last.Before(oldest) {
			victim, oldest = k, e.last
		}
		if seen++; seen >= evictionSample {
			break
		}
	}
	if seen > 0 {
		delete(s.keys, victim)
	}
}

// RetryAfterSeconds returns d in whole seconds, rounded up and at least 1,
// for a Retry-After header.
func RetryAfterSeconds(d time.Duration) int {
	s := int((d + time.Second - 1) / time.Second)
	return max(s, 1)
}
