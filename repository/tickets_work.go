package repository

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
)

// AddReply adds a public answer, shown to the citizen and, for tickets from
// Facebook or Zalo within the platform's window, queued for sending there in
// the same transaction. The first reply is the first response; a reply
// moves a new or assigned ticket to in_progress, and makes a head or staff
// member who answers a ticket without a handler its handler (takeUnhandled).
func (s *Store) AddReply(ctx context.Context, sc domain.Scope, id int64, body string) (domain.ReplyResult, error) {
	var res domain.ReplyResult
	err := s.staffAction(ctx, sc, id, domain.ActReply, func(tx *sqlx.Tx, w workTicket, now time.Time) error {
		var err error
		res, err = s.reply(ctx, tx, sc, w, body, now)
		return err
	})
	return res, err
}

// reply is AddReply on the ticket w, locked in tx.
func (s *Store) reply(ctx context.Context, tx *sqlx.Tx, sc domain.Scope, w workTicket, body string, now time.Time) (domain.ReplyResult, error) {
	var res domain.ReplyResult
	st := domain.Status(w.Status)
	if !st.Open() && st != domain.StatusResolved {
		return res, errTicketClosed
	}
	kind, window := s.route(domain.Channel(w.Channel))
	data := map[string]any{}
	switch {
	case kind == "":
		res.Delivery = "shown" // on the tracking page only
	case !w.ChannelAccountID.Valid || w.ThreadID == "":
		res.Delivery, res.Reason = "not_sent", "no channel account or thread to answer"
	case window > 0 && now.Sub(w.LastCitizenAt) > window:
		res.Delivery = "not_sent"
		res.Reason = fmt.Sprintf("the platform's %s reply window has passed", window)
	default:
		res.Delivery = "queued"
	}
	data["delivery"] = res.Delivery
	if res.Reason != "" {
		data["reason"] = res.Reason
	}
	if err := takeUnhandled(ctx, tx, sc, w, "reply", now); err != nil {
		return res, err
	}
	eventID, err := addEvent(ctx, tx, w.ID, domain.EventReply, actor(sc), body, true, data, now)
	if err != nil {
		return res, err
	}
	res.EventID = eventID
	if res.Delivery == "queued" {
		if _, err := EnqueueOutbox(ctx, tx, domain.OutboxMessage{Kind: kind, TicketID: &w.ID, EventID: &eventID,
			Payload: domain.ReplyPayload{TicketID: w.ID, ChannelAccountID: w.ChannelAccountID.Int64,
				Recipient: w.ThreadID, Text: body, LastCitizenAt: &w.LastCitizenAt}}); err != nil {
			return res, err
		}
	}
	status := w.Status
	if st == domain.StatusNew || st == domain.StatusAssigned {
		status = string(domain.StatusInProgress)
		if _, err := addEvent(ctx, tx, w.ID, domain.EventStatus, actor(sc), "", false,
			map[string]any{"from": st, "to": status, "because": "reply"}, now); err != nil {
			return res, err
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE tickets SET status = $2, first_response_at = coalesce(first_response_at, $3),
		updated_at = $3 WHERE id = $1`, w.ID, status, now)
	return res, mapError(err, "")
}

// Extend pushes the due time by amount of the kind's extension unit, with a
// reason, as many times as the kind's legal clock allows (conflict after).
func (s *Store) Extend(ctx context.Context, sc domain.Scope, id int64, amount int, reason string) (time.Time, error) {
	var due time.Time
	err := s.staffAction(ctx, sc, id, domain.ActExtend, func(tx *sqlx.Tx, w workTicket, now time.Time) error {
		if !domain.Status(w.Status).Open() {
			return errTicketClosed
		}
		cat, err := s.Catalog(ctx, w.UnitID)
		if err != nil {
			return err
		}
		rule := cat.KindRules[domain.Kind(w.Kind)]
		if !rule.CanExtend(w.Extensions) {
			return domain.Conflict(fmt.Sprintf("Phản ánh loại này chỉ được gia hạn tối đa %d lần.", rule.MaxExtensions),
				fmt.Sprintf("Tickets of this kind may be extended at most %d times.", rule.MaxExtensions))
		}
		if amount < 1 || amount > rule.Extension.Amount {
			return domain.Invalid(fmt.Sprintf("Số ngày gia hạn phải từ 1 đến %d.", rule.Extension.Amount),
				fmt.Sprintf("The extension must be from 1 to %d.", rule.Extension.Amount), map[string]string{"days": "invalid"})
		}
		ext := domain.Deadline{Amount: amount, Unit: rule.Extension.Unit}
		from := now
		if w.DueAt != nil {
			from = *w.DueAt
		}
		due = cat.Calendar.Extend(from, ext)
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET due_at = $2, extensions = extensions + 1, updated_at = $3
			WHERE id = $1`, w.ID, due, now); err != nil {
			return mapError(err, "")
		}
		_, err = addEvent(ctx, tx, w.ID, domain.EventExtended, actor(sc), reason, false,
			map[string]any{"from": w.DueAt, "to": due, "extension": ext, "count": w.Extensions + 1}, now)
		return err
	})
	return due, err
}

