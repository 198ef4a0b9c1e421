package api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

// fuzzContext returns a gin context over a POST of body with the media type,
// its body capped as the /api/v1 group caps it.
func fuzzContext(body []byte, ctype string) *gin.Context {
	gin.SetMode(gin.ReleaseMode)
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/feedback", bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Body = http.MaxBytesReader(rec, req.Body, httpx.MaxBodyBytes)
	c.Request = req
	return c
}

var fuzzCategories = []domain.Category{
	{ID: 1, Code: "chieu-sang", Name: "Điện, chiếu sáng công cộng", Active: true},
	{ID: 2, Code: "moi-truong", Name: "Môi trường, rác thải", Active: true},
	{ID: 3, Code: "cu", Name: "Đã bỏ", Active: false},
}

// FuzzDecodeFeedback feeds the intake's decoder (JSON, form or multipart)
// and the validator hostile bodies: they never panic, every refusal is an
// error of the shared shape with a code that maps to a 4xx, and what they
// accept is valid, normalised and within limits.
func FuzzDecodeFeedback(f *testing.F) {
	f.Add([]byte(`{"unit":"xuan-lung","kind":"feedback","category":"chieu-sang","title":"Đèn đường hỏng","body":"Đèn đường trước nhà số 45 bị hỏng.","citizen":{"name":"Nguyễn Văn An","phone":"0912345678","email":"an@example.vn"},"location":{"address":"45 Lê Lợi","lat":21.32,"lng":105.4},"public":true}`), uint8(0))
	f.Add([]byte("unit=xuan-lung&body=%C4%90%C3%A8n+%C4%91%C6%B0%E1%BB%9Dng+h%E1%BB%8Fng&lat=21.3&lng=105.4&public=on"), uint8(1))
	f.Add([]byte("--XX\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nRác thải\r\n--XX--\r\n"), uint8(2))
	f.Add([]byte(`{"body":"x"} {"body":"y"}`), uint8(0))
	f.Add([]byte("{\"body\":\"\xff\xfe\"}"), uint8(0))
	f.Add([]byte(`{"body":"a","citizen":null,"location":{"lat":"north"}}`), uint8(0))
	f.Add([]byte(`{"body":"`+strings.Repeat("ữ", 10001)+`"}`), uint8(0))
	f.Add([]byte("body=%zz&lat=1e400"), uint8(1))
	f.Fuzz(func(t *testing.T, body []byte, mode uint8) {
		ctype := []string{"application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=XX",
			"text/plain", "application/json; charset=utf-8"}[int(mode)%5]
		in, err := decodeFeedback(fuzzContext(body, ctype))
		if err == nil {
			in, err = domain.ValidateFeedback(in, fuzzCategories)
		}
		if err != nil {
			de := httpx.ToDomain(err)
			status := httpx.StatusOf[de.Code]
			if status < 400 || status >= 500 || de.Message == "" || de.MessageEN == "" {
				t.Fatalf("refusal %#v maps to %d", err, status)
			}
			return
		}
		if !utf8.ValidString(in.Body) || utf8.RuneCountInString(in.Body) < 1 ||
			utf8.RuneCountInString(in.Body) > domain.MaxBodyLen || in.Body != strings.TrimSpace(in.Body) {
			t.Fatalf("accepted body %q", in.Body)
		}
		if in.Category != "" && in.Category != "chieu-sang" && in.Category != "moi-truong" {
			t.Fatalf("accepted category %q", in.Category)
		}
		if !domain.Kind(in.Kind).Valid() {
			t.Fatalf("accepted kind %q", in.Kind)
		}
	})
}
