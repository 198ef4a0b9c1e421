package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"caunoi/demo"
	"caunoi/domain"
)

// csvTargetRows is how many rows the CSV export measurement streams.
const csvTargetRows = 100_000

// reportClient fetches one large answer at a time; the load client's 30 s
// timeout would cut a slow export short, the run's context bounds it.
var reportClient = &http.Client{Timeout: 3 * time.Minute, Transport: &http.Transport{DisableCompression: true}}

// measurePDF times the monthly province PDF (GET
// /api/v1/reports/summary.pdf for the demo province over last month, as the
// province administrator) a few times, one after the other, and follows the
// server's resident memory while it is made. Goals: under 2 s and 100 MB.
func measurePDF(ctx context.Context, b *bench) (Figure, error) {
	if f, err := notYet(ctx, b, http.MethodGet, "/api/v1/reports/summary.pdf?unit="+demo.ProvinceCode); f != nil || err != nil {
		return deref(f), err
	}
	token, err := b.login(ctx, benchStaff)
	if err != nil {
		return Figure{Skipped: "cannot sign in: " + err.Error()}, nil
	}
	loc := domain.VietnamLocation()
	now := time.Now().In(loc)
	first := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, loc)
	last := first.AddDate(0, 1, -1)
	from, to := first.Format("2006-01-02"), last.Format("2006-01-02")
	var inMonth int
	if err := b.db.GetContext(ctx, &inMonth, `SELECT count(*) FROM tickets
		WHERE unit_id IN (SELECT unit_subtree((SELECT id FROM units WHERE code = $1)))
		  AND created_at >= $2 AND created_at < $3`, demo.ProvinceCode, first, last.AddDate(0, 0, 1)); err != nil {
		return Figure{}, err
	}
	u := b.baseURL + "/api/v1/reports/summary.pdf?" + url.Values{"unit": {demo.ProvinceCode}, "from": {from}, "to": {to}}.Encode()
	runs := 5
	if b.p.Tickets < 1_000_000 {
		runs = 3
	}
	mem, err := b.watchMemory()
	if err != nil {
		return Figure{}, err
	}
	var times []float64
	var size int64
	errs := 0
	for range runs {
		g, err := fetch(ctx, u, token, io.Discard)
		switch {
		case err != nil:
			b.logf("summary.pdf: %v", err)
			errs++
			continue
		case g.status != http.StatusOK || !strings.HasPrefix(g.contentType, "application/pdf"):
			b.logf("summary.pdf: %d %s", g.status, g.contentType)
			errs++
			continue
		}
		times = append(times, g.total.Seconds()*1000)
		size = g.bytes
	}
	st := mem.end()
	if len(times) == 0 {
		return Figure{Errors: errs, Requests: runs, Skipped: fmt.Sprintf("failed: no PDF in %d tries", runs)}, nil
	}
	sorted := slices.Sorted(slices.Values(times))
	best, median := sorted[0], sorted[len(sorted)/2]
	f := Figure{P50ms: round1(median), Requests: runs, Errors: errs}
	f.Note = fmt.Sprintf("%s..%s, %d tickets; runs %s ms: best %.0f, median %.0f; server RSS %.1f → peak %.1f MB (+%.1f); %d kB",
		from, to, inMonth, joinMs(times), best, median, st.BeforeMB, st.PeakMB, st.GrowthMB, size/1024)
	f.Extra = map[string]any{"unit": demo.ProvinceCode, "from": from, "to": to, "tickets_in_period": inMonth,
		"runs_ms": times, "best_ms": round1(best), "median_ms": round1(median), "pdf_bytes": size, "memory": st,
		"goal": "under 2 s and 100 MB"}
	return f, nil
}

