package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Platform is a social platform whose accounts (a fanpage, a Zalo Official
// Account) bring feedback in.
type Platform string

// The platforms of channel_accounts.
const (
	PlatformFacebook Platform = "facebook"
	PlatformZalo     Platform = "zalo"
)

// Valid reports whether p is a platform's name as the adapters give it
// (2 to 32 lowercase letters, digits or '_', a letter first); which
// platforms the program serves is its registry's (channels.Registry).
func (p Platform) Valid() bool {
	if len(p) < 2 || len(p) > 32 || p[0] < 'a' || p[0] > 'z' {
		return false
	}
	for _, r := range p {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}

// ChannelAccount is a fanpage or a Zalo OA mapped to the unit that owns its
// feedback. The tokens are kept encrypted (package secretbox); the
// administration API never shows them, only whether they are set.
type ChannelAccount struct {
	ID             int64
	UnitID         int64
	UnitCode       string
	Platform       Platform
	AccountID      string // page id or OA id
	AppID          string // Zalo: the app id that signs the OA's webhooks
	Name           string
	SecretKeyEnc   []byte // Zalo OA secret key, sealed
	AccessTokenEnc []byte // page access token or OA access token, sealed
	Active         bool
	CreatedAt      time.Time
	Tickets        int // tickets that came in through it (filled by listings)
}

// ChannelAccountInput is a new channel account; the tokens are already
// sealed (nil: none).
type ChannelAccountInput struct {
	Unit           string // unit code
	Platform       Platform
	AccountID      string
	AppID          string
	Name           string
	SecretKeyEnc   []byte
	AccessTokenEnc []byte
}

// ChannelAccountUpdate changes a channel account; nil fields are unchanged.
// A token set to an empty slice is removed.
type ChannelAccountUpdate struct {
	Unit           *string
	AppID          *string
	Name           *string
	SecretKeyEnc   *[]byte
	AccessTokenEnc *[]byte
	Active         *bool
}

// Limits of channel account fields, in characters.
const (
	MaxAccountIDLen   = 64
	MaxAccountNameLen = 200
	MaxTokenLen       = 4096
)

// ValidateChannelAccount checks a new account's fields and returns them
// trimmed: a known platform, an account id of digits (page and OA ids are
// numbers), an app id of digits when given (required for Zalo, whose webhooks
// it signs), a Zalo secret key. On failure it returns an invalid_input
// *Error naming the fields.
func ValidateChannelAccount(in ChannelAccountInput) (ChannelAccountInput, error) {
	bad := map[string]string{}
	in.Platform = Platform(strings.ToLower(strings.TrimSpace(string(in.Platform))))
	in.Unit = strings.ToLower(strings.TrimSpace(in.Unit))
	in.AccountID = strings.TrimSpace(in.AccountID)
	in.AppID = strings.TrimSpace(in.AppID)
	in.Name = strings.Join(strings.Fields(NormalizeText(in.Name)), " ")
	if !in.Platform.Valid() {
		bad["platform"] = FieldInvalid
	}
	if in.Unit == "" {
		bad["unit"] = FieldRequired
	}
	switch {
	case in.AccountID == "":
		bad["account_id"] = FieldRequired
	case !numericID(in.AccountID):
		bad["account_id"] = FieldInvalid
	}
	if in.AppID != "" && !numericID(in.AppID) {
		bad["app_id"] = FieldInvalid
	}
	if utf8.RuneCountInString(in.Name) > MaxAccountNameLen {
		bad["name"] = FieldTooLong
	}
	if in.Platform == PlatformZalo {
		if in.AppID == "" {
			bad["app_id"] = FieldRequired
		}
		if len(in.SecretKeyEnc) == 0 {
			bad["secret_key"] = FieldRequired
		}
	}
	if len(bad) > 0 {
		return in, Invalid("Thông tin kênh không hợp lệ.", "The channel account is not valid.", bad)
	}
	return in, nil
}

// numericID reports whether s is a platform id: 1 to MaxAccountIDLen digits.
func numericID(s string) bool {
	if s == "" || len(s) > MaxAccountIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// InboundOutcome says what storing an inbound message did.
type InboundOutcome string

// The outcomes of storing an inbound message.
const (
	InboundCreated   InboundOutcome = "created"   // a new ticket
	InboundJoined    InboundOutcome = "joined"    // a follow-up on the sender's open ticket
	InboundDuplicate InboundOutcome = "duplicate" // taken before: nothing new stored
	InboundEdited    InboundOutcome = "edited"    // an edit recorded on the comment's ticket
	InboundRemoved   InboundOutcome = "removed"   // a removal recorded on the comment's ticket
	InboundOrphan    InboundOutcome = "orphan"    // an edit or removal of a comment no ticket holds
)

// InboundResult is what storing an inbound message did, and to which ticket.
type InboundResult struct {
	Outcome  InboundOutcome
	TicketID int64 // 0 for an orphan
}

// Attachment labels used as a ticket's text when a message has none.
var attachmentLabels = map[string]string{
	"image": "[Hình ảnh]", "sticker": "[Nhãn dán]", "video": "[Video]", "audio": "[Ghi âm]",
	"file": "[Tệp đính kèm]", "link": "[Liên kết]",
}

// InboundText returns the text to store for an inbound message: its text in
// NFC with whitespace tidied and cut to MaxBodyLen runes, or, for a message
// of attachments or a location only, labels that say what was sent
// ("[Hình ảnh]", "[Vị trí]"); never "".
func InboundText(in Inbound) string {
	if s := NormalizeText(strings.ToValidUTF8(in.Text, "")); strings.TrimSpace(s) != "" {
		return Truncate(s, MaxBodyLen)
	}
	var labels []string
	seen := map[string]bool{}
	for _, a := range in.Attachments {
		l, ok := attachmentLabels[a.Type]
		if !ok {
			l = attachmentLabels["file"]
		}
		if !seen[l] {
			seen[l] = true
			labels = append(labels, l)
		}
	}
	if in.Location != nil {
		labels = append(labels, "[Vị trí]")
	}
	if len(labels) == 0 {
		return "[Tin nhắn không có nội dung]"
	}
	return strings.Join(labels, " ")
}

// InboundFeedback turns an inbound message into the feedback a ticket is
// made of: the text (InboundText), the sender's channel identity (id and
// display name) and a telephone number written in the text (FindPhone), the
// location when it is a valid point. Category and kind are left for routing.
func InboundFeedback(in Inbound) FeedbackInput {
	text := InboundText(in)
	name := Truncate(strings.Join(strings.Fields(NormalizeText(strings.ToValidUTF8(in.SenderName, ""))), " "), MaxNameLen)
	fi := FeedbackInput{
		Kind:    string(KindFeedback),
		Body:    text,
		Channel: in.Channel,
		Citizen: Citizen{Name: name, ExternalID: Truncate(in.SenderID, MaxExternalIDLen),
			Phone: FindPhone(in.Text)},
	}
	if l := in.Location; l != nil && l.Lat != nil && l.Lng != nil &&
		*l.Lat >= -90 && *l.Lat <= 90 && *l.Lng >= -180 && *l.Lng <= 180 {
		fi.Location = Location{Address: Truncate(NormalizeText(l.Address), MaxAddressLen), Lat: l.Lat, Lng: l.Lng}
	}
	return fi
}
