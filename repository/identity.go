package repository

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
)

// Sealer encrypts values for the place named by aad (package secretbox's
// Box, keyed for identities, is one). Seal of "" gives nil; Open of nil
// gives "".
type Sealer interface {
	Seal(plaintext, aad string) ([]byte, error)
	Open(sealed []byte, aad string) (string, error)
}

// StoreOption configures a Store.
type StoreOption func(*Store)

// WithIdentitySealer gives the store the key that seals denouncers'
// identities. Without it, storing a denunciation with an identity fails
// (unavailable) and a sealed identity is never shown.
func WithIdentitySealer(b Sealer) StoreOption {
	return func(s *Store) { s.sealer = b }
}

// errNoIdentityKey: a denunciation cannot be stored without the key that
// seals its denouncer; nothing is stored, and the citizen may send again.
var errNoIdentityKey = &domain.Error{Code: domain.EUNAVAILABLE,
	Message:   "Hệ thống tạm thời chưa nhận được đơn tố cáo (chưa cấu hình khóa mã hóa); vui lòng thử lại sau hoặc gửi trực tiếp tại Bộ phận tiếp dân.",
	MessageEN: "Denunciations cannot be received right now (the encryption key is not configured); please try again later or come to the reception desk.",
	Err:       errors.New("CAUNOI_SECRET_KEY is not set: a denouncer's identity cannot be sealed")}

// identity is a restricted ticket's citizen as sealed in identity_sealed.
type identity struct {
	Name    string `json:"name,omitempty"`
	Phone   string `json:"phone,omitempty"`
	Email   string `json:"email,omitempty"`
	Address string `json:"address,omitempty"`
}

func (id identity) empty() bool { return id == identity{} }

// identityAAD binds a sealed identity to its ticket: a value copied into
// another row does not open.
func identityAAD(trackingCode string) string { return "ticket/" + trackingCode + "/identity" }

// sealIdentity encrypts id for the ticket with that tracking code: nil for
// an empty identity, errNoIdentityKey without a sealer.
func sealIdentity(b Sealer, trackingCode string, id identity) ([]byte, error) {
	if id.empty() {
		return nil, nil
	}
	if b == nil {
		return nil, errNoIdentityKey
	}
	plain, err := json.Marshal(id)
	if err != nil {
		return nil, fmt.Errorf("seal identity: %w", err)
	}
	sealed, err := b.Seal(string(plain), identityAAD(trackingCode))
	if err != nil {
		return nil, domain.Internal(fmt.Errorf("seal identity: %w", err))
	}
	return sealed, nil
}

// openIdentity decrypts what sealIdentity sealed.
func openIdentity(b Sealer, trackingCode string, sealed []byte) (identity, error) {
	var id identity
	if len(sealed) == 0 {
		return id, nil
	}
	if b == nil {
		return id, domain.Unavailable(errors.New("CAUNOI_SECRET_KEY is not set: a sealed identity cannot be opened"))
	}
	plain, err := b.Open(sealed, identityAAD(trackingCode))
	if err != nil {
		return id, domain.Internal(fmt.Errorf("open the identity of %s: %w", trackingCode, err))
	}
	if err := json.Unmarshal([]byte(plain), &id); err != nil {
		return id, domain.Internal(fmt.Errorf("read the identity of %s: %w", trackingCode, err))
	}
	return id, nil
}

// identitySource is what readIdentity needs of a ticket row.
type identitySource struct {
	ID           int64
	TrackingCode string
	Ref          domain.TicketRef
	Plain        identity // the plain columns (empty once sealed)
	ExternalID   string
	Sealed       []byte
}

