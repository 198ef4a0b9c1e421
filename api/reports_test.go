package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"strings"
	"testing"

	"caunoi/domain"
	"caunoi/internal/apitest"
)

const october = "from=2026-10-01&to=2026-10-31"

type summaryJSON struct {
	domain.Summary
	Department *struct{ Code, Name string } `json:"department"`
}

func getSummary(t *testing.T, e *apitest.Env, who, query string) summaryJSON {
	t.Helper()
	r := e.As(who, "GET", "/api/v1/reports/summary?"+query, nil)
	if r.Status != 200 {
		t.Fatalf("summary %s as %s: %d %s\n%s", query, who, r.Status, r.Body, e.Log.String())
	}
	var s summaryJSON
	r.JSON(t, &s)
	return s
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.006 }

func nearPtr(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return near(*a, *b)
}

// checkFigures compares the report's totals with the expected ones.
func checkFigures(t *testing.T, name string, got domain.Figures, want domain.Figures) {
	t.Helper()
	if got.Received != want.Received || got.Resolved != want.Resolved || got.ResolvedOnTime != want.ResolvedOnTime ||
		got.Open != want.Open || got.Overdue != want.Overdue {
		t.Errorf("%s: received/resolved/on time/open/overdue %d/%d/%d/%d/%d, want %d/%d/%d/%d/%d", name,
			got.Received, got.Resolved, got.ResolvedOnTime, got.Open, got.Overdue,
			want.Received, want.Resolved, want.ResolvedOnTime, want.Open, want.Overdue)
	}
	wantRate := 0.0
	if want.Resolved > 0 {
		wantRate = float64(want.ResolvedOnTime) / float64(want.Resolved)
	}
	if !near(got.OnTimeRate, wantRate) {
		t.Errorf("%s: on-time rate %v, want %v", name, got.OnTimeRate, wantRate)
	}
	if !nearPtr(got.MedianFirstResponseHours, want.MedianFirstResponseHours) ||
		!nearPtr(got.MedianResolutionHours, want.MedianResolutionHours) {
		t.Errorf("%s: medians %v / %v, want %v / %v", name, fptr(got.MedianFirstResponseHours),
			fptr(got.MedianResolutionHours), fptr(want.MedianFirstResponseHours), fptr(want.MedianResolutionHours))
	}
	if got.Satisfaction.Count != want.Satisfaction.Count || !near(got.Satisfaction.Average, want.Satisfaction.Average) {
		t.Errorf("%s: satisfaction %+v, want %+v", name, got.Satisfaction, want.Satisfaction)
	}
}

func fptr(f *float64) any {
	if f == nil {
		return nil
	}
	return *f
}

// checkBreakdown compares one breakdown with the expected rows and checks
// that its rows add up to the totals.
func checkBreakdown(t *testing.T, name string, rows []domain.Breakdown, want map[string]*domain.Breakdown, total *domain.Figures) {
	t.Helper()
	var sum domain.Breakdown
	seen := map[string]bool{}
	for _, b := range rows {
		seen[b.Key] = true
		sum.Received += b.Received
		sum.Resolved += b.Resolved
		sum.OnTime += b.OnTime
		sum.Overdue += b.Overdue
		w := want[b.Key]
		if w == nil {
			if b.Received+b.Resolved+b.Overdue != 0 {
				t.Errorf("%s: unexpected row %+v", name, b)
			}
			continue
		}
		if b.Received != w.Received || b.Resolved != w.Resolved || b.OnTime != w.OnTime || b.Overdue != w.Overdue {
			t.Errorf("%s[%s]: %d/%d/%d/%d, want %d/%d/%d/%d", name, b.Key, b.Received, b.Resolved, b.OnTime, b.Overdue,
				w.Received, w.Resolved, w.OnTime, w.Overdue)
		}
		wantRate := 0.0
		if w.Resolved > 0 {
			wantRate = float64(w.OnTime) / float64(w.Resolved)
		}
		if !near(b.OnTimeRate, wantRate) {
			t.Errorf("%s[%s]: on-time rate %v, want %v", name, b.Key, b.OnTimeRate, wantRate)
		}
		if b.Name == "" && name != "by_channel" && name != "by_kind" {
			t.Errorf("%s[%s]: no name", name, b.Key)
		}
	}
	for k := range want {
		if !seen[k] {
			t.Errorf("%s: row %q missing", name, k)
		}
	}
	if total != nil && (sum.Received != total.Received || sum.Resolved != total.Resolved ||
		sum.OnTime != total.ResolvedOnTime || sum.Overdue != total.Overdue) {
		t.Errorf("%s: rows add up to %+v, totals are %+v", name, sum, *total)
	}
}

