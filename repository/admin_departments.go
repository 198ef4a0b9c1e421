package repository

import (
	"context"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
)

type adminDepartmentRow struct {
	ID          int64  `db:"id"`
	UnitID      int64  `db:"unit_id"`
	Unit        string `db:"unit"`
	Code        string `db:"code"`
	Name        string `db:"name"`
	Triage      bool   `db:"triage"`
	Active      bool   `db:"active"`
	OpenTickets int    `db:"open_tickets"`
}

func (r adminDepartmentRow) record() domain.DepartmentRecord {
	return domain.DepartmentRecord{ID: r.ID, Unit: r.Unit, OpenTickets: r.OpenTickets,
		DepartmentSpec: domain.DepartmentSpec{Code: r.Code, Name: r.Name, Triage: r.Triage, Active: r.Active}}
}

const adminDepartmentSelect = `SELECT d.id, d.unit_id, u.code AS unit, d.code, d.name, d.triage, d.active,
		(SELECT count(*) FROM tickets t WHERE t.department_id = d.id AND t.status IN ` + openStatuses + `) AS open_tickets
	FROM departments d JOIN units u ON u.id = d.unit_id`

// AdminListDepartments returns the departments of a unit of the scope
// ("" the admin's own), inactive ones included, with their open tickets.
func (s *Store) AdminListDepartments(ctx context.Context, sc domain.Scope, unit string) ([]domain.DepartmentRecord, error) {
	unitID, err := scopedUnitID(ctx, s.db, sc, unit)
	if err != nil {
		return nil, err
	}
	var rows []adminDepartmentRow
	if err := s.db.SelectContext(ctx, &rows, adminDepartmentSelect+`
		WHERE d.unit_id = $1 AND d.unit_id IN (SELECT unit_subtree($2)) ORDER BY d.id`, unitID, sc.UnitID); err != nil {
		return nil, mapError(err, "")
	}
	out := make([]domain.DepartmentRecord, len(rows))
	for i, r := range rows {
		out[i] = r.record()
	}
	return out, nil
}

// adminDepartment reads a department of the scope (locked when lock is set).
func adminDepartment(ctx context.Context, q sqlx.QueryerContext, sc domain.Scope, id int64, lock bool) (adminDepartmentRow, error) {
	var r adminDepartmentRow
	if err := adminOnly(sc); err != nil {
		return r, err
	}
	forUpdate := ""
	if lock {
		forUpdate = " FOR UPDATE OF d"
	}
	err := sqlx.GetContext(ctx, q, &r, adminDepartmentSelect+`
		WHERE d.id = $1 AND d.unit_id IN (SELECT unit_subtree($2))`+forUpdate, id, sc.UnitID)
	return r, mapError(err, "phòng ban|department")
}

// AdminDepartment returns a department of the scope, or not_found.
func (s *Store) AdminDepartment(ctx context.Context, sc domain.Scope, id int64) (domain.DepartmentRecord, error) {
	r, err := adminDepartment(ctx, s.db, sc, id, false)
	return r.record(), err
}

// takeTriage makes no other department of the unit the triage department,
// so that id can become it (one per unit).
func takeTriage(ctx context.Context, tx *sqlx.Tx, unitID, id int64) error {
	_, err := tx.ExecContext(ctx, "UPDATE departments SET triage = false WHERE unit_id = $1 AND triage AND id <> $2", unitID, id)
	return mapError(err, "")
}

