// Package caunoi holds the files the binary carries: the database schema and
// its migrations. The program itself lives in cmd/caunoi.
package caunoi

import "embed"

// Schema is schema.sql: the whole schema of a fresh database (version 1).
//
//go:embed schema.sql
var Schema string

// Migrations holds migrations/NNNN_name.sql, applied in order after Schema.
//
//go:embed migrations
var Migrations embed.FS
