package facebook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"caunoi/channels"
)

const token = "EAAGtestPAGEtoken0123456789"

// recorder is a fake Graph API that records the requests it gets.
type recorder struct {
	mu       sync.Mutex
	requests []recorded
}

type recorded struct {
	method, path, contentType string
	query                     map[string][]string
	body                      []byte
}

func (r *recorder) record(t *testing.T, req *http.Request) recorded {
	t.Helper()
	b, err := io.ReadAll(req.Body)
	if err != nil {
		t.Errorf("reading request body: %v", err)
	}
	rec := recorded{req.Method, req.URL.Path, req.Header.Get("Content-Type"), req.URL.Query(), b}
	r.mu.Lock()
	r.requests = append(r.requests, rec)
	r.mu.Unlock()
	return rec
}

// fake starts a Graph API fake whose answers come from answer and returns a
// client pointed at it (with a /v21.0 base path, as in production).
func fake(t *testing.T, answer func(n int, req recorded, w http.ResponseWriter)) (*Client, *recorder) {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r := rec.record(t, req)
		rec.mu.Lock()
		n := len(rec.requests)
		rec.mu.Unlock()
		answer(n, r, w)
	}))
	t.Cleanup(srv.Close)
	return NewClient(srv.URL+"/v21.0/", srv.Client()), rec
}

func jsonAnswer(status int, body string) func(int, recorded, http.ResponseWriter) {
	return func(_ int, _ recorded, w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func TestReplyComment(t *testing.T) {
	c, rec := fake(t, jsonAnswer(200, `{"id":"912345678901234_5555"}`))
	id, err := c.ReplyComment(context.Background(), token, "912345678901234_1122334455667788", "Phường đã tiếp nhận & sẽ xử lý.")
	if err != nil {
		t.Fatal(err)
	}
	if id != "912345678901234_5555" {
		t.Errorf("id = %q", id)
	}
	r := rec.requests[0]
	if r.method != http.MethodPost || r.path != "/v21.0/912345678901234_1122334455667788/comments" {
		t.Errorf("request %s %s", r.method, r.path)
	}
	if r.contentType != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type %q", r.contentType)
	}
	if len(r.query) != 0 {
		t.Errorf("query %v, want the token in the body only", r.query)
	}
	form := parseForm(t, r.body)
	if form["message"] != "Phường đã tiếp nhận & sẽ xử lý." || form["access_token"] != token {
		t.Errorf("form %v", form)
	}
}

func TestSendMessage(t *testing.T) {
	c, rec := fake(t, jsonAnswer(200, `{"recipient_id":"7012345678901234","message_id":"m_reply1"}`))
	id, err := c.SendMessage(context.Background(), token, "7012345678901234", "Chào bạn, phường đã nhận phản ánh.")
	if err != nil {
		t.Fatal(err)
	}
	if id != "m_reply1" {
		t.Errorf("id = %q", id)
	}
	r := rec.requests[0]
	if r.method != http.MethodPost || r.path != "/v21.0/me/messages" || r.contentType != "application/json" {
		t.Errorf("request %s %s %s", r.method, r.path, r.contentType)
	}
	if got := r.query["access_token"]; len(got) != 1 || got[0] != token {
		t.Errorf("access_token %v", got)
	}
	var body map[string]any
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"recipient":      map[string]any{"id": "7012345678901234"},
		"messaging_type": "RESPONSE",
		"message":        map[string]any{"text": "Chào bạn, phường đã nhận phản ánh."},
	}
	if !jsonEqual(body, want) {
		t.Errorf("body %s", r.body)
	}
}

