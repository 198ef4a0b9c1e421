package main

// deadlineJobs returns the deadline jobs.
func deadlineJobs(d jobDeps) []jobSpec { return nil }
