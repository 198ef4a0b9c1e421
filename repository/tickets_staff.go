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

type detailRow struct {
	ID                int64           `db:"id"`
	TrackingCode      string          `db:"tracking_code"`
	UnitID            int64           `db:"unit_id"`
	UnitCode          string          `db:"unit_code"`
	UnitName          string          `db:"unit_name"`
	DepartmentID      sql.NullInt64   `db:"department_id"`
	DepartmentCode    sql.NullString  `db:"department_code"`
	DepartmentName    sql.NullString  `db:"department_name"`
	CategoryID        sql.NullInt64   `db:"category_id"`
	CategoryCode      sql.NullString  `db:"category_code"`
	CategoryName      sql.NullString  `db:"category_name"`
	AssigneeID        sql.NullInt64   `db:"assignee_id"`
	AssigneeName      sql.NullString  `db:"assignee_name"`
	Kind              string          `db:"kind"`
	Channel           string          `db:"channel"`
	Status            string          `db:"status"`
	Priority          int             `db:"priority"`
	Title             string          `db:"title"`
	Body              string          `db:"body"`
	CitizenName       string          `db:"citizen_name"`
	CitizenPhone      string          `db:"citizen_phone"`
	CitizenEmail      string          `db:"citizen_email"`
	CitizenExternalID string          `db:"citizen_external_id"`
	Address           string          `db:"address"`
	Lat               sql.NullFloat64 `db:"lat"`
	Lng               sql.NullFloat64 `db:"lng"`
	Village           string          `db:"village"`
	Public            bool            `db:"public"`
	ExternalID        sql.NullString  `db:"external_id"`
	CreatedAt         time.Time       `db:"created_at"`
	DueAt             *time.Time      `db:"due_at"`
	FirstResponseAt   *time.Time      `db:"first_response_at"`
	ResolvedAt        *time.Time      `db:"resolved_at"`
	ClosedAt          *time.Time      `db:"closed_at"`
	Extensions        int             `db:"extensions"`
	MergedInto        sql.NullInt64   `db:"merged_into"`
	MergedIntoCode    sql.NullString  `db:"merged_into_code"`
	Rating            sql.NullInt64   `db:"rating"`
	RatingComment     string          `db:"rating_comment"`
	Restricted        bool            `db:"identity_restricted"`
	Sealed            []byte          `db:"identity_sealed"`
}

