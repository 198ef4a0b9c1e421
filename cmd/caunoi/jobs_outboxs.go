package main

import (
	"log/slog"
	"time"

	"caunoi/jobs"
	"caunoi/secretbox"
)

// outboxInterval is how often each server looks for replies to send.
const outboxInterval = 5 * time.Second

// outboxJobs returns the outbox jobs: the worker that sends the replies on
// Facebook and Zalo (CAUNOI_FACEBOOK_GRAPH_URL, CAUNOI_ZALO_API_URL) with
// each account's token, opened with CAUNOI_SECRET_KEY. It runs on every
// server: rows are claimed with FOR UPDATE SKIP LOCKED under a lease.
func outboxJobs(d jobDeps) []jobSpec {
	return []jobSpec{{name: "outbox", interval: outboxInterval, run: newOutboxWorker(d).Job()}}
}

func newOutboxWorker(d jobDeps) *jobs.OutboxWorker {
	box, err := secretbox.New(d.cfg.SecretKey)
	if err != nil {
		d.log.Info("channel replies cannot be sent until CAUNOI_SECRET_KEY is set", slog.String("error", err.Error()))
		box = nil
	}
	cs := &jobs.ChannelSenders{
		Accounts: d.store,
		Box:      box,
		Channels: d.platforms,
		Log:      d.log,
	}
	senders := cs.Senders()
	for kind, s := range notifySenders(newMailer(d), senders) {
		senders[kind] = s
	}
	return &jobs.OutboxWorker{
		Store:   d.store,
		Senders: senders,
		Now:     d.now,
		Log:     d.log,
	}
}
