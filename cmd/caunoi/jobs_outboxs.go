package main

// outboxJobs returns the outbox jobs.
func outboxJobs(d jobDeps) []jobSpec { return nil }
