package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

// adminUserOut is an account as the administration shows it: never a
// password nor its hash.
type adminUserOut struct {
	ID          int64       `json:"id"`
	Email       string      `json:"email"`
	Name        string      `json:"name"`
	Role        domain.Role `json:"role"`
	Unit        string      `json:"unit"`
	Department  *string     `json:"department"`
	ZaloUserID  *string     `json:"zalo_user_id"`
	Digest      bool        `json:"digest"`
	Active      bool        `json:"active"`
	LastLoginAt *time.Time  `json:"last_login_at"`
}

func (s *Server) adminUser(u domain.UserRecord) adminUserOut {
	return adminUserOut{ID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, Unit: u.Unit,
		Department: httpx.OptCode(u.Department), ZaloUserID: httpx.OptCode(u.ZaloUserID), Digest: u.Digest, Active: u.Active,
		LastLoginAt: s.local(u.LastLoginAt)}
}

// adminListUsers handles GET /api/v1/users[?unit=U]: the accounts of the
// admin's subtree, or of one unit of it.
func (s *Server) adminListUsers(c *gin.Context) {
	us, err := s.Store.AdminListUsers(c.Request.Context(), httpx.ScopeOf(c), unitQuery(c))
	respondItems(c, us, err, s.adminUser)
}

// adminGetUser handles GET /api/v1/users/{id}.
func (s *Server) adminGetUser(c *gin.Context) {
	id, ok := rowParam(c, "tài khoản", "account")
	if !ok {
		return
	}
	u, err := s.Store.AdminUser(c.Request.Context(), httpx.ScopeOf(c), id)
	respond(c, http.StatusOK, s.adminUser(u), err)
}

// adminCreateUser handles POST /api/v1/users {"email","name","role","unit",
// "department","password","digest","zalo_user_id"}: the unit defaults to
// the admin's own; head and staff need a department of that unit.
func (s *Server) adminCreateUser(c *gin.Context) {
	var req struct {
		Email      string      `json:"email"`
		Name       string      `json:"name"`
		Role       domain.Role `json:"role"`
		Unit       *string     `json:"unit"`
		Department string      `json:"department"`
		Password   string      `json:"password"`
		Digest     bool        `json:"digest"`
		ZaloUserID string      `json:"zalo_user_id"`
		Active     *bool       `json:"active"`
	}
	unit, ok := newRowBody(c, &req, &req.Unit)
	if !ok {
		return
	}
	spec := domain.UserSpec{Email: req.Email, Name: req.Name, Role: req.Role, Unit: unit, Department: req.Department,
		ZaloUserID: req.ZaloUserID, Digest: req.Digest, Active: boolOr(req.Active, true)}
	// every bad field at once, before the cost of hashing
	bad := map[string]string{}
	if _, err := domain.ValidateUserSpec(spec); err != nil {
		for k, v := range httpx.ToDomain(err).Fields {
			bad[k] = v
		}
	}
	if err := domain.ValidatePassword(req.Password); err != nil {
		bad["password"] = httpx.ToDomain(err).Fields["password"]
	}
	if len(bad) > 0 {
		httpx.WriteError(c, domain.Invalid("Thông tin tài khoản không hợp lệ.", "The account details are not valid.", bad))
		return
	}
	hash, err := httpx.HashNewPassword(req.Password)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	u, err := s.Store.AdminCreateUser(c.Request.Context(), httpx.ScopeOf(c), spec, hash)
	respond(c, http.StatusCreated, s.adminUser(u), err)
}

// adminUpdateUser handles PATCH /api/v1/users/{id}: name, role, department,
// active, password, digest, zalo_user_id. An admin cannot deactivate or
// demote itself (409).
func (s *Server) adminUpdateUser(c *gin.Context) {
	var req struct {
		Name       *string      `json:"name"`
		Role       *domain.Role `json:"role"`
		Department *string      `json:"department"`
		Active     *bool        `json:"active"`
		Password   *string      `json:"password"`
		Digest     *bool        `json:"digest"`
		ZaloUserID *string      `json:"zalo_user_id"`
	}
	id, ok := rowBody(c, "tài khoản", "account", &req)
	if !ok {
		return
	}
	var hash *string
	if req.Password != nil {
		h, err := httpx.HashNewPassword(*req.Password)
		if err != nil {
			httpx.WriteError(c, err)
			return
		}
		hash = &h
	}
	u, err := s.Store.AdminUpdateUser(c.Request.Context(), httpx.ScopeOf(c), id, domain.UserPatch{Name: req.Name,
		Role: req.Role, Department: req.Department, Active: req.Active, Digest: req.Digest, ZaloUserID: req.ZaloUserID}, hash)
	respond(c, http.StatusOK, s.adminUser(u), err)
}

// adminDeleteUser handles DELETE /api/v1/users/{id}: the account is
// deactivated, never deleted (tickets and their timelines refer to it).
func (s *Server) adminDeleteUser(c *gin.Context) {
	id, ok := rowParam(c, "tài khoản", "account")
	if !ok {
		return
	}
	_, err := s.Store.AdminDeactivateUser(c.Request.Context(), httpx.ScopeOf(c), id)
	respondRemoval(c, id, domain.Removal{Deactivated: true}, err)
}
