package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"caunoi"
	"caunoi/channels"
	"caunoi/repository"
	"caunoi/secretbox"
)

// openDB connects to the configured database with a message that says what to do.
func openDB(ctx context.Context, cfg Config) (*sqlx.DB, error) {
	if err := cfg.ValidateDatabase(); err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	db, err := repository.Open(ctx, cfg.DatabaseURL)
	var pqErr *pq.Error
	if errors.As(err, &pqErr) && pqErr.Code == "3D000" { // invalid_catalog_name: the server is there, the database is not
		return nil, fmt.Errorf("the server at %s has no such database (%v): create it (`createdb NAME` as a user allowed to), or run `make run`, which creates it",
			redactURL(cfg.DatabaseURL), err)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot reach the database at %s (%v); set DATABASE_URL to a running PostgreSQL, or use `make run`, which finds or starts one",
			redactURL(cfg.DatabaseURL), err)
	}
	return db, nil
}

// migrations returns the embedded schema and migrations in order; the
// steps that seal denouncers' identities use cfg's CAUNOI_SECRET_KEY.
func migrations(cfg Config) ([]repository.Migration, error) {
	b, err := identitySealer(cfg)
	if err != nil {
		return nil, err
	}
	return repository.Migrations(caunoi.Schema, caunoi.Migrations, b)
}

// identitySealer is the key that seals denouncers' identities, nil (no
// denunciation can then be stored) when CAUNOI_SECRET_KEY is not set.
func identitySealer(cfg Config) (repository.Sealer, error) {
	if cfg.SecretKey == "" {
		return nil, nil
	}
	box, err := secretbox.NewFor(cfg.SecretKey, secretbox.PurposeIdentities)
	if err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	return box, nil
}

// newStore is the store every command uses: cfg's clock-less store with the
// identity sealer and the reply routes of the platforms served.
func newStore(db *sqlx.DB, cfg Config, served *channels.Registry) (*repository.Store, error) {
	b, err := identitySealer(cfg)
	if err != nil {
		return nil, err
	}
	return repository.NewStore(db, nil, repository.WithIdentitySealer(b),
		repository.WithReplyRoutes(served.ReplyRoute)), nil
}

// checkSchema fails unless the database has every migration this binary knows.
func checkSchema(ctx context.Context, db *sqlx.DB) error {
	ms, err := repository.Migrations(caunoi.Schema, caunoi.Migrations, nil) // for the versions only
	if err != nil {
		return err
	}
	have, err := repository.SchemaVersion(ctx, db)
	if err != nil {
		return fmt.Errorf("read the schema version: %w", err)
	}
	want := ms[len(ms)-1].Version
	switch {
	case have == 0:
		return fmt.Errorf("the database is empty (schema version 0, this program needs %d): run `caunoi migrate` first, or start with `caunoi serve --migrate`", want)
	case have < want:
		return fmt.Errorf("the database schema is out of date (version %d, this program needs %d): run `caunoi migrate`, or start with `caunoi serve --migrate`", have, want)
	case have > want:
		return fmt.Errorf("the database schema (version %d) is newer than this program (%d): run a newer caunoi", have, want)
	}
	return nil
}

func cmdMigrate(ctx context.Context, cfg Config, args []string, stdout interface{ Write([]byte) (int, error) }) error {
	if len(args) > 0 {
		return fmt.Errorf("migrate takes no arguments")
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	ms, err := migrations(cfg)
	if err != nil {
		return err
	}
	applied, err := repository.Migrate(ctx, db, ms)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintf(stdout, "schema is up to date (version %d)\n", ms[len(ms)-1].Version)
		return nil
	}
	fmt.Fprintf(stdout, "applied migrations %v; schema is at version %d\n", applied, ms[len(ms)-1].Version)
	return nil
}
