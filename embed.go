// Package caunoi holds the files the binary carries: the database schema and
// its migrations. The program itself lives in cmd/caunoi.
package caunoi

import (
	"embed"
	"io/fs"
)

// Schema is schema.sql: the whole schema of a fresh database (version 1).
//
//go:embed schema.sql
var Schema string

//go:embed migrations
var migrationsDir embed.FS

// Migrations holds the files of migrations/ (NNNN_name.sql, applied in
// order after Schema) at its root, as repository.Migrations reads them.
var Migrations = mustSub(migrationsDir, "migrations")

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // cannot happen: dir is embedded above
	}
	return sub
}
