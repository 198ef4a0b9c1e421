package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"caunoi/domain"
	"caunoi/reports"
	"caunoi/repository"
)

// scheduledReportsJob makes the archive's weekly, monthly and quarterly reports.
const scheduledReportsJob = "reports.scheduled"

// reportGrace is how long after a period's end its report is made, so work
// recorded at the last minute is in it.
const reportGrace = 15 * time.Minute

// reportJobs returns the report jobs: every few minutes, on one server at a
// time, the previous week's, month's and quarter's reports of every unit
// with tickets that has none yet.
func reportJobs(d jobDeps) []jobSpec {
	return []jobSpec{{
		name:     scheduledReportsJob,
		interval: 10 * time.Minute,
		locked:   true,
		run: func(ctx context.Context, now time.Time) error {
			return runScheduledReports(ctx, d.store, d.log, now)
		},
	}}
}

// runScheduledReports makes and stores the report of the latest completed
// week, month and quarter for every unit that has tickets and no such report
// yet. The archive's unique index keeps one report per unit and period even
// when several servers run this at once. One unit's failure does not stop
// the others; the errors are returned together.
func runScheduledReports(ctx context.Context, store *repository.Store, log *slog.Logger, now time.Time) error {
	if log == nil {
		log = slog.Default()
	}
	loc := domain.VietnamLocation()
	var errs []error
	for _, period := range []string{domain.PeriodWeek, domain.PeriodMonth, domain.PeriodQuarter} {
		from, to, _ := domain.LastCompletedPeriod(period, now.Add(-reportGrace), loc)
		units, err := store.UnitsDueForReport(ctx, period, from, to, reports.HeaderUBND)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, u := range units {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			req := domain.ReportRequest{Unit: u.Code, From: from, To: to, Appendix: true}
			sum, pdf, err := buildReport(ctx, store, unitScope(u.ID), req,
				reports.PDFOptions{Header: reports.HeaderUBND, Loc: loc})
			created := false
			if err == nil {
				_, created, err = store.SaveReport(ctx, domain.NewArchivedReport{UnitID: u.ID, Period: period,
					Header: reports.HeaderUBND, Summary: sum, PDF: pdf})
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s report of %s from %s: %w", period, u.Code, from.Format("2006-01-02"), err))
				continue
			}
			if !created {
				continue // another server stored it first
			}
			log.Info("scheduled report stored", slog.String("unit", u.Code), slog.String("period", period),
				slog.String("from", sum.From), slog.String("to", sum.To), slog.Int("pdf_bytes", len(pdf)))
		}
	}
	return errors.Join(errs...)
}
