package repository

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
)

// RefreshTTL is how long a refresh token lives unused.
const RefreshTTL = 30 * 24 * time.Hour

var errRefresh = domain.Errorf(domain.EUNAUTHORIZED, "Phiên đăng nhập không hợp lệ hoặc đã hết hạn; vui lòng đăng nhập lại.",
	"The session is invalid or has expired; please sign in again.")

// CreateRefreshToken stores a new refresh token (its hash) for user, opening
// the family, which is one sign-in and its rotations.
func (s *Store) CreateRefreshToken(ctx context.Context, userID int64, family string, hash []byte) error {
	now := s.now()
	_, err := s.db.ExecContext(ctx, `INSERT INTO refresh_tokens (user_id, family, token_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, userID, family, hash, now, now.Add(RefreshTTL))
	return mapError(err, "")
}

// RotateRefreshToken spends the refresh token with hash oldHash and stores
// newHash in its place, returning the account. A token used before revokes
// its whole family (someone holds a stolen copy) and is unauthorized, as is
// an unknown, expired or revoked one or one whose account is inactive.
func (s *Store) RotateRefreshToken(ctx context.Context, oldHash, newHash []byte) (domain.User, string, error) {
	return s.rotateRefresh(ctx, oldHash, newHash, 0)
}

// RenewSession is RotateRefreshToken for a browser's session, whose tabs
// share one refresh cookie: when several tabs renew at once, the first
// spends the token and the others present it again. A token spent less
// than grace ago, in a family not revoked, answers domain.ErrSessionRaced (the
// browser holds the successor once the first answer arrives) instead of
// revoking the family; presented later, it revokes as usual. A stolen copy
// gains nothing in those seconds: nothing is issued for it.
func (s *Store) RenewSession(ctx context.Context, oldHash, newHash []byte, grace time.Duration) (domain.User, string, error) {
	return s.rotateRefresh(ctx, oldHash, newHash, grace)
}

func (s *Store) rotateRefresh(ctx context.Context, oldHash, newHash []byte, grace time.Duration) (domain.User, string, error) {
	now := s.now()
	var user domain.User
	var family string
	reused, raced := false, false
	err := inTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var t struct {
			UserID    int64      `db:"user_id"`
			Family    string     `db:"family"`
			ExpiresAt time.Time  `db:"expires_at"`
			UsedAt    *time.Time `db:"used_at"`
			RevokedAt *time.Time `db:"revoked_at"`
		}
		err := tx.GetContext(ctx, &t, `SELECT user_id, family, expires_at, used_at, revoked_at
			FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`, oldHash)
		if isNoRows(err) {
			return errRefresh
		}
		if err != nil {
			return mapError(err, "")
		}
		if t.UsedAt != nil && t.RevokedAt == nil && now.Sub(*t.UsedAt) < grace {
			raced = true
			return nil
		}
		if t.UsedAt != nil {
			reused = true
			_, err := tx.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = $2
				WHERE family = $1 AND revoked_at IS NULL`, t.Family, now)
			return mapError(err, "")
		}
		if t.RevokedAt != nil || !now.Before(t.ExpiresAt) {
			return errRefresh
		}
		var r userRow
		if err := tx.GetContext(ctx, &r, `SELECT `+userColumns+` FROM users WHERE id = $1 AND active`, t.UserID); err != nil {
			if isNoRows(err) {
				return errRefresh
			}
			return mapError(err, "")
		}
		user, family = r.user(), t.Family
		if _, err := tx.ExecContext(ctx, `UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1`, oldHash, now); err != nil {
			return mapError(err, "")
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO refresh_tokens (user_id, family, token_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5)`, t.UserID, t.Family, newHash, now, now.Add(RefreshTTL))
		return mapError(err, "")
	})
	if err != nil {
		return domain.User{}, "", err
	}
	switch {
	case raced:
		return domain.User{}, "", domain.ErrSessionRaced
	case reused:
		return domain.User{}, "", errRefresh
	}
	return user, family, nil
}

// SessionOpen reports whether the sign-in named family (an access token's
// session id) is still open: one of its refresh tokens is neither revoked
// nor expired. Signing out and a detected reuse revoke them all.
func (s *Store) SessionOpen(ctx context.Context, family string) (bool, error) {
	var open bool
	err := s.db.GetContext(ctx, &open, `SELECT EXISTS (SELECT 1 FROM refresh_tokens
		WHERE family = $1 AND revoked_at IS NULL AND expires_at > $2)`, family, s.now())
	return open, mapError(err, "")
}

// RevokeSession ends the sign-in named family (signing out with only the
// access token). An unknown family is not an error.
func (s *Store) RevokeSession(ctx context.Context, family string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE refresh_tokens SET revoked_at = $2
		WHERE family = $1 AND revoked_at IS NULL`, family, s.now())
	return mapError(err, "")
}

// RevokeRefreshFamily ends the sign-in the refresh token belongs to and
// returns its session id (the family; "" for an unknown token, which is not
// an error: signing out twice is fine).
func (s *Store) RevokeRefreshFamily(ctx context.Context, hash []byte) (string, error) {
	var family string
	err := s.db.GetContext(ctx, &family, `SELECT family FROM refresh_tokens WHERE token_hash = $1`, hash)
	if isNoRows(err) {
		return "", nil
	}
	if err != nil {
		return "", mapError(err, "")
	}
	return family, s.RevokeSession(ctx, family)
}