// measureCSV times the CSV export (GET /api/v1/tickets/export.csv) of about
// 100,000 tickets: every status, the province administrator's whole scope,
// received from..to, the period ending on the most recent day and starting
// as far back as needed for csvTargetRows (at most 366 days). The answer is
// streamed to io.Discard, its rows counted and checked against the count in
// the database; the server's resident memory is followed during it
// (constant memory is the goal: rows are written as they are read).
func measureCSV(ctx context.Context, b *bench) (Figure, error) {
	if f, err := notYet(ctx, b, http.MethodGet, "/api/v1/tickets/export.csv"); f != nil || err != nil {
		return deref(f), err
	}
	token, err := b.login(ctx, benchStaff)
	if err != nil {
		return Figure{Skipped: "cannot sign in: " + err.Error()}, nil
	}
	from, to, want, err := csvPeriod(ctx, b)
	if err != nil {
		return Figure{}, err
	}
	u := b.baseURL + "/api/v1/tickets/export.csv?" + url.Values{"status": {"all"}, "from": {from}, "to": {to}}.Encode()
	mem, err := b.watchMemory()
	if err != nil {
		return Figure{}, err
	}
	var rows csvRows
	g, err := fetch(ctx, u, token, &rows)
	st := mem.end()
	if err != nil {
		return Figure{}, err
	}
	if g.status != http.StatusOK {
		return Figure{Requests: 1, Errors: 1, Skipped: fmt.Sprintf("failed: GET export.csv → %d", g.status)}, nil
	}
	n := rows.records - 1 // the header
	secs := g.total.Seconds()
	f := Figure{PerSecond: float64(n) / secs, Unit: "rows", P50ms: round1(secs * 1000), Requests: 1}
	f.Note = fmt.Sprintf("%s..%s: %d rows (%d expected) in %.2f s, first byte %.0f ms, %.1f MB; server RSS %.1f → peak %.1f MB (+%.1f)",
		from, to, n, want, secs, g.firstByte.Seconds()*1000, float64(g.bytes)/(1<<20), st.BeforeMB, st.PeakMB, st.GrowthMB)
	if n != want {
		f.Note += " — ROW COUNT MISMATCH"
		f.Errors++
	}
	f.Extra = map[string]any{"from": from, "to": to, "rows": n, "rows_expected": want, "seconds": secs,
		"first_byte_ms": round1(g.firstByte.Seconds() * 1000), "bytes": g.bytes, "memory": st}
	return f, nil
}

// csvPeriod returns the period of about csvTargetRows tickets of the
// administrator's scope, ending on the most recent day with tickets, and
// how many tickets it holds.
func csvPeriod(ctx context.Context, b *bench) (from, to string, n int, err error) {
	var days []struct {
		Day   string `db:"day"`
		Count int    `db:"n"`
	}
	err = b.db.SelectContext(ctx, &days, `SELECT to_char((created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, 'YYYY-MM-DD') AS day,
			count(*) AS n
		FROM tickets WHERE unit_id IN (SELECT unit_subtree((SELECT id FROM units WHERE code = $1)))
		GROUP BY 1 ORDER BY 1 DESC`, demo.ProvinceCode)
	if err != nil {
		return "", "", 0, err
	}
	if len(days) == 0 {
		return "", "", 0, fmt.Errorf("no tickets to export")
	}
	to = days[0].Day
	last, _ := time.Parse("2006-01-02", to)
	for _, d := range days {
		t, _ := time.Parse("2006-01-02", d.Day)
		if domain.PeriodDays(t, last) > domain.MaxReportDays {
			break
		}
		from, n = d.Day, n+d.Count
		if n >= csvTargetRows {
			break
		}
	}
	return from, to, n, nil
}

// got is one fetched answer.
type got struct {
	status           int
	contentType      string
	bytes            int64
	firstByte, total time.Duration
}

// fetch GETs u as the holder of token and copies the body to w.
func fetch(ctx context.Context, u, token string, w io.Writer) (got, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return got{}, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	t0 := time.Now()
	resp, err := reportClient.Do(req)
	if err != nil {
		return got{}, err
	}
	defer resp.Body.Close()
	g := got{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), firstByte: time.Since(t0)}
	g.bytes, err = io.Copy(w, resp.Body)
	g.total = time.Since(t0)
	return g, err
}

// csvRows counts the records of a CSV stream: line ends outside quotes.
type csvRows struct {
	records  int
	inQuotes bool
}

func (c *csvRows) Write(p []byte) (int, error) {
	for _, ch := range p {
		switch ch {
		case '"':
			c.inQuotes = !c.inQuotes
		case '\n':
			if !c.inQuotes {
				c.records++
			}
		}
	}
	return len(p), nil
}

func joinMs(xs []float64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprintf("%.0f", x)
	}
	return strings.Join(s, ", ")
}
