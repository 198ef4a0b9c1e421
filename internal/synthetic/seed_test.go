package synthetic_test

import (
	"context"
	"testing"
	"time"

	"caunoi/internal/synthetic"

	"caunoi/demo"
)

// syntheticDigest loads spec into a fresh copy of the demo's reference data
// and returns digests of the tickets (every column the loader writes, and
// the folded words) and of their events (all but the event ids, which two
// COPY streams draw in no fixed order).
func syntheticDigest(t *testing.T, spec synthetic.Spec) (tickets, events string) {
	t.Helper()
	ctx := context.Background()
	store, db := demoRefStore(t)
	units, err := store.LocalUnitIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	spec.Units, spec.Messages = units, demo.SyntheticMessages()
	res, err := synthetic.Load(ctx, store, spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.GetContext(ctx, &tickets, `SELECT md5(string_agg(t::text, E'\n' ORDER BY t.id)) FROM (
		SELECT id, tracking_code, unit_id, department_id, category_id, kind, channel, status, priority, title, body,
			citizen_name, citizen_phone, citizen_email, citizen_external_id, address, lat, lng, village, public,
			external_id, thread_id, reception_day, created_at, updated_at, deadline_unit, due_at, accept_due_at,
			paused_at, first_response_at, resolved_at, closed_at, last_citizen_at, rating, rating_comment, rated_at,
			search_vector
		FROM tickets WHERE id BETWEEN $1 AND $2) t`, res.FirstID, res.LastID); err != nil {
		t.Fatal(err)
	}
	if err := db.GetContext(ctx, &events, `SELECT md5(string_agg(e::text, E'\n' ORDER BY e::text)) FROM (
		SELECT ticket_id, type, actor_id, body, public, data, channel, external_id, created_at
		FROM ticket_events WHERE ticket_id BETWEEN $1 AND $2) e`, res.FirstID, res.LastID); err != nil {
		t.Fatal(err)
	}
	return tickets, events
}

// The same seed makes the same tickets and timelines, whatever the order
// the two COPY streams commit in.
func TestLoadSyntheticSameSeedSameTickets(t *testing.T) {
	spec := synthetic.Spec{N: 12000, Days: 90, Seed: 42,
		Now: time.Date(2026, 11, 20, 3, 4, 5, 678901234, time.UTC)}
	t1, e1 := syntheticDigest(t, spec)
	t2, e2 := syntheticDigest(t, spec)
	t.Logf("tickets %s, events %s", t1, e1)
	if t1 != t2 || e1 != e2 {
		t.Errorf("same seed, different data: tickets %s / %s, events %s / %s", t1, t2, e1, e2)
	}
	spec.Seed = 43
	if t3, _ := syntheticDigest(t, spec); t3 == t1 {
		t.Errorf("another seed made the same tickets")
	}
}
