package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/internal/pgtest"
)

const testSecret = "test-jwt-secret-0123456789abcdef-0123"

// env returns a getenv over m.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader in two goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// startServer runs `caunoi serve` on port 0 against dbURL and returns its base
// URL; the server stops (SIGTERM-like context cancel) when the test ends.
func startServer(t *testing.T, dbURL string, extra map[string]string, args ...string) string {
	t.Helper()
	vars := map[string]string{"DATABASE_URL": dbURL, "CAUNOI_JWT_SECRET": testSecret,
		"CAUNOI_ADDR": "127.0.0.1:0", "CAUNOI_LOG_FORMAT": "text"}
	for k, v := range extra {
		vars[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	stderr := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve"}, args...), env(vars), strings.NewReader(""), pw, stderr)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve ended with %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30 s of its context ending")
		}
	})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if _, addr, ok := strings.Cut(sc.Text(), "listening on "); ok {
				lines <- addr
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case addr := <-lines:
		return "http://" + addr
	case err := <-done:
		t.Fatalf("serve exited before listening: %v\n%s", err, stderr)
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not listen within 30 s\n%s", stderr)
	}
	return ""
}

func TestConfigErrorsAreOneClearLine(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"missing secret", map[string]string{}, "CAUNOI_JWT_SECRET is required"},
		{"short secret", map[string]string{"CAUNOI_JWT_SECRET": "too-short"}, "it must be at least 32"},
		{"bad database url", map[string]string{"CAUNOI_JWT_SECRET": testSecret, "DATABASE_URL": "mysql://x"},
			"DATABASE_URL is not a PostgreSQL URL"},
		{"bad addr", map[string]string{"CAUNOI_JWT_SECRET": testSecret, "CAUNOI_ADDR": "8080"}, "CAUNOI_ADDR"},
		{"short secret key", map[string]string{"CAUNOI_JWT_SECRET": testSecret, "CAUNOI_SECRET_KEY": "abc"},
			"CAUNOI_SECRET_KEY is 3 characters"},
		{"debug listener on the network", map[string]string{"CAUNOI_JWT_SECRET": testSecret, "CAUNOI_DEBUG_ADDR": "0.0.0.0:6060"},
			"CAUNOI_DEBUG_ADDR \"0.0.0.0:6060\" must be a loopback host:port"},
		{"unreachable database", map[string]string{"CAUNOI_JWT_SECRET": testSecret,
			"DATABASE_URL": "postgres://postgres@127.0.0.1:1/x?sslmode=disable&connect_timeout=2"},
			"cannot reach the database at postgres://postgres@127.0.0.1:1/x"},
	}
	// With a server at hand (as in CI), a URL naming a database it lacks.
	if missing, err := pgtest.WithDatabase(pgtest.AdminURL(), "caunoi_no_such_database"); err == nil && serverUp() {
		admin := missing
		cases = append(cases, struct {
			name string
			env  map[string]string
			want string
		}{"a server without the database", map[string]string{"CAUNOI_JWT_SECRET": testSecret, "DATABASE_URL": admin},
			"has no such database"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), []string{"serve"}, env(c.env), strings.NewReader(""), &out, &errOut)
			if err == nil {
				t.Fatal("serve started with a bad configuration")
			}
			msg := oneLine(err.Error())
			if !strings.Contains(msg, c.want) {
				t.Fatalf("message %q does not say %q", msg, c.want)
			}
			if strings.Contains(msg, "goroutine") || strings.Count(msg, "\n") > 0 {
				t.Fatalf("message is not one clean line: %q", msg)
			}
		})
	}
}

