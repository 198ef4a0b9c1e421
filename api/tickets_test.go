package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"caunoi/internal/apitest"
)

const (
	lampText    = "Đèn đường trước nhà văn hóa thôn 3 bị hỏng"     // → kinh-te
	welfareText = "Xin hỏi về chế độ trợ cấp cho hộ nghèo năm nay" // → van-hoa-xa-hoi
)

// foreignTicket makes a ticket in another province, out of every demo scope.
func foreignTicket(t *testing.T, e *apitest.Env) int64 {
	t.Helper()
	var id int64
	err := e.DB.Get(&id, `WITH p AS (INSERT INTO units (code, name, level) VALUES ('tinh-khac', 'Tỉnh Khác', 'province')
			ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name RETURNING id),
		u AS (INSERT INTO units (code, name, level, parent_id) SELECT 'xa-khac', 'Xã Khác', 'commune', id FROM p
			ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name RETURNING id),
		d AS (INSERT INTO departments (unit_id, code, name) SELECT id, 'kinh-te', 'Phòng Kinh tế' FROM u
			ON CONFLICT (unit_id, code) DO UPDATE SET name = EXCLUDED.name RETURNING id, unit_id)
		INSERT INTO tickets (tracking_code, unit_id, department_id, channel, body, created_at, due_at)
		SELECT 'ZZZZ-' || substr(md5(random()::text), 1, 5), unit_id, id, 'web', 'Ở tỉnh khác', $1, $1::timestamptz + interval '3 days' FROM d
		RETURNING id`, e.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestAuthorizationMatrix(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	// where each role's in-scope and out-of-scope tickets live
	type place struct{ unit, text string }
	kinhTe, vhxh, auCo := place{"xuan-lung", lampText}, place{"xuan-lung", welfareText}, place{"au-co", lampText}
	roles := []struct {
		email   string
		in, out *place // out nil: a ticket of another province
	}{
		{apitest.Admin, &kinhTe, nil},
		{apitest.Leader, &kinhTe, &auCo},
		{apitest.HeadKinhTe, &kinhTe, &vhxh},
		{apitest.StaffKT, &kinhTe, &vhxh},
		{apitest.StaffVHXH, &vhxh, &kinhTe},
	}
	type endpoint struct {
		name   string
		call   func(email string, id int64, code string) *apitest.Response
		expect map[string]int // in-scope status by role; out of scope is always 404
	}
	all := func(st int) map[string]int {
		return map[string]int{apitest.Admin: st, apitest.Leader: st, apitest.HeadKinhTe: st, apitest.StaffKT: st, apitest.StaffVHXH: st}
	}
	workers := func(st int) map[string]int {
		m := all(st)
		m[apitest.Leader] = 403
		return m
	}
	endpoints := []endpoint{
		{"GET ticket", func(em string, id int64, _ string) *apitest.Response {
			return e.As(em, "GET", fmt.Sprintf("/api/v1/tickets/%d", id), nil)
		}, all(200)},
		{"GET similar", func(em string, id int64, _ string) *apitest.Response {
			return e.As(em, "GET", fmt.Sprintf("/api/v1/tickets/%d/similar", id), nil)
		}, all(200)},
		{"PATCH priority", func(em string, id int64, _ string) *apitest.Response {
			return e.As(em, "PATCH", fmt.Sprintf("/api/v1/tickets/%d", id), map[string]any{"priority": 2})
		}, workers(200)},
		{"POST status", func(em string, id int64, _ string) *apitest.Response {
			return e.As(em, "POST", fmt.Sprintf("/api/v1/tickets/%d/status", id), map[string]any{"status": "in_progress"})
		}, workers(200)},
		{"POST reply", func(em string, id int64, _ string) *apitest.Response {
			return e.As(em, "POST", fmt.Sprintf("/api/v1/tickets/%d/replies", id), map[string]any{"body": "Xã đã tiếp nhận."})
		}, workers(201)},
		{"POST note", func(em string, id int64, _ string) *apitest.Response {
			return e.As(em, "POST", fmt.Sprintf("/api/v1/tickets/%d/notes", id), map[string]any{"body": "Đã gọi điện cho người dân."})
		}, all(201)},
		{"POST extension", func(em string, id int64, _ string) *apitest.Response {
			return e.As(em, "POST", fmt.Sprintf("/api/v1/tickets/%d/extensions", id), map[string]any{"days": 5, "reason": "Chờ nhà thầu"})
		}, workers(201)},
		{"PATCH transfer", func(em string, id int64, _ string) *apitest.Response {
			return e.As(em, "PATCH", fmt.Sprintf("/api/v1/tickets/%d", id), map[string]any{"department": "van-phong", "reason": "Không thuộc phòng"})
		}, all(200)},
	}
	for _, role := range roles {
		for _, ep := range endpoints {
			for _, inScope := range []bool{true, false} {
				name := fmt.Sprintf("%s/%s/in=%v", role.email, ep.name, inScope)
				var id int64
				switch p := map[bool]*place{true: role.in, false: role.out}[inScope]; {
				case p == nil:
					id = foreignTicket(t, e)
				default:
					id, _ = e.NewTicket(p.unit, p.text)
				}
				want := 404
				if inScope {
					want = ep.expect[role.email]
				}
				before := e.Count("ticket_events")
				r := ep.call(role.email, id, "")
				if r.Status != want {
					t.Errorf("%s: %d, want %d: %s", name, r.Status, want, r.Body)
					continue
				}
				if r.Status >= 400 {
					if code := r.Err(t).Error.Code; (want == 404 && code != "not_found") || (want == 403 && code != "forbidden") {
						t.Errorf("%s: code %s", name, code)
					}
					if e.Count("ticket_events") != before {
						t.Errorf("%s: a refused action changed the timeline", name)
					}
				}
			}
		}
	}
}

func TestQueueShowsOnlyTheScope(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	e.NewTicket("xuan-lung", lampText)
	e.NewTicket("xuan-lung", welfareText)
	e.NewTicket("au-co", lampText)
	foreignTicket(t, e)
	counts := map[string]int{apitest.Admin: 3, apitest.Leader: 2, apitest.HeadKinhTe: 1, apitest.StaffKT: 1, apitest.StaffVHXH: 1}
	for email, want := range counts {
		var out struct {
			Items []struct {
				Unit       string
				Department struct{ Code string }
			}
		}
		r := e.As(email, "GET", "/api/v1/tickets", nil)
		r.JSON(t, &out)
		if r.Status != 200 || len(out.Items) != want {
			t.Errorf("%s sees %d tickets (%d), want %d: %s", email, len(out.Items), r.Status, want, r.Body)
		}
	}
}

func TestSearchIgnoresDiacritics(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	_, code := e.NewTicket("xuan-lung", "Đèn đường hỏng ở thôn Đông từ tuần trước")
	e.NewTicket("xuan-lung", "Đường liên xã bị sạt lở sau mưa")
	for _, q := range []string{"den duong thon dong", "ĐÈN ĐƯỜNG", "thon dong", "Den Duong Hong"} {
		var out struct {
			Items []struct {
				TrackingCode string `json:"tracking_code"`
			}
		}
		e.As(apitest.Leader, "GET", "/api/v1/tickets?q="+strings.ReplaceAll(q, " ", "+"), nil).JSON(t, &out)
		if len(out.Items) != 1 || out.Items[0].TrackingCode != code {
			t.Errorf("q=%q found %+v, want only %s", q, out.Items, code)
		}
	}
}

func TestQueuePagingIsStableWhileTicketsChange(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	seen := map[int64]bool{}
	var ids []int64
	for i := 0; i < 7; i++ {
		id, _ := e.NewTicket("xuan-lung", fmt.Sprintf("%s, lần %d", lampText, i))
		ids = append(ids, id)
		e.Clock.Advance(time.Hour)
	}
	page := func(cursor string) ([]int64, string) {
		path := "/api/v1/tickets?limit=3"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		var out struct {
			Items      []struct{ ID int64 }
			NextCursor *string `json:"next_cursor"`
		}
		r := e.As(apitest.StaffKT, "GET", path, nil)
		if r.Status != 200 {
			t.Fatalf("%s: %d %s", path, r.Status, r.Body)
		}
		r.JSON(t, &out)
		var got []int64
		for _, it := range out.Items {
			got = append(got, it.ID)
		}
		if out.NextCursor == nil {
			return got, ""
		}
		return got, *out.NextCursor
	}
	first, cur := page("")
	// While paging: a new ticket arrives (due last) and one on page 1 is resolved.
	e.NewTicket("xuan-lung", lampText+" nữa")
	e.DB.MustExec("UPDATE tickets SET status = 'resolved', resolved_at = now() WHERE id = $1", first[0])
	second, cur := page(cur)
	third, cur2 := page(cur)
	for _, id := range append(append(first, second...), third...) {
		if seen[id] {
			t.Fatalf("ticket %d appeared twice: %v %v %v", id, first, second, third)
		}
		seen[id] = true
	}
	for _, id := range ids {
		if !seen[id] {
			t.Fatalf("ticket %d was skipped: %v %v %v", id, first, second, third)
		}
	}
	if cur2 != "" {
		if rest, _ := page(cur2); len(rest) != 0 {
			t.Logf("the new ticket came on a later page: %v", rest)
		}
	}
	for i := 1; i < len(ids); i++ { // due order = creation order here
		if ids[i] < ids[i-1] {
			t.Fatal("ids not increasing")
		}
	}
	if first[0] != ids[0] || second[0] != ids[3] {
		t.Fatalf("pages out of due order: %v %v", first, second)
	}
}

func TestStatusMachineThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	statuses := []string{"new", "assigned", "in_progress", "waiting_citizen", "resolved", "closed", "rejected", "duplicate"}
	allowed := map[string][]string{
		"new":             {"assigned", "in_progress", "rejected"},
		"assigned":        {"in_progress", "rejected"},
		"in_progress":     {"waiting_citizen", "resolved", "rejected"},
		"waiting_citizen": {"in_progress", "resolved", "rejected"},
		"resolved":        {"closed", "in_progress"},
	}
	for _, from := range statuses {
		for _, to := range statuses {
			if to == "duplicate" || from == to {
				continue // duplicates are made by merge
			}
			id, _ := e.NewTicket("xuan-lung", lampText)
			e.DB.MustExec("UPDATE tickets SET status = $2, resolved_at = CASE WHEN $2 IN ('resolved','closed') THEN now() END WHERE id = $1", id, from)
			r := e.As(apitest.StaffKT, "POST", fmt.Sprintf("/api/v1/tickets/%d/status", id), map[string]any{"status": to, "note": "x"})
			want := 409
			for _, a := range allowed[from] {
				if a == to {
					want = 200
				}
			}
			if r.Status != want {
				t.Errorf("%s → %s: %d, want %d: %s", from, to, r.Status, want, r.Body)
				continue
			}
			var now string
			e.MustGet(&now, "SELECT status FROM tickets WHERE id = $1", id)
			if (want == 200 && now != to) || (want == 409 && now != from) {
				t.Errorf("%s → %s: stored %s", from, to, now)
			}
		}
	}
}

func TestWaitingForTheCitizenPausesTheClock(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	id, code := e.NewTicket("xuan-lung", lampText) // Tuesday 09:00, due Friday 17:00
	var due0 time.Time
	e.MustGet(&due0, "SELECT due_at FROM tickets WHERE id = $1", id)
	post := func(status string) {
		if r := e.As(apitest.StaffKT, "POST", fmt.Sprintf("/api/v1/tickets/%d/status", id), map[string]any{"status": status}); r.Status != 200 {
			t.Fatalf("%s: %d %s", status, r.Status, r.Body)
		}
	}
	post("in_progress")
	post("waiting_citizen")
	e.Clock.Advance(24 * time.Hour) // Wednesday 09:00: one working day paused
	if r := e.JSON("POST", "/api/v1/feedback/"+code+"/messages", map[string]any{"body": "Ảnh chụp cột đèn đây ạ"}); r.Status != 201 {
		t.Fatalf("citizen answers: %d %s", r.Status, r.Body)
	}
	var st string
	var due1 time.Time
	if err := e.DB.QueryRow("SELECT status, due_at FROM tickets WHERE id = $1", id).Scan(&st, &due1); err != nil {
		t.Fatal(err)
	}
	want := time.Date(2026, 11, 9, 17, 0, 0, 0, e.Loc) // pushed one working day: Monday
	if st != "in_progress" || !due1.Equal(want) {
		t.Fatalf("after the citizen answered: %s due %v, want in_progress due %v (was %v)", st, due1.In(e.Loc), want, due0.In(e.Loc))
	}
}

func TestRepliesReachTheCitizenNotesDoNot(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	id, code := e.NewTicket("xuan-lung", lampText)
	e.As(apitest.StaffKT, "POST", fmt.Sprintf("/api/v1/tickets/%d/notes", id), map[string]any{"body": "Nội bộ: nhà thầu hẹn thứ Sáu"})
	r := e.As(apitest.StaffKT, "POST", fmt.Sprintf("/api/v1/tickets/%d/replies", id), map[string]any{"body": "Xã sẽ thay bóng đèn trong tuần."})
	if r.Status != 201 || r.Map(t)["delivery"] != "shown" {
		t.Fatalf("reply: %d %s", r.Status, r.Body)
	}
	view := e.JSON("GET", "/api/v1/feedback/"+code, nil)
	if !strings.Contains(string(view.Body), "Xã sẽ thay bóng đèn") || strings.Contains(string(view.Body), "nhà thầu hẹn") {
		t.Fatalf("citizen's view: %s", view.Body)
	}
	var st string
	var first *time.Time
	if err := e.DB.QueryRow("SELECT status, first_response_at FROM tickets WHERE id = $1", id).Scan(&st, &first); err != nil {
		t.Fatal(err)
	}
	if st != "in_progress" || first == nil {
		t.Fatalf("after the first reply: %s first_response_at %v", st, first)
	}
}

func TestExtensionsAsTheKindAllows(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	id, _ := e.NewTicket("xuan-lung", lampText)
	ext := func(days int, reason string) *apitest.Response {
		return e.As(apitest.StaffKT, "POST", fmt.Sprintf("/api/v1/tickets/%d/extensions", id), map[string]any{"days": days, "reason": reason})
	}
	if r := ext(5, ""); r.Status != 400 || r.Err(t).Error.Fields["reason"] == "" {
		t.Fatalf("no reason: %d %s", r.Status, r.Body)
	}
	if r := ext(99, "Chờ vật tư"); r.Status != 400 {
		t.Fatalf("too long: %d %s", r.Status, r.Body)
	}
	r := ext(5, "Chờ vật tư")
	if r.Status != 201 {
		t.Fatalf("extension: %d %s", r.Status, r.Body)
	}
	var due time.Time
	e.MustGet(&due, "SELECT due_at FROM tickets WHERE id = $1", id)
	if want := time.Date(2026, 11, 13, 17, 0, 0, 0, e.Loc); !due.Equal(want) { // Fri 6 + 5 working days
		t.Fatalf("due after extension %v, want %v", due.In(e.Loc), want)
	}
	if r := ext(1, "Lần nữa"); r.Status != 409 {
		t.Fatalf("a second extension of a feedback: %d %s", r.Status, r.Body)
	}
}

func TestMergeMakesADuplicate(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	a, _ := e.NewTicket("xuan-lung", lampText)
	b, codeB := e.NewTicket("xuan-lung", lampText+" (gửi lại)")
	sim := e.As(apitest.StaffKT, "GET", fmt.Sprintf("/api/v1/tickets/%d/similar", a), nil)
	if !strings.Contains(string(sim.Body), codeB) {
		t.Fatalf("similar tickets of %d do not list %s: %s", a, codeB, sim.Body)
	}
	r := e.As(apitest.StaffKT, "POST", fmt.Sprintf("/api/v1/tickets/%d/merge", a), map[string]any{"into": codeB})
	if r.Status != 200 {
		t.Fatalf("merge: %d %s", r.Status, r.Body)
	}
	var st string
	var into int64
	if err := e.DB.QueryRow("SELECT status, merged_into FROM tickets WHERE id = $1", a).Scan(&st, &into); err != nil {
		t.Fatal(err)
	}
	if st != "duplicate" || into != b {
		t.Fatalf("merged ticket: %s into %d", st, into)
	}
	if r := e.As(apitest.StaffKT, "POST", fmt.Sprintf("/api/v1/tickets/%d/merge", b), map[string]any{"into": codeB}); r.Status != 400 {
		t.Fatalf("merge into itself: %d", r.Status)
	}
}

func TestAssignment(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	id, _ := e.NewTicket("xuan-lung", lampText)
	staffKT, staffVH := e.UserID(apitest.StaffKT), e.UserID(apitest.StaffVHXH)
	patch := func(email string, body map[string]any) *apitest.Response {
		return e.As(email, "PATCH", fmt.Sprintf("/api/v1/tickets/%d", id), body)
	}
	if r := patch(apitest.StaffKT, map[string]any{"assignee": e.UserID(apitest.HeadKinhTe)}); r.Status != 403 {
		t.Fatalf("staff assigning someone else: %d", r.Status)
	}
	if r := patch(apitest.HeadKinhTe, map[string]any{"assignee": staffVH}); r.Status != 400 {
		t.Fatalf("head assigning outside the department: %d %s", r.Status, r.Body)
	}
	if r := patch(apitest.HeadKinhTe, map[string]any{"assignee": staffKT}); r.Status != 200 || r.Map(t)["status"] != "assigned" {
		t.Fatalf("head assigning within: %d %s", r.Status, r.Body)
	}
	if r := patch(apitest.Leader, map[string]any{"assignee": staffVH}); r.Status != 400 {
		t.Fatalf("leader across departments without a reason: %d", r.Status)
	}
	r := patch(apitest.Leader, map[string]any{"assignee": staffVH, "reason": "Thuộc lĩnh vực văn hóa"})
	if r.Status != 200 {
		t.Fatalf("leader across departments: %d %s", r.Status, r.Body)
	}
	m := r.Map(t)
	if m["department"].(map[string]any)["code"] != "van-hoa-xa-hoi" {
		t.Fatalf("the ticket did not follow its new handler: %v", m["department"])
	}
}

func TestDenouncerIdentityOnlyForLeaderAndHandler(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	r := e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "kind": "denunciation", "category": "dat-dai",
		"body":    "Tố cáo cán bộ địa chính nhận tiền để cấp sổ đỏ sai quy định",
		"citizen": map[string]any{"name": "Hà Văn Tố", "phone": "0911222333"}})
	if r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var id int64
	e.MustGet(&id, "SELECT id FROM tickets WHERE tracking_code = $1", r.Map(t)["tracking_code"])
	get := func(email string) string {
		return string(e.As(email, "GET", fmt.Sprintf("/api/v1/tickets/%d", id), nil).Body)
	}
	for _, email := range []string{apitest.Admin, apitest.HeadKinhTe, apitest.StaffKT} {
		if b := get(email); strings.Contains(b, "Hà Văn Tố") || strings.Contains(b, "0911222333") {
			t.Errorf("%s sees the denouncer: %s", email, b)
		}
	}
	if b := get(apitest.Leader); !strings.Contains(b, "Hà Văn Tố") {
		t.Errorf("the leader does not see the denouncer: %s", b)
	}
	e.As(apitest.HeadKinhTe, "PATCH", fmt.Sprintf("/api/v1/tickets/%d", id), map[string]any{"assignee": e.UserID(apitest.StaffKT)})
	if b := get(apitest.StaffKT); !strings.Contains(b, "Hà Văn Tố") {
		t.Errorf("the assigned handler does not see the denouncer: %s", b)
	}
	var reads int
	e.MustGet(&reads, "SELECT count(*) FROM personal_data_access WHERE ticket_id = $1", id)
	if reads != 2 {
		t.Errorf("%d recorded reads of personal data, want 2 (leader, handler)", reads)
	}
}

