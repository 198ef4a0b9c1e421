package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"caunoi/internal/httpx"
	"caunoi/server"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/apitest"
)

// The walk: every route of the router, called by every role with the
// denunciation's id and code in its parameters, must not answer anyone but
// the leader and the assigned handler with the denouncer's name, phone or
// e-mail: not in JSON, HTML, CSV or the text of a PDF. It walks again after
// each step of the ticket's life (assigned, transferred, reclassified,
// merged). A route added later is walked without anyone touching this test;
// a route walkParams cannot fill fails it.

// walkRoles are the callers: the demo's accounts and nobody.
var walkRoles = []string{apitest.Admin, apitest.Leader, apitest.HeadKinhTe, apitest.StaffKT, apitest.StaffVHXH, ""}

// walkSkip: routes that would end the walker's own sessions.
var walkSkip = map[string]bool{"POST /api/v1/auth/logout": true, "POST /staff/logout": true}

type walker struct {
	t        *testing.T
	e        *apitest.Env
	routes   gin.RoutesInfo
	id, into int64  // the apitest.Denunciation, and the ticket it is merged into at the end
	code     string // the denunciation's
	report   int64  // an archived report holding it
	tokens   map[string]string
	browsers map[string]*apitest.Browser
	calls    int
}

func TestNoRouteRevealsADenouncer(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	w := &walker{t: t, e: e, tokens: map[string]string{}, browsers: map[string]*apitest.Browser{},
		routes: server.New(httpx.Config{}, e.Store, nil).Handler().(*gin.Engine).Routes()}
	w.id, w.code = e.FileDenunciation()
	w.into, _ = e.NewTicket("xuan-lung", "Đề nghị kiểm tra việc cấp giấy chứng nhận quyền sử dụng đất ở thôn Đông")
	w.report = w.archiveNovember()
	for _, who := range walkRoles {
		b := apitest.NewBrowser(t, e)
		if who != "" {
			w.tokens[who] = e.Login(who)
			b.SignIn(who)
		} else {
			b.Get("/u/xuan-lung") // a citizen's CSRF cookie
		}
		w.browsers[who] = b
	}

	w.walk("received")
	w.step(apitest.HeadKinhTe, "PATCH", map[string]any{"assignee": e.UserID(apitest.StaffKT)})
	w.walk("assigned to staff.kinhte")
	w.step(apitest.Leader, "PATCH", map[string]any{"department": "van-hoa-xa-hoi", "reason": "Thuộc lĩnh vực văn hóa - xã hội"})
	w.step(apitest.Leader, "PATCH", map[string]any{"assignee": e.UserID(apitest.StaffVHXH), "reason": "Giao xác minh"})
	w.walk("transferred to van-hoa-xa-hoi, staff.vhxh handling")
	w.step(apitest.Leader, "PATCH", map[string]any{"kind": "feedback", "reason": "Nội dung là phản ánh"})
	w.walk("reclassified as feedback")
	var intoCode string
	e.MustGet(&intoCode, "SELECT tracking_code FROM tickets WHERE id = $1", w.into)
	w.stepPath(apitest.Admin, "POST", fmt.Sprintf("/api/v1/tickets/%d/merge", w.id), map[string]any{"into": intoCode})
	w.walk("merged")
	t.Logf("%d calls over %d routes", w.calls, len(w.routes))
}

// step changes the apitest.Denunciation as who, failing the test unless it works.
func (w *walker) step(who, method string, body map[string]any) {
	w.t.Helper()
	w.stepPath(who, method, fmt.Sprintf("/api/v1/tickets/%d", w.id), body)
}

func (w *walker) stepPath(who, method, path string, body map[string]any) {
	w.t.Helper()
	if r := w.e.As(who, method, path, body); r.Status >= 300 {
		w.t.Fatalf("%s %s %v as %s: %d %s", method, path, body, who, r.Status, r.Body)
	}
}

// archiveNovember stores the leader's real November PDF in the archive.
func (w *walker) archiveNovember() int64 {
	w.t.Helper()
	r := w.e.As(apitest.Leader, "GET", "/api/v1/reports/summary.pdf?unit=xuan-lung&from=2026-11-01&to=2026-11-30", nil)
	if r.Status != 200 {
		w.t.Fatalf("November's report: %d %s", r.Status, r.Body)
	}
	ctx := context.Background()
	var unitID int64
	w.e.MustGet(&unitID, "SELECT id FROM units WHERE code = 'xuan-lung'")
	sum, err := w.e.Store.ReportSummary(ctx, domain.Scope{Role: domain.RoleAdmin, UnitID: unitID},
		domain.ReportRequest{From: apitest.At("11-01 00:00"), To: apitest.At("11-30 00:00")})
	if err != nil {
		w.t.Fatal(err)
	}
	id, _, err := w.e.Store.SaveReport(ctx, domain.NewArchivedReport{UnitID: unitID, Period: domain.PeriodMonth,
		Summary: sum, PDF: r.Body})
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}

