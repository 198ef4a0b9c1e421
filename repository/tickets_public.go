package repository

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
)

type publicRow struct {
	ID            int64          `db:"id"`
	TrackingCode  string         `db:"tracking_code"`
	Status        string         `db:"status"`
	Kind          string         `db:"kind"`
	Channel       string         `db:"channel"`
	UnitCode      string         `db:"unit_code"`
	UnitName      string         `db:"unit_name"`
	CategoryCode  sql.NullString `db:"category_code"`
	CategoryName  sql.NullString `db:"category_name"`
	DeptID        sql.NullInt64  `db:"dept_id"`
	DeptCode      sql.NullString `db:"dept_code"`
	DeptName      sql.NullString `db:"dept_name"`
	Title         string         `db:"title"`
	CreatedAt     time.Time      `db:"created_at"`
	DueAt         *time.Time     `db:"due_at"`
	ResolvedAt    *time.Time     `db:"resolved_at"`
	Rating        sql.NullInt64  `db:"rating"`
	RatingComment string         `db:"rating_comment"`
	Restricted    bool           `db:"identity_restricted"`
}

// TicketForCitizen returns the citizen's view of the ticket with that
// tracking code (canonical form), or not_found.
func (s *Store) TicketForCitizen(ctx context.Context, code string) (domain.PublicTicket, error) {
	var r publicRow
	err := s.db.GetContext(ctx, &r, `SELECT t.id, t.tracking_code, t.status, t.kind, t.channel,
			u.code AS unit_code, u.name AS unit_name, c.code AS category_code, c.name AS category_name,
			d.id AS dept_id, d.code AS dept_code, d.name AS dept_name, t.title, t.created_at, t.due_at,
			t.resolved_at, t.rating, t.rating_comment, t.identity_restricted
		FROM tickets t JOIN units u ON u.id = t.unit_id
		LEFT JOIN categories c ON c.id = t.category_id
		LEFT JOIN departments d ON d.id = t.department_id
		WHERE t.tracking_code = $1`, code)
	if err != nil {
		return domain.PublicTicket{}, mapError(err, "phản ánh với mã này|ticket with this tracking code")
	}
	p := domain.PublicTicket{ID: r.ID, TrackingCode: r.TrackingCode, Status: domain.Status(r.Status),
		Kind: domain.Kind(r.Kind), Channel: domain.Channel(r.Channel), UnitCode: r.UnitCode, UnitName: r.UnitName,
		CategoryCode: r.CategoryCode.String, CategoryName: r.CategoryName.String, Title: r.Title,
		CreatedAt: r.CreatedAt, DueAt: r.DueAt, ResolvedAt: r.ResolvedAt, RatingComment: r.RatingComment,
		Replies: []domain.Reply{}}
	if r.DeptID.Valid {
		p.Department = &domain.Department{ID: r.DeptID.Int64, Code: r.DeptCode.String, Name: r.DeptName.String}
	}
	if r.Rating.Valid {
		v := int(r.Rating.Int64)
		p.Rating = &v
	}
	if p.Status == domain.StatusResolved && r.ResolvedAt != nil {
		until := r.ResolvedAt.Add(domain.ReopenWindow)
		p.CanReopenUntil = &until
	}
	var replies []struct {
		Body      string    `db:"body"`
		CreatedAt time.Time `db:"created_at"`
	}
	if err := s.db.SelectContext(ctx, &replies, `SELECT body, created_at FROM ticket_events
		WHERE ticket_id = $1 AND type = 'reply' AND public ORDER BY id`, r.ID); err != nil {
		return p, mapError(err, "")
	}
	for _, x := range replies {
		p.Replies = append(p.Replies, domain.Reply{Body: x.Body, CreatedAt: x.CreatedAt})
	}
	if r.Restricted {
		return p.RestrictView(), nil
	}
	return p, nil
}

// lockedTicket is what the workflow needs of a ticket, read FOR UPDATE.
type lockedTicket struct {
	ID           int64      `db:"id"`
	UnitID       int64      `db:"unit_id"`
	DepartmentID *int64     `db:"department_id"`
	AssigneeID   *int64     `db:"assignee_id"`
	Status       string     `db:"status"`
	Kind         string     `db:"kind"`
	DeadlineUnit string     `db:"deadline_unit"`
	CreatedAt    time.Time  `db:"created_at"`
	DueAt        *time.Time `db:"due_at"`
	PausedAt     *time.Time `db:"paused_at"`
	ResolvedAt   *time.Time `db:"resolved_at"`
	FirstReplyAt *time.Time `db:"first_response_at"`
	Extensions   int        `db:"extensions"`
	Rating       *int       `db:"rating"`
}

const lockedColumns = `id, unit_id, department_id, assignee_id, status, kind, deadline_unit, created_at, due_at,
	paused_at, resolved_at, first_response_at, extensions, rating`

func lockByCode(ctx context.Context, tx *sqlx.Tx, code string) (lockedTicket, error) {
	var t lockedTicket
	err := tx.GetContext(ctx, &t, `SELECT `+lockedColumns+` FROM tickets WHERE tracking_code = $1 FOR UPDATE`, code)
	return t, mapError(err, "phản ánh với mã này|ticket with this tracking code")
}

