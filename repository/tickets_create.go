package repository

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
)

// routed is a ticket's routing and deadlines, computed before it is stored.
type routed struct {
	category    *domain.Category
	department  *domain.Department
	route       domain.RouteResult
	deadline    domain.Deadline
	due, accept time.Time
}

func route(cat *domain.Catalog, in domain.FeedbackInput, channel domain.Channel, at time.Time) routed {
	var r routed
	var given *int64
	if in.Category != "" {
		if c, ok := cat.CategoryByCode(in.Category); ok {
			given = &c.ID
		}
	}
	kind := domain.Kind(in.Kind)
	r.route = cat.Routing.Route(domain.RouteInput{Kind: kind, Channel: channel, CategoryID: given,
		Text: in.Title + "\n" + in.Body})
	var catDeadline domain.Deadline
	if r.route.CategoryID != nil {
		if c, ok := cat.Category(*r.route.CategoryID); ok {
			r.category = &c
			catDeadline = c.Deadline
		}
	}
	if r.route.DepartmentID != nil {
		if d, ok := cat.Department(*r.route.DepartmentID); ok {
			r.department = &d
		}
	}
	r.deadline = domain.TicketDeadline(kind, catDeadline, cat.KindRules)
	r.due = cat.Calendar.Due(at, r.deadline)
	r.accept = cat.Calendar.Due(at, cat.KindRules[kind].Accept)
	return r
}

// insertTicket is one statement: the ticket and its first two timeline
// events, so intake is one round trip and a 201 means all three committed.
// On a redelivered external message it inserts nothing and returns no row.
const insertTicket = `
WITH t AS (
	INSERT INTO tickets (tracking_code, unit_id, department_id, category_id, kind, channel, title, body,
		citizen_name, citizen_phone, citizen_email, citizen_external_id, address, lat, lng, village, public,
		channel_account_id, external_id, thread_id, reception_day, created_at, updated_at, last_citizen_at,
		deadline_unit, due_at, accept_due_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
		$22, $22, $22, $23, $24, $25)
	ON CONFLICT (channel, external_id) DO NOTHING
	RETURNING id, created_at
), e AS (
	INSERT INTO ticket_events (ticket_id, type, actor_id, body, public, data, created_at)
	SELECT id, 'created', $26::bigint, '', false, $27::jsonb, created_at FROM t
	UNION ALL
	SELECT id, 'routed', NULL::bigint, '', false, $28::jsonb, created_at FROM t
)
SELECT id FROM t`

// CreateTicket routes a validated feedback of the unit, computes its
// deadlines on the unit's calendar and stores it with its first events in
// one statement. A redelivered external message returns the ticket it made
// the first time, with Existing set.
func (s *Store) CreateTicket(ctx context.Context, unitID int64, nt domain.NewTicket) (domain.Created, error) {
	cat, err := s.Catalog(ctx, unitID)
	if err != nil {
		return domain.Created{}, err
	}
	return createTicket(ctx, s.db, cat, nt, s.now())
}

func createTicket(ctx context.Context, q sqlx.ExtContext, cat *domain.Catalog, nt domain.NewTicket, now time.Time) (domain.Created, error) {
	at := nt.CreatedAt
	if at.IsZero() {
		at = now
	}
	at = at.Truncate(time.Microsecond) // PostgreSQL's precision: due_at >= created_at must hold
	channel := nt.Channel
	if channel == "" {
		channel = domain.ChannelWeb
	}
	in := nt.Input
	r := route(cat, in, channel, at)
	c := domain.Created{Status: domain.StatusNew, Kind: domain.Kind(in.Kind), Category: r.category,
		Department: r.department, DueAt: r.due, CreatedAt: at}

	created, _ := json.Marshal(map[string]any{"channel": channel})
	routedData, _ := json.Marshal(map[string]any{
		"category": codeOf(r.category), "department": deptCode(r.department), "rule_id": r.route.RuleID,
		"reason": r.route.Reason, "keyword": r.route.Keyword,
		"deadline": r.deadline, "due_at": r.due, "accept_due_at": r.accept,
	})
	var external *string
	if nt.ExternalID != "" {
		external = &nt.ExternalID
	}
	for attempt := 0; ; attempt++ {
		code := domain.NewTrackingCode()
		var id int64
		err := sqlx.GetContext(ctx, q, &id, insertTicket,
			code, cat.Unit.ID, idOf(r.department), catID(r.category), in.Kind, string(channel), in.Title, in.Body,
			in.Citizen.Name, in.Citizen.Phone, in.Citizen.Email, in.Citizen.ExternalID, in.Location.Address,
			in.Location.Lat, in.Location.Lng, in.Location.Village, in.Public,
			nt.ChannelAccountID, external, nt.ThreadID, nt.ReceptionDay, at,
			string(r.deadline.Unit), r.due, r.accept,
			nt.ActorID, created, routedData)
		if err == nil {
			c.ID, c.TrackingCode = id, code
			break
		}
		if errors.Is(mapError(err, ""), errNoRowsMapped) || isNoRows(err) {
			// The external message was taken before: answer with its ticket.
			return existingTicket(ctx, q, channel, nt.ExternalID)
		}
		if isUnique(err, "tickets_tracking_code_key") && attempt < 3 {
			continue // a tracking code collision: draw another
		}
		return domain.Created{}, fmt.Errorf("create ticket: %w", mapError(err, ""))
	}
	if len(nt.Attachments) > 0 {
		if err := insertAttachments(ctx, q, c.ID, nil, nt.Attachments); err != nil {
			return domain.Created{}, err
		}
	}
	return c, nil
}

func existingTicket(ctx context.Context, q sqlx.QueryerContext, channel domain.Channel, externalID string) (domain.Created, error) {
	var row struct {
		ID           int64      `db:"id"`
		TrackingCode string     `db:"tracking_code"`
		Status       string     `db:"status"`
		Kind         string     `db:"kind"`
		DueAt        *time.Time `db:"due_at"`
		CreatedAt    time.Time  `db:"created_at"`
	}
	err := sqlx.GetContext(ctx, q, &row, `SELECT id, tracking_code, status, kind, due_at, created_at
		FROM tickets WHERE channel = $1 AND external_id = $2`, string(channel), externalID)
	if err != nil {
		return domain.Created{}, mapError(err, "phản ánh|ticket")
	}
	c := domain.Created{ID: row.ID, TrackingCode: row.TrackingCode, Status: domain.Status(row.Status),
		Kind: domain.Kind(row.Kind), CreatedAt: row.CreatedAt, Existing: true}
	if row.DueAt != nil {
		c.DueAt = *row.DueAt
	}
	return c, nil
}

func insertAttachments(ctx context.Context, q sqlx.ExtContext, ticketID int64, eventID *int64, atts []domain.Attachment) error {
	for _, a := range atts {
		if _, err := q.ExecContext(ctx, `INSERT INTO attachments (ticket_id, event_id, type, url, name)
			VALUES ($1, $2, $3, $4, $5)`, ticketID, eventID, a.Type, a.URL, a.Name); err != nil {
			return fmt.Errorf("store attachment: %w", mapError(err, ""))
		}
	}
	return nil
}

func codeOf(c *domain.Category) string {
	if c == nil {
		return ""
	}
	return c.Code
}

func catID(c *domain.Category) *int64 {
	if c == nil {
		return nil
	}
	return &c.ID
}

func deptCode(d *domain.Department) string {
	if d == nil {
		return ""
	}
	return d.Code
}

func idOf(d *domain.Department) *int64 {
	if d == nil {
		return nil
	}
	return &d.ID
}
