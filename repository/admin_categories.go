package repository

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"caunoi/domain"
)

type adminCategoryRow struct {
	ID                int64          `db:"id"`
	UnitID            int64          `db:"unit_id"`
	Unit              string         `db:"unit"`
	Code              string         `db:"code"`
	Name              string         `db:"name"`
	Description       string         `db:"description"`
	DefaultDepartment string         `db:"default_department"`
	DeadlineAmount    int            `db:"deadline_amount"`
	DeadlineUnit      string         `db:"deadline_unit"`
	Keywords          pq.StringArray `db:"keywords"`
	Position          int            `db:"position"`
	Active            bool           `db:"active"`
	Attributes        []byte         `db:"attributes"`
}

func (r adminCategoryRow) record() (domain.CategoryRecord, error) {
	attrs := []domain.ServiceAttribute{}
	if err := json.Unmarshal(r.Attributes, &attrs); err != nil {
		return domain.CategoryRecord{}, domain.Internal(fmt.Errorf("category %d: attributes: %w", r.ID, err))
	}
	kws := []string(r.Keywords)
	if kws == nil {
		kws = []string{}
	}
	return domain.CategoryRecord{ID: r.ID, Unit: r.Unit, CategorySpec: domain.CategorySpec{Code: r.Code, Name: r.Name,
		Description: r.Description, DefaultDepartment: r.DefaultDepartment,
		Deadline: domain.Deadline{Amount: r.DeadlineAmount, Unit: domain.DeadlineUnit(r.DeadlineUnit)},
		Keywords: kws, Position: r.Position, Active: r.Active, Attributes: attrs}}, nil
}

const adminCategorySelect = `SELECT c.id, c.unit_id, u.code AS unit, c.code, c.name, c.description,
		coalesce(d.code, '') AS default_department, c.deadline_amount, c.deadline_unit, c.keywords, c.position,
		c.active, c.attributes
	FROM categories c JOIN units u ON u.id = c.unit_id LEFT JOIN departments d ON d.id = c.default_department_id`