func TestSendSplitsLongText(t *testing.T) {
	text := longVietnamese(4500)
	for name, send := range map[string]func(*Client) (string, error){
		"message": func(c *Client) (string, error) { return c.SendMessage(context.Background(), token, "7012", text) },
		"comment": func(c *Client) (string, error) { return c.ReplyComment(context.Background(), token, "1_2", text) },
	} {
		c, rec := fake(t, func(n int, _ recorded, w http.ResponseWriter) {
			io.WriteString(w, `{"id":"c_`+string(rune('0'+n))+`","message_id":"m_`+string(rune('0'+n))+`"}`)
		})
		id, err := send(c)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if id != "m_1" && id != "c_1" {
			t.Errorf("%s: id %q, want the first part's", name, id)
		}
		var texts []string
		for _, r := range rec.requests {
			if name == "message" {
				var b struct{ Message struct{ Text string } }
				json.Unmarshal(r.body, &b)
				texts = append(texts, b.Message.Text)
			} else {
				texts = append(texts, parseForm(t, r.body)["message"])
			}
		}
		if len(texts) != 3 {
			t.Fatalf("%s: %d sends, want 3", name, len(texts))
		}
		for i, s := range texts {
			if n := utf8.RuneCountInString(s); n > channels.MaxText || !utf8.ValidString(s) {
				t.Errorf("%s: part %d has %d runes", name, i, n)
			}
		}
		if strings.Join(strings.Fields(strings.Join(texts, " ")), " ") != strings.Join(strings.Fields(text), " ") {
			t.Errorf("%s: parts do not rebuild the text word for word", name)
		}
	}
}

func TestSendClassifiesErrors(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		body       string
		permanent  bool
		code, sub  int
		retryAfter time.Duration
	}{
		{"outside messaging window", 400, `{"error":{"message":"(#10) This message is sent outside of allowed window.","type":"OAuthException","code":10,"error_subcode":2018278}}`, true, 10, 2018278, 0},
		{"person unavailable", 400, `{"error":{"message":"(#551) This person isn't available right now.","code":551,"error_subcode":1545041}}`, true, 551, 1545041, 0},
		{"expired token", 400, `{"error":{"message":"Error validating access token: Session has expired","type":"OAuthException","code":190,"error_subcode":463}}`, true, 190, 463, 0},
		{"deleted comment", 400, `{"error":{"message":"Unsupported post request.","code":100,"error_subcode":33}}`, true, 100, 33, 0},
		{"not found, no body", 404, ``, true, 0, 0, 0},
		{"app rate limit", 400, `{"error":{"message":"(#4) Application request limit reached","code":4}}`, false, 4, 0, 0},
		{"page rate limit", 400, `{"error":{"message":"(#32) Page request limit reached","code":32}}`, false, 32, 0, 0},
		{"transient", 500, `{"error":{"message":"An unexpected error has occurred.","code":2,"is_transient":true}}`, false, 2, 0, 0},
		{"bad gateway", 502, `<html>Bad Gateway</html>`, false, 0, 0, 0},
		{"too many requests", 429, ``, false, 0, 0, 7 * time.Second},
		{"200 with garbage", 200, `<html>`, false, 0, 0, 0},
	}
	for _, tt := range tests {
		c, _ := fake(t, func(_ int, _ recorded, w http.ResponseWriter) {
			if tt.retryAfter > 0 {
				w.Header().Set("Retry-After", "7")
			}
			w.WriteHeader(tt.status)
			io.WriteString(w, tt.body)
		})
		_, err := c.SendMessage(context.Background(), token, "7012", "Xin chào")
		var e *channels.Error
		if !errors.As(err, &e) {
			t.Errorf("%s: error %v is not a *channels.Error", tt.name, err)
			continue
		}
		if channels.IsPermanent(err) != tt.permanent || e.Code != tt.code || e.Subcode != tt.sub ||
			e.Status != tt.status || e.RetryAfter != tt.retryAfter {
			t.Errorf("%s: %+v; want permanent %v code %d/%d", tt.name, e, tt.permanent, tt.code, tt.sub)
		}
	}
}

