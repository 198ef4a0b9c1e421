package repository_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
	"caunoi/internal/pgtest"
	"caunoi/repository"
)

// adminFixture inserts a province with two communes, each with a triage
// department and a category, and returns the store and the units' ids.
func adminFixture(t *testing.T) (*repository.Store, *sqlx.DB, int64, int64, int64) {
	t.Helper()
	db := pgtest.New(t)
	var province, a, b int64
	db.MustExec(`INSERT INTO units (code, name, level) VALUES ('tinh', 'Tỉnh', 'province')`)
	pgtest.MustGet(t, db, &province, "SELECT id FROM units WHERE code = 'tinh'")
	db.MustExec(`INSERT INTO units (code, name, level, parent_id) VALUES ('xa-a', 'Xã A', 'commune', $1),
		('xa-b', 'Xã B', 'commune', $1)`, province)
	pgtest.MustGet(t, db, &a, "SELECT id FROM units WHERE code = 'xa-a'")
	pgtest.MustGet(t, db, &b, "SELECT id FROM units WHERE code = 'xa-b'")
	for _, u := range []int64{a, b} {
		db.MustExec(`INSERT INTO departments (unit_id, code, name, triage) VALUES ($1, 'van-phong', 'Văn phòng', true),
			($1, 'kinh-te', 'Kinh tế', false)`, u)
		db.MustExec(`INSERT INTO categories (unit_id, code, name, keywords) VALUES ($1, 'ha-tang', 'Hạ tầng', '{ổ gà}')`, u)
	}
	return repository.NewStore(db, nil), db, province, a, b
}

func TestAdminStoreKeepsToTheScope(t *testing.T) {
	ctx := context.Background()
	store, db, _, a, b := adminFixture(t)
	adminA := domain.Scope{UserID: 1, Role: domain.RoleAdmin, UnitID: a}
	leaderA := domain.Scope{UserID: 2, Role: domain.RoleLeader, UnitID: a}
	var deptB int64
	pgtest.MustGet(t, db, &deptB, "SELECT id FROM departments WHERE unit_id = $1 AND code = 'kinh-te'", b)

	if _, err := store.AdminListDepartments(ctx, leaderA, ""); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Errorf("a leader lists departments: %v", err)
	}
	if _, err := store.AdminListDepartments(ctx, adminA, "xa-b"); !domain.IsNotFound(err) {
		t.Errorf("a sibling's departments: %v", err)
	}
	if _, err := store.AdminUpdateDepartment(ctx, adminA, deptB, domain.DepartmentPatch{}); !domain.IsNotFound(err) {
		t.Errorf("a sibling's department: %v", err)
	}
	if _, err := store.AdminDeleteDepartment(ctx, adminA, deptB); !domain.IsNotFound(err) {
		t.Errorf("delete a sibling's department: %v", err)
	}
	if _, err := store.AdminCreateUnit(ctx, adminA, domain.UnitSpec{Code: "xa-c", Name: "Xã C", Level: domain.LevelCommune,
		Active: true}); domain.ErrorCode(err) != domain.EINVALID {
		t.Errorf("a commune admin creates a unit under its commune: %v", err)
	}
	ds, err := store.AdminListDepartments(ctx, adminA, "")
	if err != nil || len(ds) != 2 || ds[0].Unit != "xa-a" {
		t.Fatalf("own departments: %+v %v", ds, err)
	}
}

func TestAdminRulesRouteAtOnceAndStayInOrder(t *testing.T) {
	ctx := context.Background()
	store, _, province, a, _ := adminFixture(t)
	top := domain.Scope{UserID: 1, Role: domain.RoleAdmin, UnitID: province}
	route := func() string {
		t.Helper()
		cat, err := store.Catalog(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		res := cat.Routing.Route(domain.RouteInput{Kind: domain.KindFeedback, Channel: domain.ChannelWeb,
			Text: "Đường có ổ gà rất to"})
		d, _ := cat.Department(*res.DepartmentID)
		return d.Code
	}
	if got := route(); got != "van-phong" {
		t.Fatalf("before: %s", got)
	}
	if _, err := store.AdminCreateRule(ctx, top, "xa-a", domain.RuleSpec{Category: "ha-tang", Department: "kinh-te",
		Position: -1, Active: true}); err != nil {
		t.Fatal(err)
	}
	if got := route(); got != "kinh-te" {
		t.Errorf("after the rule: %s (the cache was not dropped)", got)
	}

	// concurrent creations keep the order dense and unique
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := store.AdminCreateRule(ctx, top, "xa-a", domain.RuleSpec{Keywords: []string{fmt.Sprintf("từ %d", i)},
				Department: "kinh-te", Position: i % 3, Active: true})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	rules, err := store.AdminListRules(ctx, top, "xa-a")
	if err != nil || len(rules) != 9 {
		t.Fatalf("rules: %d %v", len(rules), err)
	}
	for i, r := range rules {
		if r.Position != i {
			t.Errorf("rule %d at position %d, index %d", r.ID, r.Position, i)
		}
	}
	if err := store.AdminDeleteRule(ctx, top, rules[4].ID); err != nil {
		t.Fatal(err)
	}
	rules, _ = store.AdminListRules(ctx, top, "xa-a")
	for i, r := range rules {
		if r.Position != i {
			t.Errorf("after delete: rule %d at position %d, index %d", r.ID, r.Position, i)
		}
	}
}
