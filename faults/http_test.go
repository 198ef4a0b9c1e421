package faults_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// newClient returns an HTTP client for one writer, with its own connections.
func newClient(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     30 * time.Second,
	}}
}

// answer is one HTTP answer read whole (err set when there was none).
type answer struct {
	status int
	header http.Header
	body   []byte
	err    error
}

func do(ctx context.Context, hc *http.Client, method, url string, body []byte, headers ...string) answer {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return answer{err: err}
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	resp, err := hc.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{status: resp.StatusCode, header: resp.Header, err: err}
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// feedbackJSON is a citizen's feedback whose body carries marker.
func feedbackJSON(marker string) []byte {
	b, _ := json.Marshal(map[string]any{
		"unit": "xuan-lung", "kind": "feedback", "title": "Đèn đường hỏng",
		"body":    "Đèn đường trước nhà số 45 Lê Lợi, thôn 3 bị hỏng 3 ngày nay. " + marker,
		"citizen": map[string]any{"name": "Nguyễn Văn An", "phone": "0912345678"},
	})
	return b
}

// postFeedback posts a feedback and returns the answer and, on 201, its code.
func postFeedback(ctx context.Context, hc *http.Client, base, marker string) (answer, string) {
	a := do(ctx, hc, "POST", base+"/api/v1/feedback", feedbackJSON(marker), "Content-Type: application/json")
	if a.err != nil || a.status != http.StatusCreated {
		return a, ""
	}
	var out struct {
		TrackingCode string `json:"tracking_code"`
	}
	if err := json.Unmarshal(a.body, &out); err != nil || out.TrackingCode == "" {
		a.err = fmt.Errorf("201 without a tracking code: %s", a.body)
		return a, ""
	}
	return a, out.TrackingCode
}

// The fanpage the Facebook deliveries are addressed to.
const fbPage = "104857600777001"

// fbComment is a feed-comment delivery shaped like channels/testdata/fb_feed_comment.json,
// from its own sender on its own post, so that it opens a ticket of its own.
func fbComment(commentID string) []byte {
	now := time.Now().Unix()
	b, _ := json.Marshal(map[string]any{
		"object": "page",
		"entry": []any{map[string]any{
			"id": fbPage, "time": now,
			"changes": []any{map[string]any{
				"field": "feed",
				"value": map[string]any{
					"from":         map[string]any{"id": "9" + commentID, "name": "Trần Thị Bình"},
					"item":         "comment",
					"comment_id":   fbPage + "_" + commentID,
					"post_id":      fbPage + "_8" + commentID,
					"parent_id":    fbPage + "_8" + commentID,
					"verb":         "add",
					"created_time": now,
					"message":      "Cống thoát nước ở thôn 2 bị tắc, nước tràn ra đường. Mã " + commentID,
				},
			}},
		}},
	})
	return b
}

// fbExternalID is the external id a comment's ticket is stored under.
func fbExternalID(commentID string) string { return fbPage + "_" + commentID }

// signFB returns the X-Hub-Signature-256 of body.
func signFB(body []byte) string {
	m := hmac.New(sha256.New, []byte(fbAppSecret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// deliverFB posts a signed delivery, as Facebook does.
func deliverFB(ctx context.Context, hc *http.Client, base string, body []byte) answer {
	return do(ctx, hc, "POST", base+"/webhooks/facebook", body,
		"Content-Type: application/json", "X-Hub-Signature-256: "+signFB(body))
}

// webhooksReady maps the fanpage to xuan-lung with the binary and probes
// the endpoint; it returns false, and says why in the log, when the
// Facebook webhook is not available in this build.
func webhooksReady(t *testing.T, d *database, base string) bool {
	t.Helper()
	if !addFacebookChannel(t, d) {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	a := do(ctx, newClient(5*time.Second), "POST", base+"/webhooks/facebook", []byte(`{"object":"page","entry":[]}`),
		"Content-Type: application/json", "X-Hub-Signature-256: "+signFB([]byte(`{"object":"page","entry":[]}`)))
	if a.err != nil {
		t.Fatalf("probe /webhooks/facebook: %v", a.err)
	}
	if a.status == http.StatusNotFound {
		t.Log("WEBHOOKS SKIPPED: POST /webhooks/facebook answers 404 in this build; only intake is exercised")
		return false
	}
	if a.status != http.StatusOK {
		t.Fatalf("a signed empty delivery got %d: %s", a.status, a.body)
	}
	return true
}

var fbChannelAdded = map[string]bool{}

func addFacebookChannel(t *testing.T, d *database) bool {
	t.Helper()
	if ok, seen := fbChannelAdded[d.name]; seen {
		return ok
	}
	out, err := runCLI(d, "channel", "add", "facebook", "--unit", "xuan-lung", "--page-id", fbPage)
	if err != nil {
		t.Logf("WEBHOOKS SKIPPED: `caunoi channel add facebook` failed in this build (%v: %s); only intake is exercised",
			err, strings.TrimSpace(out))
	}
	fbChannelAdded[d.name] = err == nil
	return err == nil
}
