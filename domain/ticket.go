package domain

import "time"

// Kind is the legal kind of a ticket (loại).
type Kind string

// The kinds of DESIGN.md.
const (
	KindFeedback     Kind = "feedback"     // phản ánh
	KindPetition     Kind = "petition"     // kiến nghị
	KindInquiry      Kind = "inquiry"      // hỏi đáp
	KindComplaint    Kind = "complaint"    // khiếu nại
	KindDenunciation Kind = "denunciation" // tố cáo
)

// Kinds lists every kind in display order.
var Kinds = []Kind{KindFeedback, KindPetition, KindInquiry, KindComplaint, KindDenunciation}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

// Channel is where a ticket came from.
type Channel string

// The channels of DESIGN.md.
const (
	ChannelWeb             Channel = "web"
	ChannelFacebookComment Channel = "facebook_comment"
	ChannelFacebookMessage Channel = "facebook_message"
	ChannelZalo            Channel = "zalo"
	ChannelOpen311         Channel = "open311"
	ChannelHotline         Channel = "hotline"
	ChannelWalkIn          Channel = "walk_in"
	ChannelEmail           Channel = "email"
)

// Channels lists every channel.
var Channels = []Channel{ChannelWeb, ChannelFacebookComment, ChannelFacebookMessage, ChannelZalo,
	ChannelOpen311, ChannelHotline, ChannelWalkIn, ChannelEmail}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	for _, x := range Channels {
		if c == x {
			return true
		}
	}
	return false
}

// Status is a ticket's place in its workflow.
type Status string

// The statuses of DESIGN.md.
const (
	StatusNew            Status = "new"
	StatusAssigned       Status = "assigned"
	StatusInProgress     Status = "in_progress"
	StatusWaitingCitizen Status = "waiting_citizen"
	StatusResolved       Status = "resolved"
	StatusClosed         Status = "closed"
	StatusRejected       Status = "rejected"
	StatusDuplicate      Status = "duplicate"
)

// Statuses lists every status in workflow order.
var Statuses = []Status{StatusNew, StatusAssigned, StatusInProgress, StatusWaitingCitizen,
	StatusResolved, StatusClosed, StatusRejected, StatusDuplicate}

// OpenStatuses are the statuses of tickets still being worked on (the queue).
var OpenStatuses = []Status{StatusNew, StatusAssigned, StatusInProgress, StatusWaitingCitizen}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, x := range Statuses {
		if s == x {
			return true
		}
	}
	return false
}

// Open reports whether a ticket in status s is still being worked on.
func (s Status) Open() bool {
	for _, x := range OpenStatuses {
		if s == x {
			return true
		}
	}
	return false
}

// transitions is the status machine: from → allowed targets chosen by staff.
// Reopening a resolved ticket is the citizen's move (StatusResolved → StatusInProgress).
var transitions = map[Status][]Status{
	StatusNew:            {StatusAssigned, StatusInProgress, StatusRejected, StatusDuplicate},
	StatusAssigned:       {StatusInProgress, StatusRejected, StatusDuplicate},
	StatusInProgress:     {StatusWaitingCitizen, StatusResolved, StatusRejected, StatusDuplicate},
	StatusWaitingCitizen: {StatusInProgress, StatusResolved, StatusRejected, StatusDuplicate},
	StatusResolved:       {StatusClosed, StatusInProgress},
}

// NextStatuses returns the statuses staff may move a ticket to from s.
func NextStatuses(s Status) []Status { return append([]Status(nil), transitions[s]...) }

// CanTransition reports whether the status machine allows from → to.
func CanTransition(from, to Status) bool {
	for _, x := range transitions[from] {
		if x == to {
			return true
		}
	}
	return false
}

// ReopenWindow is how long after resolution a citizen may reopen a ticket.
const ReopenWindow = 30 * 24 * time.Hour

// ThreadWindow is how long an inbound message from the same sender joins
// that sender's open ticket in the same unit instead of opening a new one.
const ThreadWindow = 7 * 24 * time.Hour

