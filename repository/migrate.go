package repository

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
)

// Migration is one step of the schema: version 1 is schema.sql, later
// versions are the files of migrations/, each run in its own transaction. A
// step that needs Go has a file too, saying so, and its code in goSteps.
type Migration struct {
	Version int
	Name    string
	SQL     string
	Go      func(ctx context.Context, tx *sqlx.Tx) error // instead of SQL
}

// Migrations returns schema.sql as version 1 followed by the numbered files
// of dir (NNNN_name.sql, NNNN ≥ 2) in order, a file named in goSteps run by
// its Go code. b is the sealer of denouncers' identities those steps need
// (nil without CAUNOI_SECRET_KEY: a step that then has something to seal
// fails and says so). It fails on a gap, a duplicate or a bad name.
func Migrations(schema string, dir fs.FS, b Sealer) ([]Migration, error) {
	ms := []Migration{{Version: 1, Name: "schema", SQL: schema}}
	steps := goSteps(b)
	entries, err := fs.ReadDir(dir, ".")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || path.Ext(name) != ".sql" {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v < 2 {
			return nil, fmt.Errorf("migration %s: the name must be NNNN_what.sql with NNNN ≥ 2", name)
		}
		sql, err := fs.ReadFile(dir, name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		m := Migration{Version: v, Name: strings.TrimSuffix(name, ".sql"), SQL: string(sql)}
		m.Go = steps[m.Name]
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("migration %s: expected version %d (no gaps or duplicates)", m.Name, i+1)
		}
	}
	return ms, nil
}

func (m Migration) run(ctx context.Context, tx *sqlx.Tx) error {
	if m.Go != nil {
		return m.Go(ctx, tx)
	}
	_, err := tx.ExecContext(ctx, m.SQL)
	return err
}

// migrateLock is the advisory lock key that serialises migrations, so several
// servers started with --migrate at once apply each step once.
const migrateLock = 0x6361756e6f69 // "caunoi"

// Migrate applies the migrations the database has not recorded, each in its
// own transaction, and returns the versions it applied (none when up to date).
func Migrate(ctx context.Context, db *sqlx.DB, ms []Migration) ([]int, error) {
	conn, err := db.Connx(ctx)
	if err != nil {
		return nil, mapError(err, "")
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrateLock); err != nil {
		return nil, fmt.Errorf("lock for migration: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLock) //nolint:errcheck

	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	var applied []int
	for _, m := range ms {
		var done bool
		if err := conn.GetContext(ctx, &done,
			"SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = $1)", m.Version); err != nil {
			return applied, fmt.Errorf("read schema_migrations: %w", err)
		}
		if done {
			continue
		}
		tx, err := conn.BeginTxx(ctx, nil)
		if err != nil {
			return applied, fmt.Errorf("migration %d: %w", m.Version, err)
		}
		if err := m.run(ctx, tx); err != nil {
			tx.Rollback() //nolint:errcheck
			return applied, fmt.Errorf("migration %d (%s): %w", m.Version, m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
			m.Version, m.Name); err != nil {
			tx.Rollback() //nolint:errcheck
			return applied, fmt.Errorf("record migration %d: %w", m.Version, err)
		}
		if err := tx.Commit(); err != nil {
			return applied, fmt.Errorf("commit migration %d: %w", m.Version, err)
		}
		applied = append(applied, m.Version)
	}
	return applied, nil
}

// SchemaVersion returns the highest migration version the database has
// recorded, 0 for an empty database.
func SchemaVersion(ctx context.Context, db *sqlx.DB) (int, error) {
	var exists bool
	if err := db.GetContext(ctx, &exists, "SELECT to_regclass('schema_migrations') IS NOT NULL"); err != nil {
		return 0, mapError(err, "")
	}
	if !exists {
		return 0, nil
	}
	var v int
	if err := db.GetContext(ctx, &v, "SELECT coalesce(max(version), 0) FROM schema_migrations"); err != nil {
		return 0, mapError(err, "")
	}
	return v, nil
}
