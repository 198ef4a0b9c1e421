package domain

import (
	"net/mail"
	"strings"
)

// Role is what a staff account may do (API.md).
type Role string

// The roles.
const (
	RoleAdmin  Role = "admin"  // everything in its unit and below
	RoleLeader Role = "leader" // reads everything in its unit and below, reports, may reassign
	RoleHead   Role = "head"   // its department's tickets, assigns within it
	RoleStaff  Role = "staff"  // its department's tickets
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleAdmin || r == RoleLeader || r == RoleHead || r == RoleStaff
}

// UnitWide reports whether the role's scope is a unit and the units below
// it, rather than one department.
func (r Role) UnitWide() bool { return r == RoleAdmin || r == RoleLeader }

// User is a staff account.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         Role
	UnitID       int64
	DepartmentID *int64
	ZaloUserID   string
	Digest       bool
	Active       bool
}

// Scope is what the caller of a staff endpoint may reach: a unit and every
// unit below it (admin, leader), or one department (head, staff). It is part
// of every staff query's WHERE clause.
type Scope struct {
	UserID       int64
	Role         Role
	UnitID       int64
	DepartmentID *int64
}

// ScopeOf returns the scope of u.
func ScopeOf(u User) Scope {
	return Scope{UserID: u.ID, Role: u.Role, UnitID: u.UnitID, DepartmentID: u.DepartmentID}
}

// ValidateUser checks a new or changed account: a well-formed e-mail (lower-
// cased), a name, a known role, and a department for head and staff. It
// returns the normalised user or an invalid_input *Error naming each field.
func ValidateUser(u User) (User, error) {
	bad := map[string]string{}
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || len(u.Email) > 254 {
		bad["email"] = "invalid"
	}
	u.Name = NormalizeText(u.Name)
	switch n := len([]rune(u.Name)); {
	case n == 0:
		bad["name"] = "required"
	case n > 100:
		bad["name"] = "too_long"
	}
	if !u.Role.Valid() {
		bad["role"] = "invalid"
	}
	if (u.Role == RoleHead || u.Role == RoleStaff) && u.DepartmentID == nil {
		bad["department"] = "required"
	}
	if len(bad) > 0 {
		return u, Invalid("Thông tin tài khoản không hợp lệ.", "The account details are not valid.", bad)
	}
	return u, nil
}

// ErrSessionRaced answers the renewal of a browser's session with a refresh
// token another request of the same session spent moments before (two tabs
// renewing at once): nothing was revoked and nothing is issued; the request
// is to be made again with the cookies the other answer set.
var ErrSessionRaced = Errorf(EUNAUTHORIZED, "Phiên đăng nhập vừa được gia hạn; vui lòng tải lại trang.",
	"The session was renewed a moment ago; please load the page again.")
