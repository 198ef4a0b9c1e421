package server_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"caunoi/internal/httpx"
	"caunoi/server"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"caunoi/api"
	"caunoi/internal/apitest"
)

// pageRoute tells the server-rendered pages and static files, which the
// OpenAPI description does not cover, from the API.
func pageRoute(path string) bool {
	for _, p := range []string{"/api/", "/open311/", "/webhooks/", "/healthz", "/readyz", "/metrics", "/openapi.yaml"} {
		if strings.HasPrefix(path, p) {
			return false
		}
	}
	return true
}

var param = regexp.MustCompile(`\{[^}]+\}`)

func TestOpenAPIDescriptionIsValidAndCoversEveryRoute(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not valid OpenAPI 3: %v", err)
	}
	e := apitest.New(t)
	documented := map[string]bool{} // "GET /api/v1/tickets/{}"
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+param.ReplaceAllString(path, "{}")] = true
		}
	}
	// Every route of the router is described.
	h := server.New(httpx.Config{}, e.Store, nil).Handler().(*gin.Engine)
	for _, r := range h.Routes() {
		if pageRoute(r.Path) {
			continue
		}
		gp := regexp.MustCompile(`[:*][A-Za-z_]+`).ReplaceAllString(r.Path, "{}")
		if strings.HasSuffix(r.Path, "/:file") {
			// ":file" serves "<resource>.<format>" (Open311, report PDFs): look for any such path.
			prefix := strings.TrimSuffix(gp, "{}")
			found := false
			for d := range documented {
				m, p, _ := strings.Cut(d, " ")
				rest := strings.TrimPrefix(p, prefix)
				if m == r.Method && strings.HasPrefix(p, prefix) && !strings.Contains(rest, "/") && strings.Contains(rest, ".") {
					found = true
				}
			}
			if !found {
				t.Errorf("%s %s is not described in openapi.yaml", r.Method, r.Path)
			}
			continue
		}
		if !documented[r.Method+" "+gp] {
			t.Errorf("%s %s is not described in openapi.yaml", r.Method, r.Path)
		}
	}
	// Every described operation reaches a route (not the 404 of unknown paths).
	for d := range documented {
		method, path, _ := strings.Cut(d, " ")
		path = strings.ReplaceAll(path, ".{}", ".json")
		path = strings.ReplaceAll(path, "{}", "1")
		r := e.Request(method, path, nil)
		if r.Status == 404 && strings.Contains(string(r.Body), "Không tìm thấy địa chỉ này") {
			t.Errorf("openapi.yaml describes %s, which no route serves", d)
		}
	}
	if r := e.Request("GET", "/openapi.yaml", nil); r.Status != 200 || !strings.HasPrefix(string(r.Body), "openapi: 3") {
		t.Fatalf("/openapi.yaml: %d", r.Status)
	}
}
