package apitest

import (
	"testing"
	"time"

	"caunoi/domain"
)

// ReportTicket is a ticket of the report fixture; times are "MM-DD hh:mm" of 2026 in
// Hà Nội, "" for none.
type ReportTicket struct {
	Code, Unit, Dept, Cat, Kind, Channel, Status string
	Created, Due, FirstResp, Resolved, Closed    string
	Paused                                       string
	Rating                                       int
	Village                                      string
	Extensions                                   int
	Title, Body, Name, Phone                     string
}

// At is "MM-DD hh:mm" of 2026 in Hà Nội; the zero time for "".
func At(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", "2026-"+s, domain.VietnamLocation())
	if err != nil {
		panic(err)
	}
	return t
}

// ReportFixture is October 2026 in Xuân Lũng and Âu Cơ, with the figures
// worked out by hand in TestReportSummaryFigures. T2 is on time only because
// its deadline was extended (10-12 → 10-20); T4 only because its clock was
// paused while waiting for the citizen (10-12 to 10-20), which moved its due
// time from 10-15 to 10-23 when it resumed; T6 is past due but waiting for
// the citizen, so not overdue; T8 is an overdue backlog ticket of September;
// T11 and T12 sit on the month's edges in Hà Nội time (UTC would swap them).
var ReportFixture = []ReportTicket{
	{Code: "RPT-T01", Unit: "xuan-lung", Dept: "kinh-te", Cat: "chieu-sang", Kind: "feedback", Channel: "web", Status: "resolved",
		Created: "10-02 08:00", Due: "10-07 17:00", FirstResp: "10-02 10:00", Resolved: "10-06 08:00", Rating: 5,
		Village: "Thôn Đồng Phú", Title: "Đèn đường trước nhà văn hóa bị hỏng"},
	{Code: "RPT-T02", Unit: "xuan-lung", Dept: "kinh-te", Cat: "ha-tang", Kind: "petition", Channel: "facebook_comment", Status: "closed",
		Created: "10-05 09:00", Due: "10-20 17:00", FirstResp: "10-05 13:00", Resolved: "10-15 09:00", Closed: "10-16 09:00",
		Rating: 4, Village: "Thôn Đồng Phú", Extensions: 1, Title: "Đường liên thôn xuống cấp"},
	{Code: "RPT-T03", Unit: "xuan-lung", Dept: "van-hoa-xa-hoi", Cat: "y-te-xa-hoi", Kind: "inquiry", Channel: "zalo", Status: "resolved",
		Created: "10-08 10:00", Due: "10-13 17:00", FirstResp: "10-09 10:00", Resolved: "10-20 10:00", Rating: 2,
		Village: "Xóm Bãi Sậy", Title: "Hỏi về trợ cấp hộ nghèo"},
	{Code: "RPT-T04", Unit: "xuan-lung", Dept: "kinh-te", Cat: "moi-truong", Kind: "feedback", Channel: "zalo", Status: "resolved",
		Created: "10-10 08:00", Due: "10-23 17:00", FirstResp: "10-10 09:00", Resolved: "10-22 08:00",
		Title: "Rác thải ùn ứ cạnh chợ"},
	{Code: "RPT-T05", Unit: "xuan-lung", Dept: "kinh-te", Cat: "ha-tang", Kind: "complaint", Channel: "web", Status: "in_progress",
		Created: "10-12 08:00", Due: "10-19 17:00", FirstResp: "10-13 08:00", Village: "Xóm Bãi Sậy",
		Title: "Khiếu nại về bồi thường mở đường"},
	{Code: "RPT-T06", Unit: "xuan-lung", Dept: "hanh-chinh-cong", Cat: "thu-tuc", Kind: "inquiry", Channel: "hotline", Status: "waiting_citizen",
		Created: "10-14 08:00", Due: "10-21 17:00", FirstResp: "10-14 12:00", Paused: "10-18 08:00",
		Title: "Hỏi thủ tục cấp giấy khai sinh"},
	{Code: "RPT-T07", Unit: "xuan-lung", Dept: "van-phong", Cat: "khac", Kind: "denunciation", Channel: "walk_in", Status: "new",
		Created: "10-28 08:00", Due: "11-27 17:00", Name: "Trần Văn Tố", Phone: "0912345678",
		Body: "Tôi là Trần Văn Tố, điện thoại 0912345678, tố cáo việc lấn chiếm đất công ở thôn Đồng Phú"},
	{Code: "RPT-T08", Unit: "xuan-lung", Dept: "kinh-te", Cat: "dat-dai", Kind: "feedback", Channel: "email", Status: "in_progress",
		Created: "09-20 08:00", Due: "09-30 17:00", FirstResp: "09-21 08:00", Title: "Lấn chiếm đất nông nghiệp"},
	{Code: "RPT-T09", Unit: "xuan-lung", Dept: "cong-an", Cat: "an-ninh", Kind: "feedback", Channel: "hotline", Status: "resolved",
		Created: "09-25 08:00", Due: "10-02 17:00", FirstResp: "09-25 10:00", Resolved: "10-03 08:00", Rating: 3,
		Title: "Tiếng ồn karaoke sau 22 giờ"},
	{Code: "RPT-T10", Unit: "xuan-lung", Dept: "van-phong", Cat: "khac", Kind: "feedback", Channel: "web", Status: "rejected",
		Created: "10-30 08:00", Due: "11-13 17:00", FirstResp: "10-30 09:00", Closed: "10-30 10:00", Title: "Nội dung không rõ"},
	{Code: "RPT-T11", Unit: "xuan-lung", Dept: "kinh-te", Cat: "chieu-sang", Kind: "feedback", Channel: "web", Status: "new",
		Created: "11-01 00:30", Due: "11-06 17:00", Title: "Bóng đèn cột điện số 5 bị vỡ"},
	{Code: "RPT-T12", Unit: "xuan-lung", Dept: "van-phong", Cat: "khac", Kind: "inquiry", Channel: "web", Status: "resolved",
		Created: "10-01 00:30", Due: "10-05 17:00", FirstResp: "10-01 02:30", Resolved: "10-01 02:30", Title: "Hỏi giờ làm việc"},
	{Code: "RPT-T13", Unit: "au-co", Dept: "kinh-te", Cat: "ha-tang", Kind: "feedback", Channel: "web", Status: "resolved",
		Created: "10-06 08:00", Due: "10-13 17:00", FirstResp: "10-06 09:00", Resolved: "10-09 08:00", Rating: 5,
		Title: "Vỉa hè phố Hùng Vương bị lấn chiếm"},
	{Code: "RPT-T14", Unit: "au-co", Dept: "kinh-te", Cat: "moi-truong", Kind: "feedback", Channel: "zalo", Status: "assigned",
		Created: "10-20 08:00", Due: "10-23 17:00", Title: "Cống thoát nước bị tắc"},
}

