package api_test

import (
	"sort"
	"testing"
	"time"

	"caunoi/domain"
	"caunoi/internal/apitest"
)

// rt is a ticket of the report fixture; times are "MM-DD hh:mm" of 2026 in
// Hà Nội, "" for none.
type rt struct {
	code, unit, dept, cat, kind, channel, status string
	created, due, firstResp, resolved, closed    string
	paused                                       string
	rating                                       int
	village                                      string
	extensions                                   int
	title, body, name, phone                     string
}

func at(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", "2026-"+s, domain.VietnamLocation())
	if err != nil {
		panic(err)
	}
	return t
}

// reportFixture is October 2026 in Xuân Lũng and Âu Cơ, with the figures
// worked out by hand in TestReportSummaryFigures. T2 is on time only because
// its deadline was extended (10-12 → 10-20); T4 only because its clock was
// paused while waiting for the citizen (10-12 to 10-20), which moved its due
// time from 10-15 to 10-23 when it resumed; T6 is past due but waiting for
// the citizen, so not overdue; T8 is an overdue backlog ticket of September;
// T11 and T12 sit on the month's edges in Hà Nội time (UTC would swap them).
var reportFixture = []rt{
	{code: "RPT-T01", unit: "xuan-lung", dept: "kinh-te", cat: "chieu-sang", kind: "feedback", channel: "web", status: "resolved",
		created: "10-02 08:00", due: "10-07 17:00", firstResp: "10-02 10:00", resolved: "10-06 08:00", rating: 5,
		village: "Thôn Đồng Phú", title: "Đèn đường trước nhà văn hóa bị hỏng"},
	{code: "RPT-T02", unit: "xuan-lung", dept: "kinh-te", cat: "ha-tang", kind: "petition", channel: "facebook_comment", status: "closed",
		created: "10-05 09:00", due: "10-20 17:00", firstResp: "10-05 13:00", resolved: "10-15 09:00", closed: "10-16 09:00",
		rating: 4, village: "Thôn Đồng Phú", extensions: 1, title: "Đường liên thôn xuống cấp"},
	{code: "RPT-T03", unit: "xuan-lung", dept: "van-hoa-xa-hoi", cat: "y-te-xa-hoi", kind: "inquiry", channel: "zalo", status: "resolved",
		created: "10-08 10:00", due: "10-13 17:00", firstResp: "10-09 10:00", resolved: "10-20 10:00", rating: 2,
		village: "Xóm Bãi Sậy", title: "Hỏi về trợ cấp hộ nghèo"},
	{code: "RPT-T04", unit: "xuan-lung", dept: "kinh-te", cat: "moi-truong", kind: "feedback", channel: "zalo", status: "resolved",
		created: "10-10 08:00", due: "10-23 17:00", firstResp: "10-10 09:00", resolved: "10-22 08:00",
		title: "Rác thải ùn ứ cạnh chợ"},
	{code: "RPT-T05", unit: "xuan-lung", dept: "kinh-te", cat: "ha-tang", kind: "complaint", channel: "web", status: "in_progress",
		created: "10-12 08:00", due: "10-19 17:00", firstResp: "10-13 08:00", village: "Xóm Bãi Sậy",
		title: "Khiếu nại về bồi thường mở đường"},
	{code: "RPT-T06", unit: "xuan-lung", dept: "hanh-chinh-cong", cat: "thu-tuc", kind: "inquiry", channel: "hotline", status: "waiting_citizen",
		created: "10-14 08:00", due: "10-21 17:00", firstResp: "10-14 12:00", paused: "10-18 08:00",
		title: "Hỏi thủ tục cấp giấy khai sinh"},
	{code: "RPT-T07", unit: "xuan-lung", dept: "van-phong", cat: "khac", kind: "denunciation", channel: "walk_in", status: "new",
		created: "10-28 08:00", due: "11-27 17:00", name: "Trần Văn Tố", phone: "0912345678",
		body: "Tôi là Trần Văn Tố, điện thoại 0912345678, tố cáo việc lấn chiếm đất công ở thôn Đồng Phú"},
	{code: "RPT-T08", unit: "xuan-lung", dept: "kinh-te", cat: "dat-dai", kind: "feedback", channel: "email", status: "in_progress",
		created: "09-20 08:00", due: "09-30 17:00", firstResp: "09-21 08:00", title: "Lấn chiếm đất nông nghiệp"},
	{code: "RPT-T09", unit: "xuan-lung", dept: "cong-an", cat: "an-ninh", kind: "feedback", channel: "hotline", status: "resolved",
		created: "09-25 08:00", due: "10-02 17:00", firstResp: "09-25 10:00", resolved: "10-03 08:00", rating: 3,
		title: "Tiếng ồn karaoke sau 22 giờ"},
	{code: "RPT-T10", unit: "xuan-lung", dept: "van-phong", cat: "khac", kind: "feedback", channel: "web", status: "rejected",
		created: "10-30 08:00", due: "11-13 17:00", firstResp: "10-30 09:00", closed: "10-30 10:00", title: "Nội dung không rõ"},
	{code: "RPT-T11", unit: "xuan-lung", dept: "kinh-te", cat: "chieu-sang", kind: "feedback", channel: "web", status: "new",
		created: "11-01 00:30", due: "11-06 17:00", title: "Bóng đèn cột điện số 5 bị vỡ"},
	{code: "RPT-T12", unit: "xuan-lung", dept: "van-phong", cat: "khac", kind: "inquiry", channel: "web", status: "resolved",
		created: "10-01 00:30", due: "10-05 17:00", firstResp: "10-01 02:30", resolved: "10-01 02:30", title: "Hỏi giờ làm việc"},
	{code: "RPT-T13", unit: "au-co", dept: "kinh-te", cat: "ha-tang", kind: "feedback", channel: "web", status: "resolved",
		created: "10-06 08:00", due: "10-13 17:00", firstResp: "10-06 09:00", resolved: "10-09 08:00", rating: 5,
		title: "Vỉa hè phố Hùng Vương bị lấn chiếm"},
	{code: "RPT-T14", unit: "au-co", dept: "kinh-te", cat: "moi-truong", kind: "feedback", channel: "zalo", status: "assigned",
		created: "10-20 08:00", due: "10-23 17:00", title: "Cống thoát nước bị tắc"},
}

