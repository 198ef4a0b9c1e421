package jobs

import (
	"context"
	"database/sql/driver"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jmoiron/sqlx"
)

// unlockTimeout bounds the unlock after a run whose context has ended.
const unlockTimeout = 5 * time.Second

// WithAdvisoryLock returns a Func that runs fn only while it holds the
// PostgreSQL session advisory lock key, taken with pg_try_advisory_lock on a
// connection of its own and released after fn returns (or panics). When
// another session holds the lock the run is skipped and returns ErrSkipped;
// a failure to reach the database returns that error without running fn.
// A connection whose unlock fails is discarded, never returned to the pool
// still holding the lock.
func WithAdvisoryLock(db *sqlx.DB, key int64, fn Func) Func {
	return func(ctx context.Context, now time.Time) (err error) {
		conn, err := db.Connx(ctx)
		if err != nil {
			return fmt.Errorf("jobs: advisory lock %d: %w", key, err)
		}
		defer conn.Close()
		var got bool
		if err := conn.GetContext(ctx, &got, "SELECT pg_try_advisory_lock($1)", key); err != nil {
			return fmt.Errorf("jobs: advisory lock %d: %w", key, err)
		}
		if !got {
			return ErrSkipped
		}
		defer func() {
			uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), unlockTimeout)
			defer cancel()
			var released bool
			uerr := conn.GetContext(uctx, &released, "SELECT pg_advisory_unlock($1)", key)
			if uerr != nil || !released {
				// The session may still hold the lock: close it rather than
				// pool it, which ends the session and releases the lock.
				conn.Raw(func(any) error { return driver.ErrBadConn }) //nolint:errcheck
			}
		}()
		return fn(ctx, now)
	}
}

// LockKey returns a stable advisory lock key for a job name (FNV-1a), so
// jobs need no registry of numbers. Distinct names may collide only with
// negligible probability.
func LockKey(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte("caunoi/jobs/" + name))
	return int64(h.Sum64())
}
