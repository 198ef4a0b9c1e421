package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"caunoi/domain"
	"caunoi/internal/apitest"
)

// archiveReport stores an October report of xuan-lung and returns its id.
func archiveReport(t *testing.T, e *apitest.Env) int64 {
	t.Helper()
	ctx := context.Background()
	var unitID int64
	e.MustGet(&unitID, "SELECT id FROM units WHERE code = 'xuan-lung'")
	sum, err := e.Store.ReportSummary(ctx, domain.Scope{Role: domain.RoleAdmin, UnitID: unitID},
		domain.ReportRequest{From: apitest.At("10-01 00:00"), To: apitest.At("10-31 00:00")})
	if err != nil {
		t.Fatal(err)
	}
	id, _, err := e.Store.SaveReport(ctx, domain.NewArchivedReport{UnitID: unitID, Period: domain.PeriodMonth,
		Summary: sum, PDF: []byte("%PDF-1.4 archived")})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestLeaderDashboardRendersInVietnameseAndEnglish(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	apitest.SeedReportFixture(t, e)
	id := archiveReport(t, e)
	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.Leader)
	for _, l := range []string{"vi", "en"} {
		b.Lang = l
		pg := b.Get("/leader")
		checkPage(t, "leader "+l, pg)
		if pg.Status != 200 {
			t.Fatalf("%s: %d %s", l, pg.Status, pg.Body)
		}
		want := map[string][]string{
			"vi": {"Tháng trước", "Tỷ lệ đúng hạn", "Phản ánh quá hạn", "Báo cáo đã lập", domain.ReportSectionIV, "Phòng Kinh tế"},
			"en": {"Last month", "On time", "Overdue tickets", "Report archive", "IV. Tasks and proposals", "Phòng Kinh tế"},
		}[l]
		if strings.Contains(pg.Body, "%!") {
			t.Errorf("a string formatted with the wrong arguments")
		}
		if m := rawKeyRE.FindString(pg.Body); m != "" {
			t.Errorf("%s: untranslated %q", l, m)
		}
		for _, w := range want {
			if !strings.Contains(pg.Body, w) {
				t.Errorf("%s: no %q", l, w)
			}
		}
		// October in the fixture: 9 received, 6 resolved (worked out in TestReportSummaryFigures).
		if !strings.Contains(pg.Body, `<td class="num">9</td>`) || !strings.Contains(pg.Body, `<td class="num">6</td>`) {
			t.Errorf("%s: last month's figures missing", l)
		}
		// The weekly chart is inline SVG drawn on the server, without style attributes.
		if !strings.Contains(pg.Body, "<svg viewBox=") || strings.Count(pg.Body, `<rect class="bar rec"`) < 5 {
			t.Errorf("%s: no weekly chart", l)
		}
		if !strings.Contains(pg.Body, `href="/api/v1/reports/`+strconv.FormatInt(id, 10)+`.pdf"`) {
			t.Errorf("%s: archive link missing", l)
		}
	}
	b.Lang = ""
	// The overdue list links to the staff ticket pages: RPT-T05 is overdue.
	pg := b.Get("/leader")
	var tid int64
	e.MustGet(&tid, "SELECT id FROM tickets WHERE tracking_code = 'RPT-T05'")
	if !strings.Contains(pg.Body, `<a href="/staff/tickets/`+strconv.FormatInt(tid, 10)+`">RPT-T05</a>`) {
		t.Errorf("overdue list lacks RPT-T05: %s", pg.Body)
	}
	// The archive's link works with the session cookie alone.
	r := b.Get("/api/v1/reports/" + strconv.FormatInt(id, 10) + ".pdf")
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF") {
		t.Fatalf("archived PDF with the session cookie: %d %q", r.Status, r.Header.Get("Content-Type"))
	}
}

func TestLeaderPagesRefuseStaffAndNeedASession(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	anon := apitest.NewBrowser(t, e)
	if r := anon.Get("/leader"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Location, "/staff/login?next=") {
		t.Fatalf("no session: %d %q", r.Status, r.Location)
	}
	st := apitest.NewBrowser(t, e)
	st.SignIn(apitest.StaffKT)
	if r := st.Get("/leader"); r.Status != http.StatusForbidden || !strings.Contains(r.Body, "Bạn không có quyền xem trang này.") {
		t.Fatalf("staff: %d", r.Status)
	}
	if r := st.Post("/leader/report", url.Values{"csrf_token": {st.CSRF()}, "from": {"2026-10-01"}, "to": {"2026-10-31"}}); r.Status != http.StatusForbidden {
		t.Fatalf("staff report: %d", r.Status)
	}
	// A head sees the dashboard of the department.
	hd := apitest.NewBrowser(t, e)
	hd.SignIn(apitest.HeadKinhTe)
	if r := hd.Get("/leader"); r.Status != 200 || !strings.Contains(r.Body, "Tổng hợp tình hình tiếp nhận, xử lý · Phòng Kinh tế") {
		t.Fatalf("head: %d", r.Status)
	}
	// An admin too.
	ad := apitest.NewBrowser(t, e)
	ad.SignIn(apitest.Admin)
	if r := ad.Get("/leader"); r.Status != 200 {
		t.Fatalf("admin: %d", r.Status)
	}
}

