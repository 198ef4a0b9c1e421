package apitest

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ValidFeedback is a complete, valid citizen's feedback for xuan-lung's
// street lights, as the public API takes it.
func ValidFeedback() map[string]any {
	return map[string]any{
		"unit": "xuan-lung", "kind": "feedback", "category": "chieu-sang",
		"title": "Đèn đường hỏng", "body": "Đèn đường trước nhà số 45 Lê Lợi, thôn 3 bị hỏng 3 ngày nay.",
		"citizen":  map[string]any{"name": "Nguyễn Văn An", "phone": "0912 345 678", "email": "an@example.vn"},
		"location": map[string]any{"address": "45 Lê Lợi, thôn 3", "lat": 21.32, "lng": 105.40},
		"public":   false,
	}
}

// NewTicket files a citizen's feedback in unit and returns its id and
// tracking code; the test fails when it is not created.
func (e *Env) NewTicket(unit, body string) (int64, string) {
	e.T.Helper()
	r := e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": unit, "body": body,
		"citizen": map[string]any{"name": "Lê Thị Cúc", "phone": "0987654321"}})
	if r.Status != 201 {
		e.T.Fatalf("feedback: %d %s", r.Status, r.Body)
	}
	code := r.Map(e.T)["tracking_code"].(string)
	var id int64
	e.MustGet(&id, "SELECT id FROM tickets WHERE tracking_code = $1", code)
	return id, code
}

// Submit files an anonymous feedback in xuan-lung and returns its tracking
// code; the test fails when it is not created.
func (e *Env) Submit(body string) string {
	e.T.Helper()
	r := e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "body": body})
	if r.Status != 201 {
		e.T.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	return r.Map(e.T)["tracking_code"].(string)
}

// Get311 GETs /open311/v2/path with the query q (nil for none).
func (e *Env) Get311(path string, q url.Values) *Response {
	e.T.Helper()
	if q != nil {
		path += "?" + q.Encode()
	}
	return e.Request("GET", "/open311/v2/"+path, nil)
}

// Jurisdiction is the Open311 query naming the unit.
func Jurisdiction(code string) url.Values { return url.Values{"jurisdiction_id": {code}} }

// The denouncer of the denunciation tests; their words must reach only the
// leader and the assigned handler.
const (
	DenouncerName  = "Hà Văn Tố"
	DenouncerPhone = "0911222333"
	DenouncerEmail = "to.cao.an@example.vn"
	DenouncerHome  = "Số 12 ngõ 3 thôn Đông"
	Denunciation   = "Tố cáo cán bộ địa chính nhận tiền để cấp sổ đỏ sai quy định tại thôn Đông"
)

// DenouncerWords are the forms in which the denouncer could show: as
// given, folded, the phone in international form, the house and its pin.
var DenouncerWords = []string{DenouncerName, "Ha Van To", DenouncerPhone, "911222333", DenouncerEmail, DenouncerHome,
	"21.32171", "105.40333"}

// FileDenunciation files a denunciation on the public API, routed to the
// economy department, and returns its id and tracking code.
func (e *Env) FileDenunciation() (int64, string) {
	e.T.Helper()
	return e.FileByDenouncer("denunciation")
}

// FileByDenouncer files the denouncer's words, with their identity and
// home, as a ticket of kind (a feedback until someone sees what it is).
func (e *Env) FileByDenouncer(kind string) (int64, string) {
	e.T.Helper()
	r := e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "kind": kind, "category": "dat-dai",
		"body": Denunciation, "citizen": map[string]any{"name": DenouncerName, "phone": DenouncerPhone, "email": DenouncerEmail},
		"location": map[string]any{"address": DenouncerHome, "lat": 21.32171, "lng": 105.40333}})
	if r.Status != 201 {
		e.T.Fatalf("file a %s: %d %s", kind, r.Status, r.Body)
	}
	code, _ := r.Map(e.T)["tracking_code"].(string)
	var id int64
	e.MustGet(&id, "SELECT id FROM tickets WHERE tracking_code = $1", code)
	return id, code
}

// Leaked returns the first of the denouncer's words in s, or "".
func Leaked(s string) string {
	for _, w := range DenouncerWords {
		if strings.Contains(s, w) {
			return w
		}
	}
	return ""
}

// PDFText returns the text of a PDF, whitespace folded, read back with pdftotext.
func PDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pdftotext is required in CI (.ci/run installs poppler-utils): %v", err)
		}
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.60q", pdf)
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(context.Background(), "pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
