// Package jobs runs Cầu Nối's background work inside the server: outbox
// delivery, deadline reminders and escalation, scheduled reports. Every job
// is safe on several servers at once: work is claimed row by row with
// FOR UPDATE SKIP LOCKED (and a lease, so a crashed server's rows come back),
// or a whole run is taken with a PostgreSQL advisory lock (WithAdvisoryLock).
//
// jobs does not import the repository: it defines the small interfaces it
// needs (OutboxStore) and the repository's types satisfy them.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"sync"
	"time"
)

// Func is one run of a job at now (the Runner's clock). It returns the run's
// failure, ErrSkipped when another server did the work, or nil.
type Func func(ctx context.Context, now time.Time) error

// ErrSkipped is returned by a run that did nothing because another server
// holds the job's lock. The Runner does not count it as a failure.
var ErrSkipped = errors.New("jobs: run skipped: the lock is held elsewhere")

// DefaultGrace is how long Run lets running jobs finish after its context
// ends before it cancels theirs.
const DefaultGrace = 30 * time.Second

// Runner is a small scheduler: each job runs at start and then every
// interval, never overlapping itself. Set the optional fields before Run.
type Runner struct {
	// Observe, when set, is called after every run with the job's name, how
	// long the run took and its error (nil, ErrSkipped or a failure).
	Observe func(job string, d time.Duration, err error)
	// After returns a channel that fires once d has passed; time.After when
	// nil. Tests replace it to drive the schedule by hand.
	After func(d time.Duration) <-chan time.Time
	// Grace bounds how long running jobs may take to finish once Run's
	// context ends; DefaultGrace when 0.
	Grace time.Duration

	log *slog.Logger
	now func() time.Time

	mu   sync.Mutex
	jobs map[string]*job
}

type job struct {
	name     string
	interval time.Duration
	fn       Func
	running  sync.Mutex // a job never overlaps itself on one Runner
}

// NewRunner returns a Runner that logs to log (slog.Default when nil) and
// passes now() to every run (time.Now when nil).
func NewRunner(log *slog.Logger, now func() time.Time) *Runner {
	if log == nil {
		log = slog.Default()
	}
	if now == nil {
		now = time.Now
	}
	return &Runner{log: log, now: now, jobs: map[string]*job{}}
}

// Every registers fn to run as name every interval; register before Run
// (a job added later is not scheduled, though RunOnce runs it). It panics
// on an empty or duplicate name, a nil fn or an interval below one
// millisecond: these are wiring mistakes.
func (r *Runner) Every(name string, interval time.Duration, fn Func) {
	if name == "" || fn == nil || interval < time.Millisecond {
		panic(fmt.Sprintf("jobs: Every(%q, %v): a name, a func and an interval ≥ 1ms are required", name, interval))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.jobs[name]; dup {
		panic(fmt.Sprintf("jobs: job %q registered twice", name))
	}
	r.jobs[name] = &job{name: name, interval: interval, fn: fn}
}

// Run runs every registered job at once and then on its interval until ctx
// ends; then it starts nothing new, lets running jobs finish (their context
// is cancelled Grace after ctx ends) and returns ctx's error.
func (r *Runner) Run(ctx context.Context) error {
	grace := r.Grace
	if grace <= 0 {
		grace = DefaultGrace
	}
	// Running jobs keep a context that outlives ctx by the grace period, so
	// a batch in flight is marked rather than abandoned mid-way.
	runCtx, cancelRuns := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelRuns()
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(grace, cancelRuns)
		context.AfterFunc(runCtx, func() { t.Stop() })
	})
	defer stop()

	var wg sync.WaitGroup
	for _, j := range r.list() {
		wg.Go(func() { r.loop(ctx, runCtx, j) })
	}
	wg.Wait()
	<-ctx.Done() // with no jobs registered, Run still blocks until ctx ends
	return ctx.Err()
}

// loop runs j now and after each interval until ctx ends.
func (r *Runner) loop(ctx, runCtx context.Context, j *job) {
	after := r.After
	if after == nil {
		after = time.After
	}
	for {
		if ctx.Err() != nil {
			return
		}
		r.run(runCtx, j) //nolint:errcheck // logged and observed in run
		select {
		case <-ctx.Done():
			return
		case <-after(j.interval):
		}
	}
}

// RunOnce runs the job registered as name now, waiting for a scheduled run
// of it to end first, and returns the run's error; an unknown name is an
// error too.
func (r *Runner) RunOnce(ctx context.Context, name string) error {
	r.mu.Lock()
	j, ok := r.jobs[name]
	r.mu.Unlock()
	if !ok {
		return fmt.Errorf("jobs: no job named %q", name)
	}
	return r.run(ctx, j)
}

// Jobs returns the registered job names, sorted.
func (r *Runner) Jobs() []string {
	var names []string
	for _, j := range r.list() {
		names = append(names, j.name)
	}
	return names
}

func (r *Runner) list() []*job {
	r.mu.Lock()
	defer r.mu.Unlock()
	js := make([]*job, 0, len(r.jobs))
	for _, j := range r.jobs {
		js = append(js, j)
	}
	sort.Slice(js, func(a, b int) bool { return js[a].name < js[b].name })
	return js
}

// run executes one run of j: a panic becomes its error; the outcome is
// logged and observed.
func (r *Runner) run(ctx context.Context, j *job) (err error) {
	j.running.Lock()
	defer j.running.Unlock()
	start := time.Now()
	defer func() {
		p := recover()
		if p != nil {
			err = fmt.Errorf("jobs: %s panicked: %v", j.name, p)
		}
		d := time.Since(start)
		switch {
		case p != nil:
			r.log.Error("job panicked", slog.String("job", j.name), slog.Duration("took", d),
				slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
		case err == nil:
			r.log.Debug("job ran", slog.String("job", j.name), slog.Duration("took", d))
		case errors.Is(err, ErrSkipped):
			r.log.Debug("job skipped", slog.String("job", j.name))
		default:
			r.log.Error("job failed", slog.String("job", j.name), slog.Duration("took", d),
				slog.String("error", err.Error()))
		}
		if r.Observe != nil {
			r.Observe(j.name, d, err)
		}
	}()
	return j.fn(ctx, r.now())
}