func TestLeaderReportFormMakesThePDF(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	apitest.SeedReportFixture(t, e)
	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.Leader)
	b.Get("/leader")
	r := b.Post("/leader/report", url.Values{"csrf_token": {b.CSRF()}, "from": {"2026-10-01"}, "to": {"2026-10-31"},
		"header": {"ubnd"}, "section4": {"Đề nghị Phòng Kinh tế <b>khẩn trương</b> xử lý."}, "number": {"12/BC-UBND"}})
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(r.Body, "%PDF") {
		t.Fatalf("report: %d %q %.200s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "bao-cao-xuan-lung-2026-10-01-2026-10-31.pdf") {
		t.Errorf("file name: %q", cd)
	}
	// The same PDF as the API's summary.pdf for the same input: the same
	// length (the PDF library stamps its own creation time and id).
	api := e.As(apitest.Leader, "GET", "/api/v1/reports/summary.pdf?from=2026-10-01&to=2026-10-31", nil)
	same := b.Post("/leader/report", url.Values{"csrf_token": {b.CSRF()}, "from": {"2026-10-01"}, "to": {"2026-10-31"}})
	if api.Status != 200 || len(api.Body) != len(same.Body) || !strings.HasPrefix(same.Body, "%PDF") {
		t.Fatalf("API PDF: %d, %d bytes; page: %d bytes", api.Status, len(api.Body), len(same.Body))
	}

	// Bad input: the dashboard again, the messages next to the fields, values kept.
	for _, l := range []string{"vi", "en"} {
		b.Lang = l
		path := "/leader/report"
		if l == "en" {
			path += "?lang=en"
		}
		r = b.Post(path, url.Values{"csrf_token": {b.CSRF()}, "from": {"2026-10-31"}, "to": {"2026-10-01"},
			"section4": {"<script>alert(1)</script>"}})
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `<p class="ferr" id="e-from">`) {
			t.Fatalf("%s: from after to: %d %s", l, r.Status, r.Body)
		}
		msg := map[string]string{"vi": "Phải trước hoặc bằng ngày kết thúc.", "en": "Must not be after the end."}[l]
		if !strings.Contains(r.Body, msg) {
			t.Errorf("%s: message %q missing", l, msg)
		}
		if strings.Contains(r.Body, "<script>alert(1)") || !strings.Contains(r.Body, "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>") {
			t.Errorf("%s: section IV not escaped or not kept", l)
		}
	}
	b.Lang = ""
	if r := b.Post("/leader/report", url.Values{"csrf_token": {b.CSRF()}, "from": {"2025-01-01"}, "to": {"2026-10-31"}}); r.Status != 400 ||
		!strings.Contains(r.Body, `id="e-to"`) {
		t.Errorf("too long a period: %d", r.Status)
	}
	if r := b.Post("/leader/report", url.Values{"csrf_token": {b.CSRF()}, "from": {"2026-10-01"}, "to": {"2026-10-31"},
		"header": {"bogus"}}); r.Status != 400 || !strings.Contains(r.Body, `id="e-header"`) {
		t.Errorf("bad header: %d", r.Status)
	}
	// CSRF: missing or wrong, refused.
	for _, tok := range []string{"", "wrong-token-0123456789abcdefghijklmnopqrstuvw"} {
		v := url.Values{"from": {"2026-10-01"}, "to": {"2026-10-31"}}
		if tok != "" {
			v.Set("csrf_token", tok)
		}
		if r := b.Post("/leader/report", v); r.Status != http.StatusForbidden || r.Header.Get("Content-Type") == "application/pdf" {
			t.Errorf("token %q: %d", tok, r.Status)
		}
	}
}