func TestReportSummaryFigures(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	apitest.SeedReportFixture(t, e)
	now := e.Clock.Now() // 2026-11-03 09:00
	start, end := apitest.At("10-01 00:00"), apitest.At("11-01 00:00")
	xl := func(x apitest.ReportTicket) bool { return x.Unit == "xuan-lung" }

	s := getSummary(t, e, apitest.Leader, october)
	if s.Unit != "xuan-lung" || s.UnitName != "Xã Xuân Lũng" || s.From != "2026-10-01" || s.To != "2026-10-31" || len(s.ByUnit) != 0 {
		t.Fatalf("header %+v", s.Summary)
	}
	// By hand: received T1-T7, T10, T12 (T11 is 1 November in Hà Nội; T12 is
	// 30 September in UTC); resolved T1-T4, T9, T12; on time T1, T2 (after its
	// extension), T4 (after its pause), T12; open T5-T8; overdue T5, T8 (T6
	// waits for the citizen, T7 is not due yet). First responses of the tickets
	// received: 1 1 2 2 4 4 24 24 h → 3; resolutions 2 96 192 240 288 288 h →
	// 216; ratings of the tickets resolved: 5 4 2 3 → 3.5.
	three, twoSixteen := 3.0, 216.0
	byHand := domain.Figures{Received: 9, Resolved: 6, ResolvedOnTime: 4, Open: 4, Overdue: 2,
		MedianFirstResponseHours: &three, MedianResolutionHours: &twoSixteen,
		Satisfaction: domain.Satisfaction{Count: 4, Average: 3.5}}
	checkFigures(t, "by hand", s.Figures, byHand)
	want := expect(start, end, now, xl)
	checkFigures(t, "computed", s.Figures, want.Figures)
	checkBreakdown(t, "by_channel", s.ByChannel, want.By["channel"], &s.Figures)
	checkBreakdown(t, "by_kind", s.ByKind, want.By["kind"], &s.Figures)
	checkBreakdown(t, "by_category", s.ByCategory, want.By["category"], &s.Figures)
	checkBreakdown(t, "by_department", s.ByDepartment, want.By["department"], &s.Figures)
	checkBreakdown(t, "by_village", s.ByVillage, want.By["village"], nil)
	for _, d := range s.ByDepartment {
		if d.Key == "kinh-te" && (d.Name != "Phòng Kinh tế" || d.Received != 4 || d.OnTime != 3 || d.Overdue != 2) {
			t.Errorf("kinh-te row %+v", d)
		}
	}
	weekly := 0
	for _, w := range s.Weekly {
		weekly += w.Received
	}
	if weekly != s.Received || len(s.Weekly) != 5 || s.Weekly[0].WeekStart != "2026-09-28" {
		t.Errorf("weekly %+v", s.Weekly)
	}
	if len(s.OverdueList) != 2 || s.OverdueList[0].TrackingCode != "RPT-T08" || s.OverdueList[1].TrackingCode != "RPT-T05" {
		t.Errorf("overdue list %+v", s.OverdueList)
	}
	// A calendar month compares with the calendar month before: September.
	p := s.Previous
	if p == nil || p.From != "2026-09-01" || p.To != "2026-09-30" {
		t.Fatalf("previous %+v", p)
	}
	checkFigures(t, "previous", *p, expect(apitest.At("09-01 00:00"), start, now, xl).Figures)
	if p.Received != 2 || p.Open != 1 || p.Overdue != 1 || p.Resolved != 0 {
		t.Errorf("previous by hand: %+v", p)
	}
}

