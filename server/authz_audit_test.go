package server_test

import (
	"net/http"
	"strings"
	"testing"

	"caunoi/internal/httpx"
	"caunoi/server"

	"github.com/gin-gonic/gin"

	"caunoi/internal/apitest"
)

// access classes of the routes: who may call them and how that is checked.
const (
	clsPublic    = "public"    // anyone: citizens, health checks
	clsSigned    = "signed"    // webhooks: the platform's signature
	clsAPIKey    = "api_key"   // Open311 POST: an API key
	clsStaff     = "staff"     // any signed-in staff member (scope in the query)
	clsReporting = "reporting" // leaders, heads and admins; staff 403
	clsAdmin     = "admin"     // admins only
	clsPage      = "page"      // server-rendered pages and static files
	clsStaffPage = "staff_page"
)

// classify says how each route is protected. A route it does not know fails
// the audit: a new endpoint cannot ship without someone deciding who may
// call it, and this test then checks that decision.
func classify(method, path string) string {
	switch {
	case path == "/healthz" || path == "/readyz" || path == "/metrics" || path == "/openapi.yaml":
		return clsPublic
	case strings.HasPrefix(path, "/api/v1/feedback"), path == "/api/v1/units" && method == "GET",
		path == "/api/v1/units/:unit/categories", strings.HasPrefix(path, "/api/v1/auth/"):
		return clsPublic
	case strings.HasPrefix(path, "/webhooks/"):
		if method == "GET" {
			return clsPublic // the subscription handshake, checked against the verify token
		}
		return clsSigned
	case strings.HasPrefix(path, "/open311/"):
		if method == "POST" {
			return clsAPIKey
		}
		return clsPublic
	case path == "/api/v1/me", strings.HasPrefix(path, "/api/v1/tickets"), strings.HasPrefix(path, "/api/v1/notifications"):
		if path == "/api/v1/tickets/export.csv" {
			return clsReporting
		}
		return clsStaff
	case strings.HasPrefix(path, "/api/v1/reports"):
		return clsReporting
	case strings.HasPrefix(path, "/api/v1/"):
		for _, p := range []string{"units", "departments", "categories", "rules", "users", "holidays", "kind-rules", "channels", "apikeys"} {
			if strings.HasPrefix(path, "/api/v1/"+p) {
				return clsAdmin
			}
		}
	case strings.HasPrefix(path, "/staff"), strings.HasPrefix(path, "/leader"), strings.HasPrefix(path, "/admin"):
		if path == "/staff/login" {
			return clsPage
		}
		return clsStaffPage
	case path == "/" || path == "/favicon.ico" || strings.HasPrefix(path, "/static/") || strings.HasPrefix(path, "/u/") ||
		strings.HasPrefix(path, "/track") || strings.HasPrefix(path, "/lang/"):
		return clsPage
	}
	return ""
}

// fill puts plausible values in a route's parameters.
func fill(path string) string {
	r := strings.NewReplacer(":id", "1", ":code", "K7QM-R4TX9", ":unit", "xuan-lung", ":kind", "complaint",
		":lang", "en", ":filepath", "app.css", "*filepath", "app.css")
	path = r.Replace(path)
	if strings.HasSuffix(path, "/:file") {
		if strings.HasPrefix(path, "/api/v1/reports/") {
			return strings.TrimSuffix(path, ":file") + "1.pdf"
		}
		return strings.TrimSuffix(path, ":file") + "requests.json"
	}
	return path
}

// noRedirect shows a redirect to the sign-in page instead of following it.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func TestEveryRouteIsProtectedAsClassified(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	staffToken := e.Login(apitest.StaffVHXH)
	h := server.New(httpx.Config{}, e.Store, nil).Handler().(*gin.Engine)
	seen := 0
	for _, rt := range h.Routes() {
		class := classify(rt.Method, rt.Path)
		if class == "" {
			t.Errorf("%s %s is not classified in the authorization audit: decide who may call it", rt.Method, rt.Path)
			continue
		}
		path := fill(rt.Path)
		var body []byte
		var headers []string
		switch {
		case class == clsAPIKey:
			body = []byte("jurisdiction_id=xuan-lung&service_code=chieu-sang&lat=21.3&long=105.4&description=x")
			headers = append(headers, "Content-Type: application/x-www-form-urlencoded")
		case rt.Method != http.MethodGet && rt.Method != http.MethodDelete:
			body = []byte("{}")
			headers = append(headers, "Content-Type: application/json")
		}
		anon := e.Request(rt.Method, path, body, headers...)
		switch class {
		case clsStaff, clsReporting, clsAdmin:
			seen++
			if anon.Status != 401 || anon.Err(t).Error.Code != "unauthorized" {
				t.Errorf("%s %s without a token: %d %s", rt.Method, rt.Path, anon.Status, anon.Body)
			}
			if class == clsStaff {
				continue
			}
			r := e.Request(rt.Method, path, body, append(headers, "Authorization: Bearer "+staffToken)...)
			if r.Status != 403 {
				t.Errorf("%s %s as staff: %d, want 403: %s", rt.Method, rt.Path, r.Status, r.Body)
			}
		case clsSigned:
			seen++
			if anon.Status != 401 {
				t.Errorf("%s %s unsigned: %d, want 401", rt.Method, rt.Path, anon.Status)
			}
		case clsAPIKey:
			seen++
			if anon.Status != 403 {
				t.Errorf("%s %s without an API key: %d, want 403", rt.Method, rt.Path, anon.Status)
			}
		case clsStaffPage:
			seen++
			req, _ := http.NewRequest(rt.Method, e.Server.URL+path, strings.NewReader("csrf_token=x"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode == 200 || (resp.StatusCode >= 300 && resp.StatusCode < 400 &&
				!strings.HasPrefix(resp.Header.Get("Location"), "/staff/login")) {
				t.Errorf("%s %s without a session: %d to %q", rt.Method, rt.Path, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
	}
	if seen < 60 {
		t.Fatalf("only %d protected routes checked: the router is not what the audit expects", seen)
	}
}
