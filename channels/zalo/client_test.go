package zalo

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

const token = "zalo-OA-access-token-abcdef0123456789"

type recorded struct {
	method, path, contentType, token string
	body                             []byte
}

// fake starts an OA API fake whose answers come from answer (n counts the
// requests from 1) and returns a client pointed at it.
func fake(t *testing.T, answer func(n int, w http.ResponseWriter)) (*Client, *[]recorded) {
	t.Helper()
	var mu sync.Mutex
	var reqs []recorded
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		reqs = append(reqs, recorded{r.Method, r.URL.Path, r.Header.Get("Content-Type"), r.Header.Get("access_token"), b})
		n := len(reqs)
		mu.Unlock()
		answer(n, w)
	}))
	t.Cleanup(srv.Close)
	return NewClient(srv.URL+"/", srv.Client()), &reqs
}

func answer(status int, body string) func(int, http.ResponseWriter) {
	return func(_ int, w http.ResponseWriter) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

func TestSendText(t *testing.T) {
	c, reqs := fake(t, answer(200, `{"data":{"message_id":"a1b2c3","user_id":"`+userID+`"},"error":0,"message":"Success"}`))
	id, err := c.SendText(context.Background(), token, userID, "Phường đã tiếp nhận câu hỏi của bạn.")
	if err != nil {
		t.Fatal(err)
	}
	if id != "a1b2c3" {
		t.Errorf("id = %q", id)
	}
	r := (*reqs)[0]
	if r.method != http.MethodPost || r.path != "/v3.0/oa/message/cs" || r.contentType != "application/json" || r.token != token {
		t.Errorf("request %s %s %s token %q", r.method, r.path, r.contentType, r.token)
	}
	var body map[string]map[string]string
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatal(err)
	}
	if len(body) != 2 || len(body["recipient"]) != 1 || body["recipient"]["user_id"] != userID ||
		len(body["message"]) != 1 || body["message"]["text"] != "Phường đã tiếp nhận câu hỏi của bạn." {
		t.Errorf("body %s", r.body)
	}
}

func TestSendTextSplits(t *testing.T) {
	c, reqs := fake(t, func(n int, w http.ResponseWriter) {
		io.WriteString(w, `{"data":{"message_id":"m`+string(rune('0'+n))+`"},"error":0,"message":"Success"}`)
	})
	text := longVietnamese(4500)
	id, err := c.SendText(context.Background(), token, userID, text)
	if err != nil || id != "m1" {
		t.Fatalf("SendText = %q, %v", id, err)
	}
	if len(*reqs) != 3 {
		t.Fatalf("%d sends, want 3", len(*reqs))
	}
	var parts []string
	for _, r := range *reqs {
		var b struct{ Message struct{ Text string } }
		json.Unmarshal(r.body, &b)
		if n := utf8.RuneCountInString(b.Message.Text); n > channels.MaxText || n == 0 {
			t.Errorf("part of %d runes", n)
		}
		parts = append(parts, b.Message.Text)
	}
	if strings.Join(strings.Fields(strings.Join(parts, " ")), " ") != strings.Join(strings.Fields(text), " ") {
		t.Error("parts do not rebuild the text word for word")
	}
}

func TestSendTextClassifiesErrors(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		permanent bool
		code      int
	}{
		{"no interaction for 7 days", 200, `{"error":-230,"message":"User has not interacted with the OA in the past 7 days"}`, true, -230},
		{"user not reachable", 200, `{"error":-213,"message":"User has not followed OA"}`, true, -213},
		{"invalid user id", 200, `{"error":-201,"message":"user_id is invalid"}`, true, -201},
		{"invalid token", 200, `{"error":-216,"message":"Access token is invalid"}`, true, -216},
		{"rate limit", 200, `{"error":-32,"message":"Exceed rate limit"}`, false, -32},
		{"bad request", 400, `{"error":-201,"message":"bad"}`, true, -201},
		{"server error", 500, `oops`, false, 0},
		{"gateway", 502, ``, false, 0},
		{"too many requests", 429, ``, false, 0},
		{"200 without error field", 200, `{"data":{}}`, false, 0},
		{"200 with garbage", 200, `<html>`, false, 0},
	}
	for _, tt := range tests {
		c, _ := fake(t, answer(tt.status, tt.body))
		_, err := c.SendText(context.Background(), token, userID, "Xin chào")
		var e *channels.Error
		if !errors.As(err, &e) {
			t.Errorf("%s: %v is not a *channels.Error", tt.name, err)
			continue
		}
		if channels.IsPermanent(err) != tt.permanent || e.Code != tt.code || e.Status != tt.status {
			t.Errorf("%s: %+v; want permanent %v code %d", tt.name, e, tt.permanent, tt.code)
		}
	}
}

func TestSendTextNetworkFailures(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer slow.Close()
	defer close(release)
	c := NewClient(slow.URL, &http.Client{Timeout: 50 * time.Millisecond})
	if _, err := c.SendText(context.Background(), token, userID, "x"); err == nil || channels.IsPermanent(err) || strings.Contains(err.Error(), token) {
		t.Errorf("timeout: %v, want retryable without the token", err)
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	if _, err := NewClient(closed.URL, nil).SendText(context.Background(), token, userID, "x"); err == nil || channels.IsPermanent(err) {
		t.Errorf("connection refused: %v, want retryable", err)
	}
}

func TestSendTextPartialFailureAndGuards(t *testing.T) {
	c, reqs := fake(t, func(n int, w http.ResponseWriter) {
		if n == 3 {
			io.WriteString(w, `{"error":-230,"message":"User has not interacted with the OA in the past 7 days"}`)
			return
		}
		io.WriteString(w, `{"data":{"message_id":"ok"},"error":0}`)
	})
	_, err := c.SendText(context.Background(), token, userID, longVietnamese(4500))
	if !channels.IsPermanent(err) || channels.SentParts(err) != 2 {
		t.Errorf("err %v sent %d; want permanent after 2 parts", err, channels.SentParts(err))
	}
	n := len(*reqs)
	for name, args := range map[string][2]string{"empty text": {userID, " "}, "no user": {"", "x"}} {
		if _, err := c.SendText(context.Background(), token, args[0], args[1]); !channels.IsPermanent(err) {
			t.Errorf("%s: %v, want permanent", name, err)
		}
	}
	if len(*reqs) != n {
		t.Error("a refused send reached the API")
	}
}

func TestErrorsHideToken(t *testing.T) {
	c, _ := fake(t, answer(200, `{"error":-216,"message":"Access token `+token+` is invalid"}`))
	if _, err := c.SendText(context.Background(), token, userID, "x"); err == nil || strings.Contains(err.Error(), token) {
		t.Errorf("error %v shows the token", err)
	}
}

func TestNewClientDefaults(t *testing.T) {
	c := NewClient("", nil)
	if c.baseURL != DefaultAPIURL || c.hc == nil || c.hc.Timeout != channels.DefaultTimeout {
		t.Errorf("defaults: %q %+v", c.baseURL, c.hc)
	}
}

func longVietnamese(n int) string {
	const s = "Về việc tranh chấp ranh giới đất, ông bà nộp đơn tại bộ phận một cửa của Ủy ban nhân dân xã, " +
		"kèm bản sao giấy chứng nhận quyền sử dụng đất và sơ đồ hiện trạng; cán bộ địa chính sẽ hẹn ngày xác minh. "
	var b strings.Builder
	for utf8.RuneCountInString(b.String()) < n {
		b.WriteString(s)
	}
	return string([]rune(b.String())[:n])
}
