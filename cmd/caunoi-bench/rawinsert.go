package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"
)

// rawInsertScript inserts one ticket-shaped row, as intake does, into
// table: the tickets' columns, defaults, checks and indexes.
func rawInsertScript(table string) string {
	return `\set unit random(1, 4)
INSERT INTO ` + table + ` (tracking_code, unit_id, department_id, category_id, kind, channel, title, body,
	citizen_name, citizen_phone, village, deadline_unit, due_at, accept_due_at)
VALUES (upper(substr(md5(random()::text), 1, 10)), :unit, :unit, :unit, 'feedback', 'web', 'Đèn đường hỏng',
	'Đèn đường trước nhà số 45 đường Lê Lợi, thôn 3 bị hỏng 3 ngày nay, buổi tối rất tối, người đi đường dễ bị ngã. Đề nghị xã cho người sửa sớm.',
	'Nguyễn Văn An', '0912345678', 'Thôn 3', 'working_days', now() + interval '3 days', now() + interval '8 hours');
`
}

var tpsLine = regexp.MustCompile(`tps = ([0-9.]+)`)

// measureRawInsert is the ceiling intake is measured against: pgbench,
// prepared, 8 clients on 2 threads, single-row INSERTs into bench_tickets
// (CREATE TABLE … (LIKE tickets INCLUDING ALL)), right before the intake.
// The table starts empty: its indexes are small and in memory. LIKE
// copies no trigger: bench_tickets gets the one that folds a new ticket's
// words into search_vector (migration 0004), so each row costs what an
// intake row costs there.
func measureRawInsert(ctx context.Context, b *bench) (Figure, error) {
	if _, err := exec.LookPath("pgbench"); err != nil {
		return Figure{Skipped: "pgbench not found (Debian: postgresql-client or postgresql-contrib)"}, nil
	}
	if _, err := b.db.ExecContext(ctx, "CREATE TABLE bench_tickets (LIKE tickets INCLUDING ALL)"); err != nil {
		return Figure{}, err
	}
	if _, err := b.db.ExecContext(ctx, `CREATE TRIGGER bench_tickets_search_vector_insert BEFORE INSERT ON bench_tickets
		FOR EACH ROW WHEN (NEW.search_vector IS NULL) EXECUTE FUNCTION tickets_fill_search_vector()`); err != nil {
		return Figure{}, err
	}
	defer b.db.ExecContext(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS bench_tickets") //nolint:errcheck
	return runPgbench(ctx, b, rawInsertScript("bench_tickets"), "")
}

// measureRawInsertTickets is the same INSERT into tickets itself, which
// holds the seeded tickets: what intake inserts into, with the same
// indexes at the same size and the same foreign keys. The rows it added
// are deleted afterwards (and the table vacuumed), before the intake.
func measureRawInsertTickets(ctx context.Context, b *bench) (Figure, error) {
	if _, err := exec.LookPath("pgbench"); err != nil {
		return Figure{Skipped: "pgbench not found (Debian: postgresql-client or postgresql-contrib)"}, nil
	}
	var last, rows int64
	if err := b.db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0), count(*) FROM tickets").Scan(&last, &rows); err != nil {
		return Figure{}, err
	}
	f, err := runPgbench(ctx, b, rawInsertScript("tickets"), fmt.Sprintf(", into tickets holding %d rows", rows))
	// Deleting a ticket checks that no ticket was merged into it, which
	// without an index on merged_into reads the whole table for each row
	// (the product never deletes tickets): a passing partial index makes the
	// clean-up take a second instead of minutes.
	cleanup := context.WithoutCancel(ctx)
	for _, q := range []string{
		"CREATE INDEX bench_merged_into ON tickets (merged_into) WHERE merged_into IS NOT NULL",
		"DELETE FROM tickets WHERE id > " + strconv.FormatInt(last, 10),
		"DROP INDEX bench_merged_into",
		"VACUUM tickets",
	} {
		if _, cerr := b.db.ExecContext(cleanup, q); cerr != nil && err == nil {
			err = fmt.Errorf("remove pgbench's rows: %s: %w", q, cerr)
		}
	}
	return f, err
}

// runPgbench runs script with pgbench, prepared, the load's clients on 2
// threads, for the load's duration, and reads its rate and counts.
func runPgbench(ctx context.Context, b *bench, script, note string) (Figure, error) {
	path := filepath.Join(b.dir, "insert.sql")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		return Figure{}, err
	}
	secs := int(b.p.Duration / time.Second)
	cmd := exec.CommandContext(ctx, "pgbench", "-n", "-M", "prepared", "-c", strconv.Itoa(b.p.Clients), "-j", "2",
		"-T", strconv.Itoa(secs), "-r", "-f", path, b.dbURL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return Figure{}, fmt.Errorf("pgbench: %w: %s", err, out)
	}
	m := tpsLine.FindSubmatch(out)
	if m == nil {
		return Figure{}, fmt.Errorf("pgbench: no tps in %s", out)
	}
	tps, _ := strconv.ParseFloat(string(m[1]), 64)
	f := Figure{PerSecond: tps, Unit: "rows", Note: fmt.Sprintf("pgbench -n -M prepared -c %d -j 2 -T %d%s", b.p.Clients, secs, note)}
	if lat := regexp.MustCompile(`latency average = ([0-9.]+) ms`).FindSubmatch(out); lat != nil {
		avg, _ := strconv.ParseFloat(string(lat[1]), 64)
		f.Extra = map[string]any{"latency_average_ms": avg}
	}
	if n := regexp.MustCompile(`number of transactions actually processed: ([0-9]+)`).FindSubmatch(out); n != nil {
		f.Requests, _ = strconv.Atoi(string(n[1]))
	}
	if e := regexp.MustCompile(`number of failed transactions: ([0-9]+)`).FindSubmatch(out); e != nil {
		f.Errors, _ = strconv.Atoi(string(e[1]))
	}
	return f, nil
}