// TicketDetail returns the ticket with its timeline if it is within sc, else
// not_found. The citizen's identity is read through readIdentity: left out
// when the caller may not see it (a denunciation, or a ticket that was one),
// and its reading recorded when it is shown (Decree 13/2023).
func (s *Store) TicketDetail(ctx context.Context, sc domain.Scope, id int64) (domain.TicketDetail, error) {
	var q query
	q.where("t.id = " + q.arg(id))
	q.scope(sc, "t")
	var r detailRow
	err := s.db.GetContext(ctx, &r, `SELECT t.id, t.tracking_code, t.unit_id, u.code AS unit_code, u.name AS unit_name,
			t.department_id, d.code AS department_code, d.name AS department_name,
			t.category_id, c.code AS category_code, c.name AS category_name, t.assignee_id, a.name AS assignee_name,
			t.kind, t.channel, t.status, t.priority, t.title, t.body, t.citizen_name, t.citizen_phone,
			t.citizen_email, t.citizen_external_id, t.address, t.lat, t.lng, t.village, t.public, t.external_id,
			t.created_at, t.due_at, t.first_response_at, t.resolved_at, t.closed_at, t.extensions,
			t.merged_into, m.tracking_code AS merged_into_code, t.rating, t.rating_comment,
			t.identity_restricted, t.identity_sealed
		FROM tickets t JOIN units u ON u.id = t.unit_id
		LEFT JOIN departments d ON d.id = t.department_id
		LEFT JOIN categories c ON c.id = t.category_id
		LEFT JOIN users a ON a.id = t.assignee_id
		LEFT JOIN tickets m ON m.id = t.merged_into
		WHERE `+q.clause(), q.args...)
	if err != nil {
		return domain.TicketDetail{}, mapError(err, "phản ánh|ticket")
	}
	d := domain.TicketDetail{
		Ticket: domain.Ticket{ID: r.ID, TrackingCode: r.TrackingCode, UnitID: r.UnitID,
			DepartmentID: nullID(r.DepartmentID), CategoryID: nullID(r.CategoryID), AssigneeID: nullID(r.AssigneeID),
			Kind: domain.Kind(r.Kind), Channel: domain.Channel(r.Channel), Status: domain.Status(r.Status),
			Priority: r.Priority, Title: r.Title, Body: r.Body,
			Location: domain.Location{Village: r.Village},
			Public:   r.Public, ExternalID: r.ExternalID.String, CreatedAt: r.CreatedAt, DueAt: r.DueAt,
			FirstResponseAt: r.FirstResponseAt, ResolvedAt: r.ResolvedAt, ClosedAt: r.ClosedAt,
			Extensions: r.Extensions, MergedInto: nullID(r.MergedInto), RatingComment: r.RatingComment},
		UnitCode: r.UnitCode, UnitName: r.UnitName, CategoryCode: r.CategoryCode.String,
		CategoryName: r.CategoryName.String, DepartmentCode: r.DepartmentCode.String,
		DepartmentName: r.DepartmentName.String, AssigneeName: r.AssigneeName.String,
		MergedIntoCode: r.MergedIntoCode.String,
	}
	if r.Lat.Valid && r.Lng.Valid {
		d.Location.Lat, d.Location.Lng = &r.Lat.Float64, &r.Lng.Float64
	}
	if r.Rating.Valid {
		v := int(r.Rating.Int64)
		d.Rating = &v
	}
	ref := domain.TicketRef{UnitID: r.UnitID, DepartmentID: d.DepartmentID, AssigneeID: d.AssigneeID, Kind: d.Kind,
		Restricted: r.Restricted}
	d.Restricted = ref.IdentityRestricted()
	var shown bool
	d.Citizen, d.Location.Address, shown, err = s.readIdentity(ctx, sc, identitySource{ID: r.ID,
		TrackingCode: r.TrackingCode, Ref: ref, ExternalID: r.CitizenExternalID, Sealed: r.Sealed,
		Plain: identity{Name: r.CitizenName, Phone: r.CitizenPhone, Email: r.CitizenEmail, Address: r.Address}}, s.now())
	if err != nil {
		return domain.TicketDetail{}, err
	}
	d.IdentityHidden = !shown
	if d.IdentityHidden && d.Restricted {
		d.Location.Lat, d.Location.Lng = nil, nil // a denouncer's pin may be their door, like the address
	}
	if domain.Can(sc, domain.ActStatus, ref) {
		d.NextStatuses = domain.NextStatuses(d.Status)
	}
	if d.Events, err = listEvents(ctx, s.db, r.ID, d.IdentityHidden || d.Restricted); err != nil {
		return d, err
	}
	return d, nil
}

func listEvents(ctx context.Context, q sqlx.QueryerContext, ticketID int64, hideCitizen bool) ([]domain.Event, error) {
	var rows []struct {
		ID        int64          `db:"id"`
		Type      string         `db:"type"`
		ActorID   sql.NullInt64  `db:"actor_id"`
		Actor     sql.NullString `db:"actor"`
		Body      string         `db:"body"`
		Public    bool           `db:"public"`
		Data      []byte         `db:"data"`
		CreatedAt time.Time      `db:"created_at"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT e.id, e.type, e.actor_id, u.name AS actor, e.body, e.public,
			e.data, e.created_at
		FROM ticket_events e LEFT JOIN users u ON u.id = e.actor_id
		WHERE e.ticket_id = $1 ORDER BY e.id`, ticketID); err != nil {
		return nil, mapError(err, "")
	}
	out := make([]domain.Event, len(rows))
	for i, r := range rows {
		e := domain.Event{ID: r.ID, TicketID: ticketID, Type: domain.EventType(r.Type), ActorID: nullID(r.ActorID),
			Actor: r.Actor.String, Body: r.Body, Public: r.Public, CreatedAt: r.CreatedAt}
		_ = json.Unmarshal(r.Data, &e.Data)
		if hideCitizen && e.Data != nil {
			delete(e.Data, "sender_name")
			delete(e.Data, "sender_id")
		}
		out[i] = e
	}
	return out, nil
}

