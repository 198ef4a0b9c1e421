// Package pgtest gives each test its own PostgreSQL database, cloned from a
// template migrated once per schema version. Tests never use a mock database.
//
// The server is found through CAUNOI_TEST_DATABASE_URL, then DATABASE_URL,
// then postgres@127.0.0.1:5432. When none answers, a test is skipped on a
// developer's machine and fails in CI (CI=true).
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq" // the PostgreSQL driver

	"caunoi"
	"caunoi/repository"
)

// AdminURL returns the URL of the server's maintenance database.
func AdminURL() string {
	for _, k := range []string{"CAUNOI_TEST_DATABASE_URL", "DATABASE_URL"} {
		if v := os.Getenv(k); v != "" {
			return v
		}
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// WithDatabase returns base with its database name replaced by name.
func WithDatabase(base, name string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("parse database url: %w", err)
	}
	u.Path = "/" + name
	return u.String(), nil
}

var (
	mu        sync.Mutex
	templates = map[string]*templateState{}
)

type templateState struct {
	once sync.Once
	name string
	err  error
}

// templateName names the template after a hash of the schema and the
// migrations, so a changed schema gets a fresh template.
func templateName() (string, error) {
	h := sha256.New()
	h.Write([]byte(caunoi.Schema))
	err := fs.WalkDir(caunoi.Migrations, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(caunoi.Migrations, p)
		h.Write([]byte(p))
		h.Write(b)
		return err
	})
	if err != nil {
		return "", err
	}
	return "caunoi_tpl_" + hex.EncodeToString(h.Sum(nil))[:12], nil
}

// Prepare loads data into a freshly migrated template database.
type Prepare func(ctx context.Context, db *sqlx.DB) error

// prepare creates the migrated template (with what fill loads, named after
// the hash of the key suffix) once per process; an advisory lock keeps test binaries of
// other packages, running at the same time, from creating it twice.
func prepare(ctx context.Context, suffix string, fill Prepare) (string, error) {
	name, err := templateName()
	if err != nil {
		return "", err
	}
	if suffix != "" {
		sum := sha256.Sum256([]byte(suffix))
		name += "_" + hex.EncodeToString(sum[:])[:12]
	}
	admin, err := sqlx.Open("postgres", AdminURL())
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Connx(ctx)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if err := conn.PingContext(ctx); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(7275001)"); err != nil {
		return "", err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(7275001)") //nolint:errcheck
	var exists bool
	if err := conn.GetContext(ctx, &exists,
		"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", name); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	// A half-made template from a crashed run is dropped and made again.
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
		return "", err
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %s", name)); err != nil {
		return "", err
	}
	tplURL, err := WithDatabase(AdminURL(), name)
	if err != nil {
		return "", err
	}
	db, err := sqlx.Open("postgres", tplURL)
	if err != nil {
		return "", err
	}
	ms, err := repository.Migrations(caunoi.Schema, caunoi.Migrations, nil) // a new database has no identity to seal
	if err == nil {
		_, err = repository.Migrate(ctx, db, ms)
	}
	if err == nil && fill != nil {
		err = fill(ctx, db)
	}
	db.Close()
	if err != nil {
		return "", fmt.Errorf("migrate template: %w", err)
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("ALTER DATABASE %s WITH IS_TEMPLATE true", name)); err != nil {
		return "", err
	}
	return name, nil
}

// need skips the test when there is no server, or fails it in CI.
func need(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("pgtest: PostgreSQL is required in CI: %v", err)
	}
	t.Skipf("pgtest: no PostgreSQL (%v); set CAUNOI_TEST_DATABASE_URL", err)
}

// NewURL creates a fresh, migrated database for t, dropped when t ends, and
// returns its URL.
func NewURL(t testing.TB) string {
	t.Helper()
	return NewURLFrom(t, "", nil)
}

// NewURLFrom is NewURL with data: the template keyed by key is filled once
// per schema by fill, and each test gets a clone of it. The key must name
// everything fill writes, the code and data that write it included (for
// the demo's: demo.TemplateKey), so that a changed fill never runs against
// an old template: two fills with one key share a template, whichever made
// it first.
func NewURLFrom(t testing.TB, key string, fill Prepare) string {
	suffix := key
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	mu.Lock()
	st := templates[suffix]
	if st == nil {
		st = &templateState{}
		templates[suffix] = st
	}
	mu.Unlock()
	st.once.Do(func() { st.name, st.err = prepare(ctx, suffix, fill) })
	need(t, st.err)
	template := st.name

	var b [6]byte
	rand.Read(b[:])
	name := "caunoi_t_" + hex.EncodeToString(b[:])
	admin, err := sqlx.Open("postgres", AdminURL())
	need(t, err)
	defer admin.Close()
	if _, err := admin.ExecContext(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", name, template)); err != nil {
		t.Fatalf("pgtest: clone template: %v", err)
	}
	t.Cleanup(func() { Drop(t, name) })
	u, err := WithDatabase(AdminURL(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// New returns a connection pool to a fresh, migrated database for t.
func New(t testing.TB) *sqlx.DB {
	t.Helper()
	u := NewURL(t)
	db, err := sqlx.Open("postgres", u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// NewEmptyURL creates an empty database (no schema) for t and returns its URL.
func NewEmptyURL(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	admin, err := sqlx.Open("postgres", AdminURL())
	need(t, err)
	defer admin.Close()
	need(t, admin.PingContext(ctx))
	var b [6]byte
	rand.Read(b[:])
	name := "caunoi_e_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() { Drop(t, name) })
	u, err := WithDatabase(AdminURL(), name)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Drop removes the database name, closing what is still connected to it.
func Drop(t testing.TB, name string) {
	admin, err := sqlx.Open("postgres", AdminURL())
	if err != nil {
		t.Logf("pgtest: drop %s: %v", name, err)
		return
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
		t.Logf("pgtest: drop %s: %v", name, err)
	}
}

// MustGet runs a query for one row into dest, failing the test on error.
func MustGet(t testing.TB, db *sqlx.DB, dest any, query string, args ...any) {
	t.Helper()
	if err := db.Get(dest, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// MustSelect runs a query for many rows into dest, failing the test on error.
func MustSelect(t testing.TB, db *sqlx.DB, dest any, query string, args ...any) {
	t.Helper()
	if err := db.Select(dest, query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// StaleVectors counts the tickets whose folded words (search_vector) are
// not those of their title and body; a failed query fails the test.
func StaleVectors(t testing.TB, db *sqlx.DB) int {
	t.Helper()
	var n int
	MustGet(t, db, &n, `SELECT count(*) FROM tickets
		WHERE search_vector IS DISTINCT FROM ticket_search_vector(title, body)`)
	return n
}