// walkPaths fills a route's parameters: each ticket parameter with both
// tickets, other ids with one that exists nowhere (a DELETE must not
// remove a demo account), and adds the queries that reach the ticket (a
// search for the denouncer, the reports' period, Open311's jurisdiction).
func (w *walker) walkPaths(method, path string) []string {
	ticketish := strings.Contains(path, "/tickets/")
	var ids []string
	switch {
	case !strings.Contains(path, ":id"):
		ids = []string{""}
	case ticketish:
		ids = []string{strconv.FormatInt(w.id, 10), strconv.FormatInt(w.into, 10)}
	default:
		ids = []string{"987654321"}
	}
	var out []string
	for _, id := range ids {
		p := path
		if id != "" {
			p = strings.ReplaceAll(p, ":id", id)
		}
		p = strings.NewReplacer(":code", w.code, ":unit", "xuan-lung", ":kind", "denunciation", ":lang", "en",
			"*file", "app.css").Replace(p)
		switch {
		case strings.HasPrefix(p, "/open311/"):
			base := strings.TrimSuffix(p, ":file")
			jur := "?jurisdiction_id=xuan-lung"
			if strings.HasSuffix(p, ":file") {
				out = append(out, base+"requests.json"+jur, base+"services.json"+jur, base+w.code+".json"+jur,
					base+w.code+".xml"+jur, base+"requests.json"+jur+"&service_request_id="+w.code)
			} else {
				out = append(out, p+jur)
			}
		case strings.HasSuffix(p, ":file"):
			out = append(out, strings.TrimSuffix(p, ":file")+strconv.FormatInt(w.report, 10)+".pdf")
		case strings.HasPrefix(p, "/api/v1/reports/summary") || p == "/api/v1/reports":
			out = append(out, p+"?unit=xuan-lung&from=2026-11-01&to=2026-11-30")
		case method == "GET" && (p == "/api/v1/tickets" || p == "/api/v1/tickets/export.csv" || p == "/staff"):
			out = append(out, p, p+"?q="+url.QueryEscape(apitest.DenouncerName), p+"?q="+apitest.DenouncerPhone,
				p+"?q="+url.QueryEscape(apitest.DenouncerEmail), p+"?kind=denunciation")
		default:
			out = append(out, p)
		}
	}
	for _, p := range out {
		if route, _, _ := strings.Cut(p, "?"); strings.ContainsAny(route, ":*") {
			w.t.Fatalf("%s %s: walkPaths cannot fill %s: teach it the new parameter", method, path, p)
		}
	}
	return out
}

// isPage: the server-rendered pages, walked with each role's cookies.
func isPage(path string) bool {
	return !strings.HasPrefix(path, "/api/") && !strings.HasPrefix(path, "/open311/") &&
		!strings.HasPrefix(path, "/webhooks/") && path != "/healthz" && path != "/readyz" && path != "/metrics" &&
		path != "/openapi.yaml"
}

// walk calls every route as every role and checks each answer.
func (w *walker) walk(phase string) {
	w.t.Helper()
	sawLeader := false
	handler, before := w.handler(), w.state()
	for _, rt := range w.routes {
		if walkSkip[rt.Method+" "+rt.Path] {
			continue
		}
		for _, path := range w.walkPaths(rt.Method, rt.Path) {
			for _, who := range walkRoles {
				for _, body := range w.bodies(rt, who) {
					if w.check(phase, rt, path, who, body, handler, before) {
						sawLeader = true
					}
				}
			}
		}
	}
	if !sawLeader {
		w.t.Errorf("%s: the leader never saw the denouncer: the walk's check proves nothing", phase)
	}
}

// check makes one call and fails the test when its answer reveals the
// denouncer to someone other than the leader or the handler, or when it
// changed the denunciation. It reports whether the leader saw the denouncer.
func (w *walker) check(phase string, rt gin.RouteInfo, path, who string, body map[string]any, handler, before string) bool {
	w.t.Helper()
	status, ctype, text := w.call(who, rt.Method, path, isPage(rt.Path), body)
	w.calls++
	call := fmt.Sprintf("%s: %s %s %v as %q (handler %q)", phase, rt.Method, path, body, who, handler)
	if now := w.state(); now != before {
		w.t.Errorf("%s changed the denunciation: %s → %s", call, before, now)
		w.restore(before)
	}
	if who == apitest.Leader || (who != "" && who == handler) {
		return who == apitest.Leader && status == 200 && strings.Contains(text, apitest.DenouncerPhone)
	}
	if word := apitest.Leaked(withoutQuery(text, path)); word != "" {
		w.t.Errorf("%s: %d %s carries %q", call, status, ctype, word)
	}
	if strings.Contains(path, "q=") && strings.Contains(text, w.code) {
		w.t.Errorf("%s finds the apitest.Denunciation by its denouncer", call)
	}
	return false
}

