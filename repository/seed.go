package repository

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"caunoi/domain"
)

// SeedUnit is a unit with the departments and categories it starts with.
type SeedUnit struct {
	Code        string
	Name        string
	Level       domain.UnitLevel
	Parent      string // the parent's code; "" for a province
	Departments []SeedDepartment
	Categories  []SeedCategory // in rule order: the index is the position
}

// SeedDepartment is a department to create.
type SeedDepartment struct {
	Code   string
	Name   string
	Triage bool
}

// SeedCategory is a category to create, with its default department's code.
type SeedCategory struct {
	Code       string
	Name       string
	Department string
	Deadline   domain.Deadline
	Keywords   []string
}

// SeedAccount is a user to create; PasswordHash is already hashed.
type SeedAccount struct {
	Email        string
	Name         string
	Role         string
	Unit         string
	Department   string
	PasswordHash string
}

// SeedSet is reference data to load: units (parents before children),
// accounts, the national holiday calendar and the legal clocks of each kind.
type SeedSet struct {
	Units     []SeedUnit
	Accounts  []SeedAccount
	Holidays  []domain.CalendarDay
	KindRules map[domain.Kind]domain.KindRule
}

// Seed loads set in one transaction. It is idempotent and never overwrites:
// what exists already (perhaps edited by an admin) is left as it is.
func (s *Store) Seed(ctx context.Context, set SeedSet) error {
	err := inTx(ctx, s.db, func(tx *sqlx.Tx) error {
		unitIDs := map[string]int64{}
		deptIDs := map[string]int64{} // "unit/department" → id
		for _, u := range set.Units {
			var parent *int64
			if u.Parent != "" {
				id, ok := unitIDs[u.Parent]
				if !ok {
					if err := tx.GetContext(ctx, &id, "SELECT id FROM units WHERE code = $1", u.Parent); err != nil {
						return fmt.Errorf("seed unit %s: parent %s: %w", u.Code, u.Parent, mapError(err, "đơn vị|unit"))
					}
				}
				parent = &id
			}
			id, err := seedRow(ctx, tx, `INSERT INTO units (code, name, level, parent_id) VALUES ($1, $2, $3, $4)
				ON CONFLICT (code) DO NOTHING RETURNING id`, "SELECT id FROM units WHERE code = $1",
				[]any{u.Code, u.Name, string(u.Level), parent}, u.Code)
			if err != nil {
				return fmt.Errorf("seed unit %s: %w", u.Code, err)
			}
			unitIDs[u.Code] = id
			for _, d := range u.Departments {
				did, err := seedRow(ctx, tx, `INSERT INTO departments (unit_id, code, name, triage)
					SELECT $1, $2, $3, $4
					WHERE NOT ($4 AND EXISTS (SELECT 1 FROM departments WHERE unit_id = $1 AND triage))
					ON CONFLICT (unit_id, code) DO NOTHING RETURNING id`,
					"SELECT id FROM departments WHERE unit_id = $1 AND code = $2",
					[]any{id, d.Code, d.Name, d.Triage}, id, d.Code)
				if err != nil {
					return fmt.Errorf("seed department %s/%s: %w", u.Code, d.Code, err)
				}
				deptIDs[u.Code+"/"+d.Code] = did
			}
			for pos, c := range u.Categories {
				var dept *int64
				if did, ok := deptIDs[u.Code+"/"+c.Department]; ok {
					dept = &did
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO categories (unit_id, code, name, default_department_id,
					deadline_amount, deadline_unit, keywords, position) VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, '{}'::text[]), $8)
					ON CONFLICT (unit_id, code) DO NOTHING`, id, c.Code, c.Name, dept, c.Deadline.Amount,
					string(c.Deadline.Unit), pq.StringArray(c.Keywords), pos); err != nil {
					return fmt.Errorf("seed category %s/%s: %w", u.Code, c.Code, mapError(err, ""))
				}
			}
		}
		for _, a := range set.Accounts {
			unit, ok := unitIDs[a.Unit]
			if !ok {
				if err := tx.GetContext(ctx, &unit, "SELECT id FROM units WHERE code = $1", a.Unit); err != nil {
					return fmt.Errorf("seed account %s: unit %s: %w", a.Email, a.Unit, mapError(err, "đơn vị|unit"))
				}
			}
			var dept *int64
			if a.Department != "" {
				var did int64
				if err := tx.GetContext(ctx, &did, "SELECT id FROM departments WHERE unit_id = $1 AND code = $2",
					unit, a.Department); err != nil {
					return fmt.Errorf("seed account %s: department %s: %w", a.Email, a.Department, mapError(err, "phòng ban|department"))
				}
				dept = &did
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO users (email, name, password_hash, role, unit_id, department_id)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email) DO NOTHING`,
				a.Email, a.Name, a.PasswordHash, a.Role, unit, dept); err != nil {
				return fmt.Errorf("seed account %s: %w", a.Email, mapError(err, ""))
			}
		}
		for _, h := range set.Holidays {
			if _, err := tx.ExecContext(ctx, `INSERT INTO holidays (unit_id, day, off, name) VALUES (NULL, $1, $2, $3)
				ON CONFLICT ((coalesce(unit_id, 0)), day) DO NOTHING`, h.Date, h.Off, h.Name); err != nil {
				return fmt.Errorf("seed holiday %s: %w", h.Date, mapError(err, ""))
			}
		}
		for kind, r := range set.KindRules {
			var settleAmount *int
			var settleUnit *string
			if r.Settle.Amount > 0 {
				settleAmount, settleUnit = &r.Settle.Amount, (*string)(&r.Settle.Unit)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO kind_rules (kind, accept_amount, accept_unit, settle_amount,
				settle_unit, extension_amount, extension_unit, max_extensions) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
				ON CONFLICT (kind) DO NOTHING`, string(kind), r.Accept.Amount, string(r.Accept.Unit), settleAmount,
				settleUnit, r.Extension.Amount, string(r.Extension.Unit), r.MaxExtensions); err != nil {
				return fmt.Errorf("seed kind rule %s: %w", kind, mapError(err, ""))
			}
		}
		return nil
	})
	if err == nil {
		s.Invalidate()
	}
	return err
}

// seedRow inserts with insertSQL (… ON CONFLICT DO NOTHING RETURNING id) and,
// when the row existed already, reads its id with selectSQL and selectArgs.
func seedRow(ctx context.Context, tx *sqlx.Tx, insertSQL, selectSQL string, args []any, selectArgs ...any) (int64, error) {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, insertSQL, args...); err != nil {
		return 0, mapError(err, "")
	}
	if len(ids) == 1 {
		return ids[0], nil
	}
	var id int64
	if err := tx.GetContext(ctx, &id, selectSQL, selectArgs...); err != nil {
		return 0, mapError(err, "")
	}
	return id, nil
}
