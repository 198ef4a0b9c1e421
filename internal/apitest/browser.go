package api_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"caunoi/demo"
	"caunoi/internal/apitest"
)

// browser is a cookie-keeping client that does not follow redirects, so a
// test sees each 303.
type browser struct {
	t    *testing.T
	e    *apitest.Env
	c    *http.Client
	lang string // "en" adds ?lang=en to every GET
}

type page struct {
	Status   int
	Header   http.Header
	Body     string
	Location string
}

func newBrowser(t *testing.T, e *apitest.Env) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, e: e, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(req *http.Request) *page {
	b.t.Helper()
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return &page{Status: resp.StatusCode, Header: resp.Header, Body: string(body), Location: resp.Header.Get("Location")}
}

func (b *browser) get(path string) *page {
	b.t.Helper()
	if b.lang != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "lang=" + b.lang
	}
	req, _ := http.NewRequest("GET", b.e.Server.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) *page {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.e.Server.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// postMultipart posts form with one file field.
func (b *browser) postMultipart(path string, form url.Values, field, filename string, data []byte) *page {
	b.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	if field != "" {
		fw, _ := w.CreateFormFile(field, filename)
		fw.Write(data)
	}
	w.Close()
	req, _ := http.NewRequest("POST", b.e.Server.URL+path, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return b.do(req)
}

// cookie returns the value of the named cookie for path.
func (b *browser) cookie(name, path string) string {
	u, _ := url.Parse(b.e.Server.URL + path)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

var hiddenRE = regexp.MustCompile(`name="(csrf_token|stamp)" value="([^"]*)"`)

// hidden returns the value of a hidden input of the page.
func (p *page) hidden(name string) string {
	for _, m := range hiddenRE.FindAllStringSubmatch(p.Body, -1) {
		if m[1] == name {
			return m[2]
		}
	}
	return ""
}

// citizenForm opens the unit's form and returns the values to post back
// with fields, the clock moved past the minimum fill time.
func (b *browser) citizenForm(unit string, fields map[string]string) url.Values {
	b.t.Helper()
	pg := b.get("/u/" + unit)
	if pg.Status != 200 {
		b.t.Fatalf("form: %d %s", pg.Status, pg.Body)
	}
	v := url.Values{"csrf_token": {pg.hidden("csrf_token")}, "stamp": {pg.hidden("stamp")}}
	for k, x := range fields {
		v.Set(k, x)
	}
	b.e.Clock.Advance(10 * time.Second)
	return v
}

// signIn signs the browser in through the sign-in page.
func (b *browser) signIn(email string) {
	b.t.Helper()
	pg := b.get("/staff/login")
	r := b.post("/staff/login", url.Values{"email": {email}, "password": {demo.Password},
		"csrf_token": {pg.hidden("csrf_token")}})
	home := "/staff"
	if email == apitest.Leader {
		home = "/leader" // the leader lands on the dashboard
	}
	if r.Status != http.StatusSeeOther || r.Location != home {
		b.t.Fatalf("sign in %s: %d %q, want %q: %s", email, r.Status, r.Location, home, r.Body)
	}
}

// csrf returns the token a signed-in page's forms carry.
func (b *browser) csrf() string { return b.cookie("caunoi_csrf", "/") }

var codeRE = regexp.MustCompile(`/track/([0-9A-Z]{4}-[0-9A-Z]{5})`)