// workTicket is a ticket locked for a staff action within sc.
type workTicket struct {
	lockedTicket
	Channel          string        `db:"channel"`
	ThreadID         string        `db:"thread_id"`
	CategoryID       sql.NullInt64 `db:"category_id"`
	ChannelAccountID sql.NullInt64 `db:"channel_account_id"`
	LastCitizenAt    time.Time     `db:"last_citizen_at"`
	CitizenExternal  string        `db:"citizen_external_id"`
	TrackingCode     string        `db:"tracking_code"`
	Restricted       bool          `db:"identity_restricted"`
}

func (w workTicket) ref() domain.TicketRef {
	return domain.TicketRef{UnitID: w.UnitID, DepartmentID: w.DepartmentID, AssigneeID: w.AssigneeID,
		Kind: domain.Kind(w.Kind), Restricted: w.Restricted}
}

// lockForAction reads the ticket FOR UPDATE within sc (not_found outside it)
// and checks that sc may do a (forbidden otherwise).
func lockForAction(ctx context.Context, tx *sqlx.Tx, sc domain.Scope, id int64, a domain.Action) (workTicket, error) {
	var q query
	q.where("t.id = " + q.arg(id))
	q.scope(sc, "t")
	var w workTicket
	err := tx.GetContext(ctx, &w, `SELECT t.id, t.unit_id, t.department_id, t.assignee_id, t.status, t.kind,
			t.deadline_unit, t.created_at, t.due_at, t.paused_at, t.resolved_at, t.first_response_at, t.extensions,
			t.rating, t.channel, t.thread_id, t.category_id, t.channel_account_id, t.last_citizen_at,
			t.citizen_external_id, t.tracking_code, t.identity_restricted
		FROM tickets t WHERE `+q.clause()+` FOR UPDATE`, q.args...)
	if err != nil {
		return w, mapError(err, "phản ánh|ticket")
	}
	if !domain.Can(sc, a, w.ref()) {
		return w, domain.Forbidden()
	}
	return w, nil
}

// staffAction runs fn on the ticket locked within sc for action a, in one
// transaction.
func (s *Store) staffAction(ctx context.Context, sc domain.Scope, id int64, a domain.Action,
	fn func(tx *sqlx.Tx, w workTicket, now time.Time) error) error {
	now := s.now()
	return inTx(ctx, s.db, func(tx *sqlx.Tx) error {
		w, err := lockForAction(ctx, tx, sc, id, a)
		if err != nil {
			return err
		}
		return fn(tx, w, now)
	})
}

