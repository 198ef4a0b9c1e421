package facebook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"caunoi/channels"
	"caunoi/channels/internal/sendhttp"
)

// DefaultGraphURL is the Graph API base URL used when none is configured
// (CAUNOI_FACEBOOK_GRAPH_URL).
const DefaultGraphURL = "https://graph.facebook.com/v21.0"

// Client sends replies through the Graph API. It is safe for concurrent use
// and holds no token: each call gets the page access token of the page it
// answers for.
type Client struct {
	baseURL string
	hc      *http.Client
}

// NewClient returns a client for the Graph API at baseURL (DefaultGraphURL
// when empty; a trailing slash is ignored) that sends with hc (a client with
// channels.DefaultTimeout when nil).
func NewClient(baseURL string, hc *http.Client) *Client {
	if baseURL == "" {
		baseURL = DefaultGraphURL
	}
	return &Client{baseURL: strings.TrimRight(baseURL, "/"), hc: sendhttp.Client(hc)}
}

// ReplyComment answers a comment publicly: POST {base}/{commentID}/comments
// with the form fields message and access_token (in the body, never in the
// URL). A text over channels.MaxText runes goes out as several replies (see
// channels.Split). It returns the id of the first reply comment. On failure it
// returns "" and a *channels.Error (channels.IsPermanent tells whether to
// retry; its Sent field counts the parts that went out before the failure).
func (c *Client) ReplyComment(ctx context.Context, pageToken, commentID, text string) (externalID string, err error) {
	const op = "facebook: reply to comment"
	if commentID == "" {
		return "", &channels.Error{Op: op, Permanent: true, Message: "no comment id"}
	}
	u := c.baseURL + "/" + url.PathEscape(commentID) + "/comments"
	return channels.SendParts(op, text, func(part string) (string, error) {
		form := url.Values{"message": {part}, "access_token": {pageToken}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
		if err != nil {
			return "", &channels.Error{Op: op, Permanent: true, Err: errors.New("cannot build request")}
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		var out struct {
			ID string `json:"id"`
		}
		if err := c.do(op, pageToken, req, &out); err != nil {
			return "", err
		}
		return out.ID, nil
	})
}

// SendMessage sends a Messenger message to the person with page-scoped id
// psid: POST {base}/me/messages?access_token=… with the JSON body
// {"recipient":{"id":psid},"messaging_type":"RESPONSE","message":{"text":…}}.
// Facebook accepts RESPONSE messages only within 24 hours of the person's
// last message; later it answers code 10 / subcode 2018278, a permanent error.
// A text over channels.MaxText runes goes out as several messages. It returns
// the message_id of the first message; on failure "" and a *channels.Error as
// for ReplyComment.
func (c *Client) SendMessage(ctx context.Context, pageToken, psid, text string) (externalID string, err error) {
	return c.sendMessage(ctx, pageToken, psid, text, "")
}

// SendHumanAgent is SendMessage with "messaging_type":"MESSAGE_TAG" and
// "tag":"HUMAN_AGENT": a person's answer, which Messenger accepts up to 7
// days after the person's last message (an app with the Human Agent
// permission).
func (c *Client) SendHumanAgent(ctx context.Context, pageToken, psid, text string) (externalID string, err error) {
	return c.sendMessage(ctx, pageToken, psid, text, "HUMAN_AGENT")
}

// sendMessage sends a RESPONSE message, or a MESSAGE_TAG one with tag.
func (c *Client) sendMessage(ctx context.Context, pageToken, psid, text, tag string) (string, error) {
	const op = "facebook: send message"
	if psid == "" {
		return "", &channels.Error{Op: op, Permanent: true, Message: "no recipient"}
	}
	u := c.baseURL + "/me/messages?" + url.Values{"access_token": {pageToken}}.Encode()
	return channels.SendParts(op, text, func(part string) (string, error) {
		var body struct {
			Recipient struct {
				ID string `json:"id"`
			} `json:"recipient"`
			MessagingType string `json:"messaging_type"`
			Tag           string `json:"tag,omitempty"`
			Message       struct {
				Text string `json:"text"`
			} `json:"message"`
		}
		body.Recipient.ID, body.MessagingType, body.Message.Text = psid, "RESPONSE", part
		if tag != "" {
			body.MessagingType, body.Tag = "MESSAGE_TAG", tag
		}
		b, err := json.Marshal(body)
		if err != nil {
			return "", &channels.Error{Op: op, Permanent: true, Err: err}
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(b))
		if err != nil {
			return "", &channels.Error{Op: op, Permanent: true, Err: errors.New("cannot build request")}
		}
		req.Header.Set("Content-Type", "application/json")
		var out struct {
			MessageID string `json:"message_id"`
		}
		if err := c.do(op, pageToken, req, &out); err != nil {
			return "", err
		}
		return out.MessageID, nil
	})
}

// graphError is the Graph API's error body.
type graphError struct {
	Error *struct {
		Message     string `json:"message"`
		Type        string `json:"type"`
		Code        int    `json:"code"`
		Subcode     int    `json:"error_subcode"`
		IsTransient bool   `json:"is_transient"`
	} `json:"error"`
}

// do sends req and decodes a 2xx answer into out; any other answer becomes a
// classified *channels.Error with token scrubbed from the platform's message.
func (c *Client) do(op, token string, req *http.Request, out any) error {
	resp, err := sendhttp.Do(c.hc, op, req)
	if err != nil {
		return err
	}
	var ge graphError
	_ = json.Unmarshal(resp.Body, &ge) // an unreadable error body still has a status
	if resp.Status >= 200 && resp.Status < 300 && ge.Error == nil {
		if err := json.Unmarshal(resp.Body, out); err != nil {
			return &channels.Error{Op: op, Status: resp.Status, Err: fmt.Errorf("unreadable answer: %w", err)}
		}
		return nil
	}
	e := &channels.Error{Op: op, Status: resp.Status, RetryAfter: resp.RetryAfter}
	if ge.Error != nil {
		e.Code, e.Subcode = ge.Error.Code, ge.Error.Subcode
		e.Message = channels.Scrub(ge.Error.Message, token)
		e.Permanent = graphPermanent(resp.Status, ge.Error.Code, ge.Error.IsTransient)
	} else {
		e.Permanent = sendhttp.StatusPermanent(resp.Status)
	}
	return e
}

// Graph error codes that are worth retrying: unknown/temporary service errors
// and the rate limits (application, user, page, custom).
var transientCodes = map[int]bool{1: true, 2: true, 4: true, 17: true, 32: true, 341: true, 613: true}

// graphPermanent classifies a Graph API error. Rate limits, temporary errors,
// errors Facebook marks is_transient, 5xx, 408 and 429 are retryable. Every
// other error is permanent, notably 10 / 2018278 (outside the 24-hour
// messaging window), 551 (person not available), 100 (invalid parameter, e.g.
// a deleted comment), 190 (invalid or expired token), 200-299 (permissions)
// and 368 (blocked for policy).
func graphPermanent(status, code int, transient bool) bool {
	if transient || transientCodes[code] || (code >= 80001 && code <= 80014) {
		return false
	}
	if status >= 500 || status == http.StatusRequestTimeout || status == http.StatusTooManyRequests {
		return false
	}
	return true
}
