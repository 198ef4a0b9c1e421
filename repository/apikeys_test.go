package repository_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
	"caunoi/internal/pgtest"
	"caunoi/repository"
)

// keyUnits inserts a province with two communes and returns their ids.
func keyUnits(t *testing.T, db *sqlx.DB) (province, a, b int64) {
	t.Helper()
	db.MustExec(`INSERT INTO units (code, name, level) VALUES ('tinh', 'Tỉnh', 'province')`)
	pgtest.MustGet(t, db, &province, "SELECT id FROM units WHERE code = 'tinh'")
	db.MustExec(`INSERT INTO units (code, name, level, parent_id) VALUES ('xa-a', 'Xã A', 'commune', $1),
		('xa-b', 'Xã B', 'commune', $1)`, province)
	pgtest.MustGet(t, db, &a, "SELECT id FROM units WHERE code = 'xa-a'")
	pgtest.MustGet(t, db, &b, "SELECT id FROM units WHERE code = 'xa-b'")
	return province, a, b
}

func TestAPIKeysAreHashedScopedAndRevocable(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	now := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	store := repository.NewStore(db, func() time.Time { return now })
	province, a, _ := keyUnits(t, db)
	top := domain.Scope{UserID: 1, Role: domain.RoleAdmin, UnitID: province}
	adminA := domain.Scope{UserID: 2, Role: domain.RoleAdmin, UnitID: a}
	leaderTop := domain.Scope{UserID: 3, Role: domain.RoleLeader, UnitID: province}

	anyKey, secret, err := store.CreateAPIKey(ctx, &top, "  Ứng dụng   tỉnh ", "")
	if err != nil {
		t.Fatal(err)
	}
	if anyKey.Name != "Ứng dụng tỉnh" || anyKey.UnitID != nil || anyKey.Prefix != secret[:9] {
		t.Fatalf("key %+v", anyKey)
	}
	keyA, secretA, err := store.CreateAPIKey(ctx, &adminA, "Xã A app", "XA-A")
	if err != nil || keyA.UnitCode != "xa-a" || *keyA.UnitID != a {
		t.Fatalf("key %+v %v", keyA, err)
	}
	for _, c := range []struct {
		sc   domain.Scope
		unit string
		code string
	}{
		{adminA, "", domain.EFORBIDDEN},     // a key for every unit needs a top-level admin
		{adminA, "xa-b", domain.EFORBIDDEN}, // another commune
		{leaderTop, "xa-a", domain.EFORBIDDEN},
		{top, "atlantis", domain.EINVALID},
	} {
		if _, _, err := store.CreateAPIKey(ctx, &c.sc, "x", c.unit); domain.ErrorCode(err) != c.code {
			t.Errorf("%+v for %q: %v, want %s", c.sc, c.unit, err, c.code)
		}
	}
	if _, _, err := store.CreateAPIKey(ctx, nil, "", ""); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("no name: %v", err)
	}

	var stored []byte
	pgtest.MustGet(t, db, &stored, "SELECT key_hash FROM api_keys WHERE id = $1", anyKey.ID)
	if string(stored) != string(domain.HashAPIKey(secret)) {
		t.Fatal("the key is not stored as its SHA-256")
	}
	got, err := store.APIKeyByHash(ctx, domain.HashAPIKey(secretA))
	if err != nil || got.ID != keyA.ID || got.LastUsedAt == nil || !got.LastUsedAt.Equal(now) {
		t.Fatalf("by hash %+v %v", got, err)
	}
	if _, err := store.APIKeyByHash(ctx, domain.HashAPIKey("cn_unknown")); !domain.IsNotFound(err) {
		t.Fatalf("unknown key: %v", err)
	}

	ids := func(sc domain.Scope) []int64 {
		keys, err := store.ListAPIKeys(ctx, sc)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, k := range keys {
			out = append(out, k.ID)
		}
		return out
	}
	if got := ids(top); len(got) != 2 {
		t.Errorf("top admin sees %v", got)
	}
	if got := ids(adminA); len(got) != 1 || got[0] != keyA.ID {
		t.Errorf("xa-a's admin sees %v", got)
	}
	if got := ids(leaderTop); len(got) != 0 {
		t.Errorf("a leader sees %v", got)
	}

	if err := store.RevokeAPIKey(ctx, &adminA, anyKey.ID); !domain.IsNotFound(err) {
		t.Fatalf("xa-a's admin revoked the province's key: %v", err)
	}
	if err := store.RevokeAPIKey(ctx, &adminA, keyA.ID); err != nil {
		t.Fatal(err)
	}
	if err := store.RevokeAPIKey(ctx, &adminA, keyA.ID); err != nil {
		t.Fatalf("revoking twice: %v", err)
	}
	got, _ = store.APIKeyByHash(ctx, domain.HashAPIKey(secretA))
	if got.RevokedAt == nil || !got.RevokedAt.Equal(now) {
		t.Fatalf("revoked key %+v", got)
	}
	if err := store.RevokeAPIKey(ctx, nil, 9999); !domain.IsNotFound(err) {
		t.Fatalf("unknown id: %v", err)
	}
	if err := store.RevokeAPIKey(ctx, nil, anyKey.ID); err != nil {
		t.Fatal(err)
	}
	all, err := store.ListAllAPIKeys(ctx)
	if err != nil || len(all) != 2 || all[0].RevokedAt == nil {
		t.Fatalf("all %+v %v", all, err)
	}
}
