package repository

import (
	"context"
	"errors"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"caunoi/domain"
)

// The administration's data: units, departments, categories, routing rules,
// accounts, the working calendar and the legal clocks. Every method takes
// the admin's scope and puts it in its queries' WHERE clause: a row outside
// the admin's unit and the units below it is not_found. Every change is one
// transaction and drops the catalog cache when it commits, so the next
// intake routes by it.

// openStatuses is the SQL list of open ticket statuses.
const openStatuses = `('new', 'assigned', 'in_progress', 'waiting_citizen')`

// adminOnly refuses a scope that is not an admin's (the API checks the role
// first; this keeps the store safe for any caller).
func adminOnly(sc domain.Scope) error {
	if sc.Role != domain.RoleAdmin {
		return domain.Forbidden()
	}
	return nil
}

// scopedUnitID returns the id of the unit with that code within the admin's
// scope ("" means the admin's own unit), or not_found.
func scopedUnitID(ctx context.Context, q sqlx.QueryerContext, sc domain.Scope, code string) (int64, error) {
	if err := adminOnly(sc); err != nil {
		return 0, err
	}
	if code == "" {
		return sc.UnitID, nil
	}
	var id int64
	err := sqlx.GetContext(ctx, q, &id, `SELECT id FROM units WHERE code = $1 AND id IN (SELECT unit_subtree($2))`,
		code, sc.UnitID)
	if err != nil {
		return 0, mapError(err, "đơn vị|unit")
	}
	return id, nil
}

// provinceAdmin reports whether the admin's unit is a province at the top
// of the tree: only such an admin changes what every unit shares (the
// national calendar, the legal clocks).
func provinceAdmin(ctx context.Context, q sqlx.QueryerContext, sc domain.Scope) (bool, error) {
	if err := adminOnly(sc); err != nil {
		return false, err
	}
	var ok bool
	err := sqlx.GetContext(ctx, q, &ok, `SELECT level = 'province' AND parent_id IS NULL FROM units WHERE id = $1`, sc.UnitID)
	if isNoRows(err) {
		return false, nil
	}
	return ok, mapError(err, "")
}

// refID resolves a code of the unit in table (departments or categories):
// 0 for "", invalid_input naming field when unknown, or when inactive and
// the reference must be active.
func refID(ctx context.Context, q sqlx.QueryerContext, table string, unitID int64, code, field string, mustBeActive bool) (*int64, error) {
	if code == "" {
		return nil, nil
	}
	var r struct {
		ID     int64 `db:"id"`
		Active bool  `db:"active"`
	}
	err := sqlx.GetContext(ctx, q, &r, `SELECT id, active FROM `+table+` WHERE unit_id = $1 AND code = $2`, unitID, code)
	if isNoRows(err) {
		return nil, domain.Invalid("Không có "+refNameVI[table]+" "+code+" trong đơn vị này.",
			"No "+refNameEN[table]+" "+code+" in this unit.", map[string]string{field: domain.FieldUnknown})
	}
	if err != nil {
		return nil, mapError(err, "")
	}
	if mustBeActive && !r.Active {
		return nil, domain.Invalid(refNameVI[table]+" "+code+" đang ngừng hoạt động.",
			"The "+refNameEN[table]+" "+code+" is inactive.", map[string]string{field: domain.FieldInactive})
	}
	return &r.ID, nil
}

var (
	refNameVI = map[string]string{"departments": "phòng ban", "categories": "lĩnh vực"}
	refNameEN = map[string]string{"departments": "department", "categories": "category"}
)

// changed runs fn in a transaction and, when it commits, drops the catalog
// cache so routing sees the change at once.
func (s *Store) changed(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	if err := inTx(ctx, s.db, fn); err != nil {
		return err
	}
	s.Invalidate()
	return nil
}

// deleteOrDeactivate runs deletes (each taking the row's id as $1) in a
// savepoint; when some row elsewhere still refers to what they delete (a
// foreign key, perhaps of a table added later), it rolls them back and runs
// deactivate instead.
func deleteOrDeactivate(ctx context.Context, tx *sqlx.Tx, id int64, deactivate string, deletes ...string) (domain.Removal, error) {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT admin_delete"); err != nil {
		return domain.Removal{}, mapError(err, "")
	}
	for _, q := range deletes {
		_, err := tx.ExecContext(ctx, q, id)
		if err == nil {
			continue
		}
		var pqErr *pq.Error
		if !errors.As(err, &pqErr) || pqErr.Code != "23503" {
			return domain.Removal{}, mapError(err, "")
		}
		if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT admin_delete"); err != nil {
			return domain.Removal{}, mapError(err, "")
		}
		if _, err := tx.ExecContext(ctx, deactivate, id); err != nil {
			return domain.Removal{}, mapError(err, "")
		}
		return domain.Removal{Deactivated: true}, nil
	}
	return domain.Removal{Deleted: true}, nil
}
