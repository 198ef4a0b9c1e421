package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"caunoi/internal/apitest"
)

func TestStaffWorkTheTicketThroughThePages(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	code, id := apiTicket(t, e, nil)
	apiTicket(t, e, map[string]any{"title": "Rác thải", "body": "Rác thải đổ trộm ở bờ sông thôn 2.", "category": "moi-truong"})
	ticket := "/staff/tickets/" + strconv.FormatInt(id, 10)

	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.StaffKT)

	// A search without diacritics finds it; the other ticket is left out.
	q := b.Get("/staff?q=" + url.QueryEscape("den duong"))
	if q.Status != 200 || !strings.Contains(q.Body, code) || strings.Contains(q.Body, "Rác thải") {
		t.Fatalf("search: %d %s", q.Status, q.Body)
	}
	if !strings.Contains(q.Body, `value="den duong"`) {
		t.Error("the search box does not keep the words")
	}
	// Filters reach the list: a kind with no ticket empties it.
	if q := b.Get("/staff?kind=complaint"); strings.Contains(q.Body, code) {
		t.Error("kind filter ignored")
	}
	if q := b.Get("/staff?status=bogus"); q.Status != 400 || !strings.Contains(q.Body, "Bộ lọc không hợp lệ.") {
		t.Errorf("bad filter: %d", q.Status)
	}

	// Only the allowed transitions have buttons.
	pg := b.Get(ticket)
	for _, st := range []string{"assigned", "in_progress", "rejected", "duplicate"} {
		if !strings.Contains(pg.Body, `name="status" value="`+st+`"`) {
			t.Errorf("no button for %s", st)
		}
	}
	for _, st := range []string{"resolved", "closed", "waiting_citizen"} {
		if strings.Contains(pg.Body, `name="status" value="`+st+`"`) {
			t.Errorf("a button for %s from new", st)
		}
	}

	post := func(action string, v url.Values) *apitest.Page {
		t.Helper()
		v.Set("csrf_token", b.CSRF())
		return b.Post(ticket+"/"+action, v)
	}
	expectDone := func(r *apitest.Page, done string) {
		t.Helper()
		if r.Status != http.StatusSeeOther || r.Location != ticket+"?done="+done {
			t.Fatalf("%s: %d %q %s", done, r.Status, r.Location, r.Body)
		}
		if pg := b.Get(r.Location); !strings.Contains(pg.Body, `class="notice"`) {
			t.Fatalf("%s: no notice", done)
		}
	}

	// An empty reply is shown next to the reply box, nothing stored.
	r := post("reply", url.Values{"body": {"  "}})
	if r.Status != 400 || !strings.Contains(r.Body, `<p class="ferr" id="e-reply">Nội dung không được để trống.</p>`) {
		t.Fatalf("empty reply: %d %s", r.Status, r.Body)
	}
	// A transition the machine refuses is a 409 with the message.
	if r := post("status", url.Values{"status": {"closed"}}); r.Status != http.StatusConflict || !strings.Contains(r.Body, `id="e-status"`) {
		t.Fatalf("new → closed: %d %s", r.Status, r.Body)
	}
	expectDone(post("assign", url.Values{"assignee": {strconv.FormatInt(e.UserID(apitest.StaffKT), 10)}}), "assign")
	expectDone(post("status", url.Values{"status": {"in_progress"}, "note": {"Đang kiểm tra"}}), "status")
	expectDone(post("note", url.Values{"body": {"Đã liên hệ điện lực."}}), "note")
	expectDone(post("extend", url.Values{"days": {"2"}, "reason": {"Chờ vật tư thay thế"}}), "extend")
	if r := post("extend", url.Values{"days": {"2"}, "reason": {""}}); r.Status != 400 || !strings.Contains(r.Body, "Hãy ghi lý do gia hạn.") {
		t.Fatalf("extend without a reason: %d", r.Status)
	}
	if r := post("merge", url.Values{"into": {"nonsense"}}); r.Status != 400 || !strings.Contains(r.Body, `id="e-merge"`) {
		t.Fatalf("merge into nonsense: %d", r.Status)
	}
	expectDone(post("reply", url.Values{"body": {"Đã thay bóng đèn mới, mời bà con kiểm tra."}}), "reply")
	// Resolving needs the answer the citizen reads.
	if r := post("status", url.Values{"status": {"resolved"}}); r.Status != 400 || !strings.Contains(r.Body, `id="e-status-result"`) ||
		!strings.Contains(r.Body, "Hãy ghi kết quả trả lời công dân") {
		t.Fatalf("resolving without the result: %d", r.Status)
	}
	expectDone(post("status", url.Values{"status": {"resolved"}, "result": {"Đèn đã sáng lại từ tối nay."}}), "status")

	pg = b.Get(ticket)
	for _, want := range []string{"Đã liên hệ điện lực.", "Đã thay bóng đèn mới", "Đèn đã sáng lại từ tối nay.", "Đã giải quyết", "nội bộ",
		"→ Đang xử lý", "Chờ vật tư thay thế"} {
		if !strings.Contains(pg.Body, want) {
			t.Errorf("ticket page lacks %q", want)
		}
	}

	// The citizen sees the reply (not the note), rates, and sees the rating.
	c := apitest.NewBrowser(t, e)
	tr := c.Get("/track/" + code)
	if !strings.Contains(tr.Body, "Đã thay bóng đèn mới") || strings.Contains(tr.Body, "điện lực") ||
		!strings.Contains(tr.Body, `action="/track/`+code+`/rating"`) {
		t.Fatalf("tracking page: %s", tr.Body)
	}
	if r := c.Post("/track/"+code+"/rating", url.Values{"csrf_token": {tr.Hidden("csrf_token")}}); r.Status != 400 || !strings.Contains(r.Body, "Hãy chọn số sao.") {
		t.Fatalf("rating without a score: %d", r.Status)
	}
	r = c.Post("/track/"+code+"/rating", url.Values{"score": {"4"}, "comment": {"Cảm ơn <b>cán bộ</b>"}, "csrf_token": {tr.Hidden("csrf_token")}})
	if r.Status != http.StatusSeeOther || r.Location != "/track/"+code+"?done=rated" {
		t.Fatalf("rate: %d %q %s", r.Status, r.Location, r.Body)
	}
	tr = c.Get(r.Location)
	if !strings.Contains(tr.Body, "★★★★☆") || !strings.Contains(tr.Body, "Cảm ơn &lt;b&gt;cán bộ&lt;/b&gt;") ||
		strings.Contains(tr.Body, `/rating"`) {
		t.Fatalf("after rating: %s", tr.Body)
	}
	if r := c.Post("/track/"+code+"/rating", url.Values{"score": {"1"}, "csrf_token": {tr.Hidden("csrf_token")}}); r.Status != http.StatusConflict {
		t.Fatalf("second rating: %d", r.Status)
	}
	// A follow-up reopens the resolved ticket.
	r = c.Post("/track/"+code+"/messages", url.Values{"body": {"Đèn lại hỏng tối qua."}, "csrf_token": {tr.Hidden("csrf_token")}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("follow-up: %d %s", r.Status, r.Body)
	}
	if tr := c.Get("/track/" + code); !strings.Contains(tr.Body, "Đang xử lý") {
		t.Fatal("not reopened")
	}

	// Transfer out of the department: back to the queue, the ticket gone from it.
	r = post("transfer", url.Values{"department": {"van-hoa-xa-hoi"}, "reason": {"Thuộc lĩnh vực văn hóa"}})
	if r.Status != http.StatusSeeOther || r.Location != "/staff?done=transferred" {
		t.Fatalf("transfer: %d %q %s", r.Status, r.Location, r.Body)
	}
	if r := b.Get(ticket); r.Status != http.StatusNotFound {
		t.Fatalf("after transfer: %d", r.Status)
	}
}

