package repository

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
)

type channelAccountRow struct {
	ID             int64     `db:"id"`
	UnitID         int64     `db:"unit_id"`
	UnitCode       string    `db:"unit_code"`
	Platform       string    `db:"platform"`
	AccountID      string    `db:"account_id"`
	AppID          string    `db:"app_id"`
	Name           string    `db:"name"`
	SecretKeyEnc   []byte    `db:"secret_key_enc"`
	AccessTokenEnc []byte    `db:"access_token_enc"`
	Active         bool      `db:"active"`
	CreatedAt      time.Time `db:"created_at"`
	Tickets        int       `db:"tickets"`
}

func (r channelAccountRow) account() domain.ChannelAccount {
	return domain.ChannelAccount{ID: r.ID, UnitID: r.UnitID, UnitCode: r.UnitCode, Platform: domain.Platform(r.Platform),
		AccountID: r.AccountID, AppID: r.AppID, Name: r.Name, SecretKeyEnc: r.SecretKeyEnc,
		AccessTokenEnc: r.AccessTokenEnc, Active: r.Active, CreatedAt: r.CreatedAt, Tickets: r.Tickets}
}

const channelAccountColumns = `a.id, a.unit_id, u.code AS unit_code, a.platform, a.account_id, a.app_id, a.name,
	a.secret_key_enc, a.access_token_enc, a.active, a.created_at`

// channelScope is the condition an admin's scope ($1 unit, $2 role) puts on
// channel_accounts a: admins only, accounts of the admin's unit and below.
const channelScope = `$2 = 'admin' AND a.unit_id IN (SELECT unit_subtree($1))`

var errChannelNotFound = domain.NotFound("kênh", "channel account")

// ChannelAccountByExternal returns the active account of platform with the
// page or OA id accountID, tokens sealed as stored, as read within the last
// two seconds (at once after a change made through this Store: every
// webhook delivery asks, see accountCache). An unknown or deactivated
// account is not_found; a database failure is unavailable or internal.
func (s *Store) ChannelAccountByExternal(ctx context.Context, platform domain.Platform, accountID string) (domain.ChannelAccount, error) {
	cache := s.inbound.accounts
	acc, gen, ok := cache.get(platform, accountID)
	if ok {
		return acc, nil
	}
	readAt := time.Now()
	stmt, err := s.inbound.prepared(ctx, accountByExternal)
	if err != nil {
		return domain.ChannelAccount{}, err
	}
	var r channelAccountRow
	if err := stmt.GetContext(ctx, &r, string(platform), accountID); err != nil {
		return domain.ChannelAccount{}, mapError(err, "kênh|channel account")
	}
	cache.put(platform, accountID, r.account(), readAt, gen)
	return r.account(), nil
}

const accountByExternal = `SELECT ` + channelAccountColumns + `, 0 AS tickets
	FROM channel_accounts a JOIN units u ON u.id = a.unit_id
	WHERE a.platform = $1 AND a.account_id = $2 AND a.active AND u.active`

// ChannelAccount returns the account with that id, active or not, tokens
// sealed as stored (for the outbox senders). An unknown id is not_found.
func (s *Store) ChannelAccount(ctx context.Context, id int64) (domain.ChannelAccount, error) {
	var r channelAccountRow
	err := s.db.GetContext(ctx, &r, `SELECT `+channelAccountColumns+`, 0 AS tickets
		FROM channel_accounts a JOIN units u ON u.id = a.unit_id WHERE a.id = $1`, id)
	if err != nil {
		return domain.ChannelAccount{}, mapError(err, "kênh|channel account")
	}
	return r.account(), nil
}

// ListChannelAccounts returns the accounts within the admin's scope (every
// account when sc is nil: the command line), inactive ones included, with
// how many tickets came in through each, by platform and account id.
func (s *Store) ListChannelAccounts(ctx context.Context, sc *domain.Scope) ([]domain.ChannelAccount, error) {
	where, args := "true", []any{}
	if sc != nil {
		where, args = channelScope, []any{sc.UnitID, string(sc.Role)}
	}
	var rows []channelAccountRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+channelAccountColumns+`,
			(SELECT count(*) FROM tickets t WHERE t.channel_account_id = a.id) AS tickets
		FROM channel_accounts a JOIN units u ON u.id = a.unit_id
		WHERE `+where+` ORDER BY a.platform, a.account_id`, args...)
	if err != nil {
		return nil, mapError(err, "")
	}
	out := make([]domain.ChannelAccount, len(rows))
	for i, r := range rows {
		out[i] = r.account()
	}
	return out, nil
}

