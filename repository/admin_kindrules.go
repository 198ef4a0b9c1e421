package repository

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
)

// AdminKindRules returns the legal clock of every kind (the seeded figure
// for a kind without a row).
func (s *Store) AdminKindRules(ctx context.Context, sc domain.Scope) (map[domain.Kind]domain.KindRule, error) {
	if err := adminOnly(sc); err != nil {
		return nil, err
	}
	return listKindRules(ctx, s.db)
}

// AdminUpdateKindRule changes a kind's legal clock, which every unit
// shares: forbidden unless the admin's unit is a province at the top of
// the tree; invalid_input for an unknown kind or bad figures.
func (s *Store) AdminUpdateKindRule(ctx context.Context, sc domain.Scope, kind domain.Kind, p domain.KindRulePatch) (domain.KindRule, error) {
	if !kind.Valid() {
		return domain.KindRule{}, domain.NotFound("loại phản ánh", "kind")
	}
	var out domain.KindRule
	err := s.changed(ctx, func(tx *sqlx.Tx) error {
		ok, err := provinceAdmin(ctx, tx, sc)
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.EFORBIDDEN, "Chỉ quản trị viên cấp tỉnh được sửa thời hạn theo luật.",
				"Only a province's administrator may change the legal deadlines.")
		}
		if _, err := tx.ExecContext(ctx, "LOCK TABLE kind_rules IN SHARE ROW EXCLUSIVE MODE"); err != nil {
			return mapError(err, "")
		}
		rules, err := listKindRules(ctx, tx)
		if err != nil {
			return err
		}
		out = p.Apply(rules[kind])
		if err := domain.ValidateKindRule(kind, out); err != nil {
			return err
		}
		var settleAmount *int
		var settleUnit *string
		if out.Settle.Amount > 0 {
			u := string(out.Settle.Unit)
			settleAmount, settleUnit = &out.Settle.Amount, &u
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO kind_rules (kind, accept_amount, accept_unit, settle_amount, settle_unit,
				extension_amount, extension_unit, max_extensions, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
			ON CONFLICT (kind) DO UPDATE SET accept_amount = EXCLUDED.accept_amount, accept_unit = EXCLUDED.accept_unit,
				settle_amount = EXCLUDED.settle_amount, settle_unit = EXCLUDED.settle_unit,
				extension_amount = EXCLUDED.extension_amount, extension_unit = EXCLUDED.extension_unit,
				max_extensions = EXCLUDED.max_extensions, updated_at = now()`,
			string(kind), out.Accept.Amount, string(out.Accept.Unit), settleAmount, settleUnit,
			out.Extension.Amount, string(out.Extension.Unit), out.MaxExtensions)
		return mapError(err, "")
	})
	if err != nil {
		return domain.KindRule{}, fmt.Errorf("update kind rule: %w", err)
	}
	return out, nil
}

// AdminCatalog returns the cached catalog of a unit of the scope ("" the
// admin's own; not_found outside): the routing table intake uses.
func (s *Store) AdminCatalog(ctx context.Context, sc domain.Scope, unit string) (*domain.Catalog, error) {
	unitID, err := scopedUnitID(ctx, s.db, sc, unit)
	if err != nil {
		return nil, err
	}
	return s.Catalog(ctx, unitID)
}
