package zalo

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"caunoi/channels"
	"caunoi/channels/internal/stamp"
	"caunoi/domain"
)

// Parse reads a verified OA webhook delivery (one event per delivery) and
// returns the citizen's message in it, or nothing.
//
// Events user_send_* (text, image, link, location, file, sticker, gif, audio,
// video, business_card, ...) give one domain.Inbound: Channel zalo,
// ExternalID the message.msg_id, SenderID and ThreadID the sender.id,
// AccountID the recipient.id (the OA), Text the message.text, SentAt the
// timestamp (ms; zero when absent). Attachments keep their type (image, file,
// link, sticker, audio, video; gif becomes "image") with payload.url (the
// thumbnail when there is no url) and the file name or link description; a
// location attachment fills Location instead. An event with neither text,
// attachment nor location gives nothing.
//
// The OA's own sends echoed back (oa_send_*) and every other event (follow,
// user_seen_message, user_received_message, reactions, ...) give no Inbound
// and no error. A body that is not JSON, or a user_send_* event without
// msg_id, sender or recipient, is an error wrapping channels.ErrMalformed.
func Parse(body []byte) ([]domain.Inbound, error) {
	var name struct {
		EventName any `json:"event_name"`
	}
	if err := json.Unmarshal(body, &name); err != nil {
		return nil, fmt.Errorf("zalo: %w: %w", channels.ErrMalformed, err)
	}
	eventName, _ := name.EventName.(string)
	if !strings.HasPrefix(eventName, "user_send_") {
		return nil, nil
	}
	var ev event
	if err := json.Unmarshal(body, &ev); err != nil {
		return nil, fmt.Errorf("zalo: %s: %w: %w", eventName, channels.ErrMalformed, err)
	}
	m := ev.Message
	if m == nil || m.MsgID == "" || ev.Sender == "" || ev.Recipient == "" {
		return nil, fmt.Errorf("zalo: %w: %s without msg_id, sender or recipient", channels.ErrMalformed, ev.EventName)
	}
	in := domain.Inbound{
		Channel:    domain.ChannelZalo,
		AccountID:  string(ev.Recipient),
		ExternalID: string(m.MsgID),
		ThreadID:   string(ev.Sender),
		SenderID:   string(ev.Sender),
		Text:       m.Text,
		SentAt:     ev.Timestamp.Time,
	}
	for _, a := range m.Attachments {
		addAttachment(&in, a)
	}
	if in.Location == nil && m.Location != nil {
		in.Location = location(*m.Location)
	}
	if in.Text == "" && len(in.Attachments) == 0 && in.Location == nil {
		return nil, nil
	}
	return []domain.Inbound{in}, nil
}

type event struct {
	EventName string      `json:"event_name"`
	Timestamp stamp.Stamp `json:"timestamp"`
	Sender    party       `json:"sender"`
	Recipient party       `json:"recipient"`
	Message   *message    `json:"message"`
}

type message struct {
	MsgID       scalar       `json:"msg_id"`
	Text        string       `json:"text"`
	Attachments []attachment `json:"attachments"`
	Location    *coordinates `json:"location"` // some senders put it here instead of an attachment
}

type coordinates struct {
	Latitude  scalar `json:"latitude"`
	Longitude scalar `json:"longitude"`
}

// location returns the point c denotes, or nil when c is not a valid
// latitude and longitude.
func location(c coordinates) *domain.Location {
	lat, err1 := strconv.ParseFloat(string(c.Latitude), 64)
	lng, err2 := strconv.ParseFloat(string(c.Longitude), 64)
	if err1 != nil || err2 != nil || !(lat >= -90 && lat <= 90 && lng >= -180 && lng <= 180) {
		return nil
	}
	return &domain.Location{Lat: &lat, Lng: &lng}
}

type attachment struct {
	Type    string `json:"type"`
	Payload *struct {
		URL         string       `json:"url"`
		Thumbnail   string       `json:"thumbnail"`
		Name        string       `json:"name"`
		Description string       `json:"description"`
		Coordinates *coordinates `json:"coordinates"`
	} `json:"payload"`
}

func addAttachment(in *domain.Inbound, a attachment) {
	p := a.Payload
	if p == nil {
		return
	}
	if a.Type == "location" {
		if p.Coordinates != nil {
			in.Location = location(*p.Coordinates)
		}
		return
	}
	url := p.URL
	if url == "" {
		url = p.Thumbnail
	}
	if url == "" {
		return
	}
	typ, name := a.Type, p.Name
	switch typ {
	case "gif", "photo":
		typ = "image"
	case "voice":
		typ = "audio"
	case "image", "file", "sticker", "audio", "video":
	default:
		typ = "link"
	}
	if name == "" {
		name = p.Description
	}
	in.Attachments = append(in.Attachments, domain.Attachment{Type: typ, URL: url, Name: name})
}
