package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/demo"
	"caunoi/internal/pgtest"
)

func TestDemoSeedIsIdempotentAndCoversTheWorkflow(t *testing.T) {
	db, err := sqlx.Open("postgres", pgtest.NewURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	made, err := demo.Seed(ctx, db, now)
	if err != nil {
		t.Fatal(err)
	}
	if want := 4 * 80; made != want {
		t.Fatalf("made %d demo tickets, want %d", made, want)
	}
	var statuses []string
	pgtest.MustSelect(t, db, &statuses, "SELECT DISTINCT status FROM tickets ORDER BY 1")
	want := map[string]bool{"new": true, "in_progress": true, "waiting_citizen": true, "resolved": true, "closed": true, "rejected": true}
	for _, s := range statuses {
		delete(want, s)
	}
	if len(want) > 0 {
		t.Fatalf("statuses %v lack %v", statuses, want)
	}
	var bad int
	pgtest.MustGet(t, db, &bad, `SELECT count(*) FROM tickets WHERE created_at > $1 OR resolved_at > $1
		OR (status IN ('resolved', 'closed') AND resolved_at IS NULL)`, now)
	if bad != 0 {
		t.Fatalf("%d demo tickets have times in the future or no resolution time", bad)
	}
	var rated, late int
	pgtest.MustGet(t, db, &rated, "SELECT count(*) FROM tickets WHERE rating IS NOT NULL")
	pgtest.MustGet(t, db, &late, "SELECT count(*) FROM tickets WHERE resolved_at > due_at")
	if rated == 0 || late == 0 {
		t.Fatalf("rated %d, resolved late %d: the reports would have nothing to show", rated, late)
	}
	tickets, events := count(t, db, "tickets"), count(t, db, "ticket_events")
	again, err := demo.Seed(ctx, db, now.Add(time.Hour))
	if err != nil || again != 0 || count(t, db, "tickets") != tickets || count(t, db, "ticket_events") != events {
		t.Fatalf("seeding again made %d tickets (%v): not idempotent", again, err)
	}
}

func count(t *testing.T, db *sqlx.DB, table string) int {
	t.Helper()
	var n int
	if err := db.Get(&n, "SELECT count(*) FROM "+table); err != nil {
		t.Fatal(err)
	}
	return n
}
