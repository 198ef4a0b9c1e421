package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"caunoi/domain"
	"caunoi/internal/apitest"
)

// FuzzFeedbackHandler posts hostile bodies to POST /api/v1/feedback through
// the real router on a real database: never a 5xx; a 201 stores exactly one
// ticket with a parseable tracking code and a valid NFC body; any other
// answer is an error of the shared shape and stores nothing.
func FuzzFeedbackHandler(f *testing.F) {
	f.Add([]byte(`{"unit":"xuan-lung","kind":"feedback","category":"chieu-sang","title":"Đèn đường hỏng","body":"Đèn đường trước nhà số 45 bị hỏng.","citizen":{"name":"Nguyễn Văn An","phone":"0912345678"},"public":true}`), false)
	f.Add([]byte("unit=xuan-lung&body=R%C3%A1c+th%E1%BA%A3i+%E1%BB%9F+th%C3%B4n+2&kind=complaint"), true)
	f.Add([]byte(`{"unit":"xuan-lung","body":"  \u0000\u202e\ud83d\ude00  ","kind":"denunciation"}`), false)
	f.Add([]byte(`{"unit":"no-such-unit","body":"x"}`), false)
	f.Add([]byte(`{"unit":"xuan-lung","body":"x","category":"khac","location":{"lat":1e308,"lng":-1e308}}`), false)
	f.Add([]byte(`[]`), false)
	f.Add([]byte("unit=xuan-lung&body=%FF"), true)
	e := apitest.New(f)
	h := e.Server.Config.Handler
	f.Fuzz(func(t *testing.T, body []byte, form bool) {
		ctype := "application/json"
		if form {
			ctype = "application/x-www-form-urlencoded"
		}
		var before, after int
		if err := e.DB.Get(&before, "SELECT count(*) FROM tickets"); err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPost, "/api/v1/feedback", bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if err := e.DB.Get(&after, "SELECT count(*) FROM tickets"); err != nil {
			t.Fatal(err)
		}
		switch rec.Code {
		case http.StatusCreated:
			var out struct {
				Code string `json:"tracking_code"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatalf("201 with %s", rec.Body)
			}
			if _, err := domain.ParseTrackingCode(out.Code); err != nil {
				t.Fatalf("201 with tracking code %q: %v", out.Code, err)
			}
			if after != before+1 {
				t.Fatalf("a 201 stored %d tickets", after-before)
			}
			var stored string
			if err := e.DB.Get(&stored, "SELECT body FROM tickets WHERE tracking_code = $1", out.Code); err != nil {
				t.Fatal(err)
			}
			if !utf8.ValidString(stored) || !norm.NFC.IsNormalString(stored) || strings.TrimSpace(stored) == "" ||
				utf8.RuneCountInString(stored) > domain.MaxBodyLen {
				t.Fatalf("stored body %q", stored)
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType:
			var eb apitest.ErrorBody
			if err := json.Unmarshal(rec.Body.Bytes(), &eb); err != nil || eb.Error.Code == "" || eb.Error.Message == "" {
				t.Fatalf("%d without the error shape: %s", rec.Code, rec.Body)
			}
			if after != before {
				t.Fatalf("a %d stored %d tickets", rec.Code, after-before)
			}
		default:
			t.Fatalf("%d: %s", rec.Code, rec.Body)
		}
	})
}