// Citizen is the personal data a citizen chose to give. Every field may be empty.
type Citizen struct {
	Name       string `json:"name,omitempty"`
	Phone      string `json:"phone,omitempty"`
	Email      string `json:"email,omitempty"`
	ExternalID string `json:"external_id,omitempty"` // page-scoped id, Zalo user id
}

// Empty reports whether no personal data was given.
func (c Citizen) Empty() bool {
	return c.Name == "" && c.Phone == "" && c.Email == "" && c.ExternalID == ""
}

// Location is where the feedback is about. Lat/Lng are nil when unknown.
type Location struct {
	Address string   `json:"address,omitempty"`
	Lat     *float64 `json:"lat,omitempty"`
	Lng     *float64 `json:"lng,omitempty"`
	Village string   `json:"village,omitempty"` // thôn, xóm, tổ dân phố
}

// Ticket is one piece of feedback and its handling.
type Ticket struct {
	ID              int64
	TrackingCode    string
	UnitID          int64
	DepartmentID    *int64
	CategoryID      *int64
	AssigneeID      *int64
	Kind            Kind
	Channel         Channel
	Status          Status
	Priority        int
	Title           string
	Body            string
	Citizen         Citizen
	Location        Location
	Public          bool
	ExternalID      string // the channel's id of the first message, for idempotency
	CreatedAt       time.Time
	DueAt           *time.Time
	FirstResponseAt *time.Time
	ResolvedAt      *time.Time
	ClosedAt        *time.Time
	Extensions      int
	MergedInto      *int64
	Rating          *int
	RatingComment   string
}

// Overdue reports whether the ticket is open and past its due time at now.
func (t *Ticket) Overdue(now time.Time) bool {
	return t.Status.Open() && t.Status != StatusWaitingCitizen && t.DueAt != nil && now.After(*t.DueAt)
}

// EventType names what a timeline event records.
type EventType string

// Timeline event types.
const (
	EventCreated      EventType = "created"
	EventRouted       EventType = "routed"
	EventStatus       EventType = "status"
	EventAssigned     EventType = "assigned"
	EventTransferred  EventType = "transferred"
	EventReply        EventType = "reply" // public answer to the citizen
	EventNote         EventType = "note"  // internal note
	EventCitizenMsg   EventType = "citizen_message"
	EventExtended     EventType = "extended"
	EventMerged       EventType = "merged"
	EventRated        EventType = "rated"
	EventEscalated    EventType = "escalated"
	EventReminded     EventType = "reminded"
	EventUpdated      EventType = "updated"
	EventEdited       EventType = "external_edited"
	EventRemoved      EventType = "external_removed"
	EventDeliveryFail EventType = "delivery_failed"
	EventDelivered    EventType = "delivered"
	EventPersonalRead EventType = "personal_data_read"
	EventReopened     EventType = "reopened"
)

// Event is one entry of a ticket's timeline: who, when, what, why.
type Event struct {
	ID        int64
	TicketID  int64
	Type      EventType
	ActorID   *int64 // nil for the citizen or the system
	Actor     string // display name, filled on read
	Body      string
	Public    bool
	Data      map[string]any
	CreatedAt time.Time
}

// Inbound is a message that arrived on a channel (Facebook, Zalo, ...),
// parsed from the platform's payload but not yet stored.
type Inbound struct {
	Channel     Channel
	AccountID   string // page id or OA id: which unit it belongs to
	ExternalID  string // unique per channel: comment id+verb, message mid, Zalo msg_id
	ThreadID    string // what a reply answers: comment id, sender id
	Verb        string // "add", "edited", "remove" for comments; "" for messages
	SenderID    string
	SenderName  string
	Text        string
	Attachments []Attachment
	Location    *Location
	SentAt      time.Time
}

// Attachment is a file or link sent with an inbound message.
type Attachment struct {
	Type string // image, file, link, video, audio, location, sticker
	URL  string
	Name string
}
