package repository_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jmoiron/sqlx"

	"caunoi"
	"caunoi/internal/pgtest"
	"caunoi/repository"
)

func TestMigrateTwiceDoesNothingTheSecondTime(t *testing.T) {
	ctx := context.Background()
	db, err := sqlx.Open("postgres", pgtest.NewEmptyURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, err := repository.Migrations(caunoi.Schema, caunoi.Migrations, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := repository.SchemaVersion(ctx, db); err != nil || v != 0 {
		t.Fatalf("empty database: version %d, %v; want 0", v, err)
	}
	first, err := repository.Migrate(ctx, db, ms)
	if err != nil {
		t.Fatalf("first migrate: %v", err)
	}
	if len(first) != len(ms) {
		t.Fatalf("first migrate applied %v, want all %d", first, len(ms))
	}
	second, err := repository.Migrate(ctx, db, ms)
	if err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if len(second) != 0 {
		t.Fatalf("second migrate applied %v, want nothing", second)
	}
	var n int
	if err := db.Get(&n, "SELECT count(*) FROM schema_migrations"); err != nil || n != len(ms) {
		t.Fatalf("schema_migrations has %d rows (%v), want %d", n, err, len(ms))
	}
	if v, _ := repository.SchemaVersion(ctx, db); v != ms[len(ms)-1].Version {
		t.Fatalf("version %d after migrate, want %d", v, ms[len(ms)-1].Version)
	}
}

// schema.sql is version 1 and has shipped: databases made with it exist, so
// a change to it would never reach them. A change goes in a new migration
// (migrations/README.md); this test fails when schema.sql is edited.
func TestShippedSchemaIsUnchanged(t *testing.T) {
	const shipped = "a1261d27ab55cfc90632e4da879dd7cbbefac7dbe911999ab3baf0f3b6dbdd60"
	sum := sha256.Sum256([]byte(caunoi.Schema))
	if got := hex.EncodeToString(sum[:]); got != shipped {
		t.Fatalf("schema.sql changed (sha256 %s): write migrations/NNNN_what.sql instead", got)
	}
}

// Every file of migrations/ reaches the binary's list: a migration that is
// written but never applied would pass every other test unnoticed.
func TestEveryMigrationFileIsApplied(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "migrations", "*.sql"))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := repository.Migrations(caunoi.Schema, caunoi.Migrations, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1+len(files) {
		t.Fatalf("the binary carries %d migrations after the schema, the folder has %d: %v", len(ms)-1, len(files), files)
	}
	for i, f := range files {
		if want := strings.TrimSuffix(filepath.Base(f), ".sql"); ms[i+1].Name != want {
			t.Errorf("migration %d is %q, want %q", i+2, ms[i+1].Name, want)
		}
	}
}

func TestMigrationFailureRollsBackThatStep(t *testing.T) {
	ctx := context.Background()
	db, err := sqlx.Open("postgres", pgtest.NewEmptyURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	dir := fstest.MapFS{
		"0002_good.sql": {Data: []byte("CREATE TABLE good_one (id int)")},
		"0003_bad.sql":  {Data: []byte("CREATE TABLE half_done (id int); SELECT no_such_function()")},
	}
	ms, err := repository.Migrations("CREATE TABLE base (id int)", dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	applied, err := repository.Migrate(ctx, db, ms)
	if err == nil || !strings.Contains(err.Error(), "migration 3") {
		t.Fatalf("want an error naming migration 3, got %v", err)
	}
	if len(applied) != 2 {
		t.Fatalf("applied %v, want [1 2]", applied)
	}
	var half bool
	pgtest.MustGet(t, db, &half, "SELECT to_regclass('half_done') IS NOT NULL")
	if half {
		t.Fatal("the failed migration left its table behind: not one transaction")
	}
	if v, _ := repository.SchemaVersion(ctx, db); v != 2 {
		t.Fatalf("version %d, want 2", v)
	}
}

func TestMigrationsRefuseGapsAndBadNames(t *testing.T) {
	for name, dir := range map[string]fstest.MapFS{
		"gap":      {"0003_x.sql": {Data: []byte("SELECT 1")}},
		"bad name": {"two_x.sql": {Data: []byte("SELECT 1")}},
		"dup":      {"0002_a.sql": {Data: []byte("SELECT 1")}, "2_b.sql": {Data: []byte("SELECT 1")}},
	} {
		if _, err := repository.Migrations("SELECT 1", dir, nil); err == nil {
			t.Errorf("%s: Migrations accepted %v", name, dir)
		}
	}
}
