package domain

import "time"

// Action is something staff do to a ticket.
type Action string

// The actions of the ticket workflow.
const (
	ActView     Action = "view"
	ActReply    Action = "reply"    // a public answer to the citizen
	ActNote     Action = "note"     // an internal note
	ActStatus   Action = "status"   // move along the status machine
	ActExtend   Action = "extend"   // extend the deadline
	ActMerge    Action = "merge"    // merge into another ticket
	ActUpdate   Action = "update"   // category, kind, priority
	ActTransfer Action = "transfer" // to another department
	ActAssign   Action = "assign"   // to a person
)

// TicketRef is what permission checks look at: where a ticket is and who has it.
type TicketRef struct {
	UnitID       int64
	DepartmentID *int64
	AssigneeID   *int64
	Kind         Kind
	// Restricted: the ticket is or was once a denunciation, so its
	// citizen's identity stays the denouncer's whatever its kind becomes.
	Restricted bool
}

// IdentityRestricted reports whether only the leader and the assigned
// handler may see the ticket's citizen: a denunciation, or a ticket that
// ever was one (Law on Denunciations 2018: the denouncer is protected).
func (t TicketRef) IdentityRestricted() bool {
	return t.Restricted || t.Kind == KindDenunciation
}

// RestrictedSummary stands in reports and exports for the words of a
// ticket whose identity is restricted: a denouncer's text may name them.
const RestrictedSummary = "(Nội dung đơn tố cáo được bảo mật)"

// Guarded reports whether the ticket's kind and assignment are guarded:
// a complaint or a denunciation, or a ticket whose identity is restricted.
func (t TicketRef) Guarded() bool {
	return t.IdentityRestricted() || t.Kind.Guarded()
}

// Guarded reports whether k follows a law's own procedure (complaints and
// denunciations), so that changing a ticket to or from it is the leader's
// decision.
func (k Kind) Guarded() bool { return k == KindComplaint || k == KindDenunciation }

// Can reports whether a caller with scope sc may do a on ticket t, which is
// already known to be within sc (the query found it). Admins may do
// everything; leaders read, note, transfer and reassign; heads and staff
// work their department's tickets, staff assigning only themselves.
func Can(sc Scope, a Action, t TicketRef) bool {
	switch sc.Role {
	case RoleAdmin:
		return true
	case RoleLeader:
		return a == ActView || a == ActNote || a == ActAssign || a == ActTransfer
	case RoleHead, RoleStaff:
		if sc.DepartmentID == nil || t.DepartmentID == nil || *sc.DepartmentID != *t.DepartmentID {
			return false
		}
		return true
	}
	return false
}

// MaySeeIdentity reports whether the caller may see the citizen's personal
// data: anyone whose scope holds the ticket, except for a ticket whose
// identity is restricted (a denunciation, or one that ever was), whose
// citizen only the leader and the assigned handler may see.
func MaySeeIdentity(sc Scope, t TicketRef) bool {
	if !t.IdentityRestricted() {
		return true
	}
	return sc.Role == RoleLeader || (t.AssigneeID != nil && *t.AssigneeID == sc.UserID)
}

// MayAssign reports whether the caller, already allowed to assign by Can
// and by the department rules, may set a guarded ticket's handler to
// assignee (0: nobody): only the head of the ticket's department or the
// leader, and never to themselves, since the handler of a denunciation sees
// the denouncer. Tickets that are not guarded answer true.
func MayAssign(sc Scope, t TicketRef, assignee int64) bool {
	if !t.Guarded() {
		return true
	}
	if assignee != 0 && assignee == sc.UserID {
		return false
	}
	return leaderOrItsHead(sc, t)
}

// MayTransfer reports whether the caller, already allowed to transfer by
// Can, may move a guarded ticket to another department: only the head of
// its department or the leader (moving it takes it from its handler).
// Tickets that are not guarded answer true.
func MayTransfer(sc Scope, t TicketRef) bool {
	return !t.Guarded() || leaderOrItsHead(sc, t)
}

// leaderOrItsHead reports whether the caller is a leader or the head of the
// ticket's department: who decides who handles a guarded ticket.
func leaderOrItsHead(sc Scope, t TicketRef) bool {
	switch sc.Role {
	case RoleLeader:
		return true
	case RoleHead:
		return sc.DepartmentID != nil && t.DepartmentID != nil && *sc.DepartmentID == *t.DepartmentID
	}
	return false
}

// MayChangeKind reports whether the caller may change the ticket's kind
// to: a change from or to a complaint or a denunciation is the leader's
// alone (it changes the legal clock and who may see the citizen); other
// changes need the update right of Can.
func MayChangeKind(sc Scope, t TicketRef, to Kind) bool {
	if t.Kind.Guarded() || to.Guarded() || t.IdentityRestricted() {
		return sc.Role == RoleLeader
	}
	return Can(sc, ActUpdate, t)
}

// Cursor is a position in the queue: after the ticket due at DueAt with ID.
type Cursor struct {
	DueAt time.Time
	ID    int64
}

// TicketFilter selects the staff queue. Empty fields match anything;
// Statuses empty means the open statuses; codes are matched in every unit
// of the scope.
type TicketFilter struct {
	Unit       string
	Statuses   []Status
	Department string
	Category   string
	Kind       Kind
	Channel    Channel
	AssigneeID *int64
	Overdue    bool
	Query      string // diacritic-insensitive words, all of which must appear
	After      *Cursor
	Limit      int
}

// TicketItem is a row of the staff queue.
type TicketItem struct {
	ID             int64
	TrackingCode   string
	Title          string
	Status         Status
	Kind           Kind
	Channel        Channel
	UnitCode       string
	UnitName       string
	CategoryCode   string
	CategoryName   string
	DepartmentCode string
	DepartmentName string
	AssigneeID     *int64
	AssigneeName   string
	CreatedAt      time.Time
	DueAt          time.Time
	Overdue        bool
}

// TicketDetail is a ticket as staff see it, with its timeline. Citizen is
// empty when the caller may not see the citizen's identity (IdentityHidden).
type TicketDetail struct {
	Ticket
	UnitCode       string
	UnitName       string
	CategoryCode   string
	CategoryName   string
	DepartmentCode string
	DepartmentName string
	AssigneeName   string
	MergedIntoCode string
	IdentityHidden bool
	Restricted     bool // the identity is the leader's and the handler's alone (a denunciation, or was one)
	Events         []Event
	NextStatuses   []Status
	Attachments    []Attachment
}

// TicketUpdate is a change of a ticket's fields (PATCH); nil means unchanged.
type TicketUpdate struct {
	Category   *string // category code
	Department *string // department code: a transfer
	AssigneeID *int64  // 0 means unassign
	Priority   *int
	Kind       *Kind
	Reason     string
}

// ReplyResult says what became of a public reply: "queued" for sending on
// the ticket's channel, "shown" on the tracking page only (web, hotline...),
// or "not_sent" on the channel with the Reason (e.g. Messenger's 24-hour
// window has passed); the reply is kept on the ticket in every case.
type ReplyResult struct {
	EventID  int64
	Delivery string
	Reason   string
}

// Ref returns what permission checks look at of the ticket.
func (d TicketDetail) Ref() TicketRef {
	return TicketRef{UnitID: d.UnitID, DepartmentID: d.DepartmentID, AssigneeID: d.AssigneeID, Kind: d.Kind,
		Restricted: d.Restricted}
}
