package facebook

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"caunoi/channels"
	"caunoi/channels/internal/stamp"
	"caunoi/domain"
)

// Item is one citizen message of a delivery: the domain.Inbound and the
// Facebook ids that domain.Inbound has no field for.
type Item struct {
	domain.Inbound
	PostID   string // feed comments: the post the comment is on; "" for Messenger
	ParentID string // feed comments: the post or comment this comment answers
}

// Parse reads a verified Page webhook delivery and returns the citizens'
// messages in it, in delivery order: feed comments (Channel
// facebook_comment) and Messenger messages (Channel facebook_message) of
// every entry. It returns no items and no error for a delivery that holds
// nothing to store (another object than "page", other fields, reactions,
// read receipts, echoes, the page's own comments). See ParseItems for the
// mapping. On a body that is not a Page delivery it returns an error wrapping
// channels.ErrMalformed.
func Parse(body []byte) ([]domain.Inbound, error) {
	items, err := ParseItems(body)
	if err != nil {
		return nil, err
	}
	var out []domain.Inbound
	for _, it := range items {
		out = append(out, it.Inbound)
	}
	return out, nil
}

// ParseItems is Parse that also returns the post and parent ids of comments.
//
// Feed comments (changes[] with field "feed", value.item "comment"):
// AccountID is the entry id (the page), ThreadID the comment_id (what a reply
// answers), SenderID/SenderName from.id/from.name, Text the message, a photo
// or video as an attachment, SentAt created_time (entry time when absent).
// Verb is "add", "edited" (also for Facebook's "edit") or "remove" (also for
// "delete"); other verbs (hide, unhide, ...) are ignored, as are comments whose
// from.id is the page. ExternalID makes redeliveries idempotent and tells
// events apart:
//
//	add:    comment_id
//	edited: comment_id + ":edited:" + created_time + ":" + first 16 hex digits of SHA-256(message)
//	remove: comment_id + ":remove"
//
// (an edit is keyed by its text too, because Facebook may send the comment's
// original created_time with each edit; a comment is removed only once).
//
// Messenger (messaging[] items with message.mid): ExternalID is the mid,
// ThreadID and SenderID the sender id (PSID), AccountID the recipient id (the
// page; the entry id when absent), Text the text, attachments by type (image,
// video, audio, file; an image with a sticker_id is a "sticker"; fallback,
// share, template and others with a URL are a "link"), a location attachment
// fills Location, SentAt the timestamp (ms). Echoes (is_echo), deleted
// messages, messages from the page itself and items without a message
// (deliveries, reads, postbacks, reactions) are ignored.
func ParseItems(body []byte) ([]Item, error) {
	var d delivery
	if err := json.Unmarshal(body, &d); err != nil {
		return nil, fmt.Errorf("facebook: %w: %w", channels.ErrMalformed, err)
	}
	if d.Object != "page" {
		return nil, nil
	}
	var items []Item
	for i, e := range d.Entry {
		var err error
		if items, err = appendEach(items, i, "change", e, e.Changes, parseChange); err != nil {
			return nil, err
		}
		if items, err = appendEach(items, i, "messaging", e, e.Messaging, parseMessaging); err != nil {
			return nil, err
		}
	}
	return items, nil
}

// appendEach appends the items parse makes of xs, entry i's changes or
// Messenger messages (kind), or returns the first error, saying where.
func appendEach[X any](items []Item, i int, kind string, e entry, xs []X, parse func(entry, X) (Item, bool, error)) ([]Item, error) {
	for j, x := range xs {
		it, ok, err := parse(e, x)
		if err != nil {
			return nil, fmt.Errorf("facebook: entry %d %s %d: %w", i, kind, j, err)
		}
		if ok {
			items = append(items, it)
		}
	}
	return items, nil
}

type delivery struct {
	Object string  `json:"object"`
	Entry  []entry `json:"entry"`
}

type entry struct {
	ID        string      `json:"id"`
	Time      stamp.Stamp `json:"time"`
	Changes   []change    `json:"changes"`
	Messaging []messaging `json:"messaging"`
}

type change struct {
	Field string          `json:"field"`
	Value json.RawMessage `json:"value"`
}

type party struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type comment struct {
	From        party       `json:"from"`
	Verb        string      `json:"verb"`
	CommentID   string      `json:"comment_id"`
	PostID      string      `json:"post_id"`
	ParentID    string      `json:"parent_id"`
	CreatedTime stamp.Stamp `json:"created_time"`
	Message     string      `json:"message"`
	Photo       string      `json:"photo"`
	Video       string      `json:"video"`
}

var verbs = map[string]string{
	"add": "add", "edited": "edited", "edit": "edited", "remove": "remove", "delete": "remove",
}

