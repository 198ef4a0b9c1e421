package repository

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
)

func (r unitRow) record() domain.UnitRecord {
	u := r.unit()
	return domain.UnitRecord{ID: r.ID, UnitSpec: domain.UnitSpec{Code: u.Code, Name: u.Name, Level: u.Level,
		Parent: u.ParentCode, Periods: r.periods(), Active: u.Active}}
}

// AdminListUnits returns the admin's unit and every unit below it, inactive
// ones included, the top first, then by name.
func (s *Store) AdminListUnits(ctx context.Context, sc domain.Scope) ([]domain.UnitRecord, error) {
	if err := adminOnly(sc); err != nil {
		return nil, err
	}
	var rows []unitRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+unitColumns+`
		FROM units u LEFT JOIN units p ON p.id = u.parent_id
		WHERE u.id IN (SELECT unit_subtree($1))
		ORDER BY u.id <> $1, u.name, u.id`, sc.UnitID); err != nil {
		return nil, mapError(err, "")
	}
	out := make([]domain.UnitRecord, len(rows))
	for i, r := range rows {
		out[i] = r.record()
	}
	return out, nil
}

// adminUnit reads a unit of the scope, locked when lock is set; not_found
// outside the scope.
func adminUnit(ctx context.Context, q sqlx.QueryerContext, sc domain.Scope, id int64, lock bool) (domain.UnitRecord, error) {
	if err := adminOnly(sc); err != nil {
		return domain.UnitRecord{}, err
	}
	forUpdate := ""
	if lock {
		forUpdate = " FOR UPDATE OF u"
	}
	var r unitRow
	if err := sqlx.GetContext(ctx, q, &r, `SELECT `+unitColumns+`
		FROM units u LEFT JOIN units p ON p.id = u.parent_id
		WHERE u.id = $1 AND u.id IN (SELECT unit_subtree($2))`+forUpdate, id, sc.UnitID); err != nil {
		return domain.UnitRecord{}, mapError(err, "đơn vị|unit")
	}
	return r.record(), nil
}

// AdminUnit returns a unit of the scope, or not_found.
func (s *Store) AdminUnit(ctx context.Context, sc domain.Scope, id int64) (domain.UnitRecord, error) {
	return adminUnit(ctx, s.db, sc, id, false)
}

