package browsertest

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"caunoi/demo"
	"caunoi/domain"
	"caunoi/internal/apitest"
	"caunoi/reports"
)

// seedTwoMonths gives xuan-lung tickets over October and early November
// 2026 (the test clock's "last month" and "this month"): some resolved,
// some overdue; and an archived October report with a real PDF.
func seedTwoMonths(t *testing.T, e *apitest.Env) {
	t.Helper()
	loc := domain.VietnamLocation()
	start := time.Date(2026, 10, 1, 9, 0, 0, 0, loc)
	days := []int{0, 2, 4, 6, 7, 9, 12, 14, 15, 18, 20, 22, 25, 27, 29, 31, 32, 32}
	for i, day := range days {
		r := e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "kind": "feedback",
			"category": []string{"chieu-sang", "moi-truong", "ha-tang"}[i%3],
			"title":    fmt.Sprintf("Phản ánh số %d", i+1), "body": fmt.Sprintf("Nội dung phản ánh số %d ở thôn %d.", i+1, i%5+1)})
		if r.Status != 201 {
			t.Fatalf("intake: %d %s", r.Status, r.Body)
		}
		code := r.Map(t)["tracking_code"].(string)
		created := start.AddDate(0, 0, day)
		due := created.Add(7 * 24 * time.Hour)
		q := `UPDATE tickets SET created_at = $2, due_at = $3 WHERE tracking_code = $1`
		args := []any{code, created, due}
		if i%3 != 2 {
			q = `UPDATE tickets SET created_at = $2, due_at = $3, status = 'resolved', resolved_at = $4 WHERE tracking_code = $1`
			resolved := created.Add(time.Duration(2+i%9) * 24 * time.Hour)
			if now := e.Clock.Now(); resolved.After(now) {
				resolved = now
			}
			args = append(args, resolved)
		}
		if _, err := e.DB.Exec(q, args...); err != nil {
			t.Fatalf("age a ticket: %v", err)
		}
	}
	ctx := context.Background()
	var unitID int64
	e.MustGet(&unitID, "SELECT id FROM units WHERE code = 'xuan-lung'")
	sum, err := e.Store.ReportSummary(ctx, domain.Scope{Role: domain.RoleAdmin, UnitID: unitID},
		domain.ReportRequest{From: time.Date(2026, 10, 1, 0, 0, 0, 0, loc), To: time.Date(2026, 10, 31, 0, 0, 0, 0, loc), Appendix: true})
	if err != nil {
		t.Fatal(err)
	}
	var pdf bytes.Buffer
	if err := reports.WritePDF(&pdf, sum, reports.PDFOptions{Loc: loc}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Store.SaveReport(ctx, domain.NewArchivedReport{UnitID: unitID, Period: domain.PeriodMonth,
		Summary: sum, PDF: pdf.Bytes()}); err != nil {
		t.Fatal(err)
	}
}

// signIn signs the actor in through the sign-in page and goes to path.
func (a *actor) signIn(email, path string) {
	a.t.Helper()
	a.open("/staff/login?next=" + path)
	a.do(chromedp.SendKeys(chromedp.ID("f-email"), email), chromedp.SendKeys(chromedp.ID("f-password"), demo.Password))
	a.submit("form button.primary")
	if a.location() != path {
		a.t.Fatalf("%s: after sign-in at %q, want %q", a.name, a.location(), path)
	}
}

// fetchPDF runs a fetch in the page (with its cookies) and returns the
// answer's status, content type and first bytes.
const fetchPDF = `(async () => {
  const r = await fetch(%s, %s);
  const b = new Uint8Array(await r.arrayBuffer());
  return [String(r.status), r.headers.get("content-type") || "", String.fromCharCode(...b.slice(0, 5)), String(b.length)];
})()`

// TestLeaderDownloadsThePDFInTheBrowser: a leader signs in, sees the
// dashboard with its chart, downloads an archived report and makes one for
// a period of their own with their section IV; both are PDFs.
func TestLeaderDownloadsThePDFInTheBrowser(t *testing.T) {
	bctx := browser(t, 2*time.Minute)
	e := apitest.New(t)
	seedTwoMonths(t, e)
	dir := artifacts(t)

	ld := newActor(t, bctx, e.Server.URL, dir, "leader", 1280, 900, false)
	ld.signIn(apitest.Leader, "/leader")
	if n := ld.text("#this-received"); n == "" || n == "0" {
		t.Fatalf("this month's received: %q", n)
	}
	ld.do(chromedp.WaitVisible(chromedp.CSS("figure.chart svg")))
	ld.shot("11-leader-dashboard")

	// The archive's link, followed with the session cookie.
	attr, err := chromedp.Run(ld.ctx, chromedp.AttributeValue(chromedp.CSS("a.pdf"), "href"))
	href := attr.Value
	if err != nil || !strings.HasPrefix(href, "/api/v1/reports/") {
		t.Fatalf("archive link %q: %v", href, err)
	}
	got := ld.eval(fmt.Sprintf(fetchPDF, "location.origin + "+quote(href), `{credentials: "same-origin"}`))
	if got[0] != "200" || got[1] != "application/pdf" || got[2] != "%PDF-" {
		t.Fatalf("archived PDF: %v", got)
	}

	// The report form: a period and section IV, posted as the form would be.
	ld.do(
		chromedp.SetValue(chromedp.ID("f-from"), "2026-10-01"),
		chromedp.SetValue(chromedp.ID("f-to"), "2026-11-03"),
		chromedp.SendKeys(chromedp.ID("f-number"), "15/BC-UBND"),
		chromedp.SendKeys(chromedp.ID("f-section4"), "Đề nghị các phòng xử lý dứt điểm phản ánh quá hạn trước ngày 15."),
	)
	ld.shot("12-leader-report-form")
	got = ld.eval(fmt.Sprintf(fetchPDF, `document.querySelector("form.report-form").action`,
		`{method: "POST", credentials: "same-origin", body: new URLSearchParams(new FormData(document.querySelector("form.report-form")))}`))
	if got[0] != "200" || got[1] != "application/pdf" || got[2] != "%PDF-" {
		t.Fatalf("generated PDF: %v", got)
	}
	t.Logf("generated PDF: %s bytes", got[3])
}

