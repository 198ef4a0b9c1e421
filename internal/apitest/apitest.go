// Package apitest runs the real HTTP handler against a real PostgreSQL
// database, cloned for each test from a template that holds the demo's
// reference data (units, departments, categories, accounts, holidays), with
// a clock the test controls.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"

	"caunoi/auth"
	"caunoi/demo"
	"caunoi/domain"
	"caunoi/internal/httpx"
	"caunoi/internal/pgtest"
	"caunoi/repository"
	"caunoi/server"
)

// Clock is a settable clock, safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set sets the clock.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Env is one test's server and database.
type Env struct {
	T      testing.TB
	DB     *sqlx.DB
	Store  *repository.Store
	Clock  *Clock
	Server *httptest.Server
	Log    *bytes.Buffer // everything the server logged
	Loc    *time.Location
	Issuer *auth.Issuer
	tokens map[string]string
}

// Secret signs the test server's access tokens.
const Secret = "apitest-jwt-secret-0123456789abcdef-xyz"

// Start is the clock's default: Tuesday 3 November 2026, 09:00 in Hà Nội.
var Start = time.Date(2026, 11, 3, 9, 0, 0, 0, domain.VietnamLocation())

// Option changes the server's configuration before it starts.
type Option func(*httpx.Config)

// RateLimited turns the per-address limits on (they are off by default in tests).
func RateLimited(c *httpx.Config) { c.RateLimit = true }

// demoYear is the year whose holidays the template holds (and the years around it).
var demoYear = Start

func fillDemo(ctx context.Context, db *sqlx.DB) error {
	return demo.SeedReference(ctx, repository.NewStore(db, nil), demoYear)
}

// New starts the real handler on a fresh database with the demo's reference data.
func New(t testing.TB, opts ...Option) *Env {
	t.Helper()
	db, err := sqlx.Open("postgres", pgtest.NewURLFrom(t, demo.TemplateKey("apitest", demoYear), fillDemo))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clock := &Clock{t: Start}
	logs := &bytes.Buffer{}
	loc := domain.VietnamLocation()
	keys, err := auth.KeysFromSecret(Secret)
	if err != nil {
		t.Fatal(err)
	}
	issuer := &auth.Issuer{Keys: *keys, Now: clock.Now}
	cfg := httpx.Config{PublicURL: "http://caunoi.test", Location: loc, Now: clock.Now, Issuer: issuer}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.Channels == nil {
		cfg.Channels = Platforms("", "")
	}
	store := repository.NewStore(db, clock.Now, repository.WithIdentitySealer(IdentitySealer(t, cfg.SecretKey)),
		repository.WithReplyRoutes(cfg.Channels.ReplyRoute))
	log := slog.New(slog.NewJSONHandler(&lockedWriter{w: logs}, nil))
	gin.SetMode(gin.ReleaseMode)
	srv := httptest.NewServer(server.New(cfg, store, log).Handler())
	t.Cleanup(srv.Close)
	return &Env{T: t, DB: db, Store: store, Clock: clock, Server: srv, Log: logs, Loc: loc, Issuer: issuer}
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Response is an answer read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test on malformed JSON.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// Map decodes the body as a JSON object.
func (r *Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// ErrorBody is the shared error shape.
type ErrorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// Err decodes the error shape.
func (r *Response) Err(t testing.TB) ErrorBody {
	t.Helper()
	var e ErrorBody
	r.JSON(t, &e)
	return e
}

// Request sends a request with a raw body and headers ("Name: value").
func (e *Env) Request(method, path string, body []byte, headers ...string) *Response {
	e.T.Helper()
	req, err := http.NewRequest(method, e.Server.URL+path, bytes.NewReader(body))
	if err != nil {
		e.T.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	resp, err := e.Server.Client().Do(req)
	if err != nil {
		e.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.T.Fatal(err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// JSON sends v as a JSON body (nil: no body).
func (e *Env) JSON(method, path string, v any, headers ...string) *Response {
	e.T.Helper()
	var b []byte
	if v != nil {
		var err error
		if b, err = json.Marshal(v); err != nil {
			e.T.Fatal(err)
		}
		headers = append([]string{"Content-Type: application/json"}, headers...)
	}
	return e.Request(method, path, b, headers...)
}

// Count returns the number of rows of a table.
func (e *Env) Count(table string) int {
	e.T.Helper()
	var n int
	if err := e.DB.Get(&n, "SELECT count(*) FROM "+table); err != nil {
		e.T.Fatal(err)
	}
	return n
}

// Demo accounts (password demo.Password).
const (
	Admin      = "admin@demo.caunoi.vn"
	Leader     = "leader@demo.caunoi.vn"
	HeadKinhTe = "head.kinhte@demo.caunoi.vn"
	StaffKT    = "staff.kinhte@demo.caunoi.vn"
	StaffVHXH  = "staff.vhxh@demo.caunoi.vn"
)

// Login signs in through the API and returns the access token (cached per
// account for the test).
func (e *Env) Login(email string) string {
	e.T.Helper()
	if tok, ok := e.tokens[email]; ok {
		return tok
	}
	r := e.JSON("POST", "/api/v1/auth/login", map[string]string{"email": email, "password": demo.Password})
	if r.Status != 200 {
		e.T.Fatalf("login %s: %d %s", email, r.Status, r.Body)
	}
	var p struct {
		AccessToken string `json:"access_token"`
	}
	r.JSON(e.T, &p)
	if e.tokens == nil {
		e.tokens = map[string]string{}
	}
	e.tokens[email] = p.AccessToken
	return p.AccessToken
}

// As sends v as JSON with the account's access token.
func (e *Env) As(email, method, path string, v any) *Response {
	e.T.Helper()
	return e.JSON(method, path, v, "Authorization: Bearer "+e.Login(email))
}

// Advance moves the clock forward by d and forgets the access tokens, which
// may have expired meanwhile (As signs in again).
func (e *Env) Advance(d time.Duration) {
	e.Clock.Advance(d)
	e.tokens = map[string]string{}
}

// UserID returns the id of the account with that e-mail.
func (e *Env) UserID(email string) int64 {
	e.T.Helper()
	var id int64
	if err := e.DB.Get(&id, "SELECT id FROM users WHERE email = $1", email); err != nil {
		e.T.Fatal(err)
	}
	return id
}

// TrustLoopbackProxy trusts 127.0.0.1 as a proxy, so a test names the
// client's address with an X-Forwarded-For header.
func TrustLoopbackProxy(c *httpx.Config) { c.TrustedProxies = []string{"127.0.0.1"} }

// MustGet runs a query for one row into dest, failing the test on error
// (a failed query must never pass silently).
func (e *Env) MustGet(dest any, query string, args ...any) {
	e.T.Helper()
	if err := e.DB.Get(dest, query, args...); err != nil {
		e.T.Fatalf("%s: %v", query, err)
	}
}

// MustExec runs a statement, failing the test on error.
func (e *Env) MustExec(query string, args ...any) {
	e.T.Helper()
	if _, err := e.DB.Exec(query, args...); err != nil {
		e.T.Fatalf("%s: %v", query, err)
	}
}

// MustSelect runs a query for many rows into dest, failing the test on error.
func (e *Env) MustSelect(dest any, query string, args ...any) {
	e.T.Helper()
	if err := e.DB.Select(dest, query, args...); err != nil {
		e.T.Fatalf("%s: %v", query, err)
	}
}