func TestReportProvinceRollUp(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	apitest.SeedReportFixture(t, e)
	s := getSummary(t, e, apitest.Admin, "unit=phu-tho&"+october)
	want := expect(apitest.At("10-01 00:00"), apitest.At("11-01 00:00"), e.Clock.Now(), func(apitest.ReportTicket) bool { return true })
	checkFigures(t, "province", s.Figures, want.Figures)
	if s.Received != 11 || s.Overdue != 3 {
		t.Errorf("province by hand: %+v", s.Figures)
	}
	checkBreakdown(t, "by_unit", s.ByUnit, want.By["unit"], &s.Figures)
	checkBreakdown(t, "by_department", s.ByDepartment, want.By["department"], &s.Figures)
	checkBreakdown(t, "by_category", s.ByCategory, want.By["category"], &s.Figures)
	if len(s.ByUnit) != 4 || s.ByUnit[0].Key != "au-co" || s.ByUnit[1].Key != "xuan-lung" {
		t.Errorf("ranking %+v", s.ByUnit)
	}
	if len(s.ByVillage) != 0 {
		t.Errorf("a roll-up lists villages: %+v", s.ByVillage)
	}
}

func TestReportScope(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	apitest.SeedReportFixture(t, e)
	// A head sees its department only, and the report names it.
	h := getSummary(t, e, apitest.HeadKinhTe, october)
	want := expect(apitest.At("10-01 00:00"), apitest.At("11-01 00:00"), e.Clock.Now(),
		func(x apitest.ReportTicket) bool { return x.Unit == "xuan-lung" && x.Dept == "kinh-te" })
	checkFigures(t, "head", h.Figures, want.Figures)
	if h.Received != 4 || h.Department == nil || h.Department.Name != "Phòng Kinh tế" || len(h.ByDepartment) != 1 {
		t.Errorf("head summary %+v %+v", h.Figures, h.ByDepartment)
	}
	for _, c := range []struct {
		who, path string
		status    int
		field     string
	}{
		{apitest.StaffKT, "/api/v1/reports/summary", 403, ""},
		{apitest.StaffKT, "/api/v1/reports/summary.pdf", 403, ""},
		{apitest.StaffKT, "/api/v1/tickets/export.csv", 403, ""},
		{apitest.StaffKT, "/api/v1/reports", 403, ""},
		{apitest.Leader, "/api/v1/reports/summary?unit=au-co", 404, ""},
		{apitest.Leader, "/api/v1/reports/summary?unit=phu-tho", 404, ""},
		{apitest.HeadKinhTe, "/api/v1/reports/summary?unit=au-co", 404, ""},
		{apitest.Admin, "/api/v1/reports/summary?unit=xa-khac", 404, ""},
		{apitest.Leader, "/api/v1/reports/summary?from=2026-13-01", 400, "from"},
		{apitest.Leader, "/api/v1/reports/summary?from=2026-10-01&to=yesterday", 400, "to"},
		{apitest.Leader, "/api/v1/reports/summary?from=2026-10-31&to=2026-10-01", 400, "from"},
		{apitest.Leader, "/api/v1/reports/summary?from=2025-01-01&to=2026-10-01", 400, "to"},
		{apitest.Leader, "/api/v1/reports/summary.pdf?header=tinh-uy", 400, "header"},
		{apitest.Leader, "/api/v1/tickets/export.csv?from=2026-02-30", 400, "from"},
		{apitest.Leader, "/api/v1/reports/abc.pdf", 404, ""},
	} {
		r := e.As(c.who, "GET", c.path, nil)
		if r.Status != c.status {
			t.Errorf("%s %s: %d, want %d: %s", c.who, c.path, r.Status, c.status, r.Body)
			continue
		}
		if c.field != "" {
			if f := r.Err(t).Error.Fields; f[c.field] == "" {
				t.Errorf("%s: the error does not name %s: %s", c.path, c.field, r.Body)
			}
		}
	}
	// Defaults: the caller's unit, the current month so far.
	d := getSummary(t, e, apitest.Leader, "")
	if d.Unit != "xuan-lung" || d.From != "2026-11-01" || d.To != "2026-11-03" || d.Received != 1 {
		t.Errorf("defaults: %s %s..%s received %d", d.Unit, d.From, d.To, d.Received)
	}
}

