package repository

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"caunoi/domain"
)

type adminRuleRow struct {
	ID          int64          `db:"id"`
	UnitID      int64          `db:"unit_id"`
	Unit        string         `db:"unit"`
	Position    int            `db:"position"`
	Category    string         `db:"category"`
	Kind        string         `db:"kind"`
	Channel     string         `db:"channel"`
	Keywords    pq.StringArray `db:"keywords"`
	SetCategory string         `db:"set_category"`
	Department  string         `db:"department"`
	Active      bool           `db:"active"`
}

func (r adminRuleRow) record() domain.RuleRecord {
	kws := []string(r.Keywords)
	if kws == nil {
		kws = []string{}
	}
	return domain.RuleRecord{ID: r.ID, Unit: r.Unit, RuleSpec: domain.RuleSpec{Position: r.Position,
		Category: r.Category, Kind: domain.Kind(r.Kind), Channel: domain.Channel(r.Channel), Keywords: kws,
		SetCategory: r.SetCategory, Department: r.Department, Active: r.Active}}
}

const adminRuleSelect = `SELECT r.id, r.unit_id, u.code AS unit, r.position, coalesce(c.code, '') AS category,
		coalesce(r.kind, '') AS kind, coalesce(r.channel, '') AS channel, r.keywords,
		coalesce(sc.code, '') AS set_category, coalesce(d.code, '') AS department, r.active
	FROM routing_rules r JOIN units u ON u.id = r.unit_id
	LEFT JOIN categories c ON c.id = r.category_id
	LEFT JOIN categories sc ON sc.id = r.set_category_id
	LEFT JOIN departments d ON d.id = r.department_id`

// AdminListRules returns the routing rules of a unit of the scope ("" the
// admin's own) in the order they are tried.
func (s *Store) AdminListRules(ctx context.Context, sc domain.Scope, unit string) ([]domain.RuleRecord, error) {
	unitID, err := scopedUnitID(ctx, s.db, sc, unit)
	if err != nil {
		return nil, err
	}
	var rows []adminRuleRow
	if err := s.db.SelectContext(ctx, &rows, adminRuleSelect+`
		WHERE r.unit_id = $1 AND r.unit_id IN (SELECT unit_subtree($2)) ORDER BY r.position, r.id`, unitID, sc.UnitID); err != nil {
		return nil, mapError(err, "")
	}
	out := make([]domain.RuleRecord, len(rows))
	for i, r := range rows {
		out[i] = r.record()
	}
	return out, nil
}

func adminRule(ctx context.Context, q sqlx.QueryerContext, sc domain.Scope, id int64) (adminRuleRow, error) {
	var r adminRuleRow
	if err := adminOnly(sc); err != nil {
		return r, err
	}
	err := sqlx.GetContext(ctx, q, &r, adminRuleSelect+`
		WHERE r.id = $1 AND r.unit_id IN (SELECT unit_subtree($2))`, id, sc.UnitID)
	return r, mapError(err, "quy tắc|rule")
}

// AdminRule returns a rule of the scope, or not_found.
func (s *Store) AdminRule(ctx context.Context, sc domain.Scope, id int64) (domain.RuleRecord, error) {
	r, err := adminRule(ctx, s.db, sc, id)
	return r.record(), err
}

// lockRules serialises changes to a unit's rule order (without blocking
// intake, whose foreign-key checks take a weaker lock on the unit's row).
func lockRules(ctx context.Context, tx *sqlx.Tx, unitID int64) error {
	_, err := tx.ExecContext(ctx, "SELECT 1 FROM units WHERE id = $1 FOR NO KEY UPDATE", unitID)
	return mapError(err, "")
}

// placeRule moves rule id to index *at (negative: last; nil: where it is)
// of the unit's order and numbers the rules 0, 1, 2... in that order.
func placeRule(ctx context.Context, tx *sqlx.Tx, unitID, id int64, at *int) error {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, "SELECT id FROM routing_rules WHERE unit_id = $1 ORDER BY position, id", unitID); err != nil {
		return mapError(err, "")
	}
	order := ids
	if at != nil {
		i := *at
		if i < 0 {
			i = len(ids)
		}
		order = domain.MoveTo(ids, id, i)
	}
	_, err := tx.ExecContext(ctx, `UPDATE routing_rules r SET position = o.n - 1
		FROM unnest($1::bigint[]) WITH ORDINALITY AS o(id, n)
		WHERE r.id = o.id AND r.position <> o.n - 1`, pq.Int64Array(order))
	return mapError(err, "")
}

