package zalo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"caunoi/channels"
	"caunoi/channels/internal/sendhttp"
)

// DefaultAPIURL is the OA Open API base URL used when none is configured
// (CAUNOI_ZALO_API_URL).
const DefaultAPIURL = "https://openapi.zalo.me"

// Client sends messages through the OA Open API. It is safe for concurrent
// use and holds no token: each call gets the access token of the OA it sends
// for.
type Client struct {
	baseURL string
	hc      *http.Client
}

// NewClient returns a client for the API at baseURL (DefaultAPIURL when empty;
// a trailing slash is ignored) that sends with hc (a client with
// channels.DefaultTimeout when nil).
func NewClient(baseURL string, hc *http.Client) *Client {
	if baseURL == "" {
		baseURL = DefaultAPIURL
	}
	return &Client{baseURL: strings.TrimRight(baseURL, "/"), hc: sendhttp.Client(hc)}
}

// SendText sends a customer-service text to the Zalo user userID: POST
// {base}/v3.0/oa/message/cs with the header access_token and the JSON body
// {"recipient":{"user_id":userID},"message":{"text":…}}. Zalo accepts it
// within 7 days of the user's last interaction with the OA. A text over
// channels.MaxText runes goes out as several messages (see channels.Split).
// It returns the message_id of the first message. On failure it returns "" and
// a *channels.Error (channels.IsPermanent tells whether to retry; its Sent
// field counts the parts that went out before the failure). Zalo answers HTTP
// 200 with a non-zero "error" on failure; that is an error too.
func (c *Client) SendText(ctx context.Context, accessToken, userID, text string) (externalID string, err error) {
	const op = "zalo: send text"
	if userID == "" {
		return "", &channels.Error{Op: op, Permanent: true, Message: "no recipient"}
	}
	return channels.SendParts(op, text, func(part string) (string, error) {
		return c.sendText(ctx, op, accessToken, userID, part)
	})
}

func (c *Client) sendText(ctx context.Context, op, token, userID, text string) (string, error) {
	var body struct {
		Recipient struct {
			UserID string `json:"user_id"`
		} `json:"recipient"`
		Message struct {
			Text string `json:"text"`
		} `json:"message"`
	}
	body.Recipient.UserID, body.Message.Text = userID, text
	b, err := json.Marshal(body)
	if err != nil {
		return "", &channels.Error{Op: op, Permanent: true, Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.baseURL+"/v3.0/oa/message/cs", bytes.NewReader(b))
	if err != nil {
		return "", &channels.Error{Op: op, Permanent: true, Err: errors.New("cannot build request")}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("access_token", token)
	resp, err := sendhttp.Do(c.hc, op, req)
	if err != nil {
		return "", err
	}
	var out struct {
		Error   *int   `json:"error"`
		Message string `json:"message"`
		Data    struct {
			MessageID string `json:"message_id"`
		} `json:"data"`
	}
	jsonErr := json.Unmarshal(resp.Body, &out)
	if resp.Status < 200 || resp.Status >= 300 {
		e := &channels.Error{Op: op, Status: resp.Status, RetryAfter: resp.RetryAfter,
			Permanent: sendhttp.StatusPermanent(resp.Status)}
		if jsonErr == nil && out.Error != nil {
			e.Code, e.Message = *out.Error, channels.Scrub(out.Message, token)
		}
		return "", e
	}
	if jsonErr != nil || out.Error == nil {
		return "", &channels.Error{Op: op, Status: resp.Status, Err: fmt.Errorf("unreadable answer")}
	}
	if *out.Error != 0 {
		return "", &channels.Error{Op: op, Status: resp.Status, Code: *out.Error,
			Message: channels.Scrub(out.Message, token), Permanent: !retryableCodes[*out.Error]}
	}
	return out.Data.MessageID, nil
}

// retryableCodes are the Zalo API errors worth retrying: -32 (rate limit
// exceeded) and -1, -50 and -100 (unknown or internal errors). Every other
// non-zero error is permanent: notably -230 (the user has not interacted with
// the OA within the last 7 days), -213 (the user does not follow the OA or is
// not reachable), -201 (invalid parameter, e.g. an invalid user id), -216
// (invalid access token) and -220 (expired access token).
var retryableCodes = map[int]bool{-32: true, -1: true, -50: true, -100: true}
