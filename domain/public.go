package domain

import "time"

// Reply is a public answer to the citizen.
type Reply struct {
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// PublicTicket is the citizen's view of a ticket: no personal data, no
// internal notes, no staff names.
type PublicTicket struct {
	ID             int64 // for the server's own use; never shown
	TrackingCode   string
	Status         Status
	Kind           Kind
	Channel        Channel
	UnitCode       string
	UnitName       string
	CategoryCode   string
	CategoryName   string
	Department     *Department
	Title          string
	CreatedAt      time.Time
	DueAt          *time.Time
	ResolvedAt     *time.Time
	Replies        []Reply
	Rating         *int
	RatingComment  string
	CanReopenUntil *time.Time // resolved: a follow-up reopens it until then
	// Restricted: a denouncer's ticket (TicketRef.IdentityRestricted). Whoever
	// holds its code sees only its status and replies (RestrictView).
	Restricted bool
}

// RestrictView keeps of a restricted ticket only what its denouncer is
// shown: the code, the status, when it was received, the replies, the
// follow-up and rating the denouncer may send. What it is, where it went
// and who handles it stay with the leader and the handler.
func (p PublicTicket) RestrictView() PublicTicket {
	return PublicTicket{ID: p.ID, TrackingCode: p.TrackingCode, Status: p.Status, CreatedAt: p.CreatedAt,
		Replies: p.Replies, Rating: p.Rating, RatingComment: p.RatingComment, CanReopenUntil: p.CanReopenUntil,
		Restricted: true}
}

// CanRate reports whether the citizen may rate the ticket now.
func (p PublicTicket) CanRate() bool {
	return p.Rating == nil && (p.Status == StatusResolved || p.Status == StatusClosed)
}

// ValidateRating checks a citizen's rating: a score of 1 to 5 and an
// optional comment of at most 2,000 characters. It returns the normalised
// comment or an invalid_input *Error.
func ValidateRating(score int, comment string) (string, error) {
	bad := map[string]string{}
	if score < 1 || score > 5 {
		bad["score"] = "invalid"
	}
	comment = NormalizeText(comment)
	if len([]rune(comment)) > 2000 {
		bad["comment"] = "too_long"
	}
	if len(bad) > 0 {
		return "", Invalid("Điểm đánh giá phải từ 1 đến 5.", "The score must be from 1 to 5.", bad)
	}
	return comment, nil
}

// ValidateMessage checks a follow-up message or a staff reply or note:
// 1 to 10,000 characters after normalisation.
func ValidateMessage(body string) (string, error) {
	body = NormalizeText(body)
	switch n := len([]rune(body)); {
	case n == 0:
		return "", Invalid("Nội dung không được để trống.", "The text is required.", map[string]string{"body": "required"})
	case n > 10000:
		return "", Invalid("Nội dung quá dài (tối đa 10.000 ký tự).", "The text is too long (10,000 characters at most).",
			map[string]string{"body": "too_long"})
	}
	return body, nil
}