// writeRule validates r, resolves its references in the unit (targets must
// be active) and inserts it (id 0) or updates row id, then puts it at index
// *at of the unit's order (negative: last; nil: where it is).
func writeRule(ctx context.Context, tx *sqlx.Tx, unitID, id int64, r domain.RuleSpec, at *int) (int64, error) {
	if r.Position < 0 {
		r.Position = 0
	}
	v, err := domain.ValidateRule(r)
	if err != nil {
		return 0, err
	}
	category, err := refID(ctx, tx, "categories", unitID, v.Category, "category", false)
	if err != nil {
		return 0, err
	}
	setCategory, err := refID(ctx, tx, "categories", unitID, v.SetCategory, "set_category", v.Active)
	if err != nil {
		return 0, err
	}
	dept, err := refID(ctx, tx, "departments", unitID, v.Department, "department", v.Active)
	if err != nil {
		return 0, err
	}
	if err := lockRules(ctx, tx, unitID); err != nil {
		return 0, err
	}
	args := []any{unitID, category, optText(string(v.Kind)), optText(string(v.Channel)),
		pq.StringArray(v.Keywords), setCategory, dept, v.Active}
	if id == 0 {
		err = tx.GetContext(ctx, &id, `INSERT INTO routing_rules (unit_id, position, category_id, kind, channel,
			keywords, set_category_id, department_id, active)
			VALUES ($1, 2147483647, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, args...)
	} else {
		_, err = tx.ExecContext(ctx, `UPDATE routing_rules SET category_id = $2, kind = $3, channel = $4,
			keywords = $5, set_category_id = $6, department_id = $7, active = $8
			WHERE unit_id = $1 AND id = $9`, append(args, id)...)
	}
	if err != nil {
		return 0, mapError(err, "")
	}
	return id, placeRule(ctx, tx, unitID, id, at)
}

// optText returns s, or nil (SQL NULL) when it is empty.
func optText(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// AdminCreateRule adds a routing rule to a unit of the scope ("" the
// admin's own; not_found outside) at its Position (negative: last). Its
// references are codes of the unit: unknown ones, and inactive targets,
// are invalid_input naming the field.
func (s *Store) AdminCreateRule(ctx context.Context, sc domain.Scope, unit string, r domain.RuleSpec) (domain.RuleRecord, error) {
	unitID, err := scopedUnitID(ctx, s.db, sc, unit)
	if err != nil {
		return domain.RuleRecord{}, err
	}
	var id int64
	err = s.changed(ctx, func(tx *sqlx.Tx) error {
		at := r.Position
		id, err = writeRule(ctx, tx, unitID, 0, r, &at)
		return err
	})
	if err != nil {
		return domain.RuleRecord{}, fmt.Errorf("create rule: %w", err)
	}
	return s.AdminRule(ctx, sc, id)
}

// AdminUpdateRule changes a rule of the scope; a new Position moves it in
// the unit's order.
func (s *Store) AdminUpdateRule(ctx context.Context, sc domain.Scope, id int64, p domain.RulePatch) (domain.RuleRecord, error) {
	err := s.changed(ctx, func(tx *sqlx.Tx) error {
		cur, err := adminRule(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if err := lockRules(ctx, tx, cur.UnitID); err != nil {
			return err
		}
		if cur, err = adminRule(ctx, tx, sc, id); err != nil { // as it is now that the order is ours
			return err
		}
		_, err = writeRule(ctx, tx, cur.UnitID, id, p.Apply(cur.record().RuleSpec), p.Position)
		return err
	})
	if err != nil {
		return domain.RuleRecord{}, fmt.Errorf("update rule: %w", err)
	}
	return s.AdminRule(ctx, sc, id)
}

// AdminDeleteRule deletes a rule of the scope and closes the gap in the
// unit's order.
func (s *Store) AdminDeleteRule(ctx context.Context, sc domain.Scope, id int64) error {
	err := s.changed(ctx, func(tx *sqlx.Tx) error {
		cur, err := adminRule(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if err := lockRules(ctx, tx, cur.UnitID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM routing_rules WHERE id = $1", id)
		if err != nil {
			return mapError(err, "")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return domain.NotFound("quy tắc", "rule")
		}
		return placeRule(ctx, tx, cur.UnitID, 0, nil)
	})
	if err != nil {
		return fmt.Errorf("delete rule: %w", err)
	}
	return nil
}