// AdminCreateUnit adds a commune, ward or special zone under a province of
// the scope (Parent "": the admin's own unit). It fails with invalid_input for bad fields (a parent outside
// the scope is "unknown", one that is not a province "invalid") and
// conflict when the code is taken.
func (s *Store) AdminCreateUnit(ctx context.Context, sc domain.Scope, spec domain.UnitSpec) (domain.UnitRecord, error) {
	if err := adminOnly(sc); err != nil {
		return domain.UnitRecord{}, err
	}
	if spec.Parent == "" {
		if err := s.db.GetContext(ctx, &spec.Parent, "SELECT code FROM units WHERE id = $1", sc.UnitID); err != nil {
			return domain.UnitRecord{}, mapError(err, "đơn vị|unit")
		}
	}
	v, err := domain.ValidateUnit(spec)
	if err != nil {
		return domain.UnitRecord{}, err
	}
	if v.Level == domain.LevelProvince {
		return domain.UnitRecord{}, domain.Invalid("Chỉ tạo được xã, phường hoặc đặc khu.",
			"Only a commune, a ward or a special zone can be created.", map[string]string{"level": domain.FieldInvalid})
	}
	var id int64
	err = s.changed(ctx, func(tx *sqlx.Tx) error {
		var parent struct {
			ID    int64  `db:"id"`
			Level string `db:"level"`
		}
		err := tx.GetContext(ctx, &parent, `SELECT id, level FROM units WHERE code = $1 AND id IN (SELECT unit_subtree($2))`,
			v.Parent, sc.UnitID)
		if isNoRows(err) {
			return domain.Invalid("Không có đơn vị cấp trên "+v.Parent+".", "No parent unit "+v.Parent+".",
				map[string]string{"parent": domain.FieldUnknown})
		}
		if err != nil {
			return mapError(err, "")
		}
		if parent.Level != string(domain.LevelProvince) {
			return domain.Invalid("Đơn vị cấp trên phải là tỉnh.", "The parent must be a province.",
				map[string]string{"parent": domain.FieldInvalid})
		}
		periods, _ := json.Marshal(v.Periods)
		err = tx.GetContext(ctx, &id, `INSERT INTO units (code, name, level, parent_id, work_periods, active)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, v.Code, v.Name, string(v.Level), parent.ID, periods, v.Active)
		if isUnique(err, "units_code_key") {
			return domain.Conflict("Mã đơn vị "+v.Code+" đã được dùng.", "The unit code "+v.Code+" is taken.")
		}
		return mapError(err, "")
	})
	if err != nil {
		return domain.UnitRecord{}, fmt.Errorf("create unit: %w", err)
	}
	return s.AdminUnit(ctx, sc, id)
}

// AdminUpdateUnit changes a unit's name, level, working periods or active
// flag. A province stays a province and a commune-level unit stays one;
// the admin's own unit cannot be deactivated (conflict).
func (s *Store) AdminUpdateUnit(ctx context.Context, sc domain.Scope, id int64, p domain.UnitPatch) (domain.UnitRecord, error) {
	err := s.changed(ctx, func(tx *sqlx.Tx) error {
		cur, err := adminUnit(ctx, tx, sc, id, true)
		if err != nil {
			return err
		}
		next := p.Apply(cur.UnitSpec)
		if (cur.Level == domain.LevelProvince) != (next.Level == domain.LevelProvince) {
			return domain.Invalid("Không đổi được cấp tỉnh thành cấp xã hay ngược lại.",
				"A province cannot become a commune-level unit, nor the reverse.", map[string]string{"level": domain.FieldInvalid})
		}
		v, err := domain.ValidateUnit(next)
		if err != nil {
			return err
		}
		if !v.Active && id == sc.UnitID {
			return domain.Conflict("Không thể ngừng hoạt động đơn vị của chính bạn.", "You cannot deactivate your own unit.")
		}
		periods, _ := json.Marshal(v.Periods)
		_, err = tx.ExecContext(ctx, `UPDATE units SET name = $2, level = $3, work_periods = $4, active = $5 WHERE id = $1`,
			id, v.Name, string(v.Level), periods, v.Active)
		return mapError(err, "")
	})
	if err != nil {
		return domain.UnitRecord{}, fmt.Errorf("update unit: %w", err)
	}
	return s.AdminUnit(ctx, sc, id)
}

// AdminDeleteUnit deletes a unit of the scope with its departments,
// categories, rules and calendar, or deactivates it when history refers to
// it (tickets, units below it, accounts, channel accounts, API keys,
// reports). The admin's own unit is a conflict.
func (s *Store) AdminDeleteUnit(ctx context.Context, sc domain.Scope, id int64) (domain.Removal, error) {
	var res domain.Removal
	err := s.changed(ctx, func(tx *sqlx.Tx) error {
		if _, err := adminUnit(ctx, tx, sc, id, true); err != nil {
			return err
		}
		var err error
		if id == sc.UnitID {
			return domain.Conflict("Không thể xóa đơn vị của chính bạn.", "You cannot delete your own unit.")
		}
		var used bool
		if err = tx.GetContext(ctx, &used, `SELECT EXISTS (SELECT 1 FROM tickets WHERE unit_id = $1)
			OR EXISTS (SELECT 1 FROM units WHERE parent_id = $1)
			OR EXISTS (SELECT 1 FROM users WHERE unit_id = $1)
			OR EXISTS (SELECT 1 FROM channel_accounts WHERE unit_id = $1)
			OR EXISTS (SELECT 1 FROM api_keys WHERE unit_id = $1)
			OR EXISTS (SELECT 1 FROM reports WHERE unit_id = $1)`, id); err != nil {
			return mapError(err, "")
		}
		const deactivate = "UPDATE units SET active = false WHERE id = $1"
		if used {
			res = domain.Removal{Deactivated: true}
			_, err := tx.ExecContext(ctx, deactivate, id)
			return mapError(err, "")
		}
		res, err = deleteOrDeactivate(ctx, tx, id, deactivate,
			"DELETE FROM routing_rules WHERE unit_id = $1",
			"DELETE FROM categories WHERE unit_id = $1",
			"DELETE FROM departments WHERE unit_id = $1",
			"DELETE FROM holidays WHERE unit_id = $1",
			"DELETE FROM units WHERE id = $1")
		return err
	})
	if err != nil {
		return domain.Removal{}, fmt.Errorf("delete unit: %w", err)
	}
	return res, nil
}
