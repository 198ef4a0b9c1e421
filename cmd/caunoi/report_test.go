package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/demo"
	"caunoi/domain"
	"caunoi/internal/pgtest"
	"caunoi/reports"
	"caunoi/repository"
)

// reportTickets stores a few tickets: September and October 2026 in Xuân
// Lũng, October in Âu Cơ.
func reportTickets(t *testing.T, db *sqlx.DB) {
	t.Helper()
	loc := domain.VietnamLocation()
	for i, x := range []struct {
		unit    string
		created time.Time
		status  string
	}{
		{"xuan-lung", time.Date(2026, 9, 15, 8, 0, 0, 0, loc), "resolved"},
		{"xuan-lung", time.Date(2026, 10, 5, 8, 0, 0, 0, loc), "in_progress"},
		{"xuan-lung", time.Date(2026, 10, 27, 8, 0, 0, 0, loc), "new"},
		{"au-co", time.Date(2026, 10, 20, 8, 0, 0, 0, loc), "new"},
	} {
		var resolved any
		if x.status == "resolved" {
			resolved = x.created.Add(48 * time.Hour)
		}
		db.MustExec(`INSERT INTO tickets (tracking_code, unit_id, department_id, channel, status, title, body,
				citizen_name, citizen_phone, created_at, due_at, resolved_at)
			SELECT $1, u.id, d.id, 'web', $3, 'Đèn đường hỏng', 'Đèn đường hỏng ở thôn Đồng Phú', 'Nguyễn Văn An',
				'0912345678', $4, $4::timestamptz + interval '5 days', $5
			FROM units u JOIN departments d ON d.unit_id = u.id AND d.code = 'kinh-te' WHERE u.code = $2`,
			"CLI-"+string(rune('A'+i)), x.unit, x.status, x.created, resolved)
	}
}

func TestReportCommand(t *testing.T) {
	u := pgtest.NewURLFrom(t, demo.TemplateKey("cli", demoRefNow), demoReference)
	db, err := sqlx.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	reportTickets(t, db)
	vars := env(map[string]string{"DATABASE_URL": u})
	dir := t.TempDir()
	report := func(args ...string) error {
		return run(context.Background(), append([]string{"report"}, args...), vars, strings.NewReader(""), io.Discard, io.Discard)
	}
	period := []string{"--from", "2026-10-01", "--to", "2026-10-31"}

	jsonPath := filepath.Join(dir, "r.json")
	if err := report(append([]string{"--unit", "xuan-lung", "--format", "json", "-o", jsonPath}, period...)...); err != nil {
		t.Fatal(err)
	}
	var sum domain.Summary
	b, _ := os.ReadFile(jsonPath)
	if err := json.Unmarshal(b, &sum); err != nil || sum.Received != 2 || sum.Open != 2 || sum.Unit != "xuan-lung" {
		t.Fatalf("json %+v %v", sum.Figures, err)
	}

	pdfPath := filepath.Join(dir, "r.pdf")
	if err := report(append([]string{"--unit", "phu-tho", "--header", "dang-uy", "-o", pdfPath}, period...)...); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(pdfPath); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("pdf %.40q", b)
	}

	csvPath := filepath.Join(dir, "r.csv")
	if err := report(append([]string{"--unit", "xuan-lung", "--format", "csv", "-o", csvPath}, period...)...); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(csvPath)
	if !bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) || strings.Count(string(b), "\n") != 3 ||
		strings.Contains(string(b), "Nguyễn Văn An") || strings.Contains(string(b), "0912345678") {
		t.Fatalf("csv %s", b)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--unit", "xuan-lung", "--from", "2026-10-32", "-o", pdfPath}, "--from"},
		{[]string{"--unit", "xuan-lung", "--from", "2026-10-31", "--to", "2026-10-01", "-o", pdfPath}, "--from"},
		{[]string{"--unit", "xuan-lung", "--from", "2024-01-01", "--to", "2026-10-01", "-o", pdfPath}, "--to"},
		{[]string{"--unit", "khong-co", "-o", pdfPath}, "no unit"},
		{[]string{"--unit", "xuan-lung", "--format", "xlsx", "-o", pdfPath}, "--format"},
		{[]string{"--unit", "xuan-lung"}, "-o FILE"},
		{[]string{"-o", pdfPath}, "--unit"},
		{[]string{"--unit", "xuan-lung", "-o", filepath.Join(dir, "missing", "r.pdf")}, "cannot write"},
	} {
		err := report(c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(oneLine(err.Error()), "\n") {
			t.Errorf("%v: %v, want an error about %s", c.args, err, c.want)
		}
	}
}

