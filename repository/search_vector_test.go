package repository_test

import (
	"context"
	"testing"

	"caunoi/domain"
	"caunoi/internal/pgtest"
)

// Migration 0004 turned the generated search_vector into a column kept by
// triggers: intake still gets it computed, an update of the title or the
// body recomputes it, and so does a write of the vector itself.
func TestSearchVectorFollowsTitleAndBody(t *testing.T) {
	ctx := context.Background()
	store, db, province, a, _ := adminFixture(t)
	admin := domain.Scope{UserID: 1, Role: domain.RoleAdmin, UnitID: province}
	cat, err := store.Catalog(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	in, err := domain.ValidateFeedback(domain.FeedbackInput{Unit: "xa-a", Category: "ha-tang",
		Title: "Đèn đường hỏng", Body: "Đèn đường hỏng ở thôn Đông từ tuần trước."}, cat.ActiveCategories())
	if err != nil {
		t.Fatal(err)
	}
	c, err := store.CreateTicket(ctx, a, domain.NewTicket{Input: in, Channel: domain.ChannelWeb})
	if err != nil {
		t.Fatal(err)
	}
	found := func(q string) int {
		t.Helper()
		items, _, err := store.ListTickets(ctx, admin, domain.TicketFilter{Query: q})
		if err != nil {
			t.Fatal(err)
		}
		return len(items)
	}
	var empty bool
	if err := db.Get(&empty, "SELECT search_vector IS NULL OR search_vector = ''::tsvector FROM tickets WHERE id = $1", c.ID); err != nil {
		t.Fatal(err)
	}
	if empty || pgtest.StaleVectors(t, db) != 0 || found("den duong thon dong") != 1 {
		t.Fatalf("after intake: empty vector %v, %d stale, search finds %d", empty, pgtest.StaleVectors(t, db), found("den duong thon dong"))
	}

	db.MustExec("UPDATE tickets SET body = 'Cống thoát nước ở xóm Chùa bị tắc.' WHERE id = $1", c.ID)
	if pgtest.StaleVectors(t, db) != 0 || found("thon dong") != 0 || found("cong thoat nuoc xom chua") != 1 {
		t.Errorf("after a new body: %d stale, old words found %d, new words found %d",
			pgtest.StaleVectors(t, db), found("thon dong"), found("cong thoat nuoc xom chua"))
	}
	db.MustExec("UPDATE tickets SET title = 'Cây đổ' WHERE id = $1", c.ID)
	if pgtest.StaleVectors(t, db) != 0 || found("cay do") != 1 {
		t.Errorf("after a new title: %d stale, found %d", pgtest.StaleVectors(t, db), found("cay do"))
	}
	db.MustExec("UPDATE tickets SET search_vector = 'sai:1' WHERE id = $1", c.ID)
	if pgtest.StaleVectors(t, db) != 0 || found("sai") != 0 {
		t.Errorf("a vector written by hand stayed: %d stale", pgtest.StaleVectors(t, db))
	}
}