func nullTime(s string) any {
	if s == "" {
		return nil
	}
	return at(s)
}

// seedReportFixture stores the fixture (and a ticket of another province).
func seedReportFixture(t *testing.T, e *apitest.Env) {
	t.Helper()
	for _, x := range reportFixture {
		body := x.body
		if body == "" {
			body = x.title + " (nội dung chi tiết)"
		}
		var rating any
		if x.rating > 0 {
			rating = x.rating
		}
		e.DB.MustExec(`INSERT INTO tickets (tracking_code, unit_id, department_id, category_id, kind, channel, status,
				title, body, citizen_name, citizen_phone, village, created_at, updated_at, due_at, first_response_at,
				resolved_at, closed_at, paused_at, rating, rated_at, extensions)
			SELECT $1, u.id, d.id, c.id, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16, $17, $18, $19::smallint,
				CASE WHEN $19::smallint IS NOT NULL THEN $16::timestamptz END, $20
			FROM units u JOIN departments d ON d.unit_id = u.id AND d.code = $3
				JOIN categories c ON c.unit_id = u.id AND c.code = $4
			WHERE u.code = $2`,
			x.code, x.unit, x.dept, x.cat, x.kind, x.channel, x.status, x.title, body, x.name, x.phone, x.village,
			at(x.created), at(x.due), nullTime(x.firstResp), nullTime(x.resolved), nullTime(x.closed), nullTime(x.paused),
			rating, x.extensions)
	}
	foreignReportTicket(t, e)
}

