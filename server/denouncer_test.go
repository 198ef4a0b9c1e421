package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"caunoi/internal/apitest"
)

// ticketState is what a refused change must leave as it was.
type ticketState struct {
	Kind       string    `db:"kind"`
	Assignee   int64     `db:"assignee_id"`   // 0: nobody
	Department int64     `db:"department_id"` // 0: none
	Due        time.Time `db:"due_at"`
	Updated    time.Time `db:"updated_at"`
	Restricted bool      `db:"identity_restricted"`
	Events     int       `db:"events"`
	LastEvent  time.Time `db:"last_event"`
}

func stateOf(t *testing.T, e *apitest.Env, id int64) ticketState {
	t.Helper()
	var s ticketState
	if err := e.DB.Get(&s, `SELECT kind, coalesce(assignee_id, 0) AS assignee_id,
			coalesce(department_id, 0) AS department_id, due_at, updated_at, identity_restricted,
			(SELECT count(*) FROM ticket_events WHERE ticket_id = t.id) AS events,
			(SELECT max(created_at) FROM ticket_events WHERE ticket_id = t.id) AS last_event
		FROM tickets t WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	return s
}

func wantForbiddenUnchanged(t *testing.T, e *apitest.Env, id int64, before ticketState, r *apitest.Response, what string) {
	t.Helper()
	if r.Status != 403 || r.Err(t).Error.Code != "forbidden" {
		t.Errorf("%s: %d %s, want 403 forbidden", what, r.Status, r.Body)
	}
	if w := apitest.Leaked(string(r.Body)); w != "" {
		t.Errorf("%s: the refusal carries %q", what, w)
	}
	if after := stateOf(t, e, id); after != before {
		t.Errorf("%s changed the ticket or its timeline:\nbefore %+v\nafter  %+v", what, before, after)
	}
}

// The first reproduction of the issue: a staff member of the department a
// denunciation is routed to assigns it to themselves. Refused, nothing
// changed, nothing revealed, then or later.
func TestStaffCannotAssignThemselvesADenunciation(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	id, _ := e.FileDenunciation()
	path := fmt.Sprintf("/api/v1/tickets/%d", id)
	before := stateOf(t, e, id)
	self := e.UserID(apitest.StaffKT)
	wantForbiddenUnchanged(t, e, id, before, e.As(apitest.StaffKT, "PATCH", path, map[string]any{"assignee": self}),
		"staff.kinhte assigning themselves")
	wantForbiddenUnchanged(t, e, id, before, e.As(apitest.HeadKinhTe, "PATCH", path,
		map[string]any{"assignee": e.UserID(apitest.HeadKinhTe)}), "the head assigning themselves")
	wantForbiddenUnchanged(t, e, id, before, e.As(apitest.Admin, "PATCH", path, map[string]any{"assignee": self}),
		"an admin choosing the handler")
	if r := e.As(apitest.StaffKT, "GET", path, nil); r.Status != 200 || apitest.Leaked(string(r.Body)) != "" {
		t.Errorf("staff's view afterwards: %d %s", r.Status, r.Body)
	}
	// The head may choose the handler, who then sees the denouncer.
	if r := e.As(apitest.HeadKinhTe, "PATCH", path, map[string]any{"assignee": self}); r.Status != 200 {
		t.Fatalf("the head assigning staff.kinhte: %d %s", r.Status, r.Body)
	}
	if r := e.As(apitest.StaffKT, "GET", path, nil); !strings.Contains(string(r.Body), apitest.DenouncerPhone) {
		t.Errorf("the assigned handler does not see the denouncer: %s", r.Body)
	}
	// The handler cannot hand it on to a colleague who would then see it.
	before = stateOf(t, e, id)
	wantForbiddenUnchanged(t, e, id, before, e.As(apitest.StaffKT, "PATCH", path,
		map[string]any{"assignee": e.UserID(apitest.HeadKinhTe)}), "the handler handing it on")
}

// A complaint's handler is chosen the same way.
func TestStaffCannotAssignThemselvesAComplaint(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	r := e.JSON("POST", "/api/v1/feedback", map[string]any{"unit": "xuan-lung", "kind": "complaint", "category": "dat-dai",
		"body": "Khiếu nại quyết định thu hồi đất của UBND xã", "citizen": map[string]any{"name": "Lê Văn Khiếu", "phone": "0912999888"}})
	var id int64
	e.MustGet(&id, "SELECT id FROM tickets WHERE tracking_code = $1", r.Map(t)["tracking_code"])
	before := stateOf(t, e, id)
	wantForbiddenUnchanged(t, e, id, before, e.As(apitest.StaffKT, "PATCH", fmt.Sprintf("/api/v1/tickets/%d", id),
		map[string]any{"assignee": e.UserID(apitest.StaffKT)}), "staff assigning themselves a complaint")
}

// The second reproduction: staff change the kind away from denunciation
// (which would reveal the denouncer and shorten the legal clock). Refused
// for staff, the head and admins; the leader may, with a reason on the
// timeline, and the identity stays restricted.
func TestOnlyTheLeaderChangesADenunciationsKind(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	id, _ := e.FileDenunciation()
	path := fmt.Sprintf("/api/v1/tickets/%d", id)
	before := stateOf(t, e, id)
	for _, who := range []string{apitest.StaffKT, apitest.HeadKinhTe, apitest.Admin} {
		wantForbiddenUnchanged(t, e, id, before, e.As(who, "PATCH", path, map[string]any{"kind": "feedback"}),
			who+" changing the kind to feedback")
		wantForbiddenUnchanged(t, e, id, before, e.As(who, "PATCH", path, map[string]any{"kind": "feedback",
			"reason": "Không phải tố cáo"}), who+" changing the kind with a reason")
	}
	r := e.As(apitest.Leader, "PATCH", path, map[string]any{"kind": "feedback"})
	if r.Status != 400 || r.Err(t).Error.Fields["reason"] == "" {
		t.Fatalf("the leader without a reason: %d %s", r.Status, r.Body)
	}
	if after := stateOf(t, e, id); after != before {
		t.Fatalf("the refused change wrote: %+v", after)
	}
	const reason = "Nội dung là phản ánh về thủ tục, không tố cáo cá nhân"
	if r := e.As(apitest.Leader, "PATCH", path, map[string]any{"kind": "feedback", "reason": reason}); r.Status != 200 {
		t.Fatalf("the leader with a reason: %d %s", r.Status, r.Body)
	}
	var ev struct {
		Body  string `db:"body"`
		Actor int64  `db:"actor_id"`
	}
	if err := e.DB.Get(&ev, `SELECT body, actor_id FROM ticket_events WHERE ticket_id = $1 AND type = 'updated'
		AND data->>'field' = 'kind' AND data->>'from' = 'denunciation' AND data->>'to' = 'feedback'`, id); err != nil ||
		ev.Body != reason || ev.Actor != e.UserID(apitest.Leader) {
		t.Fatalf("the timeline's record of the change: %+v %v", ev, err)
	}
	after := stateOf(t, e, id)
	if after.Kind != "feedback" || !after.Restricted {
		t.Fatalf("after the leader's change: %+v (the identity must stay restricted)", after)
	}
	for _, who := range []string{apitest.StaffKT, apitest.HeadKinhTe, apitest.Admin} {
		if r := e.As(who, "GET", path, nil); r.Status != 200 || apitest.Leaked(string(r.Body)) != "" {
			t.Errorf("%s after the kind became feedback: %d %s", who, r.Status, r.Body)
		}
	}
	// Nor may staff turn a feedback into a complaint or a denunciation.
	fid, _ := e.NewTicket("xuan-lung", "Đường thôn Đông có nhiều ổ gà, đề nghị sửa")
	fbefore := stateOf(t, e, fid)
	for _, to := range []string{"complaint", "denunciation"} {
		wantForbiddenUnchanged(t, e, fid, fbefore, e.As(apitest.StaffKT, "PATCH", fmt.Sprintf("/api/v1/tickets/%d", fid),
			map[string]any{"kind": to, "reason": "x"}), "staff making a feedback a "+to)
	}
}

// A feedback the leader makes a denunciation has its citizen sealed there
// and then: the head who saw the name before sees it no more.
func TestAFeedbackMadeADenunciationIsSealed(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	id, _ := e.FileByDenouncer("feedback")
	path := fmt.Sprintf("/api/v1/tickets/%d", id)
	if r := e.As(apitest.HeadKinhTe, "GET", path, nil); !strings.Contains(string(r.Body), apitest.DenouncerPhone) {
		t.Fatalf("a feedback's citizen is the department's: %s", r.Body)
	}
	if r := e.As(apitest.Leader, "PATCH", path, map[string]any{"kind": "denunciation", "reason": "Nội dung tố cáo cán bộ"}); r.Status != 200 {
		t.Fatalf("the leader making it a denunciation: %d %s", r.Status, r.Body)
	}
	if r := e.As(apitest.HeadKinhTe, "GET", path, nil); r.Status != 200 || apitest.Leaked(string(r.Body)) != "" {
		t.Errorf("the head after it became a denunciation: %d %s", r.Status, r.Body)
	}
	var clear int
	e.MustGet(&clear, `SELECT count(*) FROM tickets WHERE id = $1 AND (citizen_name <> '' OR citizen_phone <> '')`, id)
	if clear != 0 {
		t.Error("the identity is still in clear in the row")
	}
	if r := e.As(apitest.Leader, "GET", path, nil); !strings.Contains(string(r.Body), apitest.DenouncerName) {
		t.Errorf("the leader lost the identity: %s", r.Body)
	}
}

// At rest, the denouncer is sealed: nothing of them in clear in the row or
// its timeline (that a search for them finds nothing is the walk's). The leader's reading opens it and is
// on the timeline (once in ten minutes), and in the personal-data log.
func TestTheDenouncerIsSealedAtRestAndEveryReadIsRecorded(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	id, _ := e.FileDenunciation()
	var row struct {
		Name   string `db:"citizen_name"`
		Phone  string `db:"citizen_phone"`
		Email  string `db:"citizen_email"`
		Sealed []byte `db:"identity_sealed"`
	}
	if err := e.DB.Get(&row, `SELECT citizen_name, citizen_phone, citizen_email, identity_sealed
		FROM tickets WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if row.Name != "" || row.Phone != "" || row.Email != "" || len(row.Sealed) < 28 {
		t.Fatalf("stored in clear: %+v", row)
	}
	if w := apitest.Leaked(string(row.Sealed)); w != "" {
		t.Fatalf("%q readable in the sealed bytes", w)
	}
	var inEvents int
	e.MustGet(&inEvents, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1
		AND (data::text LIKE '%0911222333%' OR body LIKE '%0911222333%' OR data::text LIKE '%Hà Văn%')`, id)
	if inEvents != 0 {
		t.Errorf("%d timeline events hold the denouncer", inEvents)
	}

	reads := func() (events, log int) {
		e.MustGet(&events, `SELECT count(*) FROM ticket_events WHERE ticket_id = $1 AND type = 'personal_data_read'
			AND actor_id = $2`, id, e.UserID(apitest.Leader))
		e.MustGet(&log, `SELECT count(*) FROM personal_data_access WHERE ticket_id = $1 AND user_id = $2`, id,
			e.UserID(apitest.Leader))
		return
	}
	path := fmt.Sprintf("/api/v1/tickets/%d", id)
	for i := 0; i < 2; i++ {
		if r := e.As(apitest.Leader, "GET", path, nil); !strings.Contains(string(r.Body), apitest.DenouncerEmail) {
			t.Fatalf("the leader's view: %s", r.Body)
		}
	}
	if ev, log := reads(); ev != 1 || log != 2 {
		t.Fatalf("after two readings: %d timeline events, %d log rows; want 1 and 2", ev, log)
	}
	e.Clock.Advance(11 * time.Minute)
	e.As(apitest.Leader, "GET", path, nil)
	if ev, log := reads(); ev != 2 || log != 3 {
		t.Fatalf("a reading 11 minutes later: %d events, %d rows; want 2 and 3", ev, log)
	}
	// The timeline shows whose reading it was, to those who see the ticket.
	r := e.As(apitest.HeadKinhTe, "GET", path, nil)
	if !strings.Contains(string(r.Body), `"personal_data_read"`) || apitest.Leaked(string(r.Body)) != "" {
		t.Errorf("the head's timeline: %s", r.Body)
	}
	// Someone who may not see the identity reads nothing, and nothing is recorded.
	var all int
	e.MustGet(&all, `SELECT count(*) FROM personal_data_access WHERE ticket_id = $1`, id)
	if all != 3 {
		t.Errorf("%d personal-data readings, want the leader's 3", all)
	}
}

// Open311 knows nothing of a denunciation: not by code, not in a list.
func TestOpen311NeverShowsADenunciation(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	_, code := e.FileDenunciation()
	for _, f := range []string{code + ".json", code + ".xml", strings.ToLower(code) + ".json"} {
		r := e.Get311("requests/"+f, apitest.Jurisdiction("xuan-lung"))
		if r.Status != 404 {
			t.Errorf("requests/%s: %d %s, want 404", f, r.Status, r.Body)
		}
	}
	q := apitest.Jurisdiction("xuan-lung")
	q.Set("service_request_id", code)
	for _, r := range []*apitest.Response{e.Get311("requests.json", apitest.Jurisdiction("xuan-lung")), e.Get311("requests.json", q),
		e.Get311("requests.xml", apitest.Jurisdiction("xuan-lung"))} {
		if r.Status != 200 || strings.Contains(string(r.Body), code) || apitest.Leaked(string(r.Body)) != "" {
			t.Errorf("a list shows the denunciation: %d %s", r.Status, r.Body)
		}
	}
}

// Whoever holds a denunciation's code sees only its status and replies.
func TestTrackingShowsADenouncerOnlyStatusAndReplies(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	id, code := e.FileDenunciation()
	e.As(apitest.HeadKinhTe, "PATCH", fmt.Sprintf("/api/v1/tickets/%d", id), map[string]any{"assignee": e.UserID(apitest.StaffKT)})
	const answer = "Đơn của ông/bà đã được tiếp nhận và đang được xác minh."
	if r := e.As(apitest.StaffKT, "POST", fmt.Sprintf("/api/v1/tickets/%d/replies", id), map[string]any{"body": answer}); r.Status != 201 {
		t.Fatalf("reply: %d %s", r.Status, r.Body)
	}
	var got map[string]any
	e.JSON("GET", "/api/v1/feedback/"+code, nil).JSON(t, &got)
	replies, _ := got["replies"].([]any)
	if got["status"] == "" || got["restricted"] != true || len(replies) != 1 ||
		replies[0].(map[string]any)["body"] != answer {
		t.Fatalf("the denouncer's view: %v", got)
	}
	for _, k := range []string{"category", "department", "due_at", "resolved_at"} {
		if got[k] != nil {
			t.Errorf("the denouncer's view shows %s: %v", k, got[k])
		}
	}
	if got["kind"] != "" {
		t.Errorf("the denouncer's view shows the kind: %v", got["kind"])
	}
	b := apitest.NewBrowser(t, e)
	pg := b.Get("/track/" + code)
	if pg.Status != 200 || !strings.Contains(pg.Body, answer) || !strings.Contains(pg.Body, code) {
		t.Fatalf("the tracking page: %d %s", pg.Status, pg.Body)
	}
	for _, hidden := range []string{"Kinh tế", "Đất đai", "Tố cáo", "Hạn giải quyết", apitest.Denunciation} {
		if strings.Contains(pg.Body, hidden) {
			t.Errorf("the tracking page shows %q", hidden)
		}
	}
}

// A feedback whose handler staff picked themselves, made a denunciation by
// the leader, loses that handler: a denunciation's handler is chosen anew.
func TestADenunciationsHandlerIsChosenAnewWhenTheKindChanges(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	id, _ := e.FileByDenouncer("feedback")
	path := fmt.Sprintf("/api/v1/tickets/%d", id)
	if r := e.As(apitest.StaffKT, "PATCH", path, map[string]any{"assignee": e.UserID(apitest.StaffKT)}); r.Status != 200 {
		t.Fatalf("staff taking a feedback: %d %s", r.Status, r.Body)
	}
	if r := e.As(apitest.Leader, "PATCH", path, map[string]any{"kind": "denunciation", "reason": "Nội dung tố cáo cán bộ"}); r.Status != 200 {
		t.Fatalf("the leader making it a denunciation: %d %s", r.Status, r.Body)
	}
	if st := stateOf(t, e, id); st.Assignee != 0 || st.Kind != "denunciation" || !st.Restricted {
		t.Fatalf("after the change: %+v, want no handler", st)
	}
	if r := e.As(apitest.StaffKT, "GET", path, nil); r.Status != 200 || apitest.Leaked(string(r.Body)) != "" {
		t.Errorf("the former handler still sees the denouncer: %d %s", r.Status, r.Body)
	}
}

// Moving a denunciation to another department takes it from its handler:
// only the department's head or the leader may, and a head chooses a
// handler only in their own department, even in the same request.
func TestHeadsChooseHandlersOnlyInTheirOwnDepartment(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	id, _ := e.FileDenunciation()
	path := fmt.Sprintf("/api/v1/tickets/%d", id)
	if r := e.As(apitest.HeadKinhTe, "PATCH", path, map[string]any{"assignee": e.UserID(apitest.StaffKT)}); r.Status != 200 {
		t.Fatalf("the head choosing the handler: %d %s", r.Status, r.Body)
	}
	before := stateOf(t, e, id)
	for _, who := range []string{apitest.StaffKT, apitest.Admin} {
		r := e.As(who, "PATCH", path, map[string]any{"department": "van-hoa-xa-hoi", "reason": "Chuyển"})
		wantForbiddenUnchanged(t, e, id, before, r, who+" moving the denunciation")
	}
	r := e.As(apitest.HeadKinhTe, "PATCH", path, map[string]any{"department": "van-hoa-xa-hoi",
		"assignee": e.UserID(apitest.StaffVHXH), "reason": "Chuyển và giao"})
	if now := stateOf(t, e, id); r.Status < 400 || now != before {
		t.Fatalf("the head of kinh-te choosing van-hoa-xa-hoi's handler: %d %s, %+v", r.Status, r.Body, now)
	}
	if r := e.As(apitest.HeadKinhTe, "PATCH", path, map[string]any{"department": "van-hoa-xa-hoi", "reason": "Chuyển"}); r.Status != 200 {
		t.Fatalf("the head moving it: %d %s", r.Status, r.Body)
	}
	if st := stateOf(t, e, id); st.Assignee != 0 {
		t.Fatalf("moved with its handler: %+v", st)
	}
}

// A sealed identity is bound to its ticket: copied into another row, it
// does not open, and nothing of it is shown.
func TestASealedIdentityCopiedToAnotherTicketDoesNotOpen(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	id, _ := e.FileDenunciation()
	other, _ := e.NewTicket("xuan-lung", "Đề nghị sửa đường thôn Đông")
	if _, err := e.DB.Exec(`UPDATE tickets SET identity_restricted = true,
		identity_sealed = (SELECT identity_sealed FROM tickets WHERE id = $1) WHERE id = $2`, id, other); err != nil {
		t.Fatal(err)
	}
	r := e.As(apitest.Leader, "GET", fmt.Sprintf("/api/v1/tickets/%d", other), nil)
	if r.Status != 500 || apitest.Leaked(string(r.Body)) != "" {
		t.Fatalf("the copied identity: %d %s, want 500 and nothing of it", r.Status, r.Body)
	}
	if r := e.As(apitest.Leader, "GET", fmt.Sprintf("/api/v1/tickets/%d", id), nil); !strings.Contains(string(r.Body), apitest.DenouncerHome) {
		t.Fatalf("the original still opens, address included: %s", r.Body)
	}
}