func TestStaffIntakeForAHotlineCall(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	r := e.As(apitest.StaffKT, "POST", "/api/v1/tickets", map[string]any{"channel": "hotline", "body": "Người dân gọi báo cột điện nghiêng",
		"citizen": map[string]any{"phone": "0912000111"}})
	if r.Status != 201 {
		t.Fatalf("%d %s", r.Status, r.Body)
	}
	var ch, unit string
	var actor int64
	if err := e.DB.QueryRow(`SELECT t.channel, u.code, e.actor_id FROM tickets t JOIN units u ON u.id = t.unit_id
		JOIN ticket_events e ON e.ticket_id = t.id AND e.type = 'created'`).Scan(&ch, &unit, &actor); err != nil {
		t.Fatal(err)
	}
	if ch != "hotline" || unit != "xuan-lung" || actor != e.UserID(apitest.StaffKT) {
		t.Fatalf("stored %s %s by %d", ch, unit, actor)
	}
	if r := e.As(apitest.StaffKT, "POST", "/api/v1/tickets", map[string]any{"unit": "au-co", "body": "x"}); r.Status != 403 {
		t.Fatalf("staff filing for another unit: %d", r.Status)
	}
	if r := e.As(apitest.StaffKT, "POST", "/api/v1/tickets", map[string]any{"channel": "zalo", "body": "x"}); r.Status != 400 {
		t.Fatalf("staff filing a zalo ticket: %d", r.Status)
	}
}

