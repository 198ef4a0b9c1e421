package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// measurement is one row of the table. Run measures it against the
// prepared bench; a measurement whose endpoint the server does not have
// yet returns a Figure with Skipped set. Each lives in its own file.
type measurement struct {
	Name   string
	Run    func(ctx context.Context, b *bench) (Figure, error)
	Writes bool // adds tickets: the reads after it wait for settle
}

// Names of the figures the ratios use.
const (
	nameRawInsert   = "raw INSERT (pgbench)"
	nameRawTickets  = "raw INSERT (pgbench) into tickets"
	nameHTTPCeiling = "HTTP ceiling (constant JSON)"
	nameIntake      = "intake POST /api/v1/feedback"
)

// measurements run in this order: the ceilings right before the intake,
// but the seed's, last: its hundreds of megabytes of rows, indexes and WAL
// disturb no other measurement there.
var measurements = []measurement{
	{nameRawInsert, measureRawInsert, false},
	{nameRawTickets, measureRawInsertTickets, true},
	{nameHTTPCeiling, measureHTTPCeiling, false},
	{nameIntake, measureIntake, true},
	{"webhooks POST /webhooks/facebook", measureWebhooks, true},
	{"staff queue, page of 50", measureQueue, false},
	{"search without diacritics, page of 50", measureSearch, false},
	{"staff queue, page of 50, one client", measureQueueAlone, false},
	{"search without diacritics, page of 50, one client", measureSearchAlone, false},
	{"monthly province PDF", measurePDF, false},
	{"CSV export, 100,000 rows", measureCSV, false},
	{nameRawCopy, measureRawCopy, false},
}

// settle does, after the measurements that wrote (about 100,000 new
// tickets and their events in the full run), what autovacuum would do
// soon after: the tables analysed and their visibility maps set, as the
// seed leaves them, so that the reads are measured on the database at rest
// rather than beside an autovacuum that happens to start then.
func settle(ctx context.Context, b *bench) error {
	start := time.Now()
	if _, err := b.db.ExecContext(ctx, "VACUUM (ANALYZE) tickets, ticket_events"); err != nil {
		return fmt.Errorf("settle: %w", err)
	}
	b.logf("VACUUM (ANALYZE) of tickets and events after the writes: %.1f s", time.Since(start).Seconds())
	return nil
}

// selected returns the measurements whose names contain one of the
// comma-separated words of only (all of them when only is empty).
func selected(all []measurement, only string) []measurement {
	if only == "" {
		return all
	}
	var out []measurement
	for _, m := range all {
		for _, w := range strings.Split(only, ",") {
			if w = strings.TrimSpace(w); w != "" && strings.Contains(m.Name, w) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

// notYet returns a skipped figure when the server answers 404 on path
// (the endpoint is not built yet), or nil when it answers anything else.
func notYet(ctx context.Context, b *bench, method, path string) (*Figure, error) {
	code, err := do(ctx, b.client, request{method: method, url: b.baseURL + path})
	if err != nil {
		return nil, err
	}
	if code == http.StatusNotFound || code == http.StatusMethodNotAllowed {
		return &Figure{Skipped: fmt.Sprintf("not yet available (%s %s → %d)", method, path, code)}, nil
	}
	return nil, nil
}
