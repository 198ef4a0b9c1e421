package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
)

// measurement is one row of the table. Run measures it against the
// prepared bench; a measurement whose endpoint the server does not have
// yet returns a Figure with Skipped set. Each lives in its own file.
type measurement struct {
	Name string
	Run  func(ctx context.Context, b *bench) (Figure, error)
}

// Names of the figures the ratios use.
const (
	nameRawInsert   = "raw INSERT (pgbench)"
	nameRawTickets  = "raw INSERT (pgbench) into tickets"
	nameHTTPCeiling = "HTTP ceiling (constant JSON)"
	nameIntake      = "intake POST /api/v1/feedback"
)

// measurements run in this order: the ceilings right before the intake.
var measurements = []measurement{
	{nameRawInsert, measureRawInsert},
	{nameRawTickets, measureRawInsertTickets},
	{nameHTTPCeiling, measureHTTPCeiling},
	{nameIntake, measureIntake},
	{"webhooks POST /webhooks/facebook", measureWebhooks},
	{"staff queue, page of 50", measureQueue},
	{"search without diacritics, page of 50", measureSearch},
	{"staff queue, page of 50, one client", measureQueueAlone},
	{"search without diacritics, page of 50, one client", measureSearchAlone},
	{"monthly province PDF", measurePDF},
	{"CSV export, 100,000 rows", measureCSV},
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
