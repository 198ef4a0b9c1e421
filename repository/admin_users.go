package repository

import (
	"context"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
)

type adminUserRow struct {
	ID          int64      `db:"id"`
	UnitID      int64      `db:"unit_id"`
	Email       string     `db:"email"`
	Name        string     `db:"name"`
	Role        string     `db:"role"`
	Unit        string     `db:"unit"`
	Department  string     `db:"department"`
	ZaloUserID  string     `db:"zalo_user_id"`
	Digest      bool       `db:"digest"`
	Active      bool       `db:"active"`
	LastLoginAt *time.Time `db:"last_login_at"`
}

func (r adminUserRow) record() domain.UserRecord {
	return domain.UserRecord{ID: r.ID, LastLoginAt: r.LastLoginAt, UserSpec: domain.UserSpec{Email: r.Email,
		Name: r.Name, Role: domain.Role(r.Role), Unit: r.Unit, Department: r.Department, ZaloUserID: r.ZaloUserID,
		Digest: r.Digest, Active: r.Active}}
}

// adminUserSelect never reads the password hash.
const adminUserSelect = `SELECT a.id, a.unit_id, a.email, a.name, a.role, u.code AS unit,
		coalesce(d.code, '') AS department, coalesce(a.zalo_user_id, '') AS zalo_user_id, a.digest, a.active,
		a.last_login_at
	FROM users a JOIN units u ON u.id = a.unit_id LEFT JOIN departments d ON d.id = a.department_id`

// AdminListUsers returns the accounts of the scope — of one unit of it when
// unit is set (not_found outside) — by unit, then name; never a password.
func (s *Store) AdminListUsers(ctx context.Context, sc domain.Scope, unit string) ([]domain.UserRecord, error) {
	if err := adminOnly(sc); err != nil {
		return nil, err
	}
	var q query
	q.where("a.unit_id IN (SELECT unit_subtree(" + q.arg(sc.UnitID) + "))")
	if unit != "" {
		unitID, err := scopedUnitID(ctx, s.db, sc, unit)
		if err != nil {
			return nil, err
		}
		q.where("a.unit_id = " + q.arg(unitID))
	}
	var rows []adminUserRow
	if err := s.db.SelectContext(ctx, &rows, adminUserSelect+" WHERE "+q.clause()+" ORDER BY u.code, a.name, a.id",
		q.args...); err != nil {
		return nil, mapError(err, "")
	}
	out := make([]domain.UserRecord, len(rows))
	for i, r := range rows {
		out[i] = r.record()
	}
	return out, nil
}

func adminUser(ctx context.Context, q sqlx.QueryerContext, sc domain.Scope, id int64, lock bool) (adminUserRow, error) {
	var r adminUserRow
	if err := adminOnly(sc); err != nil {
		return r, err
	}
	forUpdate := ""
	if lock {
		forUpdate = " FOR UPDATE OF a"
	}
	err := sqlx.GetContext(ctx, q, &r, adminUserSelect+`
		WHERE a.id = $1 AND a.unit_id IN (SELECT unit_subtree($2))`+forUpdate, id, sc.UnitID)
	return r, mapError(err, "tài khoản|account")
}

// AdminUser returns an account of the scope, or not_found.
func (s *Store) AdminUser(ctx context.Context, sc domain.Scope, id int64) (domain.UserRecord, error) {
	r, err := adminUser(ctx, s.db, sc, id, false)
	return r.record(), err
}

// userDepartment resolves an account's department in its unit: nil for "",
// invalid_input naming "department" when unknown, or inactive and newly given.
func userDepartment(ctx context.Context, tx *sqlx.Tx, unitID int64, code string, mustBeActive bool) (*int64, error) {
	return refID(ctx, tx, "departments", unitID, code, "department", mustBeActive)
}

// AdminCreateUser adds an account to a unit of the scope (not_found
// outside) with an already hashed password. Head and staff need a
// department of that unit; conflict when the e-mail is taken.
func (s *Store) AdminCreateUser(ctx context.Context, sc domain.Scope, spec domain.UserSpec, passwordHash string) (domain.UserRecord, error) {
	v, err := domain.ValidateUserSpec(spec)
	if err != nil {
		return domain.UserRecord{}, err
	}
	unitID, err := scopedUnitID(ctx, s.db, sc, v.Unit)
	if err != nil {
		return domain.UserRecord{}, err
	}
	var id int64
	err = inTx(ctx, s.db, func(tx *sqlx.Tx) error {
		dept, err := userDepartment(ctx, tx, unitID, v.Department, true)
		if err != nil {
			return err
		}
		err = tx.GetContext(ctx, &id, `INSERT INTO users (email, name, password_hash, role, unit_id, department_id,
			zalo_user_id, digest, active) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			v.Email, v.Name, passwordHash, string(v.Role), unitID, dept, optText(v.ZaloUserID), v.Digest, v.Active)
		if isUnique(err, "users_email") {
			return domain.Conflict("Địa chỉ e-mail này đã có tài khoản.", "An account with this e-mail already exists.")
		}
		return mapError(err, "")
	})
	if err != nil {
		return domain.UserRecord{}, fmt.Errorf("create user: %w", err)
	}
	return s.AdminUser(ctx, sc, id)
}

var errSelf = domain.Conflict("Bạn không thể tự khóa hoặc hạ quyền tài khoản của mình.",
	"You cannot deactivate or demote your own account.")

// AdminUpdateUser changes an account of the scope; passwordHash, when not
// nil, replaces its password. An admin cannot deactivate or demote itself
// (conflict). Deactivating an account or changing its password ends its
// sessions (its refresh tokens are revoked).
func (s *Store) AdminUpdateUser(ctx context.Context, sc domain.Scope, id int64, p domain.UserPatch, passwordHash *string) (domain.UserRecord, error) {
	err := inTx(ctx, s.db, func(tx *sqlx.Tx) error {
		cur, err := adminUser(ctx, tx, sc, id, true)
		if err != nil {
			return err
		}
		old := cur.record().UserSpec
		v, err := domain.ValidateUserSpec(p.Apply(old))
		if err != nil {
			return err
		}
		if id == sc.UserID && (!v.Active || v.Role != domain.RoleAdmin) {
			return errSelf
		}
		dept, err := userDepartment(ctx, tx, cur.UnitID, v.Department, v.Department != old.Department)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET name = $2, role = $3, department_id = $4, zalo_user_id = $5,
			digest = $6, active = $7, password_hash = coalesce($8, password_hash) WHERE id = $1`,
			id, v.Name, string(v.Role), dept, optText(v.ZaloUserID), v.Digest, v.Active, passwordHash); err != nil {
			return mapError(err, "")
		}
		// A session's access tokens carry the role and department they were
		// issued with: any change of them, as a deactivation or a new
		// password, ends the account's sessions (api checks sid per request).
		if !v.Active || passwordHash != nil || v.Role != old.Role || v.Department != old.Department {
			_, err := tx.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = now()
				WHERE user_id = $1 AND revoked_at IS NULL`, id)
			return mapError(err, "")
		}
		return nil
	})
	if err != nil {
		return domain.UserRecord{}, fmt.Errorf("update user: %w", err)
	}
	return s.AdminUser(ctx, sc, id)
}

// AdminDeactivateUser deactivates an account of the scope (accounts are
// never deleted: tickets and their timelines refer to them).
func (s *Store) AdminDeactivateUser(ctx context.Context, sc domain.Scope, id int64) (domain.UserRecord, error) {
	off := false
	return s.AdminUpdateUser(ctx, sc, id, domain.UserPatch{Active: &off}, nil)
}