func TestReportPDFReadsBack(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	apitest.SeedReportFixture(t, e)
	r := e.As(apitest.Leader, "GET", "/api/v1/reports/summary.pdf?"+october, nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("pdf: %d %s %.200s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	txt := apitest.PDFText(t, r.Body)
	for _, want := range []string{"ỦY BAN NHÂN DÂN", "XÃ XUÂN LŨNG", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
		"Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "I. Tình hình tiếp nhận", "II. Kết quả xử lý", "III. Đánh giá",
		"IV. Nhiệm vụ, đề xuất", "Phòng Kinh tế", "Văn phòng HĐND và UBND", "Trung tâm Phục vụ hành chính công",
		"Thôn Đồng Phú", "Xóm Bãi Sậy", "Điện, chiếu sáng công cộng", "tổng số 9 phản ánh",
		"Đã giải quyết 6 phản ánh", "giải quyết đúng hạn 4", "Còn 4 phản ánh", "trong đó 2 phản ánh",
		"Phụ lục 1", "RPT-T05", "RPT-T08", "Phụ lục 2", "RPT-T12", "RPT-T07"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	if strings.Contains(txt, "Trần Văn Tố") || strings.Contains(txt, "0912345678") {
		t.Error("the PDF names the denouncer or shows a phone number")
	}
	// The Party committee's header, with section IV from a POST body.
	r = e.As(apitest.Leader, "POST", "/api/v1/reports/summary.pdf", map[string]any{"from": "2026-10-01",
		"to": "2026-10-31", "header": "dang-uy", "section4": "Tập trung xử lý dứt điểm các phản ánh quá hạn về hạ tầng."})
	if r.Status != 200 {
		t.Fatalf("post pdf: %d %s", r.Status, r.Body)
	}
	txt = apitest.PDFText(t, r.Body)
	for _, want := range []string{"ĐẢNG CỘNG SẢN VIỆT NAM", "Tập trung xử lý dứt điểm"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the Party committee's PDF lacks %q", want)
		}
	}
	// The province's report: ranking, and no appendix of every ticket.
	r = e.As(apitest.Admin, "GET", "/api/v1/reports/summary.pdf?unit=phu-tho&"+october, nil)
	if r.Status != 200 {
		t.Fatalf("province pdf: %d %s", r.Status, r.Body)
	}
	txt = apitest.PDFText(t, r.Body)
	for _, want := range []string{"TỈNH PHÚ THỌ", "Xếp hạng", "Phường Âu Cơ", "Xã Xuân Lũng", "tổng số 11 phản ánh",
		"không kèm danh sách 11 phản ánh"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the province PDF lacks %q", want)
		}
	}
	if strings.Contains(txt, "RPT-T12") {
		t.Error("the province PDF lists every ticket")
	}
}

func readCSV(t *testing.T, r *apitest.Response) [][]string {
	t.Helper()
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %s %s", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	if !bytes.HasPrefix(r.Body, []byte("\xEF\xBB\xBF")) {
		t.Fatal("no byte-order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(r.Body[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestExportCSV(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	apitest.SeedReportFixture(t, e)
	codes := func(rows [][]string) string {
		var c []string
		for _, r := range rows[1:] {
			c = append(c, strings.TrimPrefix(r[0], "RPT-"))
		}
		return strings.Join(c, " ")
	}
	rows := readCSV(t, e.As(apitest.Leader, "GET", "/api/v1/tickets/export.csv?"+october, nil))
	if rows[0][0] != "Mã theo dõi" || codes(rows) != "T12 T01 T02 T03 T04 T05 T06 T07 T10" {
		t.Errorf("leader's October: %v", codes(rows))
	}
	body := string(e.As(apitest.Leader, "GET", "/api/v1/tickets/export.csv?"+october, nil).Body)
	if strings.Contains(body, "Trần Văn Tố") || strings.Contains(body, "0912345678") || !strings.Contains(body, "lấn chiếm đất công") {
		t.Errorf("personal data in the export, or the summary is missing: %s", body)
	}
	for _, c := range []struct{ who, query, want string }{
		{apitest.HeadKinhTe, october, "T01 T02 T04 T05"},
		{apitest.Leader, october + "&channel=zalo", "T03 T04"},
		{apitest.Leader, october + "&status=open", "T05 T06 T07"},
		{apitest.Leader, october + "&department=van-phong&kind=inquiry", "T12"},
		{apitest.Leader, "q=den+duong", "T01"},
		{apitest.Leader, "", "T08 T09 T12 T01 T02 T03 T04 T05 T06 T07 T10 T11"},
		{apitest.Admin, october, "T12 T01 T02 T13 T03 T04 T05 T06 T14 T07 T10"},
	} {
		if got := codes(readCSV(t, e.As(c.who, "GET", "/api/v1/tickets/export.csv?"+c.query, nil))); got != c.want {
			t.Errorf("%s ?%s: %s, want %s", c.who, c.query, got, c.want)
		}
	}
}

func TestReportArchive(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	apitest.SeedReportFixture(t, e)
	ctx := context.Background()
	var ids []int64
	for _, u := range []string{"xuan-lung", "au-co"} {
		var unitID int64
		e.MustGet(&unitID, "SELECT id FROM units WHERE code = $1", u)
		sum, err := e.Store.ReportSummary(ctx, domain.Scope{Role: domain.RoleAdmin, UnitID: unitID},
			domain.ReportRequest{From: apitest.At("10-01 00:00"), To: apitest.At("10-31 00:00")})
		if err != nil {
			t.Fatal(err)
		}
		id, created, err := e.Store.SaveReport(ctx, domain.NewArchivedReport{UnitID: unitID, Period: domain.PeriodMonth,
			Summary: sum, PDF: []byte("%PDF-1.4 " + u)})
		if err != nil || !created {
			t.Fatal(created, err)
		}
		ids = append(ids, id)
	}
	list := func(who string) []domain.ArchivedReport {
		var out struct{ Items []domain.ArchivedReport }
		r := e.As(who, "GET", "/api/v1/reports", nil)
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", who, r.Status, r.Body)
		}
		r.JSON(t, &out)
		return out.Items
	}
	if l := list(apitest.Leader); len(l) != 1 || l[0].Unit != "xuan-lung" || l[0].Received != 9 || l[0].Period != "month" ||
		l[0].From != "2026-10-01" {
		t.Errorf("leader's archive %+v", l)
	}
	if l := list(apitest.Admin); len(l) != 2 {
		t.Errorf("admin's archive %+v", l)
	}
	if l := list(apitest.HeadKinhTe); len(l) != 0 {
		t.Errorf("head's archive %+v", l)
	}
	r := e.As(apitest.Leader, "GET", "/api/v1/reports/"+formatInt(ids[0])+".pdf", nil)
	if r.Status != 200 || string(r.Body) != "%PDF-1.4 xuan-lung" || r.Header.Get("Content-Type") != "application/pdf" {
		t.Errorf("own pdf: %d %s", r.Status, r.Body)
	}
	if r := e.As(apitest.Leader, "GET", "/api/v1/reports/"+formatInt(ids[1])+".pdf", nil); r.Status != 404 {
		t.Errorf("another unit's pdf: %d", r.Status)
	}
}
