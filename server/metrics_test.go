package server_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"caunoi/internal/httpx"

	"caunoi/domain"
	"caunoi/internal/apitest"
	"caunoi/repository"
)

func TestMetricsAfterAFewRequests(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	id, _ := e.NewTicket("xuan-lung", "Đèn đường trước nhà văn hóa thôn 3 bị hỏng")
	e.JSON("GET", "/healthz", nil)
	e.JSON("GET", "/no/such/path/123", nil)
	if r := e.As(apitest.StaffKT, "GET", "/api/v1/tickets/"+strconv.FormatInt(id, 10), nil); r.Status != 200 {
		t.Fatalf("get ticket: %d", r.Status)
	}
	r := e.As(apitest.StaffKT, "POST", "/api/v1/tickets", map[string]any{"channel": "walk_in",
		"body": "Ông Nguyễn Văn Tư đến trình bày về việc đèn đường hỏng ở thôn 5"})
	if r.Status != 201 {
		t.Fatalf("staff intake: %d %s", r.Status, r.Body)
	}
	if r := e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "body": ""}); r.Status != 400 {
		t.Fatalf("bad feedback: %d", r.Status)
	}
	// Overdue in xuan-lung: the first ticket, a week later; one failed e-mail.
	e.DB.MustExec(`UPDATE tickets SET due_at = created_at + interval '1 hour' WHERE id = $1`, id)
	e.Clock.Set(e.Clock.Now().Add(2 * time.Hour))
	if _, err := repository.EnqueueOutbox(context.Background(), e.DB, domain.OutboxMessage{Kind: "email"}); err != nil {
		t.Fatal(err)
	}
	e.DB.MustExec(`UPDATE outbox SET status = 'failed'`)
	if _, err := repository.EnqueueOutbox(context.Background(), e.DB, domain.OutboxMessage{Kind: "email"}); err != nil {
		t.Fatal(err)
	}

	m := e.Request("GET", "/metrics", nil)
	if m.Status != 200 || !strings.HasPrefix(m.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %d %s", m.Status, m.Header.Get("Content-Type"))
	}
	body := string(m.Body)
	for _, want := range []string{
		`caunoi_http_requests_total{method="GET",route="/healthz",status="200"} 1`,
		`caunoi_http_requests_total{method="GET",route="/api/v1/tickets/:id",status="200"} 1`,
		`caunoi_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`caunoi_http_requests_total{method="POST",route="/api/v1/feedback",status="201"} 1`,
		`caunoi_http_requests_total{method="POST",route="/api/v1/feedback",status="400"} 1`,
		`caunoi_http_request_duration_seconds_bucket{method="GET",route="/healthz",le="+Inf"} 1`,
		`caunoi_tickets_created_total{channel="web"} 1`,
		`caunoi_tickets_created_total{channel="walk_in"} 1`,
		`caunoi_outbox_pending 1`,
		`caunoi_outbox_failed 1`,
		`caunoi_tickets_overdue{unit="xuan-lung"} 1`,
		`go_goroutines `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(body, "/no/such/path") || strings.Contains(body, `route="/api/v1/tickets/`+strconv.FormatInt(id, 10)) {
		t.Error("/metrics shows a raw path")
	}
}

// fakeMetricsStore answers the scrape's reads.
type fakeMetricsStore struct{ err error }

func (f fakeMetricsStore) OutboxStats(context.Context) (int, int, error) { return 3, 2, f.err }
func (f fakeMetricsStore) OverdueByUnit(context.Context, time.Time) (map[string]int, error) {
	return map[string]int{"au-co": 4}, f.err
}

func scrape(t *testing.T, m *httpx.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func TestMetricsJobsAndStoreFailures(t *testing.T) {
	m := httpx.NewMetrics(fakeMetricsStore{}, nil, nil)
	m.ObserveJob("deadline_watch", 20*time.Millisecond, "ok")
	m.ObserveJob("deadline_watch", time.Millisecond, "error")
	m.ObserveJob("daily_digest", 0, "skipped")
	body := scrape(t, m)
	for _, want := range []string{
		`caunoi_job_runs_total{job="deadline_watch",outcome="ok"} 1`,
		`caunoi_job_runs_total{job="deadline_watch",outcome="error"} 1`,
		`caunoi_job_runs_total{job="daily_digest",outcome="skipped"} 1`,
		`caunoi_job_duration_seconds_count{job="deadline_watch"} 2`,
		`caunoi_outbox_pending 3`, `caunoi_outbox_failed 2`, `caunoi_tickets_overdue{unit="au-co"} 4`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	down := httpx.NewMetrics(fakeMetricsStore{err: errors.New("database down")}, nil,
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	scrape(t, down) // a failure is counted while the scrape is collected: seen from the next one
	body = scrape(t, down)
	if strings.Contains(body, "caunoi_outbox_pending") ||
		!strings.Contains(body, `caunoi_metrics_scrape_errors_total{source="outbox"} `) ||
		!strings.Contains(body, `caunoi_metrics_scrape_errors_total{source="overdue"} `) {
		t.Errorf("a failed read must be counted and its gauges left out:\n%s", body)
	}
}