// readIdentity is the one way a ticket's citizen is read for staff: it
// returns the identity when the caller may see it (domain.MaySeeIdentity)
// and records the reading in personal_data_access (Decree 13/2023), and,
// for a restricted ticket, on its timeline too (who saw the denouncer,
// when; at most one such event a person every identityReadEvery). shown is
// false, and nothing is read or recorded, when the caller may not see it.
func (s *Store) readIdentity(ctx context.Context, sc domain.Scope, src identitySource,
	now time.Time) (c domain.Citizen, address string, shown bool, err error) {
	if !domain.MaySeeIdentity(sc, src.Ref) {
		return domain.Citizen{}, "", false, nil
	}
	id := src.Plain
	if len(src.Sealed) > 0 {
		if id, err = openIdentity(s.sealer, src.TrackingCode, src.Sealed); err != nil {
			return domain.Citizen{}, "", false, err
		}
	}
	c = domain.Citizen{Name: id.Name, Phone: id.Phone, Email: id.Email, ExternalID: src.ExternalID}
	if c.Empty() && id.Address == "" {
		return c, "", true, nil
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO personal_data_access (ticket_id, user_id, purpose, at)
		VALUES ($1, $2, 'view', $3)`, src.ID, sc.UserID, now); err != nil {
		return domain.Citizen{}, "", false, mapError(err, "")
	}
	if src.Ref.IdentityRestricted() {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO ticket_events (ticket_id, type, actor_id, data, created_at)
			SELECT $1, $2, $3, '{"identity":"denouncer"}', $4
			WHERE NOT EXISTS (SELECT 1 FROM ticket_events WHERE ticket_id = $1 AND type = $2
				AND actor_id = $3 AND created_at > $5)`,
			src.ID, string(domain.EventPersonalRead), sc.UserID, now, now.Add(-identityReadEvery)); err != nil {
			return domain.Citizen{}, "", false, mapError(err, "")
		}
	}
	return c, id.Address, true, nil
}

// identityReadEvery: a person reading a denouncer's identity again within
// this time adds no second timeline event (every reading is still a row of
// personal_data_access), so a leader working a ticket does not bury its
// timeline.
const identityReadEvery = 10 * time.Minute

// restrictIdentity makes the locked ticket's identity restricted for good
// and moves its citizen's name, phone, e-mail and address from the plain
// columns into identity_sealed, in the caller's transaction; the sender's
// display name is taken out of the timeline's events too (kept sealed).
// more fills what the identity lacks, never overwriting (a follow-up
// message's sender); on a ticket already restricted, that and anything
// left in clear is all that changes.
func restrictIdentity(ctx context.Context, tx *sqlx.Tx, b Sealer, ticketID int64, more identity) error {
	var r struct {
		Code    string `db:"tracking_code"`
		Name    string `db:"citizen_name"`
		Phone   string `db:"citizen_phone"`
		Email   string `db:"citizen_email"`
		Address string `db:"address"`
		Sealed  []byte `db:"identity_sealed"`
		Sender  string `db:"sender_name"`
	}
	if err := tx.GetContext(ctx, &r, `SELECT t.tracking_code, t.citizen_name, t.citizen_phone, t.citizen_email,
			t.address, t.identity_sealed,
			coalesce((SELECT e.data->>'sender_name' FROM ticket_events e WHERE e.ticket_id = t.id
				AND e.data ? 'sender_name' ORDER BY e.id LIMIT 1), '') AS sender_name
		FROM tickets t WHERE t.id = $1`, ticketID); err != nil {
		return mapError(err, "")
	}
	id, err := openIdentity(b, r.Code, r.Sealed)
	if err != nil {
		return err
	}
	id = mergeIdentity(id, identity{Name: r.Name, Phone: r.Phone, Email: r.Email, Address: r.Address})
	id = mergeIdentity(mergeIdentity(id, identity{Name: r.Sender}), more)
	sealed, err := sealIdentity(b, r.Code, id)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tickets SET identity_restricted = true, identity_sealed = $2,
			citizen_name = '', citizen_phone = '', citizen_email = '', address = ''
		WHERE id = $1`, ticketID, sealed); err != nil {
		return mapError(err, "")
	}
	_, err = tx.ExecContext(ctx, `UPDATE ticket_events SET data = data - 'sender_name'
		WHERE ticket_id = $1 AND data ? 'sender_name'`, ticketID)
	return mapError(err, "")
}

// mergeIdentity fills a's empty fields from b.
func mergeIdentity(a, b identity) identity {
	fill := func(x *string, y string) {
		if *x == "" {
			*x = y
		}
	}
	fill(&a.Name, b.Name)
	fill(&a.Phone, b.Phone)
	fill(&a.Email, b.Email)
	fill(&a.Address, b.Address)
	return a
}