func TestScheduledReportsOncePerUnitAndPeriod(t *testing.T) {
	u := pgtest.NewURLFrom(t, demo.TemplateKey("cli", demoRefNow), demoReference)
	db, err := sqlx.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	reportTickets(t, db)
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, domain.VietnamLocation()) // a Monday
	clock := func() time.Time { return now }
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))

	// Twice in a row, then two servers at once.
	store := repository.NewStore(db, clock)
	for i := 0; i < 2; i++ {
		if err := runScheduledReports(ctx, store, quiet, now); err != nil {
			t.Fatal(err)
		}
	}
	db.MustExec("DELETE FROM reports WHERE period = 'week'")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() {
			other, err := sqlx.Open("postgres", u)
			if err != nil {
				errs[i] = err
				return
			}
			defer other.Close()
			errs[i] = runScheduledReports(ctx, repository.NewStore(other, clock), quiet, now)
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var rows []struct {
		Unit   string `db:"code"`
		Period string `db:"period"`
		From   string `db:"period_from"`
		To     string `db:"period_to"`
		N      int    `db:"n"`
		PDF    bool   `db:"pdf"`
	}
	if err := db.Select(&rows, `SELECT u.code, r.period, to_char(r.period_from, 'YYYY-MM-DD') AS period_from,
			to_char(r.period_to, 'YYYY-MM-DD') AS period_to, count(*) AS n, bool_and(substring(r.pdf FROM 1 FOR 5) = '%PDF-'::bytea) AS pdf
		FROM reports r JOIN units u ON u.id = r.unit_id GROUP BY 1, 2, 3, 4 ORDER BY 2, 1`); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		if r.N != 1 || !r.PDF {
			t.Errorf("%+v", r)
		}
		got = append(got, r.Period+" "+r.Unit+" "+r.From+".."+r.To)
	}
	want := []string{
		"month au-co 2026-10-01..2026-10-31", "month phu-tho 2026-10-01..2026-10-31", "month xuan-lung 2026-10-01..2026-10-31",
		"quarter phu-tho 2026-07-01..2026-09-30", "quarter xuan-lung 2026-07-01..2026-09-30",
		"week au-co 2026-10-26..2026-11-01", "week phu-tho 2026-10-26..2026-11-01", "week xuan-lung 2026-10-26..2026-11-01",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("archive:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var received int
	pgtest.MustGet(t, db, &received, `SELECT (summary->>'received')::int FROM reports r JOIN units u ON u.id = r.unit_id
		WHERE u.code = 'phu-tho' AND period = 'month'`)
	if received != 3 {
		t.Errorf("the province's October report counts %d tickets, want 3", received)
	}
	if specs := reportJobs(jobDeps{store: store}); len(specs) != 1 || !specs[0].locked {
		t.Errorf("job specs %+v", specs)
	}
}

// benchTickets is how many synthetic tickets the report benchmarks load
// (CAUNOI_BENCH_TICKETS; `make bench` measures 1,000,000). The database is
// kept as a template per count, so only the first run pays for the load.
func benchTickets() int {
	n, err := strconv.Atoi(os.Getenv("CAUNOI_BENCH_TICKETS"))
	if err != nil || n <= 0 {
		return 100000
	}
	return n
}

// benchStore returns a store over a clone of a database with the demo's
// province grown to 148 communes and wards and benchTickets() tickets over
// the last 365 days.
func benchStore(b *testing.B) (*repository.Store, int) {
	b.Helper()
	n := benchTickets()
	u := pgtest.NewURLFrom(b, demo.TemplateKey(fmt.Sprintf("reportbench%d", n), time.Now()), func(ctx context.Context, db *sqlx.DB) error {
		if err := demoReference(ctx, db); err != nil {
			return err
		}
		store := repository.NewStore(db, nil)
		if err := seedSynthetic(ctx, store, n, "", 365, 148, io.Discard); err != nil {
			return err
		}
		_, err := db.ExecContext(ctx, "VACUUM ANALYZE")
		return err
	})
	db, err := sqlx.Open("postgres", u)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if _, err := db.Exec("ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return repository.NewStore(db, nil), n
}

// peakHeap samples the live heap every few milliseconds until stop is
// called, and returns the highest reading in MB.
func peakHeap() (stop func() float64) {
	var peak uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() float64 {
		close(done)
		<-finished
		return float64(peak) / (1 << 20)
	}
}

// BenchmarkMonthlyProvincePDF times the last full month's report of the
// province (every commune rolled up): the SQL summary and the PDF.
//
//	go test ./cmd/caunoi/ -run '^$' -bench MonthlyProvincePDF -benchtime 5x
//	CAUNOI_BENCH_TICKETS=1000000 go test ./cmd/caunoi/ -run '^$' -bench MonthlyProvincePDF -benchtime 5x -timeout 60m
func BenchmarkMonthlyProvincePDF(b *testing.B) {
	store, n := benchStore(b)
	ctx := context.Background()
	province, err := store.UnitByCode(ctx, "phu-tho")
	if err != nil {
		b.Fatal(err)
	}
	from, to, _ := domain.LastCompletedPeriod(domain.PeriodMonth, time.Now(), nil)
	req := domain.ReportRequest{Unit: "phu-tho", From: from, To: to, Appendix: true}
	runtime.GC()
	stop := peakHeap()
	var sqlTime, pdfTime time.Duration
	var size, pages int
	var received int
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		sum, err := store.ReportSummary(ctx, unitScope(province.ID), req)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		var buf bytes.Buffer
		if err := reports.WritePDF(&buf, sum, reports.PDFOptions{}); err != nil {
			b.Fatal(err)
		}
		sqlTime += t1.Sub(t0)
		pdfTime += time.Since(t1)
		size, received = buf.Len(), sum.Received
		pages = bytes.Count(buf.Bytes(), []byte("/Type /Page\n")) + bytes.Count(buf.Bytes(), []byte("/Type /Page "))
	}
	b.StopTimer()
	peak := stop()
	b.ReportMetric(float64(sqlTime.Milliseconds())/float64(b.N), "sql-ms/op")
	b.ReportMetric(float64(pdfTime.Milliseconds())/float64(b.N), "pdf-ms/op")
	b.ReportMetric(peak, "peak-heap-MB")
	b.ReportMetric(float64(size)/1024, "pdf-KB")
	b.Logf("%d tickets in the year, %d received in %s..%s, PDF %d KB, ~%d pages", n, received,
		from.Format("2006-01-02"), to.Format("2006-01-02"), size/1024, pages)
}

// BenchmarkExportCSV streams every ticket of the province's last year as
// CSV; the peak heap stays flat whatever the number of rows.
//
//	go test ./cmd/caunoi/ -run '^$' -bench ExportCSV -benchtime 3x
func BenchmarkExportCSV(b *testing.B) {
	store, _ := benchStore(b)
	ctx := context.Background()
	province, err := store.UnitByCode(ctx, "phu-tho")
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	stop := peakHeap()
	rows := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rows = 0
		cw, err := reports.NewCSVWriter(io.Discard)
		if err != nil {
			b.Fatal(err)
		}
		err = store.ExportTickets(ctx, unitScope(province.ID), domain.TicketExport{}, func(l domain.TicketLine) error {
			rows++
			return cw.Write(l)
		})
		if err == nil {
			err = cw.Flush()
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(stop(), "peak-heap-MB")
	b.ReportMetric(float64(rows), "rows")
}
