package repository

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"caunoi/domain"
)

type userRow struct {
	ID           int64          `db:"id"`
	Email        string         `db:"email"`
	Name         string         `db:"name"`
	PasswordHash string         `db:"password_hash"`
	Role         string         `db:"role"`
	UnitID       int64          `db:"unit_id"`
	DepartmentID sql.NullInt64  `db:"department_id"`
	ZaloUserID   sql.NullString `db:"zalo_user_id"`
	Digest       bool           `db:"digest"`
	Active       bool           `db:"active"`
}

const userColumns = `id, email, name, password_hash, role, unit_id, department_id, zalo_user_id, digest, active`

func (r userRow) user() domain.User {
	return domain.User{ID: r.ID, Email: r.Email, Name: r.Name, Role: domain.Role(r.Role), UnitID: r.UnitID,
		DepartmentID: nullID(r.DepartmentID), ZaloUserID: r.ZaloUserID.String, Digest: r.Digest, Active: r.Active}
}

// UserInput is a new account as the command line gives it: unit and
// department by code.
type UserInput struct {
	Email, Name, Role, Unit, Department, PasswordHash string
}

// CreateUser adds an account. It fails with invalid_input for bad fields or
// an unknown unit or department, and conflict when the e-mail is taken.
func (s *Store) CreateUser(ctx context.Context, in UserInput) (domain.User, error) {
	u := domain.User{Email: in.Email, Name: in.Name, Role: domain.Role(in.Role), Active: true}
	bad := map[string]string{}
	if in.Unit == "" {
		bad["unit"] = "required"
	} else if err := s.db.GetContext(ctx, &u.UnitID, "SELECT id FROM units WHERE code = $1", in.Unit); err != nil {
		if !isNoRows(err) {
			return u, mapError(err, "")
		}
		bad["unit"] = "unknown"
	}
	if in.Department != "" && u.UnitID != 0 {
		var id int64
		if err := s.db.GetContext(ctx, &id, "SELECT id FROM departments WHERE unit_id = $1 AND code = $2",
			u.UnitID, in.Department); err != nil {
			if !isNoRows(err) {
				return u, mapError(err, "")
			}
			bad["department"] = "unknown"
		} else {
			u.DepartmentID = &id
		}
	}
	v, err := domain.ValidateUser(u)
	if err != nil {
		de := err.(*domain.Error)
		for k, code := range bad {
			de.Fields[k] = code
		}
		return u, de
	}
	if len(bad) > 0 {
		return u, domain.Invalid("Đơn vị hoặc phòng ban không tồn tại.", "No such unit or department.", bad)
	}
	err = s.db.GetContext(ctx, &v.ID, `INSERT INTO users (email, name, password_hash, role, unit_id, department_id)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, v.Email, v.Name, in.PasswordHash, string(v.Role), v.UnitID, v.DepartmentID)
	if err != nil {
		if isUnique(err, "users_email") {
			return v, domain.Conflict("Địa chỉ e-mail này đã có tài khoản.", "An account with this e-mail already exists.")
		}
		return v, fmt.Errorf("create user: %w", mapError(err, ""))
	}
	return v, nil
}

// UserByEmail returns the active account with that e-mail and its password
// hash, or not_found.
func (s *Store) UserByEmail(ctx context.Context, email string) (domain.User, string, error) {
	var r userRow
	if err := s.db.GetContext(ctx, &r, `SELECT `+userColumns+` FROM users WHERE email = lower($1) AND active`, email); err != nil {
		return domain.User{}, "", mapError(err, "tài khoản|account")
	}
	return r.user(), r.PasswordHash, nil
}

// UserByID returns the active account with that id, or not_found.
func (s *Store) UserByID(ctx context.Context, id int64) (domain.User, error) {
	var r userRow
	if err := s.db.GetContext(ctx, &r, `SELECT `+userColumns+` FROM users WHERE id = $1 AND active`, id); err != nil {
		return domain.User{}, mapError(err, "tài khoản|account")
	}
	return r.user(), nil
}

// RehashPassword replaces the account's password hash by newHash if it is
// still oldHash (a sign-in upgrading a hash of an old bcrypt cost; a
// password changed meanwhile wins). The account's sessions go on.
func (s *Store) RehashPassword(ctx context.Context, id int64, oldHash, newHash string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2`,
		id, oldHash, newHash)
	return mapError(err, "")
}

// TouchLogin records a successful sign-in.
func (s *Store) TouchLogin(ctx context.Context, id int64, at time.Time) error {
	_, err := s.db.ExecContext(ctx, "UPDATE users SET last_login_at = $2 WHERE id = $1", id, at)
	return mapError(err, "")
}
