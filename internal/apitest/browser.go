package apitest

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
)

// Browser is a cookie-keeping client that does not follow redirects, so a
// test sees each 303.
type Browser struct {
	t      *testing.T
	e      *Env
	Client *http.Client
	Lang   string // "en" adds ?lang=en to every GET
}

type Page struct {
	Status   int
	Header   http.Header
	Body     string
	Location string
}

func NewBrowser(t *testing.T, e *Env) *Browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	return &Browser{t: t, e: e, Client: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *Browser) Do(req *http.Request) *Page {
	b.t.Helper()
	resp, err := b.Client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return &Page{Status: resp.StatusCode, Header: resp.Header, Body: string(body), Location: resp.Header.Get("Location")}
}

func (b *Browser) Get(path string) *Page {
	b.t.Helper()
	if b.Lang != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "lang=" + b.Lang
	}
	req, _ := http.NewRequest("GET", b.e.Server.URL+path, nil)
	return b.Do(req)
}

func (b *Browser) Post(path string, form url.Values) *Page {
	b.t.Helper()
	req, _ := http.NewRequest("POST", b.e.Server.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.Do(req)
}

// postMultipart posts form with one file field.
func (b *Browser) PostMultipart(path string, form url.Values, field, filename string, data []byte) *Page {
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
	return b.Do(req)
}

// cookie returns the value of the named cookie for path.
func (b *Browser) Cookie(name, path string) string {
	u, _ := url.Parse(b.e.Server.URL + path)
	for _, c := range b.Client.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

var hiddenRE = regexp.MustCompile(`name="(csrf_token|stamp)" value="([^"]*)"`)

// hidden returns the value of a hidden input of the Page.
func (p *Page) Hidden(name string) string {
	for _, m := range hiddenRE.FindAllStringSubmatch(p.Body, -1) {
		if m[1] == name {
			return m[2]
		}
	}
	return ""
}

// citizenForm opens the unit's form and returns the values to post back
// with fields, the clock moved past the minimum fill time.
func (b *Browser) CitizenForm(unit string, fields map[string]string) url.Values {
	b.t.Helper()
	pg := b.Get("/u/" + unit)
	if pg.Status != 200 {
		b.t.Fatalf("form: %d %s", pg.Status, pg.Body)
	}
	v := url.Values{"csrf_token": {pg.Hidden("csrf_token")}, "stamp": {pg.Hidden("stamp")}}
	for k, x := range fields {
		v.Set(k, x)
	}
	b.e.Clock.Advance(10 * time.Second)
	return v
}

// SignIn signs the Browser in through the sign-in Page.
func (b *Browser) SignIn(email string) {
	b.t.Helper()
	pg := b.Get("/staff/login")
	r := b.Post("/staff/login", url.Values{"email": {email}, "password": {demo.Password},
		"csrf_token": {pg.Hidden("csrf_token")}})
	home := "/staff"
	if email == Leader {
		home = "/leader" // the leader lands on the dashboard
	}
	if r.Status != http.StatusSeeOther || r.Location != home {
		b.t.Fatalf("sign in %s: %d %q, want %q: %s", email, r.Status, r.Location, home, r.Body)
	}
}

// csrf returns the token a signed-in Page's forms carry.
func (b *Browser) CSRF() string { return b.Cookie("caunoi_csrf", "/") }

var CodeRE = regexp.MustCompile(`/track/([0-9A-Z]{4}-[0-9A-Z]{5})`)