func TestQueuePagesWithTheCursor(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	for i := 0; i < 3; i++ {
		apiTicket(t, e, nil)
	}
	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.StaffKT)
	seen := map[string]bool{}
	path := "/staff?limit=2"
	for pages := 0; path != ""; pages++ {
		if pages > 3 {
			t.Fatal("paging does not end")
		}
		pg := b.Get(path)
		if pg.Status != 200 {
			t.Fatalf("%s: %d", path, pg.Status)
		}
		for _, m := range queueRowRE.FindAllStringSubmatch(pg.Body, -1) {
			if seen[m[1]] {
				t.Fatalf("ticket %s on two pages", m[1])
			}
			seen[m[1]] = true
		}
		path = ""
		if i := strings.Index(pg.Body, `id="next-page"`); i >= 0 {
			start := strings.LastIndex(pg.Body[:i], `href="`) + len(`href="`)
			path = strings.ReplaceAll(pg.Body[start:strings.Index(pg.Body[start:], `"`)+start], "&amp;", "&")
		}
	}
	var n int
	e.MustGet(&n, "SELECT count(*) FROM tickets")
	if len(seen) != n {
		t.Fatalf("saw %d tickets over the pages, want %d", len(seen), n)
	}
}

var queueRowRE = regexp.MustCompile(`<td class="mono"><a href="/staff/tickets/(\d+)">`)