// foreignReportTicket is a ticket of October in another province.
func foreignReportTicket(t *testing.T, e *apitest.Env) {
	t.Helper()
	e.DB.MustExec(`WITH p AS (INSERT INTO units (code, name, level) VALUES ('tinh-khac', 'Tỉnh Khác', 'province') RETURNING id),
		u AS (INSERT INTO units (code, name, level, parent_id) SELECT 'xa-khac', 'Xã Khác', 'commune', id FROM p RETURNING id)
		INSERT INTO tickets (tracking_code, unit_id, channel, body, created_at, due_at)
		SELECT 'RPT-FOREIGN', id, 'web', 'Ở tỉnh khác', $1, $2 FROM u`, at("10-10 08:00"), at("10-11 08:00"))
}

// expected computes a period's figures from the fixture, in Go, the way the
// report defines them: received in [start, end); resolved in it, on time
// when resolved by the due time in force; open now and received before the
// end; overdue when open, not waiting for the citizen and due before
// min(end, now).
type expected struct {
	fig  domain.Figures
	by   map[string]map[string]*domain.Breakdown // dimension → key → row
	frh  []float64
	rh   []float64
	rate []int
}

func expect(start, end, now time.Time, keep func(rt) bool) *expected {
	cut := end
	if now.Before(cut) {
		cut = now
	}
	x := &expected{by: map[string]map[string]*domain.Breakdown{}}
	for _, t := range reportFixture {
		if !keep(t) {
			continue
		}
		created, due, resolved := at(t.created), at(t.due), at(t.resolved)
		rec := !created.Before(start) && created.Before(end)
		res := t.resolved != "" && !resolved.Before(start) && resolved.Before(end)
		onTime := res && !resolved.After(due)
		open := (t.status == "new" || t.status == "assigned" || t.status == "in_progress" || t.status == "waiting_citizen") &&
			created.Before(end)
		overdue := open && t.status != "waiting_citizen" && due.Before(cut)
		f := &x.fig
		add := func(b *domain.Breakdown) {
			if rec {
				b.Received++
			}
			if res {
				b.Resolved++
			}
			if onTime {
				b.OnTime++
			}
			if overdue {
				b.Overdue++
			}
		}
		var total domain.Breakdown
		add(&total)
		f.Received += total.Received
		f.Resolved += total.Resolved
		f.ResolvedOnTime += total.OnTime
		f.Overdue += total.Overdue
		if open {
			f.Open++
		}
		if rec && t.firstResp != "" {
			x.frh = append(x.frh, at(t.firstResp).Sub(created).Hours())
		}
		if res {
			x.rh = append(x.rh, resolved.Sub(created).Hours())
			if t.rating > 0 {
				x.rate = append(x.rate, t.rating)
			}
		}
		if !rec && !res && !open {
			continue
		}
		for dim, key := range map[string]string{"channel": t.channel, "kind": t.kind, "category": t.cat,
			"department": t.dept, "village": t.village, "unit": t.unit} {
			if dim == "village" && key == "" {
				continue
			}
			if x.by[dim] == nil {
				x.by[dim] = map[string]*domain.Breakdown{}
			}
			b := x.by[dim][key]
			if b == nil {
				b = &domain.Breakdown{Key: key}
				x.by[dim][key] = b
			}
			add(b)
		}
	}
	x.fig.MedianFirstResponseHours = median(x.frh)
	x.fig.MedianResolutionHours = median(x.rh)
	x.fig.Satisfaction.Count = len(x.rate)
	if len(x.rate) > 0 {
		sum := 0
		for _, r := range x.rate {
			sum += r
		}
		x.fig.Satisfaction.Average = float64(sum) / float64(len(x.rate))
	}
	return x
}

func median(v []float64) *float64 {
	if len(v) == 0 {
		return nil
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return &m
}
