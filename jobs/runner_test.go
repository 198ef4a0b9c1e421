package jobs_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/internal/pgtest"
	"caunoi/jobs"
)

// within fails t when ch yields nothing in a generous bound: a hung test
// fails instead of blocking the suite. It never paces the test.
func within[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
		var zero T
		return zero
	}
}

// tryPut sends v on ch unless ch is full.
func tryPut[T any](ch chan<- T, v T) {
	select {
	case ch <- v:
	default:
	}
}

func TestRunnerRunsOnScheduleWithAFakeClock(t *testing.T) {
	clk := newClock(t0)
	r := jobs.NewRunner(quiet, clk.Now)
	asked := make(chan time.Duration, 1)
	fire := make(chan time.Time)
	r.After = func(d time.Duration) <-chan time.Time {
		asked <- d
		return fire
	}
	runs := make(chan time.Time, 10)
	observed := make(chan string, 10)
	r.Observe = func(job string, d time.Duration, err error) {
		if err != nil {
			t.Errorf("observed error %v", err)
		}
		observed <- job
	}
	r.Every("reminders", 5*time.Minute, func(ctx context.Context, now time.Time) error {
		runs <- now
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()

	// The first run is at start; each next one when the interval passes.
	for i := 0; i < 4; i++ {
		if got := within(t, runs, "a run"); !got.Equal(t0.Add(time.Duration(i) * 5 * time.Minute)) {
			t.Errorf("run %d at %v", i, got)
		}
		if job := within(t, observed, "an observation"); job != "reminders" {
			t.Errorf("observed %q", job)
		}
		if d := within(t, asked, "the wait"); d != 5*time.Minute {
			t.Errorf("waits %v; want the interval", d)
		}
		clk.Add(5 * time.Minute)
		if i < 3 {
			fire <- clk.Now()
		}
	}
	cancel()
	if err := within(t, done, "Run to return"); !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v", err)
	}
	if len(runs) != 0 {
		t.Errorf("%d runs after the stop", len(runs))
	}
}

func TestRunnerRunsOnRealShortIntervals(t *testing.T) {
	r := jobs.NewRunner(quiet, nil)
	runs := make(chan string, 100)
	r.Every("a", 2*time.Millisecond, func(context.Context, time.Time) error { tryPut(runs, "a"); return nil })
	r.Every("b", 3*time.Millisecond, func(context.Context, time.Time) error { tryPut(runs, "b"); return nil })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	seen := map[string]int{}
	for seen["a"] < 3 || seen["b"] < 3 {
		seen[within(t, runs, "runs of both jobs")]++
	}
	cancel()
	within(t, done, "Run to return")
	if got := strings.Join(r.Jobs(), ","); got != "a,b" {
		t.Errorf("Jobs() = %s", got)
	}
}

func TestRunnerStopLetsTheRunningJobFinish(t *testing.T) {
	r := jobs.NewRunner(quiet, nil)
	started := make(chan struct{})
	release := make(chan struct{})
	finished := make(chan error, 1)
	r.Every("report", time.Hour, func(ctx context.Context, now time.Time) error {
		close(started)
		<-release
		finished <- ctx.Err() // still alive: the grace period has not passed
		return nil
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	within(t, started, "the run to start")
	cancel()
	select {
	case <-done:
		t.Fatal("Run returned while a job was running")
	default:
	}
	close(release)
	if err := within(t, finished, "the job to finish"); err != nil {
		t.Errorf("the running job's context ended at the stop: %v", err)
	}
	if err := within(t, done, "Run to return"); !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v", err)
	}
}

func TestRunnerCancelsAJobThatOutlivesTheGrace(t *testing.T) {
	r := jobs.NewRunner(quiet, nil)
	r.Grace = 10 * time.Millisecond
	started := make(chan struct{})
	r.Every("stuck", time.Hour, func(ctx context.Context, now time.Time) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	within(t, started, "the run to start")
	cancel()
	within(t, done, "Run to return after the grace period")
}

func TestRunnerRunOnce(t *testing.T) {
	clk := newClock(t0)
	r := jobs.NewRunner(quiet, clk.Now)
	var observed []error
	r.Observe = func(job string, d time.Duration, err error) { observed = append(observed, err) }
	boom := errors.New("boom")
	var gotNow time.Time
	r.Every("ok", time.Minute, func(ctx context.Context, now time.Time) error { gotNow = now; return nil })
	r.Every("fails", time.Minute, func(context.Context, time.Time) error { return boom })
	r.Every("panics", time.Minute, func(context.Context, time.Time) error { panic("nil map") })
	ctx := context.Background()
	if err := r.RunOnce(ctx, "ok"); err != nil || !gotNow.Equal(t0) {
		t.Errorf("ok: %v at %v", err, gotNow)
	}
	if err := r.RunOnce(ctx, "fails"); !errors.Is(err, boom) {
		t.Errorf("fails: %v", err)
	}
	if err := r.RunOnce(ctx, "panics"); err == nil || !strings.Contains(err.Error(), "nil map") {
		t.Errorf("panics: %v", err)
	}
	if err := r.RunOnce(ctx, "nope"); err == nil {
		t.Error("an unknown job ran")
	}
	if len(observed) != 3 || observed[0] != nil || observed[1] != boom || observed[2] == nil {
		t.Errorf("observed %v", observed)
	}
	defer func() {
		if recover() == nil {
			t.Error("a duplicate name was accepted")
		}
	}()
	r.Every("ok", time.Minute, func(context.Context, time.Time) error { return nil })
}

func TestWithAdvisoryLockLetsOneOfTwoRunsProceed(t *testing.T) {
	url := pgtest.NewURL(t)
	db, otherPool := sqlx.MustOpen("postgres", url), sqlx.MustOpen("postgres", url)
	defer db.Close()
	defer otherPool.Close()
	ctx := context.Background()
	key := jobs.LockKey("escalation")
	entered := make(chan struct{})
	release := make(chan struct{})
	var mu sync.Mutex
	runs := 0
	body := func(ctx context.Context, now time.Time) error {
		mu.Lock()
		runs++
		first := runs == 1
		mu.Unlock()
		if first {
			close(entered)
			<-release
		}
		return nil
	}
	// Two servers: each its own pool on the same database.
	serverA := jobs.WithAdvisoryLock(db, key, body)
	serverB := jobs.WithAdvisoryLock(otherPool, key, body)

	first := make(chan error, 1)
	go func() { first <- serverA(ctx, t0) }()
	within(t, entered, "the first run to hold the lock")
	if err := serverB(ctx, t0); !errors.Is(err, jobs.ErrSkipped) {
		t.Errorf("second run while the first holds the lock: %v; want ErrSkipped", err)
	}
	// Another key is not blocked.
	if err := jobs.WithAdvisoryLock(db, jobs.LockKey("reports"), body)(ctx, t0); err != nil {
		t.Errorf("another key: %v", err)
	}
	close(release)
	if err := within(t, first, "the first run to end"); err != nil {
		t.Fatal(err)
	}
	// Released: the next run proceeds, also after a run that panicked.
	panicky := jobs.WithAdvisoryLock(db, key, func(context.Context, time.Time) error { panic("x") })
	func() {
		defer func() { recover() }() //nolint:errcheck
		panicky(ctx, t0)             //nolint:errcheck
	}()
	if err := serverB(ctx, t0); err != nil {
		t.Errorf("run after release: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if runs != 3 {
		t.Errorf("%d runs; want 3 (first, other key, after release)", runs)
	}
	var held int
	if err := db.Get(&held, `SELECT count(*) FROM pg_locks
		WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`); err != nil || held != 0 {
		t.Errorf("%d advisory locks still held (%v)", held, err)
	}
}

func TestRunnerTreatsASkippedRunAsNoFailure(t *testing.T) {
	db := pgtest.New(t)
	key := jobs.LockKey("digest")
	conn, err := db.Connx(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), `SELECT pg_advisory_lock($1)`, key); err != nil {
		t.Fatal(err)
	}
	r := jobs.NewRunner(quiet, nil)
	var observed error
	r.Observe = func(job string, d time.Duration, err error) { observed = err }
	ran := false
	r.Every("digest", time.Hour, jobs.WithAdvisoryLock(db, key, func(context.Context, time.Time) error {
		ran = true
		return nil
	}))
	if err := r.RunOnce(context.Background(), "digest"); !errors.Is(err, jobs.ErrSkipped) || ran ||
		!errors.Is(observed, jobs.ErrSkipped) {
		t.Errorf("RunOnce: %v, ran %v, observed %v; want skipped", err, ran, observed)
	}
}