// AdminCreateDepartment adds a department to a unit of the scope ("" the
// admin's own; not_found outside). A new triage department takes the role
// from the unit's former one. Conflict when the code is taken in the unit.
func (s *Store) AdminCreateDepartment(ctx context.Context, sc domain.Scope, unit string, spec domain.DepartmentSpec) (domain.DepartmentRecord, error) {
	unitID, err := scopedUnitID(ctx, s.db, sc, unit)
	if err != nil {
		return domain.DepartmentRecord{}, err
	}
	v, err := domain.ValidateDepartment(spec)
	if err != nil {
		return domain.DepartmentRecord{}, err
	}
	var id int64
	err = s.changed(ctx, func(tx *sqlx.Tx) error {
		if v.Triage {
			if err := takeTriage(ctx, tx, unitID, 0); err != nil {
				return err
			}
		}
		err := tx.GetContext(ctx, &id, `INSERT INTO departments (unit_id, code, name, triage, active)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, unitID, v.Code, v.Name, v.Triage, v.Active)
		if isUnique(err, "departments_unit_id_code_key") {
			return domain.Conflict("Mã phòng ban "+v.Code+" đã có trong đơn vị.", "The department code "+v.Code+" is taken in this unit.")
		}
		return mapError(err, "")
	})
	if err != nil {
		return domain.DepartmentRecord{}, fmt.Errorf("create department: %w", err)
	}
	return s.AdminDepartment(ctx, sc, id)
}

// AdminUpdateDepartment changes a department's name, triage or active flag.
// Making it the triage department takes the role from the former one; the
// triage department cannot give up the role nor be deactivated (conflict:
// make another department the triage department first). A department with
// open tickets may be deactivated: its tickets stay where they are.
func (s *Store) AdminUpdateDepartment(ctx context.Context, sc domain.Scope, id int64, p domain.DepartmentPatch) (domain.DepartmentRecord, error) {
	err := s.changed(ctx, func(tx *sqlx.Tx) error {
		cur, err := adminDepartment(ctx, tx, sc, id, true)
		if err != nil {
			return err
		}
		next := p.Apply(cur.record().DepartmentSpec)
		if cur.Triage && (!next.Triage || !next.Active) {
			return errTriageNeeded
		}
		v, err := domain.ValidateDepartment(next)
		if err != nil {
			return err
		}
		if v.Triage && !cur.Triage {
			if err := takeTriage(ctx, tx, cur.UnitID, id); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, "UPDATE departments SET name = $2, triage = $3, active = $4 WHERE id = $1",
			id, v.Name, v.Triage, v.Active)
		return mapError(err, "")
	})
	if err != nil {
		return domain.DepartmentRecord{}, fmt.Errorf("update department: %w", err)
	}
	return s.AdminDepartment(ctx, sc, id)
}

var errTriageNeeded = domain.Conflict(
	"Đơn vị cần một phòng ban tiếp nhận chung; hãy chọn phòng ban khác làm nơi tiếp nhận trước.",
	"A unit needs a triage department: make another department the triage department first.")

// AdminDeleteDepartment deletes a department nothing refers to. It refuses
// (conflict, naming why: deactivate it instead) a department with open
// tickets, the unit's triage department, the default department of a
// category and the target of a rule; one that only closed tickets or
// accounts refer to is deactivated instead.
func (s *Store) AdminDeleteDepartment(ctx context.Context, sc domain.Scope, id int64) (domain.Removal, error) {
	var res domain.Removal
	err := s.changed(ctx, func(tx *sqlx.Tx) error {
		cur, err := adminDepartment(ctx, tx, sc, id, true)
		if err != nil {
			return err
		}
		if cur.OpenTickets > 0 {
			return domain.Conflict(fmt.Sprintf("Phòng ban còn %d phản ánh chưa xử lý xong; không xóa được, hãy ngừng hoạt động phòng ban.", cur.OpenTickets),
				fmt.Sprintf("The department has %d open tickets: it cannot be deleted; deactivate it instead.", cur.OpenTickets))
		}
		if cur.Triage {
			return errTriageNeeded
		}
		var cats, rules []string
		if err := tx.SelectContext(ctx, &cats, "SELECT code FROM categories WHERE default_department_id = $1 ORDER BY position, id", id); err != nil {
			return mapError(err, "")
		}
		if err := tx.SelectContext(ctx, &rules, "SELECT id::text FROM routing_rules WHERE department_id = $1 ORDER BY position, id", id); err != nil {
			return mapError(err, "")
		}
		if len(cats) > 0 {
			return domain.Conflict("Phòng ban là nơi nhận mặc định của lĩnh vực "+strings.Join(cats, ", ")+"; không xóa được, hãy ngừng hoạt động phòng ban.",
				"The department is the default department of the categories "+strings.Join(cats, ", ")+": it cannot be deleted; deactivate it instead.")
		}
		if len(rules) > 0 {
			return domain.Conflict("Quy tắc định tuyến "+strings.Join(rules, ", ")+" chuyển tới phòng ban này; không xóa được, hãy ngừng hoạt động phòng ban.",
				"Routing rules "+strings.Join(rules, ", ")+" route to this department: it cannot be deleted; deactivate it instead.")
		}
		res, err = deleteOrDeactivate(ctx, tx, id, "UPDATE departments SET active = false WHERE id = $1",
			"DELETE FROM departments WHERE id = $1")
		return err
	})
	if err != nil {
		return domain.Removal{}, fmt.Errorf("delete department: %w", err)
	}
	return res, nil
}