func parseChange(e entry, c change) (Item, bool, error) {
	if c.Field != "feed" || len(c.Value) == 0 {
		return Item{}, false, nil
	}
	var kind struct {
		Item any `json:"item"`
	}
	if err := json.Unmarshal(c.Value, &kind); err != nil {
		return Item{}, false, fmt.Errorf("%w: %w", channels.ErrMalformed, err)
	}
	if kind.Item != "comment" {
		return Item{}, false, nil
	}
	var v comment
	if err := json.Unmarshal(c.Value, &v); err != nil {
		return Item{}, false, fmt.Errorf("%w: %w", channels.ErrMalformed, err)
	}
	return commentItem(e, v)
}

// commentItem is the item of comment v of entry e, if it is one to store.
func commentItem(e entry, v comment) (Item, bool, error) {
	verb, known := verbs[v.Verb]
	if !known || (v.From.ID != "" && v.From.ID == e.ID) {
		return Item{}, false, nil
	}
	if v.CommentID == "" {
		return Item{}, false, fmt.Errorf("%w: comment without comment_id", channels.ErrMalformed)
	}
	in := domain.Inbound{
		Channel:    domain.ChannelFacebookComment,
		AccountID:  e.ID,
		ExternalID: commentExternalID(v.CommentID, verb, v.CreatedTime.Raw, v.Message),
		ThreadID:   v.CommentID,
		Verb:       verb,
		SenderID:   v.From.ID,
		SenderName: v.From.Name,
		Text:       v.Message,
		SentAt:     firstTime(v.CreatedTime, e.Time),
	}
	if v.Photo != "" {
		in.Attachments = append(in.Attachments, domain.Attachment{Type: "image", URL: v.Photo})
	}
	if v.Video != "" {
		in.Attachments = append(in.Attachments, domain.Attachment{Type: "video", URL: v.Video})
	}
	return Item{Inbound: in, PostID: v.PostID, ParentID: v.ParentID}, true, nil
}

func commentExternalID(commentID, verb, createdTime, message string) string {
	switch verb {
	case "edited":
		sum := sha256.Sum256([]byte(message))
		return commentID + ":edited:" + createdTime + ":" + hex.EncodeToString(sum[:8])
	case "remove":
		return commentID + ":remove"
	default:
		return commentID
	}
}

type messaging struct {
	Sender    party       `json:"sender"`
	Recipient party       `json:"recipient"`
	Timestamp stamp.Stamp `json:"timestamp"`
	Message   *message    `json:"message"`
}

type message struct {
	Mid         string       `json:"mid"`
	Text        string       `json:"text"`
	IsEcho      bool         `json:"is_echo"`
	IsDeleted   bool         `json:"is_deleted"`
	Attachments []attachment `json:"attachments"`
}

type attachment struct {
	Type    string `json:"type"`
	Title   string `json:"title"`
	URL     string `json:"url"`
	Payload *struct {
		URL         string          `json:"url"`
		Title       string          `json:"title"`
		StickerID   json.RawMessage `json:"sticker_id"`
		Coordinates *struct {
			Lat  float64 `json:"lat"`
			Long float64 `json:"long"`
		} `json:"coordinates"`
	} `json:"payload"`
}

func parseMessaging(e entry, m messaging) (Item, bool, error) {
	msg := m.Message
	if msg == nil || msg.Mid == "" || msg.IsEcho || msg.IsDeleted {
		return Item{}, false, nil
	}
	page := m.Recipient.ID
	if page == "" {
		page = e.ID
	}
	if m.Sender.ID == "" {
		return Item{}, false, fmt.Errorf("%w: message %s without sender", channels.ErrMalformed, msg.Mid)
	}
	if m.Sender.ID == page || m.Sender.ID == e.ID {
		return Item{}, false, nil
	}
	in := domain.Inbound{
		Channel:    domain.ChannelFacebookMessage,
		AccountID:  page,
		ExternalID: msg.Mid,
		ThreadID:   m.Sender.ID,
		SenderID:   m.Sender.ID,
		Text:       msg.Text,
		SentAt:     firstTime(m.Timestamp, e.Time),
	}
	for _, a := range msg.Attachments {
		addAttachment(&in, a)
	}
	return Item{Inbound: in}, true, nil
}

func addAttachment(in *domain.Inbound, a attachment) {
	url, title := a.URL, a.Title
	if p := a.Payload; p != nil {
		if p.URL != "" {
			url = p.URL
		}
		if p.Title != "" && title == "" {
			title = p.Title
		}
		if a.Type == "location" && p.Coordinates != nil {
			lat, lng := p.Coordinates.Lat, p.Coordinates.Long
			in.Location = &domain.Location{Address: title, Lat: &lat, Lng: &lng}
			return
		}
	}
	typ := a.Type
	switch typ {
	case "image":
		if p := a.Payload; p != nil && len(p.StickerID) > 0 && string(p.StickerID) != "null" {
			typ = "sticker"
		}
	case "video", "audio", "file":
	default:
		typ = "link"
	}
	if url == "" {
		return
	}
	in.Attachments = append(in.Attachments, domain.Attachment{Type: typ, URL: url, Name: title})
}

func firstTime(ss ...stamp.Stamp) (t time.Time) {
	for _, s := range ss {
		if !s.Time.IsZero() {
			return s.Time
		}
	}
	return t
}