func TestSendNetworkFailures(t *testing.T) {
	// Timeout: the fake waits until the client gives up.
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body) // lets the server notice the client hanging up
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	c := NewClient(srv.URL, &http.Client{Timeout: 50 * time.Millisecond})
	_, err := c.SendMessage(context.Background(), token, "7012", "Xin chào")
	if err == nil || channels.IsPermanent(err) {
		t.Errorf("timeout: %v, want a retryable error", err)
	}
	if strings.Contains(err.Error(), token) {
		t.Errorf("timeout error shows the token: %v", err)
	}

	// Connection refused.
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	c = NewClient(closed.URL, nil)
	for _, send := range []func() (string, error){
		func() (string, error) { return c.SendMessage(context.Background(), token, "7012", "x") },
		func() (string, error) { return c.ReplyComment(context.Background(), token, "1_2", "x") },
	} {
		_, err := send()
		if err == nil || channels.IsPermanent(err) || strings.Contains(err.Error(), token) {
			t.Errorf("connection refused: %v, want a retryable error without the token", err)
		}
	}

	// Cancelled by the caller (shutdown): retry later.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.SendMessage(ctx, token, "7012", "x"); err == nil || channels.IsPermanent(err) || !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestSendPartialFailure(t *testing.T) {
	c, rec := fake(t, func(n int, _ recorded, w http.ResponseWriter) {
		if n == 2 {
			w.WriteHeader(503)
			return
		}
		io.WriteString(w, `{"message_id":"m_ok"}`)
	})
	_, err := c.SendMessage(context.Background(), token, "7012", longVietnamese(4500))
	if err == nil || channels.IsPermanent(err) || channels.SentParts(err) != 1 || len(rec.requests) != 2 {
		t.Errorf("err %v, sent %d, requests %d; want retryable after 1 part, 2 requests", err, channels.SentParts(err), len(rec.requests))
	}
}

func TestSendRefusesWithoutRequest(t *testing.T) {
	c, rec := fake(t, jsonAnswer(200, `{}`))
	for name, send := range map[string]func() (string, error){
		"empty text":    func() (string, error) { return c.SendMessage(context.Background(), token, "7012", "  \n") },
		"no recipient":  func() (string, error) { return c.SendMessage(context.Background(), token, "", "x") },
		"no comment id": func() (string, error) { return c.ReplyComment(context.Background(), token, "", "x") },
	} {
		if _, err := send(); !channels.IsPermanent(err) {
			t.Errorf("%s: %v, want a permanent error", name, err)
		}
	}
	if len(rec.requests) != 0 {
		t.Errorf("%d requests sent", len(rec.requests))
	}
}

func TestErrorsHideToken(t *testing.T) {
	c, _ := fake(t, jsonAnswer(400, `{"error":{"message":"Invalid OAuth access token - Cannot parse access token `+token+`","code":190}}`))
	_, err := c.ReplyComment(context.Background(), token, "1_2", "x")
	if err == nil || strings.Contains(err.Error(), token) {
		t.Errorf("error %v shows the token", err)
	}
}

func TestNewClientDefaults(t *testing.T) {
	c := NewClient("", nil)
	if c.baseURL != DefaultGraphURL || c.hc == nil || c.hc.Timeout != channels.DefaultTimeout {
		t.Errorf("defaults: %q %+v", c.baseURL, c.hc)
	}
}

func parseForm(t *testing.T, body []byte) map[string]string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := req.ParseForm(); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for k, v := range req.PostForm {
		out[k] = v[0]
	}
	return out
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

func longVietnamese(n int) string {
	const s = "Ủy ban nhân dân phường trả lời: đoạn đường Nguyễn Trãi sẽ được nạo vét cống thoát nước trong tuần này, " +
		"đề nghị bà con không đổ rác xuống miệng cống để tránh ngập úng khi trời mưa lớn. "
	var b strings.Builder
	for utf8.RuneCountInString(b.String()) < n {
		b.WriteString(s)
	}
	return string([]rune(b.String())[:n])
}
