package domain

import (
	"encoding/json"
	"time"
)

// The transactional outbox: work to do outside the request (a reply on a
// channel, an e-mail, a Zalo message to staff) is a row that commits with
// the change that asks for it, claimed and sent by the jobs' worker. These
// are its contracts, shared by the writers (repository, cmd/caunoi) and the
// senders (jobs).

// Outbox kinds: which sender delivers a row.
const (
	OutboxFacebookComment = "facebook_comment_reply" // a ReplyPayload: a reply under the citizen's comment
	OutboxFacebookMessage = "facebook_message"       // a ReplyPayload: a Messenger message
	OutboxZaloMessage     = "zalo_message"           // a ReplyPayload: a Zalo OA message to the citizen
	OutboxEmail           = "email"                  // a notify.Email, sent with CAUNOI_SMTP_URL
	OutboxZaloStaff       = "zalo_staff"             // a ReplyPayload to a staff member's Zalo user id
)

// The platforms' reply windows: after this long since the citizen's last
// message a reply can no longer be sent on the channel (Messenger's 24-hour
// standard messaging window; Zalo OA's 7 days for a free reply); it is kept
// on the ticket and staff are told.
const (
	MessengerWindow = 24 * time.Hour
	ZaloWindow      = 7 * 24 * time.Hour
	// HumanAgentWindow is how long after the citizen's last message a
	// Messenger reply may still go, tagged HUMAN_AGENT (a person answering).
	HumanAgentWindow = 7 * 24 * time.Hour
)

// OutboxMessage is a piece of work to enqueue.
type OutboxMessage struct {
	Kind      string    // what sends it (Outbox*); required
	TicketID  *int64    // the ticket it is about, if any: its timeline shows the outcome
	EventID   *int64    // the event it delivers (a reply), if any
	Payload   any       // marshalled to jsonb; nil is {}
	NotBefore time.Time // earliest send; zero is the database's now()
}

// OutboxItem is a claimed outbox row, handed to the sender of its kind.
type OutboxItem struct {
	ID        int64
	Kind      string
	TicketID  *int64
	EventID   *int64
	Payload   json.RawMessage
	Attempt   int       // the attempt this claim is: 1 for the first
	CreatedAt time.Time // when it was enqueued
	LastError string    // the previous attempt's error; "" on the first
}

// ReplyPayload is the payload of a message sent on a platform: a reply to
// a citizen, or a notice to a staff member's Zalo. Sent counts the parts of
// its split text that earlier attempts delivered.
type ReplyPayload struct {
	TicketID         int64  `json:"ticket_id"`
	ChannelAccountID int64  `json:"channel_account_id"`
	Recipient        string `json:"recipient"` // comment id, PSID or Zalo user id
	Text             string `json:"text"`
	Sent             int    `json:"sent,omitempty"`
	// LastCitizenAt is when the citizen last wrote, for the platforms whose
	// replies depend on it (Messenger's 24 hours and 7 days).
	LastCitizenAt *time.Time `json:"last_citizen_at,omitempty"`
}

// Notification is an in-app notification as its user reads it.
type Notification struct {
	ID           int64
	TicketID     *int64
	TrackingCode string // "" when the notification is about no ticket
	Kind         string
	Body         string
	CreatedAt    time.Time
	ReadAt       *time.Time
}
