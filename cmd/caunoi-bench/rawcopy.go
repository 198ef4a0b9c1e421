package main

import (
	"bytes"
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

// rawCopyTickets is about how many of the seeded tickets (and their
// events) the seed's ceiling copies: enough for a steady rate, in a few
// seconds. They are spread over the whole table (every k-th id), so that
// they are as old, as open and as long as the seed's.
const rawCopyTickets = 200000

// measureRawCopy is the seed's ceiling: a sample of the seeded tickets
// and their events, written out as COPY text by psql, copied back by
// psql's \copy into tables of the same columns and defaults but without an
// index, a key, a check or a trigger, on two streams at once as the loader
// uses; then the tables' indexes built in bulk, two at a time, with the
// server's settings. It is the work the seed cannot avoid (parsing COPY
// text, writing the rows and their indexes) done the cheapest plain way,
// without the foreign-key checks, the row generation and the VACUUM that
// the seed's rate counts. Tickets per second count the copy and the build.
func measureRawCopy(ctx context.Context, b *bench) (Figure, error) {
	if _, err := exec.LookPath("psql"); err != nil {
		return Figure{Skipped: "psql not found (Debian: postgresql-client)"}, nil
	}
	// Every k-th ticket, split in two halves of ids, one a stream.
	var total int
	if err := b.db.GetContext(ctx, &total, "SELECT count(*) FROM tickets"); err != nil {
		return Figure{}, err
	}
	k := max(1, total/rawCopyTickets)
	var ids []int64
	if err := b.db.SelectContext(ctx, &ids, `SELECT id FROM tickets WHERE id % $1 = 0 ORDER BY id LIMIT $2`,
		k, rawCopyTickets); err != nil {
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
			{"tickets", fmt.Sprintf("SELECT * FROM tickets WHERE id BETWEEN %d AND %d AND id %% %d = 0", r[0], r[1], k)},
			{"events", fmt.Sprintf("SELECT * FROM ticket_events WHERE ticket_id BETWEEN %d AND %d AND ticket_id %% %d = 0", r[0], r[1], k)},
		} {
			if err := b.psqlFile(ctx, `\copy (`+out.query+`) TO pstdout`, file(out.table, h), false); err != nil {
				return Figure{}, err
			}
		}
	}
	start := time.Now()
	err := inParallel(len(halves), func(h int) error {
		if err := b.psqlFile(ctx, `\copy bench_copy_tickets FROM pstdin`, file("tickets", h), true); err != nil {
			return err
		}
		return b.psqlFile(ctx, `\copy bench_copy_events FROM pstdin`, file("events", h), true)
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
		Note: fmt.Sprintf("1 ticket in %d (%d) and its events (%d): copied in %.1f s (%.0f tickets/s), their indexes built in %.1f s",
			k, tickets, events, copied.Seconds(), float64(tickets)/copied.Seconds(), built.Seconds()),
		Extra: map[string]any{"one_ticket_in": k, "tickets": tickets, "events": events, "copy_seconds": copied.Seconds(),
			"copy_tickets_per_second": float64(tickets) / copied.Seconds(), "index_seconds": built.Seconds()}}, nil
}

// indexDef is CREATE INDEX's text as pg_get_indexdef writes it for an
// index of tickets or ticket_events (in any schema; the rest may span
// lines).
var indexDef = regexp.MustCompile(`(?s)^(CREATE (?:UNIQUE )?INDEX )(?:"(?:[^"]|"")+"|\S+) ON (?:\S+\.)?(tickets|ticket_events)( USING .*)$`)

// copyIndex returns def, an index of tickets or ticket_events, made for
// the table's copy, named bench_copy_idx_N.
func copyIndex(def string, n int) (string, error) {
	m := indexDef.FindStringSubmatch(def)
	if m == nil {
		return "", fmt.Errorf("raw COPY: cannot read the index %q", def)
	}
	table := map[string]string{"tickets": "bench_copy_tickets", "ticket_events": "bench_copy_events"}[m[2]]
	return m[1] + "bench_copy_idx_" + strconv.Itoa(n) + " ON " + table + m[3], nil
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
	for i, d := range defs {
		q, err := copyIndex(d, i)
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

// psqlFile runs one psql command against the bench database with path as
// its standard input (in) or output: \copy … pstdin or pstdout.
func (b *bench) psqlFile(ctx context.Context, command, path string, in bool) error {
	var f *os.File
	var err error
	if in {
		f, err = os.Open(path)
	} else {
		f, err = os.Create(path)
	}
	if err != nil {
		return err
	}
	defer f.Close()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", b.dbURL, "-c", command)
	cmd.Stderr = &stderr
	if in {
		cmd.Stdin = f
	} else {
		cmd.Stdout = f
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("psql %s: %w: %s", command, err, stderr.Bytes())
	}
	return f.Close()
}
