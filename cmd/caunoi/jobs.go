package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"caunoi/channels"
	"caunoi/jobs"
	"caunoi/repository"
)

// jobDeps is what the background jobs are built from.
type jobDeps struct {
	cfg       Config
	store     *repository.Store
	platforms *channels.Registry // the platforms served: their replies
	log       *slog.Logger
	now       func() time.Time
	// observe records each job run (the /metrics registry); may be nil
	observe func(job string, d time.Duration, err error)
}

// jobSpec is one periodic job. Locked jobs run on one server at a time
// (a PostgreSQL advisory lock); the others claim rows with SKIP LOCKED.
type jobSpec struct {
	name     string
	interval time.Duration
	locked   bool
	run      jobs.Func
}

// allJobs lists every background job of the server.
func allJobs(d jobDeps) []jobSpec {
	var specs []jobSpec
	specs = append(specs, outboxJobs(d)...)
	specs = append(specs, reportJobs(d)...)
	specs = append(specs, deadlineJobs(d)...)
	return specs
}

// startJobs runs the background jobs until ctx ends; the returned function
// waits for the running ones to finish.
func startJobs(ctx context.Context, d jobDeps) (wait func()) {
	r := jobs.NewRunner(d.log, d.now)
	r.Observe = d.observe
	for _, j := range allJobs(d) {
		fn := j.run
		if j.locked {
			fn = jobs.WithAdvisoryLock(d.store.DB(), jobs.LockKey(j.name), fn)
		}
		r.Every(j.name, j.interval, fn)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := r.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
			d.log.Error("jobs stopped", slog.Any("error", err))
		}
	}()
	return func() { <-done }
}
