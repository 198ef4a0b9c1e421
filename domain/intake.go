package domain

import "time"

// NewTicket is a validated piece of feedback to store as a ticket.
type NewTicket struct {
	Input            FeedbackInput // validated by ValidateFeedback
	Channel          Channel
	ExternalID       string // the channel's message id: a redelivery makes no second ticket
	ThreadID         string // what a reply on the channel answers
	ChannelAccountID *int64
	ActorID          *int64 // the staff member who entered it (hotline, walk-in)
	ReceptionDay     *time.Time
	CreatedAt        time.Time // zero: now
	Attachments      []Attachment
}

// Created is what intake answers with.
type Created struct {
	ID           int64
	TrackingCode string
	Status       Status
	Kind         Kind
	Category     *Category
	Department   *Department
	DueAt        time.Time
	CreatedAt    time.Time
	Existing     bool // the external message was taken before: nothing new was stored
}