func TestHostileFilterValuesAreRefusedNotFailed(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	for _, q := range []string{"department=%00", "category=%FF%FE", "unit=%C3%28", "q=%00%00"} {
		r := e.As(apitest.Leader, "GET", "/api/v1/tickets?"+q, nil)
		if r.Status >= 500 {
			t.Errorf("%s: %d %s", q, r.Status, r.Body)
		}
	}
}

// Whoever of the department answers or resolves a ticket without a handler
// becomes its handler; never on a apitest.Denunciation, and never an admin.
func TestWhoAnswersAnUnhandledTicketHandlesIt(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	assignee := func(id int64) int64 {
		var a int64
		e.MustGet(&a, "SELECT coalesce(assignee_id, 0) FROM tickets WHERE id = $1", id)
		return a
	}
	reply := func(who string, id int64) {
		t.Helper()
		if r := e.As(who, "POST", fmt.Sprintf("/api/v1/tickets/%d/replies", id), map[string]any{"body": "Xã đã tiếp nhận và sẽ kiểm tra."}); r.Status != 201 {
			t.Fatalf("reply as %s: %d %s", who, r.Status, r.Body)
		}
	}
	a, _ := e.NewTicket("xuan-lung", "Đèn đường trước nhà văn hóa thôn Đông bị hỏng")
	reply(apitest.StaffKT, a)
	if got := assignee(a); got != e.UserID(apitest.StaffKT) {
		t.Fatalf("after staff.kinhte's reply the handler is %d", got)
	}
	var because string
	e.MustGet(&because, `SELECT data->>'because' FROM ticket_events WHERE ticket_id = $1 AND type = 'assigned'`, a)
	if because != "reply" {
		t.Errorf("the timeline says %q", because)
	}
	reply(apitest.HeadKinhTe, a) // a handler stays the handler
	if got := assignee(a); got != e.UserID(apitest.StaffKT) {
		t.Fatalf("the head's reply took the ticket from its handler: %d", got)
	}

	b, _ := e.NewTicket("xuan-lung", "Đường thôn Tây có nhiều ổ gà")
	if r := e.As(apitest.HeadKinhTe, "POST", fmt.Sprintf("/api/v1/tickets/%d/status", b), map[string]any{"status": "in_progress"}); r.Status != 200 {
		t.Fatalf("start: %d %s", r.Status, r.Body)
	}
	if got := assignee(b); got != 0 {
		t.Fatalf("starting work made %d the handler", got)
	}
	if r := e.As(apitest.HeadKinhTe, "POST", fmt.Sprintf("/api/v1/tickets/%d/status", b), map[string]any{"status": "resolved", "note": "Đã vá đường"}); r.Status != 200 {
		t.Fatalf("resolve: %d %s", r.Status, r.Body)
	}
	if got := assignee(b); got != e.UserID(apitest.HeadKinhTe) {
		t.Fatalf("after the head resolved it the handler is %d", got)
	}

	c, _ := e.NewTicket("xuan-lung", "Rác thải ở chợ chưa được thu gom")
	reply(apitest.Admin, c)
	if got := assignee(c); got != 0 {
		t.Fatalf("an admin's reply made %d the handler", got)
	}
	d, _ := e.FileDenunciation()
	reply(apitest.StaffKT, d)
	if got := assignee(d); got != 0 {
		t.Fatalf("a reply made staff the handler of a denunciation: %d", got)
	}
}