// serverUp reports whether the tests' PostgreSQL answers.
func serverUp() bool {
	db, err := sql.Open("postgres", pgtest.AdminURL())
	if err != nil {
		return false
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return db.PingContext(ctx) == nil
}

// CAUNOI_DEBUG_ADDR serves Go's profiles on its own loopback listener,
// never on the public address.
func TestDebugAddrServesProfilesApart(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	debug := ln.Addr().String()
	ln.Close()
	base := startServer(t, pgtest.NewURL(t), map[string]string{"CAUNOI_DEBUG_ADDR": debug}, "--no-jobs")
	resp, err := http.Get("http://" + debug + "/debug/pprof/heap?debug=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "heap profile") {
		t.Fatalf("heap profile on the debug address: %d %.200s", resp.StatusCode, body)
	}
	if code, _ := get(t, base+"/debug/pprof/heap?debug=1"); code != http.StatusNotFound {
		t.Errorf("the public address serves profiles: %d", code)
	}
}

func TestServeRefusesAnEmptyDatabaseWithoutMigrate(t *testing.T) {
	u := pgtest.NewEmptyURL(t)
	var out, errOut bytes.Buffer
	err := run(context.Background(), []string{"serve"},
		env(map[string]string{"DATABASE_URL": u, "CAUNOI_JWT_SECRET": testSecret, "CAUNOI_ADDR": "127.0.0.1:0"}),
		strings.NewReader(""), &out, &errOut)
	if err == nil {
		t.Fatal("serve started on an empty database")
	}
	for _, want := range []string{"database is empty", "caunoi migrate", "serve --migrate"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
}

func TestMigrateTwiceThenServe(t *testing.T) {
	u := pgtest.NewEmptyURL(t)
	vars := map[string]string{"DATABASE_URL": u}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"migrate"}, env(vars), nil, &out, io.Discard); err != nil {
		t.Fatalf("first migrate: %v", err)
	}
	if !strings.Contains(out.String(), "applied migrations") {
		t.Fatalf("first migrate said %q", out.String())
	}
	out.Reset()
	if err := run(context.Background(), []string{"migrate"}, env(vars), nil, &out, io.Discard); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if !strings.Contains(out.String(), "up to date") {
		t.Fatalf("second migrate said %q, want nothing applied", out.String())
	}
	base := startServer(t, u, nil, "--no-jobs")
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]string
	json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != 200 || body["status"] != "ok" {
		t.Fatalf("/healthz: %d %v", resp.StatusCode, body)
	}
}

func TestServeMigrateFlagMigratesAnEmptyDatabase(t *testing.T) {
	u := pgtest.NewEmptyURL(t)
	base := startServer(t, u, nil, "--migrate", "--no-jobs")
	if code, _ := get(t, base+"/readyz"); code != 200 {
		t.Fatalf("/readyz after serve --migrate: %d", code)
	}
}

func get(t *testing.T, u string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func TestReadyzFollowsTheDatabase(t *testing.T) {
	u := pgtest.NewURL(t)
	base := startServer(t, u, nil, "--no-jobs")
	if code, _ := get(t, base+"/readyz"); code != 200 {
		t.Fatalf("/readyz with the database up: %d", code)
	}
	admin, err := sqlx.Open("postgres", pgtest.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	pu, _ := url.Parse(u)
	name := strings.TrimPrefix(pu.Path, "/")
	// The database goes away: no new connections, and the open ones are cut.
	admin.MustExec("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS false")
	admin.MustExec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name)
	t.Cleanup(func() { admin.Exec("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS true") })

	resp, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Error struct{ Code, Message string }
	}
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != 503 || body.Error.Code != "unavailable" || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("/readyz with the database gone: %d %+v Retry-After=%q", resp.StatusCode, body, resp.Header.Get("Retry-After"))
	}
	if strings.Contains(body.Error.Message, "pq:") || strings.Contains(body.Error.Message, "dial") {
		t.Fatalf("the answer leaks a driver message: %q", body.Error.Message)
	}

	admin.MustExec("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS true")
	deadline := time.Now().Add(15 * time.Second)
	for {
		code, _ := get(t, base+"/readyz")
		if code == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz still %d 15 s after the database came back", code)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestVersionAndUnknownSubcommand(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, env(nil), nil, &out, io.Discard); err != nil ||
		!strings.HasPrefix(out.String(), "caunoi ") {
		t.Fatalf("version: %q %v", out.String(), err)
	}
	if err := run(context.Background(), []string{"frobnicate"}, env(nil), nil, io.Discard, io.Discard); err == nil ||
		!strings.Contains(err.Error(), "unknown subcommand") {
		t.Fatalf("unknown subcommand: %v", err)
	}
}
