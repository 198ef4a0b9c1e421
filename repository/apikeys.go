package repository

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"caunoi/domain"
)

type apiKeyRow struct {
	ID         int64          `db:"id"`
	Name       string         `db:"name"`
	Prefix     string         `db:"prefix"`
	UnitID     sql.NullInt64  `db:"unit_id"`
	UnitCode   sql.NullString `db:"unit_code"`
	CreatedAt  time.Time      `db:"created_at"`
	LastUsedAt *time.Time     `db:"last_used_at"`
	RevokedAt  *time.Time     `db:"revoked_at"`
}

func (r apiKeyRow) key() domain.APIKey {
	return domain.APIKey{ID: r.ID, Name: r.Name, Prefix: r.Prefix, UnitID: nullID(r.UnitID),
		UnitCode: r.UnitCode.String, CreatedAt: r.CreatedAt, LastUsedAt: r.LastUsedAt, RevokedAt: r.RevokedAt}
}

const apiKeyColumns = `k.id, k.name, k.prefix, k.unit_id, u.code AS unit_code, k.created_at, k.last_used_at, k.revoked_at`

// apiKeyScope is the condition an admin's scope ($1 unit, $2 role) puts on
// api_keys k: admins only; keys of the admin's unit and the units below it,
// and keys for any unit only for an admin of a top-level unit.
const apiKeyScope = `$2 = 'admin' AND (k.unit_id IN (SELECT unit_subtree($1))
	OR (k.unit_id IS NULL AND EXISTS (SELECT 1 FROM units r WHERE r.id = $1 AND r.parent_id IS NULL)))`

var errKeyNotFound = domain.NotFound("khóa API", "API key")

// usedEvery is how often a key's last_used_at is written at most.
const usedEvery = time.Minute

// APIKeyByHash returns the key whose SHA-256 is hash, revoked or not, and
// notes its use (at most once a minute). An unknown hash is not_found.
func (s *Store) APIKeyByHash(ctx context.Context, hash []byte) (domain.APIKey, error) {
	var r apiKeyRow
	err := s.db.GetContext(ctx, &r, `SELECT `+apiKeyColumns+`
		FROM api_keys k LEFT JOIN units u ON u.id = k.unit_id WHERE k.key_hash = $1`, hash)
	if err != nil {
		return domain.APIKey{}, mapError(err, "khóa API|API key")
	}
	now := s.now()
	if r.RevokedAt == nil && (r.LastUsedAt == nil || now.Sub(*r.LastUsedAt) >= usedEvery) {
		if _, err := s.db.ExecContext(ctx, `UPDATE api_keys SET last_used_at = $2 WHERE id = $1`, r.ID, now); err != nil {
			return domain.APIKey{}, fmt.Errorf("note api key use: %w", mapError(err, ""))
		}
		r.LastUsedAt = &now
	}
	return r.key(), nil
}

// ListAPIKeys returns the keys the admin's scope reaches, revoked ones
// included, oldest first; nothing for another role.
func (s *Store) ListAPIKeys(ctx context.Context, sc domain.Scope) ([]domain.APIKey, error) {
	var rows []apiKeyRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+apiKeyColumns+`
		FROM api_keys k LEFT JOIN units u ON u.id = k.unit_id
		WHERE `+apiKeyScope+` ORDER BY k.id`, sc.UnitID, string(sc.Role))
	if err != nil {
		return nil, mapError(err, "")
	}
	out := make([]domain.APIKey, len(rows))
	for i, r := range rows {
		out[i] = r.key()
	}
	return out, nil
}

// ListAllAPIKeys returns every key, revoked ones included, oldest first
// (for the command line).
func (s *Store) ListAllAPIKeys(ctx context.Context) ([]domain.APIKey, error) {
	var rows []apiKeyRow
	if err := s.db.SelectContext(ctx, &rows, `SELECT `+apiKeyColumns+`
		FROM api_keys k LEFT JOIN units u ON u.id = k.unit_id ORDER BY k.id`); err != nil {
		return nil, mapError(err, "")
	}
	out := make([]domain.APIKey, len(rows))
	for i, r := range rows {
		out[i] = r.key()
	}
	return out, nil
}

// CreateAPIKey makes a new key named for who it is for, limited to the unit
// with the code unit (and the units below it) unless unit is empty, and
// returns it with its secret, which is
// stored only as its SHA-256 and cannot be shown again. sc is the admin
// making it, or nil for the command line (the operator, who may make any
// key). It fails with invalid_input for a bad name or an unknown unit, and
// forbidden when the key's unit (or, for a key without a unit, every unit)
// is outside the admin's scope.
func (s *Store) CreateAPIKey(ctx context.Context, sc *domain.Scope, name, unit string) (domain.APIKey, string, error) {
	name, err := domain.ValidateAPIKeyName(name)
	if err != nil {
		return domain.APIKey{}, "", err
	}
	var unitID *int64
	unit = strings.ToLower(strings.TrimSpace(unit))
	if unit != "" {
		u, err := s.UnitByCode(ctx, unit)
		if domain.IsNotFound(err) {
			return domain.APIKey{}, "", domain.Invalid("Không có đơn vị này.", "No such unit.",
				map[string]string{"unit": domain.FieldUnknown})
		}
		if err != nil {
			return domain.APIKey{}, "", err
		}
		unitID = &u.ID
	}
	if sc != nil {
		var ok bool
		err := s.db.GetContext(ctx, &ok, `SELECT $2 = 'admin' AND CASE WHEN $3::bigint IS NULL
				THEN EXISTS (SELECT 1 FROM units r WHERE r.id = $1 AND r.parent_id IS NULL)
				ELSE $3 IN (SELECT unit_subtree($1)) END`, sc.UnitID, string(sc.Role), unitID)
		if err != nil {
			return domain.APIKey{}, "", mapError(err, "")
		}
		if !ok {
			return domain.APIKey{}, "", domain.Forbidden()
		}
	}
	secret := domain.NewAPIKeySecret()
	k := domain.APIKey{Name: name, Prefix: domain.DisplayPrefix(secret), UnitID: unitID, UnitCode: unit}
	err = s.db.QueryRowxContext(ctx, `INSERT INTO api_keys (name, unit_id, key_hash, prefix, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at`, name, unitID, domain.HashAPIKey(secret), k.Prefix,
		s.now()).Scan(&k.ID, &k.CreatedAt)
	if err != nil {
		return domain.APIKey{}, "", fmt.Errorf("create api key: %w", mapError(err, ""))
	}
	return k, secret, nil
}

// RevokeAPIKey revokes the key with that id, if the admin's scope reaches
// it (sc nil: the command line). Revoking a revoked key changes nothing; a
// key out of scope or unknown is not_found.
func (s *Store) RevokeAPIKey(ctx context.Context, sc *domain.Scope, id int64) error {
	var unitID int64
	role := string(domain.RoleAdmin)
	if sc != nil {
		unitID, role = sc.UnitID, string(sc.Role)
	}
	var found bool
	err := s.db.GetContext(ctx, &found, `WITH k AS (
			SELECT k.id FROM api_keys k WHERE k.id = $3 AND ($4 OR (`+apiKeyScope+`))
		), upd AS (
			UPDATE api_keys SET revoked_at = $5 WHERE id IN (SELECT id FROM k) AND revoked_at IS NULL
		)
		SELECT EXISTS (SELECT 1 FROM k)`, unitID, role, id, sc == nil, s.now())
	if err != nil {
		return mapError(err, "")
	}
	if !found {
		return errKeyNotFound
	}
	return nil
}