// Resolving with the result: the citizen's answer and the change to
// resolved in one step; the tracking page shows the answer. A result goes
// only with resolved, is not empty, and a refused change writes no answer.
func TestResolveWithTheResultTellsTheCitizen(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	id, code := e.NewTicket("xuan-lung", lampText)
	path := fmt.Sprintf("/api/v1/tickets/%d/status", id)
	for _, bad := range []map[string]any{
		{"status": "in_progress", "result": "Đã sửa"},
		{"status": "resolved", "result": "   "},
	} {
		r := e.As(apitest.HeadKinhTe, "POST", path, bad)
		if r.Status != 400 || r.Err(t).Error.Fields["result"] == "" {
			t.Errorf("%v: %d %s", bad, r.Status, r.Body)
		}
	}
	const answer = "Phòng Kinh tế đã thay bóng đèn, đèn sáng lại từ tối nay."
	r := e.As(apitest.HeadKinhTe, "POST", path, map[string]any{"status": "resolved", "note": "Xong", "result": answer})
	if r.Status != 200 || r.Map(t)["status"] != "resolved" {
		t.Fatalf("resolve with the result: %d %s", r.Status, r.Body)
	}
	var events []string
	e.MustSelect(&events, `SELECT type || ':' || public || ':' || body FROM ticket_events
		WHERE ticket_id = $1 AND type IN ('reply', 'status') ORDER BY id`, id)
	if len(events) < 2 || events[0] != "reply:true:"+answer || events[len(events)-1] != "status:false:Xong" {
		t.Fatalf("timeline %q: the answer, then the change to resolved", events)
	}
	tr := e.Request("GET", "/api/v1/feedback/"+code, nil)
	if tr.Status != 200 || !strings.Contains(string(tr.Body), answer) || !strings.Contains(string(tr.Body), `"status":"resolved"`) {
		t.Fatalf("tracking: %d %s", tr.Status, tr.Body)
	}
	// Resolved already: refused, and no second answer is written.
	if r := e.As(apitest.HeadKinhTe, "POST", path, map[string]any{"status": "resolved", "result": "Lần nữa"}); r.Status != 409 {
		t.Errorf("resolving twice: %d %s", r.Status, r.Body)
	}
	var n int
	if e.MustGet(&n, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND type = 'reply'`, id); n != 1 {
		t.Errorf("%d answers after a refused resolve, want 1", n)
	}
}
