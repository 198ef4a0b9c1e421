package repository_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi"
	"caunoi/demo"
	"caunoi/domain"
	"caunoi/internal/pgtest"
	"caunoi/repository"
	"caunoi/secretbox"
)

const identityTestKey = "repository-test-identity-key-0123456789abcdef"

func identityBox(t *testing.T) *secretbox.Box {
	t.Helper()
	b, err := secretbox.NewFor(identityTestKey, secretbox.PurposeIdentities)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A database of version 4 holds denunciations in clear, as every version
// before 5 stored them: one still a denunciation, one whose kind was
// changed away from it (its timeline says so), and a feedback that never
// was one. Migrating without CAUNOI_SECRET_KEY stops at the sealing step
// and changes none of them; with the key, the denouncers' identities are
// sealed, readable with the key, and the feedback keeps its citizen.
func TestMigrationSealsTheIdentitiesStoredInClear(t *testing.T) {
	ctx := context.Background()
	db, err := sqlx.Open("postgres", pgtest.NewEmptyURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, err := repository.Migrations(caunoi.Schema, caunoi.Migrations, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := repository.Migrate(ctx, db, ms[:4]); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedReference(ctx, repository.NewStore(db, nil), intakeNow); err != nil {
		t.Fatal(err)
	}
	var unitID int64
	if err := db.Get(&unitID, "SELECT id FROM units WHERE code = 'xuan-lung'"); err != nil {
		t.Fatal(err)
	}
	insert := func(code, kind, name, phone, email, address string) int64 {
		var id int64
		if err := db.Get(&id, `INSERT INTO tickets (tracking_code, unit_id, kind, channel, body, citizen_name,
				citizen_phone, citizen_email, address, due_at)
			VALUES ($1, $2, $3, 'web', 'Tố cáo việc cấp phép sai quy định', $4, $5, $6, $7, now() + interval '30 days')
			RETURNING id`, code, unitID, kind, name, phone, email, address); err != nil {
			t.Fatal(err)
		}
		return id
	}
	den := insert("OLDD-EN0N1", "denunciation", "Hà Văn Tố", "0911222333", "to.cao@example.vn", "Số 12 ngõ 3, thôn Đông")
	was := insert("OLDW-AS0D2", "feedback", "Lê Thị Kín", "0988777666", "", "")
	if _, err := db.Exec(`INSERT INTO ticket_events (ticket_id, type, data) VALUES
		($1, 'updated', '{"field":"kind","from":"denunciation","to":"feedback"}'),
		($1, 'created', '{"sender_name":"Lê Thị Kín"}')`, was); err != nil {
		t.Fatal(err)
	}
	plain := insert("OLDF-EED03", "feedback", "Trần Văn Góp", "0909000111", "gop@example.vn", "Thôn Tây")

	// Without the key: version 5 is applied, 6 refuses, nothing sealed.
	applied, err := repository.Migrate(ctx, db, ms)
	if err == nil || !strings.Contains(err.Error(), "2 denunciations") || !strings.Contains(err.Error(), "CAUNOI_SECRET_KEY") {
		t.Fatalf("migrating without the key: applied %v, err %v; want a refusal naming the key", applied, err)
	}
	if v, _ := repository.SchemaVersion(ctx, db); v != 5 {
		t.Fatalf("schema version after the refusal: %d, want 5", v)
	}
	var name string
	if err := db.Get(&name, "SELECT citizen_name FROM tickets WHERE id = $1", den); err != nil || name != "Hà Văn Tố" {
		t.Fatalf("the refused step changed the row: %q %v", name, err)
	}

	// With the key.
	box := identityBox(t)
	ms, err = repository.Migrations(caunoi.Schema, caunoi.Migrations, box)
	if err != nil {
		t.Fatal(err)
	}
	if applied, err := repository.Migrate(ctx, db, ms); err != nil || len(applied) == 0 || applied[0] != 6 {
		t.Fatalf("migrating with the key: %v %v", applied, err)
	}
	type row struct {
		Restricted bool   `db:"identity_restricted"`
		Name       string `db:"citizen_name"`
		Phone      string `db:"citizen_phone"`
		Email      string `db:"citizen_email"`
		Address    string `db:"address"`
		Sealed     []byte `db:"identity_sealed"`
	}
	read := func(id int64) row {
		var r row
		if err := db.Get(&r, `SELECT identity_restricted, citizen_name, citizen_phone, citizen_email, address,
			identity_sealed FROM tickets WHERE id = $1`, id); err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, c := range []struct {
		id    int64
		code  string
		words []string
	}{{den, "OLDD-EN0N1", []string{"Hà Văn Tố", "0911222333", "to.cao@example.vn", "Số 12 ngõ 3"}},
		{was, "OLDW-AS0D2", []string{"Lê Thị Kín", "0988777666"}}} {
		r := read(c.id)
		if !r.Restricted || r.Name != "" || r.Phone != "" || r.Email != "" || r.Address != "" || len(r.Sealed) == 0 {
			t.Errorf("%s after sealing: %+v", c.code, r)
		}
		opened, err := box.Open(r.Sealed, "ticket/"+c.code+"/identity")
		if err != nil {
			t.Fatalf("%s: the sealed identity does not open with the key: %v", c.code, err)
		}
		for _, w := range c.words {
			if strings.Contains(string(r.Sealed), w) {
				t.Errorf("%s: %q readable in the sealed bytes", c.code, w)
			}
			if !strings.Contains(opened, w) {
				t.Errorf("%s: %q lost: the sealed identity is %s", c.code, w, opened)
			}
		}
	}
	var inClear int
	if err := db.Get(&inClear, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND data::text LIKE '%Kín%'`, was); err != nil || inClear != 0 {
		t.Errorf("the sender's name left on the timeline: %d %v", inClear, err)
	}
	if r := read(plain); r.Restricted || r.Name != "Trần Văn Góp" || r.Phone != "0909000111" || len(r.Sealed) != 0 {
		t.Errorf("a feedback that never was a denunciation: %+v", r)
	}

	// The store reads the sealed identity for the leader only.
	store := repository.NewStore(db, func() time.Time { return intakeNow }, repository.WithIdentitySealer(box))
	var leaderID int64
	if err := db.Get(&leaderID, "SELECT id FROM users WHERE email = 'leader@demo.caunoi.vn'"); err != nil {
		t.Fatal(err)
	}
	sc := domain.Scope{UserID: leaderID, Role: domain.RoleLeader, UnitID: unitID}
	d, err := store.TicketDetail(ctx, sc, den)
	if err != nil || d.Citizen.Name != "Hà Văn Tố" || d.Citizen.Phone != "0911222333" {
		t.Fatalf("the leader's view after sealing: %+v %v", d.Citizen, err)
	}
	if applied, err := repository.Migrate(ctx, db, ms); err != nil || len(applied) != 0 {
		t.Fatalf("migrating again: %v %v", applied, err)
	}
}
