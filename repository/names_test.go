package repository_test

import (
	"context"
	"testing"

	"caunoi/domain"
	"caunoi/internal/pgtest"
)

// The queue names units, departments and categories from a cached table:
// a rename made through the store shows at once, and a department added
// behind the cache's back (by another server) is still named.
func TestQueueNamesFollowRenamesAndNewRows(t *testing.T) {
	ctx := context.Background()
	store, db, province, a, _ := adminFixture(t)
	admin := domain.Scope{UserID: 1, Role: domain.RoleAdmin, UnitID: province}
	cat, err := store.Catalog(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	in, err := domain.ValidateFeedback(domain.FeedbackInput{Unit: "xa-a", Category: "ha-tang",
		Body: "Đường thôn Đông có ổ gà lớn."}, cat.ActiveCategories())
	if err != nil {
		t.Fatal(err)
	}
	c, err := store.CreateTicket(ctx, a, domain.NewTicket{Input: in, Channel: domain.ChannelWeb})
	if err != nil {
		t.Fatal(err)
	}
	item := func() domain.TicketItem {
		t.Helper()
		items, _, err := store.ListTickets(ctx, admin, domain.TicketFilter{})
		if err != nil || len(items) != 1 || items[0].ID != c.ID {
			t.Fatalf("queue: %+v %v", items, err)
		}
		return items[0]
	}
	if it := item(); it.UnitCode != "xa-a" || it.CategoryCode != "ha-tang" || it.CategoryName != "Hạ tầng" ||
		it.DepartmentCode != "van-phong" || it.DepartmentName != "Văn phòng" {
		t.Fatalf("first read: %+v", it)
	}

	var dept int64
	pgtest.MustGet(t, db, &dept, "SELECT department_id FROM tickets WHERE id = $1", c.ID)
	name := "Văn phòng HĐND và UBND"
	if _, err := store.AdminUpdateDepartment(ctx, admin, dept, domain.DepartmentPatch{Name: &name}); err != nil {
		t.Fatal(err)
	}
	if it := item(); it.DepartmentName != name {
		t.Errorf("after the rename the queue says %q, want %q", it.DepartmentName, name)
	}

	// Another server adds a department and moves the ticket there; this
	// store's cache has not checked config_version since.
	db.MustExec(`INSERT INTO departments (unit_id, code, name) VALUES ($1, 'dia-chinh', 'Địa chính - Xây dựng')`, a)
	db.MustExec(`UPDATE tickets SET department_id = (SELECT id FROM departments WHERE unit_id = $1 AND code = 'dia-chinh')
		WHERE id = $2`, a, c.ID)
	if it := item(); it.DepartmentCode != "dia-chinh" || it.DepartmentName != "Địa chính - Xây dựng" {
		t.Errorf("a department the cache had not seen: %+v", it)
	}
}