// AdminListCategories returns the categories of a unit of the scope ("" the
// admin's own), inactive ones included, in rule order.
func (s *Store) AdminListCategories(ctx context.Context, sc domain.Scope, unit string) ([]domain.CategoryRecord, error) {
	unitID, err := scopedUnitID(ctx, s.db, sc, unit)
	if err != nil {
		return nil, err
	}
	var rows []adminCategoryRow
	if err := s.db.SelectContext(ctx, &rows, adminCategorySelect+`
		WHERE c.unit_id = $1 AND c.unit_id IN (SELECT unit_subtree($2)) ORDER BY c.position, c.id`, unitID, sc.UnitID); err != nil {
		return nil, mapError(err, "")
	}
	out := make([]domain.CategoryRecord, len(rows))
	for i, r := range rows {
		if out[i], err = r.record(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func adminCategory(ctx context.Context, q sqlx.QueryerContext, sc domain.Scope, id int64, lock bool) (adminCategoryRow, error) {
	var r adminCategoryRow
	if err := adminOnly(sc); err != nil {
		return r, err
	}
	forUpdate := ""
	if lock {
		forUpdate = " FOR UPDATE OF c"
	}
	err := sqlx.GetContext(ctx, q, &r, adminCategorySelect+`
		WHERE c.id = $1 AND c.unit_id IN (SELECT unit_subtree($2))`+forUpdate, id, sc.UnitID)
	return r, mapError(err, "lĩnh vực|category")
}

// AdminCategory returns a category of the scope, or not_found.
func (s *Store) AdminCategory(ctx context.Context, sc domain.Scope, id int64) (domain.CategoryRecord, error) {
	r, err := adminCategory(ctx, s.db, sc, id, false)
	if err != nil {
		return domain.CategoryRecord{}, err
	}
	return r.record()
}

// writeCategory validates c, resolves its default department in the unit
// (which must be active when newDefault is set and c is active) and inserts
// it (id 0) or updates row id; it returns the row's id. A negative Position
// puts it last.
func writeCategory(ctx context.Context, tx *sqlx.Tx, unitID, id int64, c domain.CategorySpec, newDefault bool) (int64, error) {
	if c.Position < 0 {
		if err := tx.GetContext(ctx, &c.Position, "SELECT coalesce(max(position) + 1, 0) FROM categories WHERE unit_id = $1", unitID); err != nil {
			return 0, mapError(err, "")
		}
	}
	v, err := domain.ValidateCategory(c)
	if err != nil {
		return 0, err
	}
	dept, err := refID(ctx, tx, "departments", unitID, v.DefaultDepartment, "default_department", c.Active && newDefault)
	if err != nil {
		return 0, err
	}
	attrs, err := json.Marshal(v.Attributes)
	if err != nil {
		return 0, domain.Internal(err)
	}
	args := []any{unitID, v.Code, v.Name, v.Description, dept, v.Deadline.Amount, string(v.Deadline.Unit),
		pq.StringArray(v.Keywords), v.Position, attrs, v.Active}
	if id == 0 {
		err = tx.GetContext(ctx, &id, `INSERT INTO categories (unit_id, code, name, description, default_department_id,
			deadline_amount, deadline_unit, keywords, position, attributes, active)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`, args...)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE categories SET name = $3, description = $4, default_department_id = $5,
			deadline_amount = $6, deadline_unit = $7, keywords = $8, position = $9, attributes = $10, active = $11
			WHERE unit_id = $1 AND code = $2`, args...)
	}
	if isUnique(err, "categories_unit_id_code_key") {
		return 0, domain.Conflict("Mã lĩnh vực "+v.Code+" đã có trong đơn vị.", "The category code "+v.Code+" is taken in this unit.")
	}
	return id, mapError(err, "")
}

// AdminCreateCategory adds a category to a unit of the scope ("" the
// admin's own; not_found outside). A negative Position puts it last. The
// default department must be an active one of the unit (invalid_input
// naming "default_department"); conflict when the code is taken.
func (s *Store) AdminCreateCategory(ctx context.Context, sc domain.Scope, unit string, c domain.CategorySpec) (domain.CategoryRecord, error) {
	unitID, err := scopedUnitID(ctx, s.db, sc, unit)
	if err != nil {
		return domain.CategoryRecord{}, err
	}
	var id int64
	err = s.changed(ctx, func(tx *sqlx.Tx) error {
		id, err = writeCategory(ctx, tx, unitID, 0, c, true)
		return err
	})
	if err != nil {
		return domain.CategoryRecord{}, fmt.Errorf("create category: %w", err)
	}
	return s.AdminCategory(ctx, sc, id)
}

// AdminUpdateCategory changes a category of the scope (its code stays).
func (s *Store) AdminUpdateCategory(ctx context.Context, sc domain.Scope, id int64, p domain.CategoryPatch) (domain.CategoryRecord, error) {
	err := s.changed(ctx, func(tx *sqlx.Tx) error {
		row, err := adminCategory(ctx, tx, sc, id, true)
		if err != nil {
			return err
		}
		cur, err := row.record()
		if err != nil {
			return err
		}
		next := p.Apply(cur.CategorySpec)
		newDefault := next.DefaultDepartment != cur.DefaultDepartment || (next.Active && !cur.Active)
		_, err = writeCategory(ctx, tx, row.UnitID, id, next, newDefault)
		return err
	})
	if err != nil {
		return domain.CategoryRecord{}, fmt.Errorf("update category: %w", err)
	}
	return s.AdminCategory(ctx, sc, id)
}

// AdminDeleteCategory deletes a category no ticket uses, or deactivates it
// when tickets use it. A category a routing rule refers to is a conflict
// (change or delete the rules first).
func (s *Store) AdminDeleteCategory(ctx context.Context, sc domain.Scope, id int64) (domain.Removal, error) {
	var res domain.Removal
	err := s.changed(ctx, func(tx *sqlx.Tx) error {
		if _, err := adminCategory(ctx, tx, sc, id, true); err != nil {
			return err
		}
		var rules []string
		if err := tx.SelectContext(ctx, &rules, `SELECT id::text FROM routing_rules
			WHERE category_id = $1 OR set_category_id = $1 ORDER BY position, id`, id); err != nil {
			return mapError(err, "")
		}
		if len(rules) > 0 {
			return domain.Conflict("Quy tắc định tuyến "+strings.Join(rules, ", ")+" dùng lĩnh vực này; hãy sửa hoặc xóa các quy tắc đó trước.",
				"Routing rules "+strings.Join(rules, ", ")+" use this category: change or delete them first.")
		}
		var err error
		res, err = deleteOrDeactivate(ctx, tx, id, "UPDATE categories SET active = false WHERE id = $1",
			"DELETE FROM categories WHERE id = $1")
		return err
	})
	if err != nil {
		return domain.Removal{}, fmt.Errorf("delete category: %w", err)
	}
	return res, nil
}
