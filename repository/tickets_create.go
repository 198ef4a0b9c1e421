package repository

import (
	"context"
	"encoding/json"
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
// A row that conflicts on any unique key (a redelivered external message, a
// tracking code taken) inserts nothing and returns no row; the caller tells
// which. Intake outside a transaction goes through insertBatch instead
// (intake_batch.go); this one serves the callers that hold a transaction.
const insertTicket = `
WITH t AS (
	INSERT INTO tickets (tracking_code, unit_id, department_id, category_id, kind, channel, title, body,
		citizen_name, citizen_phone, citizen_email, citizen_external_id, address, lat, lng, village, public,
		channel_account_id, external_id, thread_id, reception_day, created_at, updated_at, last_citizen_at,
		deadline_unit, due_at, accept_due_at, identity_restricted, identity_sealed)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,
		$22, $22, $22, $23, $24, $25, $29, $30)
	ON CONFLICT DO NOTHING
	RETURNING id, created_at
), e AS (
	INSERT INTO ticket_events (ticket_id, type, actor_id, body, public, data, created_at)
	SELECT id, 'created', $26::bigint, '', false, $27::jsonb, created_at FROM t
	UNION ALL
	SELECT id, 'routed', NULL::bigint, '', false, $28::jsonb, created_at FROM t
)
SELECT id FROM t`

// intakeRow is a routed ticket ready to store: its columns, its first
// events' data, and the answer but for the id and the tracking code.
type intakeRow struct {
	in                                domain.FeedbackInput
	unitID                            int64
	departmentID, categoryID, actorID *int64
	channelAccountID                  *int64
	kind, deadlineUnit, threadID      string
	channel                           domain.Channel
	externalID                        *string
	receptionDay                      *time.Time
	at, due, accept                   time.Time
	createdData, routedData           []byte
	code                              string // drawn when stored
	created                           domain.Created
}

// createdEvent and routedEvent are the data of a ticket's first events.
type createdEvent struct {
	Channel domain.Channel `json:"channel"`
}

type routedEvent struct {
	Category    string          `json:"category"`
	Department  string          `json:"department"`
	RuleID      *int64          `json:"rule_id"`
	Reason      string          `json:"reason"`
	Keyword     string          `json:"keyword"`
	Deadline    domain.Deadline `json:"deadline"`
	DueAt       time.Time       `json:"due_at"`
	AcceptDueAt time.Time       `json:"accept_due_at"`
}

// newIntakeRow routes nt on the unit's catalog and computes its deadlines.
func newIntakeRow(cat *domain.Catalog, nt domain.NewTicket, now time.Time) intakeRow {
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
	row := intakeRow{in: in, unitID: cat.Unit.ID, departmentID: idOf(r.department), categoryID: catID(r.category),
		actorID: nt.ActorID, channelAccountID: nt.ChannelAccountID, kind: in.Kind,
		deadlineUnit: string(r.deadline.Unit), threadID: nt.ThreadID, channel: channel,
		receptionDay: nt.ReceptionDay, at: at, due: r.due, accept: r.accept,
		created: domain.Created{Status: domain.StatusNew, Kind: domain.Kind(in.Kind), Category: r.category,
			Department: r.department, DueAt: r.due, CreatedAt: at}}
	if nt.ExternalID != "" {
		ext := nt.ExternalID
		row.externalID = &ext
	}
	row.createdData, _ = json.Marshal(createdEvent{Channel: channel})
	row.routedData, _ = json.Marshal(routedEvent{Category: codeOf(r.category), Department: deptCode(r.department),
		RuleID: r.route.RuleID, Reason: r.route.Reason, Keyword: r.route.Keyword,
		Deadline: r.deadline, DueAt: r.due, AcceptDueAt: r.accept})
	return row
}

// CreateTicket routes a validated feedback of the unit, computes its
// deadlines on the unit's calendar and stores it with its first events.
// Concurrent calls share one statement and one commit (intake_batch.go);
// each returns only after that commit. A denunciation is stored on its own,
// its denouncer sealed (unavailable when the store has no sealer). A
// redelivered external message returns the ticket it made the first time, with Existing set. It returns
// ctx.Err() when ctx ends before the ticket is taken into a statement
// (nothing is stored), and a *domain.Error otherwise.
func (s *Store) CreateTicket(ctx context.Context, unitID int64, nt domain.NewTicket) (domain.Created, error) {
	cat, err := s.Catalog(ctx, unitID)
	if err != nil {
		return domain.Created{}, err
	}
	// The ticket and its attachments commit together; a denouncer's
	// identity is sealed with the tracking code, drawn there.
	if len(nt.Attachments) > 0 || domain.Kind(nt.Input.Kind) == domain.KindDenunciation {
		var c domain.Created
		err := inTx(ctx, s.db, func(tx *sqlx.Tx) error {
			var err error
			c, err = createTicket(ctx, tx, s.sealer, cat, nt, s.now())
			return err
		})
		return c, err
	}
	return s.intake().create(ctx, newIntakeRow(cat, nt, s.now()))
}

// createTicket stores a ticket and its first events through q, which may
// be a transaction, with the attachments of a new ticket. A denunciation's
// identity is restricted from the start and sealed with b (it fails,
// storing nothing, when b is nil and there is an identity to seal).
func createTicket(ctx context.Context, q sqlx.ExtContext, b Sealer, cat *domain.Catalog, nt domain.NewTicket, now time.Time) (domain.Created, error) {
	row := newIntakeRow(cat, nt, now)
	c := row.created
	restricted := domain.Kind(row.kind) == domain.KindDenunciation
	for attempt := 1; ; attempt++ {
		code := domain.NewTrackingCode()
		var id int64
		in := row.in
		var sealed []byte
		if restricted {
			var err error
			sealed, err = sealIdentity(b, code, identity{Name: in.Citizen.Name, Phone: in.Citizen.Phone,
				Email: in.Citizen.Email, Address: in.Location.Address})
			if err != nil {
				return domain.Created{}, err
			}
			in.Citizen.Name, in.Citizen.Phone, in.Citizen.Email, in.Location.Address = "", "", "", ""
		}
		err := sqlx.GetContext(ctx, q, &id, insertTicket,
			code, row.unitID, row.departmentID, row.categoryID, row.kind, string(row.channel), in.Title, in.Body,
			in.Citizen.Name, in.Citizen.Phone, in.Citizen.Email, in.Citizen.ExternalID, in.Location.Address,
			in.Location.Lat, in.Location.Lng, in.Location.Village, in.Public,
			row.channelAccountID, row.externalID, row.threadID, row.receptionDay, row.at,
			row.deadlineUnit, row.due, row.accept,
			row.actorID, row.createdData, row.routedData, restricted, sealed)
		if err == nil {
			c.ID, c.TrackingCode = id, code
			break
		}
		if !isNoRows(err) {
			return domain.Created{}, fmt.Errorf("create ticket: %w", mapError(err, ""))
		}
		if row.externalID != nil {
			// The external message was taken before: answer with its ticket.
			e, err := existingTicket(ctx, q, row.channel, *row.externalID)
			if !domain.IsNotFound(err) {
				return e, err
			}
		}
		if attempt >= maxCodeAttempts { // nothing was taken: the tracking codes collided
			return domain.Created{}, fmt.Errorf("create ticket: %w", errNoTrackingCode)
		}
	}
	if len(nt.Attachments) > 0 {
		if err := insertAttachments(ctx, q, c.ID, nil, nt.Attachments); err != nil {
			return domain.Created{}, err
		}
	}
	return c, nil
}

// existingColumns are the columns of existingRow.
const existingColumns = `id, tracking_code, status, kind, due_at, created_at, channel, external_id`

// existingRow is a ticket as a redelivery answers it.
type existingRow struct {
	ID           int64      `db:"id"`
	TrackingCode string     `db:"tracking_code"`
	Status       string     `db:"status"`
	Kind         string     `db:"kind"`
	DueAt        *time.Time `db:"due_at"`
	CreatedAt    time.Time  `db:"created_at"`
	Channel      string     `db:"channel"`
	ExternalID   string     `db:"external_id"`
}

func (r existingRow) created() domain.Created {
	c := domain.Created{ID: r.ID, TrackingCode: r.TrackingCode, Status: domain.Status(r.Status),
		Kind: domain.Kind(r.Kind), CreatedAt: r.CreatedAt, Existing: true}
	if r.DueAt != nil {
		c.DueAt = *r.DueAt
	}
	return c
}

// existingTicket returns the ticket made for the external message, with
// Existing set; not_found when there is none.
func existingTicket(ctx context.Context, q sqlx.QueryerContext, channel domain.Channel, externalID string) (domain.Created, error) {
	var row existingRow
	err := sqlx.GetContext(ctx, q, &row, `SELECT `+existingColumns+`
		FROM tickets WHERE channel = $1 AND external_id = $2`, string(channel), externalID)
	if err != nil {
		return domain.Created{}, mapError(err, "phản ánh|ticket")
	}
	return row.created(), nil
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