// TestAdminAddsARuleInTheBrowser: an admin adds a routing rule for a
// commune, and the "test this text" box sends a message with its keyword
// to the rule's department.
func TestAdminAddsARuleInTheBrowser(t *testing.T) {
	bctx := browser(t, 2*time.Minute)
	e := apitest.New(t)
	dir := artifacts(t)
	text := "Cây xà cừ trước trường tiểu học bị đổ chắn ngang đường"

	ad := newActor(t, bctx, e.Server.URL, dir, "admin", 1280, 900, false)
	ad.signIn(apitest.Admin, "/admin")
	ad.shot("13-admin-home")
	ad.submit(`a[href="/admin/rules"]`)
	ad.do(chromedp.SetValue(chromedp.ID("f-pick-unit"), "xuan-lung"))
	ad.submit("form.unit-pick button")
	// Before: where does the text go?
	ad.do(chromedp.SendKeys(chromedp.ID("f-test-text"), text))
	ad.submit("#test button.primary")
	before := ad.text("#test-department")
	if before == "Phòng Văn hóa - Xã hội" {
		t.Fatalf("already routed to the rule's department: %q", before)
	}
	// The rule: "cây đổ" goes to Văn hóa - Xã hội, tried first.
	ad.do(
		chromedp.SendKeys(chromedp.ID("f-keywords"), "cây đổ, đổ chắn ngang"),
		chromedp.SetValue(chromedp.ID("f-department"), "van-hoa-xa-hoi"),
		chromedp.SendKeys(chromedp.ID("f-position"), "1"),
	)
	ad.submit("#new-rule button.primary")
	if got := ad.text(".notice"); got != "Đã thêm." {
		t.Fatalf("after adding the rule: %q", got)
	}
	ad.do(chromedp.SendKeys(chromedp.ID("f-test-text"), text))
	ad.submit("#test button.primary")
	if got := ad.text("#test-department"); got != "Phòng Văn hóa - Xã hội" {
		t.Fatalf("the test box sends it to %q (before the rule: %q)", got, before)
	}
	ad.shot("14-admin-rule-test")
	t.Logf("screenshots in %s", dir)
}

// TestAdminChangesADeadlineInTheBrowser: an admin opens a commune's
// category from the list, changes its deadline (a bad amount first: the
// message shows next to the field), saves, and the list shows the new
// deadline.
func TestAdminChangesADeadlineInTheBrowser(t *testing.T) {
	bctx := browser(t, 2*time.Minute)
	e := apitest.New(t)
	dir := artifacts(t)
	var id int64
	if err := e.DB.Get(&id, `SELECT c.id FROM categories c JOIN units u ON u.id = c.unit_id
		WHERE u.code = 'xuan-lung' AND c.code = 'chieu-sang'`); err != nil {
		t.Fatal(err)
	}
	row := fmt.Sprintf("#category-%d .deadline", id)

	ad := newActor(t, bctx, e.Server.URL, dir, "admin", 1280, 900, false)
	ad.signIn(apitest.Admin, "/admin")
	ad.open("/admin/categories?unit=xuan-lung")
	if got := ad.text(row); got != "3 ngày làm việc" {
		t.Fatalf("deadline before: %q", got)
	}
	ad.submit(fmt.Sprintf(`a[href="/admin/categories/%d?unit=xuan-lung"]`, id))
	if got := ad.text("h1"); got != "Sửa: Điện, chiếu sáng công cộng" {
		t.Fatalf("edit page title %q", got)
	}
	ad.do(chromedp.SetValue(chromedp.ID("f-amount"), "0"))
	ad.submit("#edit button.primary")
	if got := ad.text("#e-amount"); got != "Không hợp lệ." {
		t.Fatalf("the message next to the amount: %q", got)
	}
	ad.shot("15-admin-category-error")
	ad.do(chromedp.SetValue(chromedp.ID("f-amount"), "8"),
		chromedp.SetValue(chromedp.ID("f-deadline_unit"), "working_hours"))
	ad.shot("16-admin-category-edit")
	ad.submit("#edit button.primary")
	if loc := ad.location(); loc != "/admin/categories?done=saved&unit=xuan-lung" {
		t.Fatalf("after saving at %q", loc)
	}
	if got := ad.text(".notice"); got != "Đã lưu thay đổi." {
		t.Fatalf("notice %q", got)
	}
	if got := ad.text(row); got != "8 giờ làm việc" {
		t.Fatalf("deadline in the list after saving: %q", got)
	}
	var stored string
	e.MustGet(&stored, "SELECT deadline_amount || ' ' || deadline_unit FROM categories WHERE id = $1", id)
	if stored != "8 working_hours" {
		t.Fatalf("stored deadline %q", stored)
	}
	ad.shot("17-admin-category-saved")
	t.Logf("screenshots in %s", dir)
}

// eval runs a script that returns a list of strings, awaiting its promise.
func (a *actor) eval(js string) []string {
	a.t.Helper()
	ctx, cancel := a.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		a.t.Fatalf("%s: %v", a.name, err)
	}
	return v
}

// quote returns s as a JavaScript string literal.
func quote(s string) string { return fmt.Sprintf("%q", s) }
