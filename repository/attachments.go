package repository

import (
	"context"
	"fmt"

	"caunoi/domain"
)

// AddTicketPhoto keeps a citizen's photo (already checked for type and size
// by the caller) with the ticket it came with.
func (s *Store) AddTicketPhoto(ctx context.Context, ticketID int64, name, contentType string, data []byte) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO attachments (ticket_id, type, name, content_type, data, created_at)
		VALUES ($1, 'image', $2, $3, $4, $5)`, ticketID, name, contentType, data, s.now())
	if err != nil {
		return fmt.Errorf("store photo: %w", mapError(err, ""))
	}
	return nil
}

// DepartmentStaff returns the active heads and staff of a department within
// sc (empty outside it), by name: the people a ticket can be assigned to.
func (s *Store) DepartmentStaff(ctx context.Context, sc domain.Scope, departmentID int64) ([]domain.User, error) {
	var q query
	q.where("u.department_id = " + q.arg(departmentID))
	q.where("u.active AND u.role IN ('head', 'staff')")
	switch {
	case sc.Role.UnitWide():
		q.where("u.unit_id IN (SELECT unit_subtree(" + q.arg(sc.UnitID) + "))")
	case sc.DepartmentID != nil:
		q.where("u.department_id = " + q.arg(*sc.DepartmentID))
	default:
		q.where("FALSE")
	}
	var rows []userRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT u.id, u.email, u.name, u.password_hash, u.role, u.unit_id,
		u.department_id, u.zalo_user_id, u.digest, u.active FROM users u WHERE `+q.clause()+` ORDER BY u.name`, q.args...); err != nil {
		return nil, mapError(err, "")
	}
	out := make([]domain.User, len(rows))
	for i, r := range rows {
		out[i] = r.user()
	}
	return out, nil
}
