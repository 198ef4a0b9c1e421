// Package repository stores Cầu Nối's data in PostgreSQL through sqlx and
// lib/pq. Each file holds one aggregate; every public method that writes is
// one transaction. Driver errors are mapped to *domain.Error here.
package repository

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"caunoi/domain"
)

// Open connects to PostgreSQL at url and checks the connection. The pool is
// sized for a small machine: a few connections per core serve the load, more
// only add contention inside PostgreSQL.
func Open(ctx context.Context, url string) (*sqlx.DB, error) {
	db, err := sqlx.Open("postgres", url)
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	db.SetConnMaxIdleTime(5 * time.Minute)
	db.SetConnMaxLifetime(time.Hour)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to database: %w", err)
	}
	return db, nil
}

// Ping reports whether the database answers within a second.
func Ping(ctx context.Context, db *sqlx.DB) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var one int
	return db.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// mapError turns driver errors into *domain.Error: no rows is not_found
// (what names the missing thing), a unique violation is conflict, a lost or
// refused connection is unavailable; anything else is internal.
func mapError(err error, what string) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		vi, en, _ := strings.Cut(what, "|")
		if en == "" {
			en = vi
		}
		return &domain.Error{Code: domain.ENOTFOUND, Message: "Không tìm thấy " + vi + ".",
			MessageEN: "No such " + en + ".", Err: err}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var pqErr *pq.Error
	if errors.As(err, &pqErr) {
		switch pqErr.Code.Class() {
		case "23":
			if pqErr.Code == "23505" {
				return &domain.Error{Code: domain.ECONFLICT, Message: "Dữ liệu đã tồn tại.",
					MessageEN: "It already exists.", Err: err}
			}
			return &domain.Error{Code: domain.EINVALID, Message: "Dữ liệu không hợp lệ.",
				MessageEN: "The data is not valid.", Err: err}
		case "22": // data exception: invalid byte sequence, NUL in text, a value out of range
			return &domain.Error{Code: domain.EINVALID, Message: "Dữ liệu không hợp lệ.",
				MessageEN: "The data is not valid.", Err: err}
		case "08", "53", "57": // connection, insufficient resources, operator intervention
			return domain.Unavailable(err)
		}
		return domain.Internal(err)
	}
	if isConnError(err) {
		return domain.Unavailable(err)
	}
	return domain.Internal(err)
}

// isConnError reports whether err means the database could not be reached.
func isConnError(err error) bool {
	if errors.Is(err, sql.ErrConnDone) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "driver: bad connection") || strings.Contains(msg, "connection refused") ||
		strings.Contains(msg, "the database system is starting up") ||
		strings.Contains(msg, "the database system is shutting down")
}

// inTx runs fn in a transaction, committing when it returns nil.
func inTx(ctx context.Context, db *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return mapError(err, "")
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it is a no-op
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return mapError(err, "")
	}
	return nil
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// isUnique reports whether err is a unique violation of the named constraint.
func isUnique(err error, constraint string) bool {
	var pqErr *pq.Error
	return errors.As(err, &pqErr) && pqErr.Code == "23505" && pqErr.Constraint == constraint
}