// withoutQuery takes out of text the search the caller typed (a page
// echoes it in its search box and its sign-in link): the caller's own words
// are not a leak; finding the ticket by them would be, and is checked apart.
func withoutQuery(text, path string) string {
	_, query, _ := strings.Cut(path, "?")
	v, _ := url.ParseQuery(query)
	q := v.Get("q")
	if q == "" {
		return text
	}
	for _, s := range []string{q, url.QueryEscape(q), url.QueryEscape(path), url.PathEscape(q)} {
		text = strings.ReplaceAll(text, s, "")
	}
	return text
}

// bodies are what a call sends: nothing for a GET or a DELETE, else an
// empty JSON object or a form with only the CSRF token, and on the ticket
// routes that change it the two attacks of the issue too, by everyone but
// the leader (the caller assigning themselves; the kind made feedback). A body is a JSON object
// for the API, form values for the pages.
func (w *walker) bodies(rt gin.RouteInfo, who string) []map[string]any {
	if rt.Method == "GET" || rt.Method == "DELETE" {
		return []map[string]any{nil}
	}
	out := []map[string]any{{}}
	if who == "" || who == apitest.Leader { // the leader may do both, which the steps do
		return out
	}
	self := w.e.UserID(who)
	// Heads may transfer their department's denunciation: only the others
	// try to move it (a head choosing another department's handler is
	// TestHeadsChooseHandlersOnlyInTheirOwnDepartment's).
	transfer := who != apitest.HeadKinhTe
	switch rt.Method + " " + rt.Path {
	case "PATCH /api/v1/tickets/:id":
		out = append(out, map[string]any{"assignee": self}, map[string]any{"kind": "feedback"},
			map[string]any{"kind": "feedback", "reason": "Không phải tố cáo"})
		if transfer {
			out = append(out, map[string]any{"department": "hanh-chinh-cong", "reason": "Chuyển đi"},
				map[string]any{"department": "hanh-chinh-cong", "assignee": self, "reason": "Chuyển cho tôi"})
		}
	case "POST /staff/tickets/:id/assign":
		out = append(out, map[string]any{"assignee": strconv.FormatInt(self, 10), "reason": "Tôi xử lý"})
	case "POST /staff/tickets/:id/transfer":
		if transfer {
			out = append(out, map[string]any{"department": "hanh-chinh-cong", "reason": "Chuyển đi"})
		}
	}
	return out
}

// state is what no call of the walk may change of the denunciation: who
// handles it, its kind, department and status, and that its identity is
// restricted and sealed (the steps between the walks change the first
// four, as their roles may).
func (w *walker) state() string {
	var s string
	if err := w.e.DB.Get(&s, `SELECT concat_ws('/', coalesce(assignee_id, 0), kind, coalesce(department_id, 0),
			status, identity_restricted, identity_sealed IS NOT NULL AND citizen_phone = '')
		FROM tickets WHERE id = $1`, w.id); err != nil {
		w.t.Fatal(err)
	}
	return s
}

// restore puts back a state a faulty call changed, so one failure does not
// hide the others.
func (w *walker) restore(state string) {
	p := strings.Split(state, "/")
	if _, err := w.e.DB.Exec(`UPDATE tickets SET assignee_id = nullif($2::bigint, 0), kind = $3,
		department_id = nullif($4::bigint, 0), status = $5 WHERE id = $1`, w.id, p[0], p[1], p[2], p[3]); err != nil {
		w.t.Fatal(err)
	}
}

// handler is the denunciation's assignee's e-mail ("" for nobody) as the
// steps left it.
func (w *walker) handler() string {
	var email string
	w.e.MustGet(&email, `SELECT coalesce(u.email, '') FROM tickets t LEFT JOIN users u ON u.id = t.assignee_id
		WHERE t.id = $1`, w.id)
	return email
}

// call sends one request as who and returns the answer as text: a PDF
// through pdftotext, anything else as it came.
func (w *walker) call(who, method, path string, asPage bool, body map[string]any) (int, string, string) {
	w.t.Helper()
	var status int
	var header http.Header
	var answer []byte
	if asPage {
		b := w.browsers[who]
		var pg *apitest.Page
		if method == "GET" {
			pg = b.Get(path)
		} else {
			form := url.Values{"csrf_token": {b.CSRF()}}
			for k, v := range body {
				form.Set(k, fmt.Sprint(v))
			}
			req, _ := http.NewRequest(method, w.e.Server.URL+path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			pg = b.Do(req)
		}
		status, header, answer = pg.Status, pg.Header, []byte(pg.Body)
	} else {
		var headers []string
		if tok := w.tokens[who]; tok != "" {
			headers = append(headers, "Authorization: Bearer "+tok)
		}
		var payload []byte
		if body != nil {
			payload, _ = json.Marshal(body)
			headers = append(headers, "Content-Type: application/json")
		}
		r := w.e.Request(method, path, payload, headers...)
		status, header, answer = r.Status, r.Header, r.Body
	}
	ctype := header.Get("Content-Type")
	if strings.HasPrefix(ctype, "application/pdf") {
		return status, ctype, apitest.PDFText(w.t, answer)
	}
	return status, ctype, string(answer)
}
