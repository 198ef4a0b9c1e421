package repository

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

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

// insertTickets calls the one statement that stores new tickets, the
// function insert_tickets of migrations/0007_insert_tickets.sql;
// insertArgs lays its rows out as its parameters and scanInserted reads
// its answer. It is prepared at start-up (Store.PrepareIntake).
var insertTickets = "SELECT id, tracking_code FROM insert_tickets(" + params(1, insertParams) + ", false, NULL)"

// insertParams is how many arrays insertArgs makes.
const insertParams = 30

// params returns "$from, …, $(from+n-1)".
func params(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(from+i))
	}
	return b.String()
}

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
	restricted                        bool   // a denunciation's: its identity sealed
	sealed                            []byte // the sealed identity (restricted only)
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
		r := row
		r.code, r.restricted = domain.NewTrackingCode(), restricted
		if restricted {
			var err error
			in := r.in
			r.sealed, err = sealIdentity(b, r.code, identity{Name: in.Citizen.Name, Phone: in.Citizen.Phone,
				Email: in.Citizen.Email, Address: in.Location.Address})
			if err != nil {
				return domain.Created{}, err
			}
			in.Citizen.Name, in.Citizen.Phone, in.Citizen.Email, in.Location.Address = "", "", "", ""
			r.in = in
		}
		ids, err := scanInserted(q.QueryContext(ctx, insertTickets, insertArgs([]*intakeRow{&r})...))
		if err != nil {
			return domain.Created{}, fmt.Errorf("create ticket: %w", err)
		}
		if id, ok := ids[r.code]; ok {
			c.ID, c.TrackingCode = id, r.code
			break
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

// insertArgs lays rows out as insert_tickets' thirty array parameters, one
// element per row, in the function's order.
func insertArgs(rows []*intakeRow) []any {
	n := len(rows)
	var (
		code, kind, channel, title, body = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		name, phone, email, sender, addr = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		village, thread, deadlineUnit    = make([]string, n), make([]string, n), make([]string, n)
		createdData, routedData          = make([]string, n), make([]string, n)
		unit                             = make([]int64, n)
		dept, cat, account, actor        = make([]*int64, n), make([]*int64, n), make([]*int64, n), make([]*int64, n)
		lat, lng                         = make([]*float64, n), make([]*float64, n)
		public, restricted               = make([]bool, n), make([]bool, n)
		externalID, receptionDay, sealed = make([]*string, n), make([]*string, n), make([]*string, n)
		at, due, accept                  = make([]time.Time, n), make([]time.Time, n), make([]time.Time, n)
	)
	for i, r := range rows {
		in := &r.in
		code[i], kind[i], channel[i], title[i], body[i] = r.code, r.kind, string(r.channel), in.Title, in.Body
		name[i], phone[i], email[i], sender[i] = in.Citizen.Name, in.Citizen.Phone, in.Citizen.Email, in.Citizen.ExternalID
		addr[i], village[i], thread[i], deadlineUnit[i] = in.Location.Address, in.Location.Village, r.threadID, r.deadlineUnit
		createdData[i], routedData[i] = string(r.createdData), string(r.routedData)
		unit[i], dept[i], cat[i], account[i], actor[i] = r.unitID, r.departmentID, r.categoryID, r.channelAccountID, r.actorID
		lat[i], lng[i], public[i], restricted[i] = in.Location.Lat, in.Location.Lng, in.Public, r.restricted
		externalID[i], at[i], due[i], accept[i] = r.externalID, r.at, r.due, r.accept
		if r.receptionDay != nil {
			day := r.receptionDay.Format("2006-01-02") // the date as written in its location
			receptionDay[i] = &day
		}
		if r.sealed != nil {
			hexed := `\x` + hex.EncodeToString(r.sealed) // bytea's hex input
			sealed[i] = &hexed
		}
	}
	return []any{pq.Array(code), pq.Array(unit), pq.Array(dept), pq.Array(cat), pq.Array(kind), pq.Array(channel),
		pq.Array(title), pq.Array(body), pq.Array(name), pq.Array(phone), pq.Array(email), pq.Array(sender),
		pq.Array(addr), pq.Array(lat), pq.Array(lng), pq.Array(village), pq.Array(public), pq.Array(account),
		pq.Array(externalID), pq.Array(thread), pq.Array(receptionDay), pq.Array(at), pq.Array(deadlineUnit),
		pq.Array(due), pq.Array(accept), pq.Array(actor), pq.Array(createdData), pq.Array(routedData),
		pq.Array(restricted), pq.Array(sealed)}
}

// scanInserted reads insert_tickets' answer: the ids of the inserted rows by
// tracking code. It returns the query's error, mapped.
func scanInserted(rows *sql.Rows, err error) (map[string]int64, error) {
	if err != nil {
		return nil, mapError(err, "")
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id int64
		var code string
		if err := rows.Scan(&id, &code); err != nil {
			return nil, mapError(err, "")
		}
		out[code] = id
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err, "")
	}
	return out, nil
}

// rowsOf returns the calls' rows.
func rowsOf(calls []*intakeCall) []*intakeRow {
	rows := make([]*intakeRow, len(calls))
	for i, c := range calls {
		rows[i] = &c.row
	}
	return rows
}
