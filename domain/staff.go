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
}

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
// data: anyone whose scope holds the ticket, except for a denunciation,
// whose denouncer only the leader and the assigned handler may see.
func MaySeeIdentity(sc Scope, t TicketRef) bool {
	if t.Kind != KindDenunciation {
		return true
	}
	return sc.Role == RoleLeader || (t.AssigneeID != nil && *t.AssigneeID == sc.UserID)
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