// Merge marks the ticket a duplicate of another open ticket of the same
// unit (by tracking code) that the caller can also reach.
func (s *Store) Merge(ctx context.Context, sc domain.Scope, id int64, intoCode string) (string, error) {
	var into string
	err := s.staffAction(ctx, sc, id, domain.ActMerge, func(tx *sqlx.Tx, w workTicket, now time.Time) error {
		if !domain.Status(w.Status).Open() {
			return errTicketClosed
		}
		var q query
		q.where("t.tracking_code = " + q.arg(intoCode))
		q.scope(sc, "t")
		var target struct {
			ID     int64  `db:"id"`
			UnitID int64  `db:"unit_id"`
			Status string `db:"status"`
			Code   string `db:"tracking_code"`
		}
		if err := tx.GetContext(ctx, &target, `SELECT t.id, t.unit_id, t.status, t.tracking_code FROM tickets t
			WHERE `+q.clause()+` FOR UPDATE`, q.args...); err != nil {
			if isNoRows(err) {
				return domain.Invalid("Không tìm thấy phản ánh để gộp vào.", "No such ticket to merge into.",
					map[string]string{"into": "unknown"})
			}
			return mapError(err, "")
		}
		if target.ID == w.ID || target.UnitID != w.UnitID || !domain.Status(target.Status).Open() {
			return domain.Invalid("Chỉ gộp được vào một phản ánh khác, đang xử lý, cùng đơn vị.",
				"A ticket can be merged only into another open ticket of the same unit.", map[string]string{"into": "invalid"})
		}
		into = target.Code
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET status = 'duplicate', merged_into = $2, closed_at = $3,
			updated_at = $3 WHERE id = $1`, w.ID, target.ID, now); err != nil {
			return mapError(err, "")
		}
		if _, err := addEvent(ctx, tx, w.ID, domain.EventMerged, actor(sc), "", false,
			map[string]any{"into": target.Code, "from_status": w.Status}, now); err != nil {
			return err
		}
		_, err := addEvent(ctx, tx, target.ID, domain.EventMerged, actor(sc), "", false,
			map[string]any{"merged": w.TrackingCode}, now)
		return err
	})
	return into, err
}

// UpdateTicket changes category, kind, priority, department (a transfer) and
// assignee, each checked against the caller's rights (forbidden, nothing
// changed, otherwise); every change is an event with its reason. A change
// of kind from or to a complaint or a denunciation is the leader's, with a
// reason; a complaint's or denunciation's handler is chosen, and the
// ticket moved, by its department's head or the leader, never by the
// handler; a ticket that becomes a denunciation has its citizen sealed for
// good and its handler chosen anew. A change of category or kind on a ticket never
// extended recomputes its due time from its creation.
func (s *Store) UpdateTicket(ctx context.Context, sc domain.Scope, id int64, u domain.TicketUpdate) error {
	return s.staffAction(ctx, sc, id, domain.ActView, func(tx *sqlx.Tx, w workTicket, now time.Time) error {
		if !domain.Status(w.Status).Open() {
			return errTicketClosed
		}
		cat, err := s.Catalog(ctx, w.UnitID)
		if err != nil {
			return err
		}
		ref := w.ref()
		need := func(a domain.Action) error {
			if !domain.Can(sc, a, ref) {
				return domain.Forbidden()
			}
			return nil
		}
		categoryID, kind := nullID(w.CategoryID), domain.Kind(w.Kind)
		recompute := false
		if u.Category != nil || u.Priority != nil {
			if err := need(domain.ActUpdate); err != nil {
				return err
			}
		}
		if u.Kind != nil && *u.Kind != kind {
			if !domain.MayChangeKind(sc, ref, *u.Kind) {
				return domain.Forbidden()
			}
			if (ref.Guarded() || u.Kind.Guarded()) && u.Reason == "" { // the leader's decision: said why
				return domain.Invalid("Hãy ghi lý do đổi loại đơn.", "Give a reason for changing the kind.",
					map[string]string{"reason": "required"})
			}
		}
		if u.AssigneeID != nil && !domain.MayAssign(sc, ref, *u.AssigneeID) {
			return domain.Forbidden()
		}
		if u.Category != nil {
			c, ok := cat.CategoryByCode(*u.Category)
			if !ok || !c.Active {
				return domain.Invalid("Lĩnh vực không tồn tại.", "No such category.", map[string]string{"category": "unknown"})
			}
			if categoryID == nil || *categoryID != c.ID {
				categoryID, recompute = &c.ID, true
				if _, err := addEvent(ctx, tx, w.ID, domain.EventUpdated, actor(sc), u.Reason, false,
					map[string]any{"field": "category", "to": c.Code}, now); err != nil {
					return err
				}
			}
		}
		if u.Kind != nil && *u.Kind != kind {
			if !u.Kind.Valid() {
				return domain.Invalid("Loại phản ánh không hợp lệ.", "Unknown kind.", map[string]string{"kind": "invalid"})
			}
			if _, err := addEvent(ctx, tx, w.ID, domain.EventUpdated, actor(sc), u.Reason, false,
				map[string]any{"field": "kind", "from": kind, "to": *u.Kind}, now); err != nil {
				return err
			}
			kind, recompute = *u.Kind, true
			if kind == domain.KindDenunciation && !w.Restricted {
				if err := restrictIdentity(ctx, tx, s.sealer, w.ID, identity{}); err != nil {
					return err
				}
			}
		}
		due := w.DueAt
		if recompute && w.Extensions == 0 {
			var catDeadline domain.Deadline
			if categoryID != nil {
				if c, ok := cat.Category(*categoryID); ok {
					catDeadline = c.Deadline
				}
			}
			d := cat.Calendar.Due(w.CreatedAt, domain.TicketDeadline(kind, catDeadline, cat.KindRules))
			due = &d
		}
		priority := -1
		if u.Priority != nil {
			if *u.Priority < 0 || *u.Priority > 3 {
				return domain.Invalid("Mức ưu tiên phải từ 0 đến 3.", "Priority must be from 0 to 3.", map[string]string{"priority": "invalid"})
			}
			priority = *u.Priority
		}
		deptID, assignee := w.DepartmentID, w.AssigneeID
		if u.Department != nil {
			d, ok := cat.DepartmentByCode(*u.Department)
			if !ok || !d.Active {
				return domain.Invalid("Phòng ban không tồn tại.", "No such department.", map[string]string{"department": "unknown"})
			}
			if deptID == nil || *deptID != d.ID {
				if err := need(domain.ActTransfer); err != nil {
					return err
				}
				if !domain.MayTransfer(sc, ref) {
					return domain.Forbidden()
				}
				if u.Reason == "" {
					return domain.Invalid("Hãy ghi lý do chuyển phòng ban.", "Give a reason for the transfer.", map[string]string{"reason": "required"})
				}
				if _, err := addEvent(ctx, tx, w.ID, domain.EventTransferred, actor(sc), u.Reason, false,
					map[string]any{"to": d.Code}, now); err != nil {
					return err
				}
				deptID, assignee = &d.ID, nil
			}
		}
		status := w.Status
		if kind == domain.KindDenunciation && domain.Kind(w.Kind) != domain.KindDenunciation &&
			u.AssigneeID == nil && assignee != nil {
			// Its handler was chosen for a feedback, perhaps by themselves:
			// a denunciation's handler, who sees the denouncer, is the head's
			// or the leader's choice, made anew.
			assignee = nil
			if status == string(domain.StatusAssigned) {
				status = string(domain.StatusNew)
			}
			if _, err := addEvent(ctx, tx, w.ID, domain.EventAssigned, actor(sc), u.Reason, false,
				map[string]any{"assignee_id": nil, "because": "denunciation"}, now); err != nil {
				return err
			}
		}
		if u.AssigneeID != nil {
			newDept, err := checkAssignee(ctx, tx, sc, deptID, w.UnitID, *u.AssigneeID, u.Reason)
			if err != nil {
				return err
			}
			deptID = newDept
			if *u.AssigneeID == 0 {
				assignee = nil
			} else {
				assignee = u.AssigneeID
				if status == string(domain.StatusNew) {
					status = string(domain.StatusAssigned)
				}
			}
			if _, err := addEvent(ctx, tx, w.ID, domain.EventAssigned, actor(sc), u.Reason, false,
				map[string]any{"assignee_id": assignee}, now); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `UPDATE tickets SET category_id = $2, kind = $3, due_at = $4,
			priority = CASE WHEN $5 >= 0 THEN $5 ELSE priority END, department_id = $6, assignee_id = $7,
			status = $8, updated_at = $9 WHERE id = $1`,
			w.ID, categoryID, string(kind), due, priority, deptID, assignee, status, now)
		return mapError(err, "")
	})
}

// checkAssignee enforces who may assign whom: staff only themselves, heads
// within the ticket's department, leaders and admins anyone of the unit's
// departments; a reassignment across departments needs a reason and moves
// the ticket to the assignee's department. It returns the ticket's department.
func checkAssignee(ctx context.Context, tx *sqlx.Tx, sc domain.Scope, deptID *int64, unitID, assignee int64, reason string) (*int64, error) {
	if assignee == 0 {
		if sc.Role == domain.RoleStaff {
			return nil, domain.Forbidden()
		}
		return deptID, nil
	}
	var u struct {
		UnitID int64         `db:"unit_id"`
		DeptID sql.NullInt64 `db:"department_id"`
	}
	if err := tx.GetContext(ctx, &u, `SELECT unit_id, department_id FROM users WHERE id = $1 AND active
		AND role IN ('head', 'staff')`, assignee); err != nil {
		if isNoRows(err) {
			return nil, domain.Invalid("Không có cán bộ này.", "No such staff member.", map[string]string{"assignee": "unknown"})
		}
		return nil, mapError(err, "")
	}
	sameDept := deptID != nil && u.DeptID.Valid && u.DeptID.Int64 == *deptID
	switch sc.Role {
	case domain.RoleStaff:
		if assignee != sc.UserID || !sameDept {
			return nil, domain.Forbidden()
		}
	case domain.RoleHead:
		// Within the ticket's department, and the head's own: a head who
		// transfers a ticket does not choose the other department's handler.
		ownDept := sc.DepartmentID != nil && u.DeptID.Valid && u.DeptID.Int64 == *sc.DepartmentID
		if !sameDept || !ownDept {
			return nil, domain.Invalid("Chỉ giao được cho cán bộ trong phòng.", "Assign only within the department.",
				map[string]string{"assignee": "other_department"})
		}
	default:
		if u.UnitID != unitID {
			return nil, domain.Invalid("Cán bộ không thuộc đơn vị này.", "The staff member is not of this unit.",
				map[string]string{"assignee": "other_unit"})
		}
		if !sameDept {
			if reason == "" {
				return nil, domain.Invalid("Hãy ghi lý do giao cho phòng ban khác.", "Give a reason to assign across departments.",
					map[string]string{"reason": "required"})
			}
			return nullID(u.DeptID), nil // the ticket follows its handler
		}
	}
	return deptID, nil
}

// SimilarTickets returns up to 10 tickets of the same unit from the last 60
// days whose text resembles this one's (trigram similarity over the folded
// title and body), most similar first: likely duplicates. Only tickets
// within sc are considered.
func (s *Store) SimilarTickets(ctx context.Context, sc domain.Scope, id int64) ([]domain.TicketItem, error) {
	var q query
	q.where("t.id = " + q.arg(id))
	q.scope(sc, "t")
	var base struct {
		UnitID    int64     `db:"unit_id"`
		Text      string    `db:"text"`
		CreatedAt time.Time `db:"created_at"`
	}
	if err := s.db.GetContext(ctx, &base, `SELECT t.unit_id, ticket_search_text(t.title, t.body) AS text, t.created_at
		FROM tickets t WHERE `+q.clause(), q.args...); err != nil {
		return nil, mapError(err, "phản ánh|ticket")
	}
	var sq query
	sq.scope(sc, "t")
	sq.where("t.unit_id = " + sq.arg(base.UnitID))
	sq.where("t.id <> " + sq.arg(id))
	sq.where("t.created_at > " + sq.arg(s.now().Add(-60*24*time.Hour)))
	text := sq.arg(base.Text)
	sq.where("ticket_search_text(t.title, t.body) % " + text)
	rows, err := s.selectItems(ctx, `SELECT `+itemColumns+`
		FROM tickets t LEFT JOIN users a ON a.id = t.assignee_id
		WHERE `+sq.clause()+`
		ORDER BY similarity(ticket_search_text(t.title, t.body), `+text+`) DESC, t.id DESC LIMIT 10`, sq.args...)
	if err != nil {
		return nil, err
	}
	return s.items(ctx, rows, s.now())
}