func TestOverdueCitizenTextWithHTMLRendersAsTextOnTheDashboard(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	_, id := apiTicket(t, e, map[string]any{"title": `<img src=x onerror=alert(1)>Đèn <b>hỏng</b>`})
	if _, err := e.DB.Exec(`UPDATE tickets SET created_at = $2, due_at = $3 WHERE id = $1`, id,
		e.Clock.Now().Add(-72*time.Hour), e.Clock.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.Leader)
	pg := b.Get("/leader")
	if pg.Status != 200 || strings.Contains(pg.Body, "<img src=x") || strings.Contains(pg.Body, "<b>hỏng</b>") ||
		!strings.Contains(pg.Body, "&lt;img src=x onerror=alert(1)&gt;Đèn &lt;b&gt;hỏng&lt;/b&gt;") {
		t.Fatalf("overdue title not escaped: %s", pg.Body)
	}
}

// On a province's dashboard the overdue list says which commune each
// ticket is of; a commune's does not repeat its own name.
func TestTheProvinceOverdueListNamesTheCommune(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	_, code := e.NewTicket("xuan-lung", "Đèn đường trước chợ bị hỏng nhiều ngày")
	e.Clock.Advance(30 * 24 * time.Hour) // well past its due time
	var unitName string
	e.MustGet(&unitName, "SELECT name FROM units WHERE code = 'xuan-lung'")
	for _, c := range []struct {
		who    string
		column bool
	}{{apitest.Admin, true}, {apitest.Leader, false}} {
		b := apitest.NewBrowser(t, e)
		b.SignIn(c.who)
		pg := b.Get("/leader")
		if pg.Status != 200 || !strings.Contains(pg.Body, code) {
			t.Fatalf("%s: %d, overdue %s listed: %v", c.who, pg.Status, code, strings.Contains(pg.Body, code))
		}
		row := pg.Body[strings.Index(pg.Body, code):]
		row = row[:strings.Index(row, "</tr>")]
		if got := strings.Contains(pg.Body, `<th scope="col">Xã, phường</th>`) && strings.Contains(row, "<td>"+unitName+"</td>"); got != c.column {
			t.Errorf("%s: commune column %v, want %v: %s", c.who, got, c.column, row)
		}
	}
}

// The leader's numbered report: signed by a deputy (KT.) with its own
// "Nơi nhận", and kept in the unit's report archive as it was given; an
// unnumbered draft is not archived.
func TestLeaderNumberedReportIsArchivedWithItsSignerAndRecipients(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	apitest.SeedReportFixture(t, e)
	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.Leader)
	b.Get("/leader")
	archived := func() int {
		var n int
		e.MustGet(&n, `SELECT count(*) FROM reports WHERE period = 'custom' AND created_by = $1`, e.UserID(apitest.Leader))
		return n
	}
	draft := b.Post("/leader/report", url.Values{"csrf_token": {b.CSRF()}, "from": {"2026-10-01"}, "to": {"2026-10-31"}})
	if draft.Status != 200 || archived() != 0 {
		t.Fatalf("a draft without a number: %d, %d archived", draft.Status, archived())
	}
	r := b.Post("/leader/report", url.Values{"csrf_token": {b.CSRF()}, "from": {"2026-10-01"}, "to": {"2026-10-31"},
		"number": {"15/BC-UBND"}, "signer": {"kt"}, "signer_name": {"Lê Thị Hoa"},
		"recipients": {"Thường trực Đảng ủy xã;\n\nCác phòng chuyên môn;\nLưu: VT."}})
	if r.Status != 200 || !strings.HasPrefix(r.Body, "%PDF") {
		t.Fatalf("the numbered report: %d %.100s", r.Status, r.Body)
	}
	text := apitest.PDFText(t, []byte(r.Body))
	for _, want := range []string{"Số: 15/BC-UBND", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Thị Hoa",
		"Thường trực Đảng ủy xã;", "Các phòng chuyên môn;", "Lưu: VT."} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	if strings.Contains(text, "TM. ỦY BAN NHÂN DÂN") {
		t.Error("a deputy's report signed TM.")
	}
	if n := archived(); n != 1 {
		t.Fatalf("%d numbered reports archived, want 1", n)
	}
	var stored []byte
	e.MustGet(&stored, `SELECT pdf FROM reports WHERE period = 'custom' AND created_by = $1`, e.UserID(apitest.Leader))
	if string(stored) != r.Body {
		t.Errorf("the archive holds another PDF (%d bytes) than the one given (%d)", len(stored), len(r.Body))
	}
	// A signer that is neither TM. nor KT. is refused next to its field.
	bad := b.Post("/leader/report", url.Values{"csrf_token": {b.CSRF()}, "from": {"2026-10-01"}, "to": {"2026-10-31"},
		"number": {"16/BC-UBND"}, "signer": {"boss"}})
	if bad.Status != 400 || !strings.Contains(bad.Body, `id="e-signer"`) || archived() != 1 {
		t.Errorf("a bad signer: %d, %d archived", bad.Status, archived())
	}
}
