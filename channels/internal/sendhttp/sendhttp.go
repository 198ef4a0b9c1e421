// Package sendhttp does the HTTP part of the channel clients' sends: it
// performs a request, reads a bounded body and turns transport failures into
// retryable *channels.Error values that carry no URL (a URL may hold a token).
package sendhttp

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"caunoi/channels"
)

// maxBody bounds how much of a platform's answer is read.
const maxBody = 1 << 20

// Response is what came back from the platform.
type Response struct {
	Status     int
	Body       []byte
	RetryAfter time.Duration // zero when the platform sent no usable Retry-After
}

// Client returns hc, or a client with channels.DefaultTimeout when hc is nil.
func Client(hc *http.Client) *http.Client {
	if hc != nil {
		return hc
	}
	return &http.Client{Timeout: channels.DefaultTimeout}
}

// Do sends req and reads up to 1 MiB of the answer. A request that got no
// complete answer (network failure, timeout, cancellation) gives a retryable
// *channels.Error whose cause has the request URL stripped.
func Do(hc *http.Client, op string, req *http.Request) (*Response, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return nil, &channels.Error{Op: op, Err: stripURL(err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, &channels.Error{Op: op, Status: resp.StatusCode,
			Err: fmt.Errorf("reading response: %w", stripURL(err))}
	}
	return &Response{
		Status:     resp.StatusCode,
		Body:       body,
		RetryAfter: retryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}, nil
}

// StatusPermanent reports whether an HTTP error status means the same request
// cannot succeed later: every 4xx but 408 (timeout) and 429 (rate limit).
func StatusPermanent(status int) bool {
	return status >= 400 && status < 500 &&
		status != http.StatusRequestTimeout && status != http.StatusTooManyRequests
}

func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