// takeUnhandled makes the caller the handler of a ticket that has none when
// they answer or resolve it, so that the ticket says who did the work: a
// head or staff member of its department, and never on a complaint or a
// denunciation (whose handler the head or the leader chooses); in the
// caller's transaction.
func takeUnhandled(ctx context.Context, tx *sqlx.Tx, sc domain.Scope, w workTicket, because string, now time.Time) error {
	if w.AssigneeID != nil || (sc.Role != domain.RoleHead && sc.Role != domain.RoleStaff) ||
		sc.DepartmentID == nil || w.DepartmentID == nil || *sc.DepartmentID != *w.DepartmentID ||
		!domain.MayAssign(sc, w.ref(), sc.UserID) {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tickets SET assignee_id = $2 WHERE id = $1`, w.ID, sc.UserID); err != nil {
		return mapError(err, "")
	}
	_, err := addEvent(ctx, tx, w.ID, domain.EventAssigned, actor(sc), "", false,
		map[string]any{"assignee_id": sc.UserID, "because": because}, now)
	return err
}

func actor(sc domain.Scope) *int64 {
	id := sc.UserID
	return &id
}

// AddNote adds an internal note, never shown to the citizen.
func (s *Store) AddNote(ctx context.Context, sc domain.Scope, id int64, body string) error {
	return s.staffAction(ctx, sc, id, domain.ActNote, func(tx *sqlx.Tx, w workTicket, now time.Time) error {
		_, err := addEvent(ctx, tx, w.ID, domain.EventNote, actor(sc), body, false, nil, now)
		if err == nil {
			_, err = tx.ExecContext(ctx, "UPDATE tickets SET updated_at = $2 WHERE id = $1", w.ID, now)
		}
		return mapError(err, "")
	})
}

// ChangeStatus moves the ticket along the status machine (conflict for a
// move it does not allow). Waiting for the citizen stops the clock; leaving
// that status restarts it with the due time pushed by the pause.
func (s *Store) ChangeStatus(ctx context.Context, sc domain.Scope, id int64, to domain.Status, note string) (domain.Status, error) {
	var from domain.Status
	err := s.staffAction(ctx, sc, id, domain.ActStatus, func(tx *sqlx.Tx, w workTicket, now time.Time) error {
		from = domain.Status(w.Status)
		return s.changeStatus(ctx, tx, sc, w, to, note, now)
	})
	return from, err
}

// Resolve resolves the ticket with its public result: the answer the
// citizen reads (on the tracking page, and sent on the ticket's channel as
// a reply is), then the change to resolved with the internal note, in one
// transaction. The caller must be allowed both to reply and to change the
// status. It returns the reply's delivery, and the errors of AddReply and
// ChangeStatus.
func (s *Store) Resolve(ctx context.Context, sc domain.Scope, id int64, note, result string) (domain.ReplyResult, error) {
	var res domain.ReplyResult
	err := s.staffAction(ctx, sc, id, domain.ActStatus, func(tx *sqlx.Tx, w workTicket, now time.Time) error {
		if !domain.Can(sc, domain.ActReply, w.ref()) {
			return domain.Forbidden()
		}
		var err error
		if res, err = s.reply(ctx, tx, sc, w, result, now); err != nil {
			return err
		}
		if w, err = lockForAction(ctx, tx, sc, w.ID, domain.ActStatus); err != nil { // as the reply left it
			return err
		}
		return s.changeStatus(ctx, tx, sc, w, domain.StatusResolved, note, now) // a refusal rolls the reply back too
	})
	return res, err
}

// changeStatus is ChangeStatus on the ticket w, locked in tx.
func (s *Store) changeStatus(ctx context.Context, tx *sqlx.Tx, sc domain.Scope, w workTicket, to domain.Status, note string, now time.Time) error {
	from := domain.Status(w.Status)
	if !domain.CanTransition(from, to) {
		return domain.Conflict(fmt.Sprintf("Không thể chuyển phản ánh từ trạng thái %s sang %s.", from, to),
			fmt.Sprintf("A ticket cannot move from %s to %s.", from, to))
	}
	if to == domain.StatusDuplicate {
		return domain.Invalid("Hãy dùng chức năng gộp phản ánh để đánh dấu trùng lặp.",
			"Use merge to mark a ticket as a duplicate.", map[string]string{"status": "use_merge"})
	}
	due, paused := w.DueAt, w.PausedAt
	if from == domain.StatusWaitingCitizen {
		d, err := s.resumeClock(ctx, w.lockedTicket, now)
		if err != nil {
			return err
		}
		due, paused = d, nil
	}
	if to == domain.StatusWaitingCitizen {
		paused = &now
	}
	if to == domain.StatusResolved {
		if err := takeUnhandled(ctx, tx, sc, w, "resolve", now); err != nil {
			return err
		}
	}
	set := `status = $2, due_at = $3, paused_at = $4, updated_at = $5`
	switch to {
	case domain.StatusResolved:
		set += `, resolved_at = $5, first_response_at = coalesce(first_response_at, $5)`
	case domain.StatusClosed, domain.StatusRejected:
		set += `, closed_at = $5`
	case domain.StatusInProgress:
		if from == domain.StatusResolved {
			set += `, resolved_at = NULL`
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tickets SET `+set+` WHERE id = $1`, w.ID, string(to), due, paused, now); err != nil {
		return mapError(err, "")
	}
	_, err := addEvent(ctx, tx, w.ID, domain.EventStatus, actor(sc), note, false,
		map[string]any{"from": from, "to": to, "due_at": due}, now)
	return err
}