func nullTime(s string) any {
	if s == "" {
		return nil
	}
	return At(s)
}

// SeedReportFixture stores the fixture (and a ticket of another province).
func SeedReportFixture(t *testing.T, e *Env) {
	t.Helper()
	for _, x := range ReportFixture {
		body := x.Body
		if body == "" {
			body = x.Title + " (nội dung chi tiết)"
		}
		var rating any
		if x.Rating > 0 {
			rating = x.Rating
		}
		e.DB.MustExec(`INSERT INTO tickets (tracking_code, unit_id, department_id, category_id, kind, channel, status,
				title, body, citizen_name, citizen_phone, village, created_at, updated_at, due_at, first_response_at,
				resolved_at, closed_at, paused_at, rating, rated_at, extensions)
			SELECT $1, u.id, d.id, c.id, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14, $15, $16, $17, $18, $19::smallint,
				CASE WHEN $19::smallint IS NOT NULL THEN $16::timestamptz END, $20
			FROM units u JOIN departments d ON d.unit_id = u.id AND d.code = $3
				JOIN categories c ON c.unit_id = u.id AND c.code = $4
			WHERE u.code = $2`,
			x.Code, x.Unit, x.Dept, x.Cat, x.Kind, x.Channel, x.Status, x.Title, body, x.Name, x.Phone, x.Village,
			At(x.Created), At(x.Due), nullTime(x.FirstResp), nullTime(x.Resolved), nullTime(x.Closed), nullTime(x.Paused),
			rating, x.Extensions)
	}
	foreignReportTicket(t, e)
}

// foreignReportTicket is a ticket of October in another province.
func foreignReportTicket(t *testing.T, e *Env) {
	t.Helper()
	e.DB.MustExec(`WITH p AS (INSERT INTO units (code, name, level) VALUES ('tinh-khac', 'Tỉnh Khác', 'province') RETURNING id),
		u AS (INSERT INTO units (code, name, level, parent_id) SELECT 'xa-khac', 'Xã Khác', 'commune', id FROM p RETURNING id)
		INSERT INTO tickets (tracking_code, unit_id, channel, body, created_at, due_at)
		SELECT 'RPT-FOREIGN', id, 'web', 'Ở tỉnh khác', $1, $2 FROM u`, At("10-10 08:00"), At("10-11 08:00"))
}