// addEvent writes a timeline event in the caller's transaction.
func addEvent(ctx context.Context, q sqlx.ExtContext, ticketID int64, typ domain.EventType, actor *int64,
	body string, public bool, data map[string]any, at time.Time) (int64, error) {
	if data == nil {
		data = map[string]any{}
	}
	b, err := json.Marshal(data)
	if err != nil {
		return 0, fmt.Errorf("event data: %w", err)
	}
	var id int64
	err = sqlx.GetContext(ctx, q, &id, `INSERT INTO ticket_events (ticket_id, type, actor_id, body, public, data, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, ticketID, string(typ), actor, body, public, b, at)
	if err != nil {
		return 0, fmt.Errorf("add %s event: %w", typ, mapError(err, ""))
	}
	return id, nil
}

// resumeClock returns the due time after a pause (waiting for the citizen)
// ends at now, on the unit's calendar.
func (s *Store) resumeClock(ctx context.Context, t lockedTicket, now time.Time) (*time.Time, error) {
	if t.PausedAt == nil || t.DueAt == nil {
		return t.DueAt, nil
	}
	cat, err := s.Catalog(ctx, t.UnitID)
	if err != nil {
		return nil, err
	}
	due := cat.Calendar.ShiftForPause(*t.DueAt, *t.PausedAt, now, domain.DeadlineUnit(t.DeadlineUnit))
	return &due, nil
}

var errTicketClosed = domain.Conflict("Phản ánh này đã kết thúc xử lý; vui lòng gửi một phản ánh mới.",
	"This ticket is closed; please send a new feedback.")

// AddCitizenMessage adds the citizen's follow-up to the ticket's timeline.
// A follow-up on a ticket waiting for the citizen restarts its clock; one on a
// ticket resolved less than 30 days ago reopens it; a closed, rejected or
// merged ticket, or one resolved longer ago, is a conflict.
func (s *Store) AddCitizenMessage(ctx context.Context, code, body string) error {
	now := s.now()
	return inTx(ctx, s.db, func(tx *sqlx.Tx) error {
		t, err := lockByCode(ctx, tx, code)
		if err != nil {
			return err
		}
		return s.citizenMessage(ctx, tx, t, body, "", "", now)
	})
}

// citizenMessage records a message from the citizen on a locked ticket;
// channel and externalID, when given, make a redelivery a no-op.
func (s *Store) citizenMessage(ctx context.Context, tx *sqlx.Tx, t lockedTicket, body string,
	channel domain.Channel, externalID string, now time.Time) error {
	status := domain.Status(t.Status)
	switch {
	case status == domain.StatusResolved:
		if t.ResolvedAt == nil || now.Sub(*t.ResolvedAt) > domain.ReopenWindow {
			return errTicketClosed
		}
	case !status.Open():
		return errTicketClosed
	}
	var ch *string
	if externalID != "" {
		c := string(channel)
		ch = &c
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO ticket_events (ticket_id, type, body, public, channel, external_id, created_at)
		VALUES ($1, 'citizen_message', $2, true, $3, $4, $5) ON CONFLICT (channel, external_id) DO NOTHING`,
		t.ID, body, ch, nullString(externalID), now)
	if err != nil {
		return fmt.Errorf("add citizen message: %w", mapError(err, ""))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil // the same external message again
	}
	switch status {
	case domain.StatusResolved:
		if _, err := addEvent(ctx, tx, t.ID, domain.EventReopened, nil, "", true,
			map[string]any{"from": status, "to": domain.StatusInProgress}, now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE tickets SET status = 'in_progress', resolved_at = NULL, rating = NULL,
			last_citizen_at = $2, updated_at = $2 WHERE id = $1`, t.ID, now)
	case domain.StatusWaitingCitizen:
		due, rerr := s.resumeClock(ctx, t, now)
		if rerr != nil {
			return rerr
		}
		if _, err := addEvent(ctx, tx, t.ID, domain.EventStatus, nil, "", false,
			map[string]any{"from": status, "to": domain.StatusInProgress, "due_at": due}, now); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE tickets SET status = 'in_progress', paused_at = NULL, due_at = $3,
			last_citizen_at = $2, updated_at = $2 WHERE id = $1`, t.ID, now, due)
	default:
		_, err = tx.ExecContext(ctx, `UPDATE tickets SET last_citizen_at = $2, updated_at = $2 WHERE id = $1`, t.ID, now)
	}
	return mapError(err, "")
}

// RateTicket records the citizen's rating, once, after resolution.
func (s *Store) RateTicket(ctx context.Context, code string, score int, comment string) error {
	now := s.now()
	return inTx(ctx, s.db, func(tx *sqlx.Tx) error {
		t, err := lockByCode(ctx, tx, code)
		if err != nil {
			return err
		}
		if t.Rating != nil {
			return domain.Conflict("Phản ánh này đã được đánh giá.", "This ticket has been rated already.")
		}
		if st := domain.Status(t.Status); st != domain.StatusResolved && st != domain.StatusClosed {
			return domain.Conflict("Chỉ có thể đánh giá sau khi phản ánh đã được giải quyết.",
				"A ticket can be rated only once it is resolved.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET rating = $2, rating_comment = $3, rated_at = $4,
			updated_at = $4 WHERE id = $1`, t.ID, score, comment, now); err != nil {
			return mapError(err, "")
		}
		_, err = addEvent(ctx, tx, t.ID, domain.EventRated, nil, comment, false, map[string]any{"score": score}, now)
		return err
	})
}

func nullString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
