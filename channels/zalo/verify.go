// Package zalo reads Zalo Official Account webhooks and answers through the
// OA Open API.
//
// A webhook handler reads the ids of the OA from the raw body (PeekIDs), looks
// up that OA's secret key, checks the signature (Verify), and only then parses
// (Parse). VerifyWith does the first three steps with a lookup function.
package zalo

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"caunoi/channels"
)

// SignatureHeader is the header that carries a delivery's signature.
const SignatureHeader = "X-ZEvent-Signature"

const sigPrefix = "mac="

// ids are the fields of a delivery that say who it is for and that enter the
// signature.
type ids struct {
	AppID     scalar `json:"app_id"`
	OAID      scalar `json:"oa_id"`
	Timestamp scalar `json:"timestamp"`
	EventName string `json:"event_name"`
	Sender    party  `json:"sender"`
	Recipient party  `json:"recipient"`
}

func peek(body []byte) (ids, error) {
	var v ids
	if err := json.Unmarshal(body, &v); err != nil {
		return ids{}, err
	}
	if v.AppID == "" {
		return ids{}, errors.New("no app_id")
	}
	return v, nil
}

// oaSends reports whether the OA is the sender of the event: its own sends
// echoed back (oa_send_*, oa_reacted_message, ...) and the receipts of them.
func oaSends(eventName string) bool {
	return strings.HasPrefix(eventName, "oa_") ||
		eventName == "user_received_message" || eventName == "user_seen_message"
}

func (v ids) oaID() string {
	switch {
	case v.OAID != "":
		return string(v.OAID)
	case oaSends(v.EventName):
		return string(v.Sender)
	default:
		return string(v.Recipient)
	}
}

// PeekIDs reads, without trusting them, the app id and the OA id of a
// delivery so that the handler can look up the OA's secret key before
// verifying. The OA id is the body's oa_id when present (follow events), else
// the sender of the OA's own events (oa_*) and of the receipts of its messages
// (user_received_message, user_seen_message), else the recipient; it may be
// "". On a body that is not a JSON object with an app_id it returns an
// error wrapping channels.ErrSignature (the delivery cannot be verified).
func PeekIDs(body []byte) (appID, oaID string, err error) {
	v, err := peek(body)
	if err != nil {
		return "", "", fmt.Errorf("zalo: cannot read the delivery's ids: %w: %w", channels.ErrSignature, err)
	}
	return string(v.AppID), v.oaID(), nil
}

// Verify checks header, the value of X-ZEvent-Signature, against the raw
// request body: it must be "mac=" followed by the hex SHA-256 of app_id + body
// + timestamp + secretKey, where app_id and timestamp are the body's fields
// (a JSON string's content, or a number as written). The comparison is
// constant-time. It returns nil when the signature matches, and otherwise an
// error wrapping channels.ErrSignature (also when secretKey is empty or the
// body has no app_id or timestamp).
func Verify(body []byte, header, secretKey string) error {
	if secretKey == "" {
		return fmt.Errorf("zalo: no OA secret key: %w", channels.ErrSignature)
	}
	header = strings.TrimSpace(header)
	if header == "" {
		return fmt.Errorf("zalo: missing %s: %w", SignatureHeader, channels.ErrSignature)
	}
	if len(header) < len(sigPrefix) || !strings.EqualFold(header[:len(sigPrefix)], sigPrefix) {
		return fmt.Errorf("zalo: %s is not mac=HEX: %w", SignatureHeader, channels.ErrSignature)
	}
	got, err := hex.DecodeString(header[len(sigPrefix):])
	if err != nil || len(got) != sha256.Size {
		return fmt.Errorf("zalo: %s is not mac=HEX: %w", SignatureHeader, channels.ErrSignature)
	}
	v, err := peek(body)
	if err != nil {
		return fmt.Errorf("zalo: cannot read app_id and timestamp: %w: %w", channels.ErrSignature, err)
	}
	if v.Timestamp == "" {
		return fmt.Errorf("zalo: no timestamp: %w", channels.ErrSignature)
	}
	want := mac(body, string(v.AppID), string(v.Timestamp), secretKey)
	if subtle.ConstantTimeCompare(got, want[:]) != 1 {
		return fmt.Errorf("zalo: signature does not match: %w", channels.ErrSignature)
	}
	return nil
}

// VerifyWith verifies a delivery with the secret key that secretFor returns
// for its app id and OA id (see PeekIDs). secretFor returns false when the OA
// is unknown. It returns nil or an error wrapping channels.ErrSignature.
func VerifyWith(body []byte, header string, secretFor func(appID, oaID string) (secretKey string, ok bool)) error {
	appID, oaID, err := PeekIDs(body)
	if err != nil {
		return err
	}
	key, ok := secretFor(appID, oaID)
	if !ok {
		return fmt.Errorf("zalo: unknown OA: %w", channels.ErrSignature)
	}
	return Verify(body, header, key)
}

// Sign returns the X-ZEvent-Signature value Zalo would send for body; for
// tests and for tools that replay deliveries. It returns an error wrapping
// channels.ErrSignature when body has no app_id or timestamp.
func Sign(body []byte, secretKey string) (string, error) {
	v, err := peek(body)
	if err != nil || v.Timestamp == "" {
		return "", fmt.Errorf("zalo: cannot read app_id and timestamp: %w", channels.ErrSignature)
	}
	sum := mac(body, string(v.AppID), string(v.Timestamp), secretKey)
	return sigPrefix + hex.EncodeToString(sum[:]), nil
}

func mac(body []byte, appID, timestamp, secretKey string) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(appID))
	h.Write(body)
	h.Write([]byte(timestamp))
	h.Write([]byte(secretKey))
	var sum [sha256.Size]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// scalar is a JSON string's content or a number as written; null or absent
// is "". Objects, arrays and booleans are an error.
type scalar string

func (s *scalar) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return errors.New("empty value")
	case string(b) == "null":
		*s = ""
	case b[0] == '"':
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		*s = scalar(str)
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		*s = scalar(b)
	default:
		return fmt.Errorf("%s is not a string or a number", b[:1])
	}
	return nil
}

// party is the id of a sender or recipient, given as {"id": …} or, in some
// events, as the bare id.
type party scalar

func (p *party) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '{' {
		var v struct {
			ID scalar `json:"id"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*p = party(v.ID)
		return nil
	}
	return (*scalar)(p).UnmarshalJSON(b)
}
