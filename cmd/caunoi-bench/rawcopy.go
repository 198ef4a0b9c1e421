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

// nameRawCopy is the seed's ceiling: what `caunoi seed --synthetic` is
// measured against, as intake is against pgbench's INSERT.
const nameRawCopy = "raw COPY (psql), then the indexes"

// rawCopyTickets is how many of the seeded tickets (and their events) the
// seed's ceiling copies: enough for a steady rate, in a few seconds.
const rawCopyTickets = 200000

// measureRawCopy is the seed's ceiling: the first seeded tickets and their
// events, written out as COPY text by psql, copied back by psql's \copy
// into tables of the same columns and defaults but without an index, a
// key, a check or a trigger, on two streams at once as the loader uses;
// then the tables' indexes built in bulk, two at a time. That is the
// cheapest way the same rows can be stored with their indexes: no loader
// of COPY text does better, whatever it leaves out or defers. The foreign
// keys are not checked and nothing is vacuumed, which the seed's rate
// counts. Tickets per second count the copy and the build.
func measureRawCopy(ctx context.Context, b *bench) (Figure, error) {
	if _, err := exec.LookPath("psql"); err != nil {
		return Figure{Skipped: "psql not found (Debian: postgresql-client)"}, nil
	}
	// The ids of the first tickets, split in two halves, one a stream.
	var ids []int64
	if err := b.db.SelectContext(ctx, &ids, `SELECT id FROM tickets ORDER BY id LIMIT $1`, rawCopyTickets); err != nil {
		return Figure{}, err
	}
	if len(ids) < 2 {
		return Figure{Skipped: "too few tickets to copy"}, nil
	}
	halves := [2][2]int64{{ids[0], ids[len(ids)/2-1]}, {ids[len(ids)/2], ids[len(ids)-1]}}
	cleanup := context.WithoutCancel(ctx)
	defer b.db.ExecContext(cleanup, "DROP TABLE IF EXISTS bench_copy_tickets, bench_copy_events") //nolint:errcheck
	for _, q := range []string{
		"CREATE TABLE bench_copy_tickets (LIKE tickets INCLUDING DEFAULTS)",
		"CREATE TABLE bench_copy_events (LIKE ticket_events INCLUDING DEFAULTS)",
	} {
		if _, err := b.db.ExecContext(ctx, q); err != nil {
			return Figure{}, err
		}
	}
	file := func(table string, half int) string {
		return filepath.Join(b.dir, table+"-"+strconv.Itoa(half)+".copy")
	}
	for h, r := range halves {
		defer os.Remove(file("tickets", h))
		defer os.Remove(file("events", h))
		for _, out := range []struct{ table, query string }{
			{"tickets", fmt.Sprintf("SELECT * FROM tickets WHERE id BETWEEN %d AND %d", r[0], r[1])},
			{"events", fmt.Sprintf("SELECT * FROM ticket_events WHERE ticket_id BETWEEN %d AND %d", r[0], r[1])},
		} {
			if err := b.psql(ctx, `\copy (`+out.query+`) TO '`+file(out.table, h)+`'`); err != nil {
				return Figure{}, err
			}
		}
	}
	start := time.Now()
	err := inParallel(len(halves), func(h int) error {
		if err := b.psql(ctx, `\copy bench_copy_tickets FROM '`+file("tickets", h)+`'`); err != nil {
			return err
		}
		return b.psql(ctx, `\copy bench_copy_events FROM '`+file("events", h)+`'`)
	})
	if err != nil {
		return Figure{}, err
	}
	copied := time.Since(start)
	built, err := buildCopyIndexes(ctx, b)
	if err != nil {
		return Figure{}, err
	}
	elapsed := copied + built
	var tickets, events int
	if err := b.db.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM bench_copy_tickets), (SELECT count(*) FROM bench_copy_events)").
		Scan(&tickets, &events); err != nil {
		return Figure{}, err
	}
	if tickets != len(ids) {
		return Figure{}, fmt.Errorf("raw COPY: %d tickets copied of %d", tickets, len(ids))
	}
	return Figure{PerSecond: float64(tickets) / elapsed.Seconds(), Unit: "tickets", Requests: tickets,
		Note: fmt.Sprintf("%d tickets and %d events: copied in %.1f s (%.0f tickets/s), their indexes built in %.1f s",
			tickets, events, copied.Seconds(), float64(tickets)/copied.Seconds(), built.Seconds()),
		Extra: map[string]any{"tickets": tickets, "events": events, "copy_seconds": copied.Seconds(),
			"copy_tickets_per_second": float64(tickets) / copied.Seconds(), "index_seconds": built.Seconds()}}, nil
}

// indexDef is CREATE INDEX's text as pg_get_indexdef writes it.
var indexDef = regexp.MustCompile(`^(CREATE (?:UNIQUE )?INDEX )(\S+)( ON \S+\.)(tickets|ticket_events)( .*)$`)

// copyIndex returns def, an index of tickets or ticket_events, made for
// the table's copy under a name of its own.
func copyIndex(def string) (string, error) {
	m := indexDef.FindStringSubmatch(def)
	if m == nil {
		return "", fmt.Errorf("raw COPY: cannot read the index %q", def)
	}
	table := map[string]string{"tickets": "bench_copy_tickets", "ticket_events": "bench_copy_events"}[m[4]]
	return m[1] + "bench_copy_" + m[2] + m[3] + table + m[5], nil
}

// buildCopyIndexes builds on the copied tables the indexes tickets and
// ticket_events have (their definitions read from the catalog, so a
// migration's index is counted), two at a time as the two streams copied,
// and returns how long that took.
func buildCopyIndexes(ctx context.Context, b *bench) (time.Duration, error) {
	var defs []string
	if err := b.db.SelectContext(ctx, &defs, `SELECT pg_get_indexdef(indexrelid) FROM pg_index
		WHERE indrelid IN ('tickets'::regclass, 'ticket_events'::regclass) ORDER BY pg_relation_size(indexrelid) DESC`); err != nil {
		return 0, err
	}
	stmts := make(chan string, len(defs))
	for _, d := range defs {
		q, err := copyIndex(d)
		if err != nil {
			return 0, err
		}
		stmts <- q
	}
	close(stmts)
	start := time.Now()
	err := inParallel(2, func(int) error {
		for q := range stmts {
			if _, err := b.db.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	return time.Since(start), err
}

// inParallel runs f(0) … f(n-1) at once and returns the first error of
// them, once all have returned.
func inParallel(n int, f func(i int) error) error {
	errs := make(chan error, n)
	for i := range n {
		go func() { errs <- f(i) }()
	}
	var first error
	for range n {
		if err := <-errs; first == nil {
			first = err
		}
	}
	return first
}

// psql runs one psql command against the bench database.
func (b *bench) psql(ctx context.Context, command string) error {
	cmd := exec.CommandContext(ctx, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", b.dbURL, "-c", command)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("psql %s: %w: %s", command, err, out)
	}
	return nil
}
