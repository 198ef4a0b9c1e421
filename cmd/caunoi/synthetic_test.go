package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/jmoiron/sqlx"

	"caunoi/internal/pgtest"
)

func TestSeedSyntheticCreatesUnitsAndTickets(t *testing.T) {
	u := pgtest.NewURL(t)
	ctx := context.Background()
	vars := map[string]string{"DATABASE_URL": u}
	var out bytes.Buffer
	err := run(ctx, []string{"seed", "--synthetic", "3000", "--units", "7", "--days", "30"}, env(vars),
		strings.NewReader(""), &out, &out)
	if err != nil {
		t.Fatalf("seed: %v\n%s", err, out.String())
	}
	// The rate counts the load and the VACUUM after it, both shown.
	if !strings.Contains(out.String(), "3000 tickets") || !strings.Contains(out.String(), "tickets/s") ||
		!strings.Contains(out.String(), "load ") || !strings.Contains(out.String(), "VACUUM (ANALYZE) ") {
		t.Errorf("output: %s", out.String())
	}
	db, err := sqlx.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var units, synthetic, tickets, spread int
	if err := db.Get(&units, `SELECT count(*) FROM units WHERE level <> 'province'`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&synthetic, `SELECT count(*) FROM units WHERE code LIKE 'xa-tong-hop-%'`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&tickets, `SELECT count(*) FROM tickets WHERE due_at IS NOT NULL AND department_id IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	if err := db.Get(&spread, `SELECT count(DISTINCT unit_id) FROM tickets`); err != nil {
		t.Fatal(err)
	}
	var stale int
	if err := db.Get(&stale, `SELECT count(*) FROM tickets
		WHERE search_vector IS DISTINCT FROM ticket_search_vector(title, body)`); err != nil {
		t.Fatal(err)
	}
	if stale != 0 {
		t.Errorf("%d tickets whose search_vector is not ticket_search_vector(title, body)", stale)
	}
	if units != 7 || synthetic != 3 || tickets != 3000 || spread != 7 {
		t.Errorf("%d units (%d synthetic), %d tickets over %d units; want 7 (3), 3000 over 7", units, synthetic, tickets, spread)
	}

	// Asking again for as many units creates none; one unit only gets the new tickets.
	out.Reset()
	if err := run(ctx, []string{"seed", "--synthetic", "500", "--units", "7", "--unit", "xa-tong-hop-002"}, env(vars),
		strings.NewReader(""), &out, &out); err != nil {
		t.Fatalf("seed again: %v", err)
	}
	if strings.Contains(out.String(), "created") {
		t.Errorf("created units again: %s", out.String())
	}
	var inUnit int
	if err := db.Get(&inUnit, `SELECT count(*) FROM tickets t JOIN units u ON u.id = t.unit_id
		WHERE u.code = 'xa-tong-hop-002'`); err != nil {
		t.Fatal(err)
	}
	if inUnit < 500 {
		t.Errorf("%d tickets in xa-tong-hop-002, want at least 500", inUnit)
	}
}
