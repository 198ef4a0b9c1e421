package repository

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
)

type adminHolidayRow struct {
	ID     int64         `db:"id"`
	UnitID sql.NullInt64 `db:"unit_id"`
	Unit   string        `db:"unit"`
	Day    string        `db:"day"`
	Off    bool          `db:"off"`
	Name   string        `db:"name"`
}

func (r adminHolidayRow) record() domain.HolidayRecord {
	return domain.HolidayRecord{ID: r.ID, HolidaySpec: domain.HolidaySpec{Unit: r.Unit,
		CalendarDay: domain.CalendarDay{Date: r.Day, Off: r.Off, Name: r.Name}}}
}

const adminHolidaySelect = `SELECT h.id, h.unit_id, coalesce(u.code, '') AS unit, to_char(h.day, 'YYYY-MM-DD') AS day,
		h.off, h.name
	FROM holidays h LEFT JOIN units u ON u.id = h.unit_id`

// AdminListHolidays returns the working calendar of a year (every year when
// year is 0): the national entries, and, when unit is set, that unit's own
// (not_found for a unit outside the scope), by date, national first.
func (s *Store) AdminListHolidays(ctx context.Context, sc domain.Scope, unit string, year int) ([]domain.HolidayRecord, error) {
	if err := adminOnly(sc); err != nil {
		return nil, err
	}
	var q query
	if unit != "" {
		unitID, err := scopedUnitID(ctx, s.db, sc, unit)
		if err != nil {
			return nil, err
		}
		q.where("(h.unit_id IS NULL OR (h.unit_id = " + q.arg(unitID) + " AND h.unit_id IN (SELECT unit_subtree(" +
			q.arg(sc.UnitID) + "))))")
	} else {
		q.where("h.unit_id IS NULL")
	}
	if year != 0 {
		q.where("h.day >= make_date(" + q.arg(year) + ", 1, 1) AND h.day < make_date(" + q.arg(year+1) + ", 1, 1)")
	}
	var rows []adminHolidayRow
	if err := s.db.SelectContext(ctx, &rows, adminHolidaySelect+" WHERE "+q.clause()+" ORDER BY h.day, h.unit_id NULLS FIRST, h.id",
		q.args...); err != nil {
		return nil, mapError(err, "")
	}
	out := make([]domain.HolidayRecord, len(rows))
	for i, r := range rows {
		out[i] = r.record()
	}
	return out, nil
}

// adminHoliday reads a calendar entry the admin may change: a unit's entry
// within the scope (not_found outside), or a national one (forbidden unless
// the admin's unit is a province at the top of the tree).
func adminHoliday(ctx context.Context, q sqlx.QueryerContext, sc domain.Scope, id int64) (adminHolidayRow, error) {
	var r adminHolidayRow
	if err := adminOnly(sc); err != nil {
		return r, err
	}
	err := sqlx.GetContext(ctx, q, &r, adminHolidaySelect+`
		WHERE h.id = $1 AND (h.unit_id IS NULL OR h.unit_id IN (SELECT unit_subtree($2)))
		FOR UPDATE OF h`, id, sc.UnitID)
	if err != nil {
		return r, mapError(err, "ngày nghỉ|calendar day")
	}
	if !r.UnitID.Valid {
		if err := mayEditNational(ctx, q, sc); err != nil {
			return r, err
		}
	}
	return r, nil
}

// mayEditNational refuses an admin whose unit is not a province at the top.
func mayEditNational(ctx context.Context, q sqlx.QueryerContext, sc domain.Scope) error {
	ok, err := provinceAdmin(ctx, q, sc)
	if err != nil {
		return err
	}
	if !ok {
		return domain.Errorf(domain.EFORBIDDEN, "Chỉ quản trị viên cấp tỉnh được sửa lịch nghỉ chung.",
			"Only a province's administrator may change the national calendar.")
	}
	return nil
}

// writeHoliday validates h and inserts it (id 0) or updates row id.
func writeHoliday(ctx context.Context, tx *sqlx.Tx, sc domain.Scope, id int64, h domain.HolidaySpec) (int64, error) {
	v, err := domain.ValidateHoliday(h)
	if err != nil {
		return 0, err
	}
	var unitID *int64
	if v.Unit == "" {
		if err := mayEditNational(ctx, tx, sc); err != nil {
			return 0, err
		}
	} else {
		uid, err := scopedUnitID(ctx, tx, sc, v.Unit)
		if err != nil {
			return 0, err
		}
		unitID = &uid
	}
	if id == 0 {
		err = tx.GetContext(ctx, &id, `INSERT INTO holidays (unit_id, day, off, name) VALUES ($1, $2, $3, $4) RETURNING id`,
			unitID, v.Date, v.Off, v.Name)
	} else {
		_, err = tx.ExecContext(ctx, "UPDATE holidays SET day = $2, off = $3, name = $4 WHERE id = $1", id, v.Date, v.Off, v.Name)
	}
	if isUnique(err, "holidays_unit_day") {
		return 0, domain.Conflict("Ngày "+v.Date+" đã có trong lịch.", "The calendar already has "+v.Date+".")
	}
	return id, mapError(err, "")
}

func (s *Store) adminHolidayRecord(ctx context.Context, id int64) (domain.HolidayRecord, error) {
	var r adminHolidayRow
	err := s.db.GetContext(ctx, &r, adminHolidaySelect+" WHERE h.id = $1", id)
	return r.record(), mapError(err, "ngày nghỉ|calendar day")
}

// AdminCreateHoliday adds a day off or a make-up working day to a unit's
// calendar (not_found for a unit outside the scope) or, with no unit, to
// the national calendar (forbidden unless the admin's unit is a province
// at the top). Conflict when the calendar already has that day.
func (s *Store) AdminCreateHoliday(ctx context.Context, sc domain.Scope, h domain.HolidaySpec) (domain.HolidayRecord, error) {
	if err := adminOnly(sc); err != nil {
		return domain.HolidayRecord{}, err
	}
	var id int64
	err := s.changed(ctx, func(tx *sqlx.Tx) error {
		var err error
		id, err = writeHoliday(ctx, tx, sc, 0, h)
		return err
	})
	if err != nil {
		return domain.HolidayRecord{}, fmt.Errorf("create holiday: %w", err)
	}
	return s.adminHolidayRecord(ctx, id)
}

// AdminUpdateHoliday changes the date, kind or name of a calendar entry
// (its unit stays).
func (s *Store) AdminUpdateHoliday(ctx context.Context, sc domain.Scope, id int64, p domain.HolidayPatch) (domain.HolidayRecord, error) {
	err := s.changed(ctx, func(tx *sqlx.Tx) error {
		cur, err := adminHoliday(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		_, err = writeHoliday(ctx, tx, sc, id, p.Apply(cur.record().HolidaySpec))
		return err
	})
	if err != nil {
		return domain.HolidayRecord{}, fmt.Errorf("update holiday: %w", err)
	}
	return s.adminHolidayRecord(ctx, id)
}

// AdminDeleteHoliday removes a calendar entry.
func (s *Store) AdminDeleteHoliday(ctx context.Context, sc domain.Scope, id int64) error {
	err := s.changed(ctx, func(tx *sqlx.Tx) error {
		if _, err := adminHoliday(ctx, tx, sc, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM holidays WHERE id = $1", id)
		return mapError(err, "")
	})
	if err != nil {
		return fmt.Errorf("delete holiday: %w", err)
	}
	return nil
}