// unitInScope returns the id of the active unit with that code, checking it
// lies within sc (any unit when sc is nil). An unknown unit is
// invalid_input; one outside the admin's scope is forbidden.
func unitInScope(ctx context.Context, q sqlx.QueryerContext, sc *domain.Scope, code string) (int64, error) {
	var u struct {
		ID      int64 `db:"id"`
		InScope bool  `db:"in_scope"`
	}
	var scopeUnit *int64
	role := ""
	if sc != nil {
		scopeUnit, role = &sc.UnitID, string(sc.Role)
	}
	err := sqlx.GetContext(ctx, q, &u, `SELECT id,
			($2::bigint IS NULL OR ($3 = 'admin' AND id IN (SELECT unit_subtree($2)))) AS in_scope
		FROM units WHERE code = $1 AND active`, strings.ToLower(strings.TrimSpace(code)), scopeUnit, role)
	if isNoRows(err) {
		return 0, domain.Invalid("Không có đơn vị này.", "No such unit.", map[string]string{"unit": domain.FieldUnknown})
	}
	if err != nil {
		return 0, mapError(err, "")
	}
	if !u.InScope {
		return 0, domain.Forbidden()
	}
	return u.ID, nil
}

// CreateChannelAccount maps a fanpage or an OA to a unit. sc is the admin
// doing it (the unit must be within the admin's scope) or nil for the
// command line. It returns the account, invalid_input for bad fields or an
// unknown unit, forbidden for a unit outside the scope, conflict when the
// page or OA is mapped already.
func (s *Store) CreateChannelAccount(ctx context.Context, sc *domain.Scope, in domain.ChannelAccountInput) (domain.ChannelAccount, error) {
	in, err := domain.ValidateChannelAccount(in)
	if err != nil {
		return domain.ChannelAccount{}, err
	}
	unitID, err := unitInScope(ctx, s.db, sc, in.Unit)
	if err != nil {
		return domain.ChannelAccount{}, err
	}
	var id int64
	err = s.db.GetContext(ctx, &id, `INSERT INTO channel_accounts
			(unit_id, platform, account_id, app_id, name, secret_key_enc, access_token_enc, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		unitID, string(in.Platform), in.AccountID, in.AppID, in.Name, nilIfEmpty(in.SecretKeyEnc),
		nilIfEmpty(in.AccessTokenEnc), s.now())
	if isUnique(err, "channel_accounts_platform_account_id_key") {
		return domain.ChannelAccount{}, domain.Conflict("Trang hoặc OA này đã được gắn với một đơn vị.",
			"This page or OA is mapped to a unit already.")
	}
	if err != nil {
		return domain.ChannelAccount{}, fmt.Errorf("create channel account: %w", mapError(err, ""))
	}
	return s.GetChannelAccount(ctx, nil, id)
}

// lockChannelAccount reads the account with that id FOR UPDATE, within sc
// (any when sc is nil); out of scope is not_found.
func lockChannelAccount(ctx context.Context, tx *sqlx.Tx, sc *domain.Scope, id int64) (channelAccountRow, error) {
	where, args := "a.id = $1", []any{id}
	if sc != nil {
		where, args = "a.id = $3 AND "+channelScope, []any{sc.UnitID, string(sc.Role), id}
	}
	var r channelAccountRow
	err := tx.GetContext(ctx, &r, `SELECT `+channelAccountColumns+`, 0 AS tickets
		FROM channel_accounts a JOIN units u ON u.id = a.unit_id
		WHERE `+where+` FOR UPDATE OF a`, args...)
	if isNoRows(err) {
		return r, errChannelNotFound
	}
	return r, mapError(err, "")
}

// UpdateChannelAccount changes the account with that id within sc (any when
// nil): its unit (within the scope), app id, name, tokens (already sealed;
// an empty one removes it) and whether it is active. It returns the
// account; not_found when out of scope, invalid_input for bad fields,
// forbidden for a new unit outside the scope.
func (s *Store) UpdateChannelAccount(ctx context.Context, sc *domain.Scope, id int64, u domain.ChannelAccountUpdate) (domain.ChannelAccount, error) {
	err := inTx(ctx, s.db, func(tx *sqlx.Tx) error {
		r, err := lockChannelAccount(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		in := domain.ChannelAccountInput{Unit: r.UnitCode, Platform: domain.Platform(r.Platform), AccountID: r.AccountID,
			AppID: r.AppID, Name: r.Name, SecretKeyEnc: r.SecretKeyEnc, AccessTokenEnc: r.AccessTokenEnc}
		if u.Unit != nil {
			in.Unit = *u.Unit
		}
		if u.AppID != nil {
			in.AppID = *u.AppID
		}
		if u.Name != nil {
			in.Name = *u.Name
		}
		if u.SecretKeyEnc != nil {
			in.SecretKeyEnc = *u.SecretKeyEnc
		}
		if u.AccessTokenEnc != nil {
			in.AccessTokenEnc = *u.AccessTokenEnc
		}
		if in, err = domain.ValidateChannelAccount(in); err != nil {
			return err
		}
		unitID := r.UnitID
		if u.Unit != nil && in.Unit != r.UnitCode {
			if unitID, err = unitInScope(ctx, tx, sc, in.Unit); err != nil {
				return err
			}
		}
		active := r.Active
		if u.Active != nil {
			active = *u.Active
		}
		_, err = tx.ExecContext(ctx, `UPDATE channel_accounts SET unit_id = $2, app_id = $3, name = $4,
			secret_key_enc = $5, access_token_enc = $6, active = $7 WHERE id = $1`,
			id, unitID, in.AppID, in.Name, nilIfEmpty(in.SecretKeyEnc), nilIfEmpty(in.AccessTokenEnc), active)
		return mapError(err, "")
	})
	s.inbound.accounts.drop() // also when the transaction failed: it may have committed
	if err != nil {
		return domain.ChannelAccount{}, err
	}
	return s.GetChannelAccount(ctx, nil, id)
}

// DeleteChannelAccount removes the account with that id within sc (any when
// nil), or, when tickets came in through it (they keep pointing at it for
// their replies), deactivates it instead. It returns whether the row was
// deleted and the account as it is now; not_found when out of scope.
func (s *Store) DeleteChannelAccount(ctx context.Context, sc *domain.Scope, id int64) (bool, domain.ChannelAccount, error) {
	deleted := false
	var acc domain.ChannelAccount
	err := inTx(ctx, s.db, func(tx *sqlx.Tx) error {
		r, err := lockChannelAccount(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		acc = r.account()
		res, err := tx.ExecContext(ctx, `DELETE FROM channel_accounts a WHERE a.id = $1
			AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.channel_account_id = a.id)`, id)
		if err != nil {
			return mapError(err, "")
		}
		if n, _ := res.RowsAffected(); n == 1 {
			deleted = true
			return nil
		}
		acc.Active = false
		_, err = tx.ExecContext(ctx, `UPDATE channel_accounts SET active = false WHERE id = $1`, id)
		return mapError(err, "")
	})
	s.inbound.accounts.drop() // also when the transaction failed: it may have committed
	if err != nil {
		return false, domain.ChannelAccount{}, err
	}
	return deleted, acc, nil
}

// SaveReplyProgress records in the payload of outbox row id, while that
// attempt still holds it, how many parts of a split reply went out ("sent"),
// so that the next attempt resumes after them instead of repeating them. It
// returns conflict when the row is no longer held by that attempt.
func (s *Store) SaveReplyProgress(ctx context.Context, id int64, attempt, sent int) error {
	res, err := s.db.ExecContext(ctx, `UPDATE outbox SET payload = jsonb_set(payload, '{sent}', to_jsonb($3::int))
		WHERE id = $1 AND attempts = $2 AND status = 'pending'`, id, attempt, sent)
	if err != nil {
		return mapError(err, "")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.Conflict("Tin gửi đi đã được xử lý bởi lượt khác.", "The outbox message is no longer held by this attempt.")
	}
	return nil
}

func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// GetChannelAccount returns the account with that id within the admin's
// scope (any when sc is nil), with its ticket count; not_found otherwise.
func (s *Store) GetChannelAccount(ctx context.Context, sc *domain.Scope, id int64) (domain.ChannelAccount, error) {
	where, args := "a.id = $1", []any{id}
	if sc != nil {
		where, args = "a.id = $3 AND "+channelScope, []any{sc.UnitID, string(sc.Role), id}
	}
	var r channelAccountRow
	err := s.db.GetContext(ctx, &r, `SELECT `+channelAccountColumns+`,
			(SELECT count(*) FROM tickets t WHERE t.channel_account_id = a.id) AS tickets
		FROM channel_accounts a JOIN units u ON u.id = a.unit_id WHERE `+where, args...)
	if isNoRows(err) {
		return domain.ChannelAccount{}, errChannelNotFound
	}
	if err != nil {
		return domain.ChannelAccount{}, mapError(err, "")
	}
	return r.account(), nil
}
