package repository

import (
	"context"
	"database/sql"
	"encoding/json"

	"caunoi/domain"
)

type unitRow struct {
	ID          int64         `db:"id"`
	Code        string        `db:"code"`
	Name        string        `db:"name"`
	Level       string        `db:"level"`
	ParentID    sql.NullInt64 `db:"parent_id"`
	ParentCode  string        `db:"parent_code"`
	Timezone    string        `db:"timezone"`
	WorkPeriods []byte        `db:"work_periods"`
	Active      bool          `db:"active"`
}

const unitColumns = `u.id, u.code, u.name, u.level, u.parent_id, coalesce(p.code, '') AS parent_code,
	u.timezone, u.work_periods, u.active`

func (r unitRow) unit() domain.Unit {
	u := domain.Unit{ID: r.ID, Code: r.Code, Name: r.Name, Level: domain.UnitLevel(r.Level), Active: r.Active,
		ParentCode: r.ParentCode}
	if r.ParentID.Valid {
		id := r.ParentID.Int64
		u.ParentID = &id
	}
	return u
}

func (r unitRow) periods() []domain.WorkPeriod {
	var ps []domain.WorkPeriod
	if err := json.Unmarshal(r.WorkPeriods, &ps); err != nil || domain.ValidatePeriods(ps) != nil {
		return domain.DefaultWorkPeriods()
	}
	return ps
}

// ListUnits returns the active units, province first, then by name.
func (s *Store) ListUnits(ctx context.Context) ([]domain.Unit, error) {
	var rows []unitRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+unitColumns+`
		FROM units u LEFT JOIN units p ON p.id = u.parent_id
		WHERE u.active ORDER BY u.parent_id NULLS FIRST, u.name`)
	if err != nil {
		return nil, mapError(err, "")
	}
	out := make([]domain.Unit, len(rows))
	for i, r := range rows {
		out[i] = r.unit()
	}
	return out, nil
}

// LocalUnitIDs returns the ids of the active units below the province
// level (communes, wards, special zones), in order: those that take
// tickets.
func (s *Store) LocalUnitIDs(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := s.db.SelectContext(ctx, &ids, `SELECT id FROM units WHERE active AND level <> 'province' ORDER BY id`)
	return ids, mapError(err, "")
}

// UnitByCode returns the unit with that code, or not_found.
func (s *Store) UnitByCode(ctx context.Context, code string) (domain.Unit, error) {
	var r unitRow
	err := s.db.GetContext(ctx, &r, `SELECT `+unitColumns+`
		FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.code = $1`, code)
	if err != nil {
		return domain.Unit{}, mapError(err, "đơn vị|unit")
	}
	return r.unit(), nil
}

// SingleUnit returns the only commune-level unit when the server has exactly
// one (a unit may then be left out of a feedback), else not_found.
func (s *Store) SingleUnit(ctx context.Context) (domain.Unit, error) {
	var rows []unitRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+unitColumns+`
		FROM units u LEFT JOIN units p ON p.id = u.parent_id
		WHERE u.active AND u.level <> 'province' LIMIT 2`)
	if err != nil {
		return domain.Unit{}, mapError(err, "")
	}
	if len(rows) != 1 {
		return domain.Unit{}, domain.Invalid("Vui lòng chọn xã, phường nhận phản ánh.",
			"Please choose the commune or ward.", map[string]string{"unit": "required"})
	}
	return rows[0].unit(), nil
}

// UnitSubtree returns the ids of the unit and every unit below it.
func (s *Store) UnitSubtree(ctx context.Context, unitID int64) ([]int64, error) {
	var ids []int64
	if err := s.db.SelectContext(ctx, &ids, "SELECT unit_subtree($1)", unitID); err != nil {
		return nil, mapError(err, "")
	}
	return ids, nil
}

// InScopeUnit reports whether the unit with that code is within sc.
func (s *Store) InScopeUnit(ctx context.Context, sc domain.Scope, unitCode string) (bool, error) {
	if !sc.Role.UnitWide() {
		return false, nil
	}
	var ok bool
	err := s.db.GetContext(ctx, &ok, `SELECT EXISTS (SELECT 1 FROM units WHERE code = $1
		AND id IN (SELECT unit_subtree($2)))`, unitCode, sc.UnitID)
	return ok, mapError(err, "")
}
