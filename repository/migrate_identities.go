package repository

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
)

// goSteps are the migrations that need Go, by the name of the file of
// migrations/ that holds their place.
func goSteps(b Sealer) map[string]func(context.Context, *sqlx.Tx) error {
	return map[string]func(context.Context, *sqlx.Tx) error{
		"0006_seal_identities": func(ctx context.Context, tx *sqlx.Tx) error { return sealStoredIdentities(ctx, tx, b) },
	}
}

// sealStoredIdentities encrypts the identities of restricted tickets that
// are still in clear (denunciations stored before migration 5 marked them):
// name, phone, e-mail, address and the senders' names on their timelines
// move into identity_sealed. Without a sealer it fails when there is
// anything to seal, and says what to do; with nothing to seal it passes.
func sealStoredIdentities(ctx context.Context, tx *sqlx.Tx, b Sealer) error {
	var ids []int64
	if err := tx.SelectContext(ctx, &ids, `SELECT t.id FROM tickets t
		WHERE t.identity_restricted
		  AND (t.citizen_name <> '' OR t.citizen_phone <> '' OR t.citizen_email <> '' OR t.address <> ''
		       OR EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.data ? 'sender_name'))
		ORDER BY t.id FOR UPDATE`); err != nil {
		return fmt.Errorf("find the identities to seal: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	if b == nil {
		return fmt.Errorf("%d denunciations keep their denouncer's identity in clear and must be encrypted: set CAUNOI_SECRET_KEY (at least 32 characters, kept with the database's backups) and run `caunoi migrate` again", len(ids))
	}
	for _, id := range ids {
		if err := restrictIdentity(ctx, tx, b, id, identity{}); err != nil {
			return fmt.Errorf("seal the identity of ticket %d: %w", id, err)
		}
	}
	return nil
}
