package synthetic_test

import (
	"context"
	"testing"
	"time"

	"caunoi/internal/synthetic"

	"github.com/jmoiron/sqlx"

	"caunoi/demo"
	"caunoi/domain"
	"caunoi/internal/pgtest"
	"caunoi/repository"
)

// demoReference fills a template with the demo's units, departments,
// categories, holidays and legal clocks (no tickets).
func demoReference(ctx context.Context, db *sqlx.DB) error {
	return demo.SeedReference(ctx, repository.NewStore(db, nil), time.Now())
}

// demoRefStore returns a store on a fresh copy of the demo's reference
// data, and its database.
func demoRefStore(t *testing.T) (*repository.Store, *sqlx.DB) {
	t.Helper()
	db, err := sqlx.Open("postgres", pgtest.NewURLFrom(t, demo.TemplateKey("reference", time.Now()), demoReference))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return repository.NewStore(db, nil), db
}

func TestLoadSynthetic(t *testing.T) {
	ctx := context.Background()
	store, db := demoRefStore(t)
	ids, err := store.LocalUnitIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	msgs := demo.SyntheticMessages()
	now := time.Now()
	const n, days = 25000, 120
	res, err := synthetic.Load(ctx, store, synthetic.Spec{N: n, Days: days, Now: now, Units: ids,
		Messages: msgs, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d tickets, %d events in %v (%.0f/s), %d routes", res.Tickets, res.Events, res.Elapsed, res.Rate(), res.Routes)
	if res.Tickets != n || res.LastID-res.FirstID+1 != n {
		t.Fatalf("result %+v", res)
	}

	var got struct {
		Count, Units, Codes, NoDept, NoDue, NoCat, Days, Ext int
		Oldest, Newest                                       time.Time
	}
	if err := db.GetContext(ctx, &got, `SELECT count(*) AS count, count(DISTINCT unit_id) AS units,
		count(DISTINCT tracking_code) AS codes, count(*) FILTER (WHERE department_id IS NULL) AS nodept,
		count(*) FILTER (WHERE due_at IS NULL OR accept_due_at IS NULL) AS nodue,
		count(*) FILTER (WHERE category_id IS NULL) AS nocat,
		count(DISTINCT (created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) AS days,
		count(DISTINCT external_id) AS ext, min(created_at) AS oldest, max(created_at) AS newest
		FROM tickets WHERE id BETWEEN $1 AND $2`, res.FirstID, res.LastID); err != nil {
		t.Fatal(err)
	}
	if got.Count != n || got.Codes != n || got.Units != len(ids) {
		t.Errorf("%d tickets, %d codes, %d units; want %d, %d, %d", got.Count, got.Codes, got.Units, n, n, len(ids))
	}
	if got.NoDept != 0 || got.NoDue != 0 {
		t.Errorf("%d without a department, %d without due times", got.NoDept, got.NoDue)
	}
	if got.NoCat > n/10 {
		t.Errorf("%d of %d without a category", got.NoCat, n)
	}
	if got.Days < days-2 || got.Oldest.Before(now.Add(-(days+1)*24*time.Hour)) || got.Newest.After(now) {
		t.Errorf("spread over %d days, %v … %v", got.Days, got.Oldest, got.Newest)
	}

	// Statuses follow age: old tickets mostly done, recent ones mostly open,
	// some open ones overdue; nothing violates the timeline's order.
	var ages []struct {
		Old  bool    `db:"old"`
		Open float64 `db:"open"`
	}
	if err := db.SelectContext(ctx, &ages, `SELECT created_at < now() - interval '60 days' AS old,
		avg((status IN ('new', 'assigned', 'in_progress', 'waiting_citizen'))::int)::float8 AS open
		FROM tickets WHERE id BETWEEN $1 AND $2 GROUP BY 1`, res.FirstID, res.LastID); err != nil {
		t.Fatal(err)
	}
	for _, a := range ages {
		if a.Old && a.Open > 0.1 || !a.Old && a.Open < 0.02 {
			t.Errorf("old=%v: share open %.3f", a.Old, a.Open)
		}
	}
	var bad struct{ Overdue, Late, Disorder, Resolved, Rated, Events, Created int }
	if err := db.GetContext(ctx, &bad, `SELECT
		count(*) FILTER (WHERE status IN ('new', 'assigned', 'in_progress') AND due_at < now()) AS overdue,
		count(*) FILTER (WHERE resolved_at > due_at) AS late,
		count(*) FILTER (WHERE first_response_at < created_at OR resolved_at < first_response_at
			OR closed_at < created_at OR (status IN ('resolved', 'closed')) <> (resolved_at IS NOT NULL)
			OR (status = 'new') <> (first_response_at IS NULL)) AS disorder,
		count(*) FILTER (WHERE status IN ('resolved', 'closed')) AS resolved,
		count(rating) AS rated,
		(SELECT count(*) FROM ticket_events WHERE ticket_id BETWEEN $1 AND $2) AS events,
		(SELECT count(*) FROM ticket_events WHERE ticket_id BETWEEN $1 AND $2 AND type = 'created') AS created
		FROM tickets WHERE id BETWEEN $1 AND $2`, res.FirstID, res.LastID); err != nil {
		t.Fatal(err)
	}
	if bad.Overdue == 0 || bad.Late == 0 || bad.Rated == 0 || bad.Resolved < n/2 {
		t.Errorf("implausible mix: %+v", bad)
	}
	if bad.Disorder != 0 || bad.Created != n || bad.Events != res.Events {
		t.Errorf("timeline: %+v, result %d events", bad, res.Events)
	}

	// The tickets were routed by the units' tables: lighting goes to the
	// economic department.
	var wrong int
	if err := db.GetContext(ctx, &wrong, `SELECT count(*) FROM tickets t
		JOIN categories c ON c.id = t.category_id JOIN departments d ON d.id = t.department_id
		WHERE t.id BETWEEN $1 AND $2 AND (c.unit_id <> t.unit_id OR d.unit_id <> t.unit_id
			OR (c.code = 'chieu-sang' AND d.code <> 'kinh-te') OR (c.code = 'an-ninh' AND d.code <> 'cong-an'))`,
		res.FirstID, res.LastID); err != nil {
		t.Fatal(err)
	}
	if wrong != 0 {
		t.Errorf("%d tickets routed outside their unit or to the wrong department", wrong)
	}

	// The folded words came with the COPY, computed once per distinct text:
	// they are those the triggers would have computed, and the search finds
	// the loaded tickets without diacritics.
	if n := pgtest.StaleVectors(t, db); n != 0 {
		t.Errorf("%d tickets whose search_vector is not ticket_search_vector(title, body)", n)
	}
	var lit int
	if err := db.GetContext(ctx, &lit, `SELECT count(*) FROM tickets
		WHERE id BETWEEN $1 AND $2 AND search_vector @@ to_tsquery('simple', 'den & duong')`, res.FirstID, res.LastID); err != nil {
		t.Fatal(err)
	}
	if lit == 0 {
		t.Errorf("no loaded ticket found by the words 'den duong'")
	}

	// The sequence moved past the block: the next intake gets a new id.
	cat, err := store.Catalog(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	c, err := store.CreateTicket(ctx, ids[0], domain.NewTicket{Input: domain.FeedbackInput{Unit: cat.Unit.Code,
		Kind: "feedback", Body: "Đèn đường hỏng trước cổng chợ"}})
	if err != nil || c.ID <= res.LastID {
		t.Fatalf("next ticket %d (%v), want > %d", c.ID, err, res.LastID)
	}
}

func TestLoadSyntheticRefusesBadSpec(t *testing.T) {
	store := repository.NewStore(pgtest.New(t), nil)
	_, err := synthetic.Load(context.Background(), store, synthetic.Spec{N: 10, Days: 1})
	if domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("got %v, want invalid_input", err)
	}
}

// A load that fails part-way (here a ticket already holds an id of the
// block, so the second chunk's COPY fails) leaves no ticket and no event
// behind: the streams commit together or not at all.
func TestLoadSyntheticFailureLeavesNothing(t *testing.T) {
	ctx := context.Background()
	store, db := demoRefStore(t)
	var unit, dept, before, events int64
	if err := db.GetContext(ctx, &unit, "SELECT min(unit_id) FROM departments"); err != nil {
		t.Fatal(err)
	}
	if err := db.GetContext(ctx, &dept, "SELECT min(id) FROM departments WHERE unit_id = $1", unit); err != nil {
		t.Fatal(err)
	}
	if err := db.GetContext(ctx, &before, "SELECT count(*) FROM tickets"); err != nil {
		t.Fatal(err)
	}
	if err := db.GetContext(ctx, &events, "SELECT count(*) FROM ticket_events"); err != nil {
		t.Fatal(err)
	}
	// The id the load's 15,001st ticket will get, taken behind the sequence's back.
	var blocker int64
	if err := db.GetContext(ctx, &blocker, `INSERT INTO tickets (id, tracking_code, unit_id, department_id, kind, channel, title, body, due_at)
		VALUES ((SELECT last_value FROM tickets_id_seq) + 15001, 'ZZZZ-ZZZZZ', $1, $2, 'feedback', 'web', 'Chặn', 'Một phiếu giữ chỗ', now() + interval '1 day')
		RETURNING id`, unit, dept); err != nil {
		t.Fatal(err)
	}
	_, err := synthetic.Load(ctx, store, synthetic.Spec{N: 25000, Days: 30, Units: []int64{unit},
		Messages: demo.SyntheticMessages(), Seed: 7})
	if err == nil {
		t.Fatal("the load succeeded over a taken id")
	}
	t.Logf("the load failed as it should: %v", err)
	var after, eventsAfter int64
	if err := db.GetContext(ctx, &after, "SELECT count(*) FROM tickets WHERE id <> $1", blocker); err != nil {
		t.Fatal(err)
	}
	if err := db.GetContext(ctx, &eventsAfter, "SELECT count(*) FROM ticket_events"); err != nil {
		t.Fatal(err)
	}
	if after != before || eventsAfter != events {
		t.Errorf("after a failed load: %d tickets and %d events, want %d and %d (error %v)", after, eventsAfter, before, events, err)
	}
}
