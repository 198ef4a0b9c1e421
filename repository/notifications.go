package repository

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"caunoi/domain"
)

// ListNotifications returns the user's notifications, newest first, at most
// limit (1–100) of them with an id below beforeID (0: from the newest), only
// the unread ones when unreadOnly; and how many of the user's notifications
// are unread in all. A database failure is unavailable or internal.
func (s *Store) ListNotifications(ctx context.Context, userID int64, unreadOnly bool, beforeID int64,
	limit int) ([]domain.Notification, int, error) {
	limit = min(max(limit, 1), 100)
	rows, err := s.db.QueryxContext(ctx, `
		SELECT n.id, n.ticket_id, coalesce(t.tracking_code, ''), n.kind, n.body, n.created_at, n.read_at
		FROM notifications n LEFT JOIN tickets t ON t.id = n.ticket_id
		WHERE n.user_id = $1 AND ($2 = 0 OR n.id < $2) AND (NOT $3 OR n.read_at IS NULL)
		ORDER BY n.id DESC
		LIMIT $4`, userID, beforeID, unreadOnly, limit)
	if err != nil {
		return nil, 0, mapError(err, "")
	}
	defer rows.Close()
	items := []domain.Notification{}
	for rows.Next() {
		var n domain.Notification
		if err := rows.Scan(&n.ID, &n.TicketID, &n.TrackingCode, &n.Kind, &n.Body, &n.CreatedAt, &n.ReadAt); err != nil {
			return nil, 0, mapError(err, "")
		}
		items = append(items, n)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, mapError(err, "")
	}
	var unread int
	if err := s.db.GetContext(ctx, &unread,
		`SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL`, userID); err != nil {
		return nil, 0, mapError(err, "")
	}
	return items, unread, nil
}

// ReadNotification marks the user's notification id read at at (once: a
// second call keeps the first time) and returns when it was read. Another
// user's notification, like a missing one, is not_found.
func (s *Store) ReadNotification(ctx context.Context, userID, id int64, at time.Time) (time.Time, error) {
	var readAt time.Time
	err := s.db.GetContext(ctx, &readAt, `
		UPDATE notifications SET read_at = coalesce(read_at, $3)
		WHERE id = $1 AND user_id = $2
		RETURNING read_at`, id, userID, at)
	if err != nil {
		return time.Time{}, mapError(err, "thông báo|notification")
	}
	return readAt, nil
}

// ReadAllNotifications marks every unread notification of the user read at
// at and returns how many it marked.
func (s *Store) ReadAllNotifications(ctx context.Context, userID int64, at time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx,
		`UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL`, userID, at)
	if err != nil {
		return 0, mapError(err, "")
	}
	n, err := res.RowsAffected()
	return int(n), mapError(err, "")
}

// Digest is one user's daily digest: the notices not yet e-mailed.
type Digest struct {
	UserID int64
	Email  string
	Name   string
	Items  []DigestNotice // oldest first
}

// DigestNotice is one notice of a digest.
type DigestNotice struct {
	ID           int64
	TicketID     *int64
	TrackingCode string
	Kind         string
	Body         string
	CreatedAt    time.Time
}

// SendDigests gathers, for every active user who prefers a daily digest,
// the notifications created before cut and not yet e-mailed, marks them
// e-mailed at now and enqueues what compose returns for that user, in one
// transaction per batch of users. Users are claimed with FOR UPDATE SKIP
// LOCKED, and the guarded mark (emailed_at IS NULL) takes each notification
// once, so servers running it together never send a notice twice. It
// returns how many users got a digest. A database failure is unavailable or
// internal; the batch it hit is rolled back.
func (s *Store) SendDigests(ctx context.Context, cut, now time.Time, batch int,
	compose func(Digest) []domain.OutboxMessage) (int, error) {
	if batch <= 0 {
		batch = 50
	}
	total := 0
	for {
		claimed, sent := 0, 0
		err := inTx(ctx, s.db, func(tx *sqlx.Tx) error {
			var users []struct {
				ID    int64  `db:"id"`
				Email string `db:"email"`
				Name  string `db:"name"`
			}
			if err := sqlx.SelectContext(ctx, tx, &users, `
				SELECT u.id, u.email, u.name FROM users u
				WHERE u.digest AND u.active AND EXISTS (
					SELECT 1 FROM notifications n
					WHERE n.user_id = u.id AND n.emailed_at IS NULL AND n.created_at < $1)
				ORDER BY u.id LIMIT $2
				FOR UPDATE OF u SKIP LOCKED`, cut, batch); err != nil {
				return mapError(err, "")
			}
			claimed = len(users)
			if claimed == 0 {
				return nil
			}
			ids := make([]int64, len(users))
			for i, u := range users {
				ids[i] = u.ID
			}
			var rows []struct {
				ID        int64     `db:"id"`
				UserID    int64     `db:"user_id"`
				TicketID  *int64    `db:"ticket_id"`
				Code      string    `db:"tracking_code"`
				Kind      string    `db:"kind"`
				Body      string    `db:"body"`
				CreatedAt time.Time `db:"created_at"`
			}
			if err := sqlx.SelectContext(ctx, tx, &rows, `
				WITH marked AS (
					UPDATE notifications SET emailed_at = $3
					WHERE user_id = ANY($1) AND emailed_at IS NULL AND created_at < $2
					RETURNING id, user_id, ticket_id, kind, body, created_at)
				SELECT m.id, m.user_id, m.ticket_id, coalesce(t.tracking_code, '') AS tracking_code,
				       m.kind, m.body, m.created_at
				FROM marked m LEFT JOIN tickets t ON t.id = m.ticket_id
				ORDER BY m.user_id, m.created_at, m.id`, pq.Array(ids), cut, now); err != nil {
				return mapError(err, "")
			}
			byUser := map[int64][]DigestNotice{}
			for _, r := range rows {
				byUser[r.UserID] = append(byUser[r.UserID], DigestNotice{ID: r.ID, TicketID: r.TicketID,
					TrackingCode: r.Code, Kind: r.Kind, Body: r.Body, CreatedAt: r.CreatedAt})
			}
			for _, u := range users {
				items := byUser[u.ID]
				if len(items) == 0 {
					continue // another server took them meanwhile
				}
				for _, m := range compose(Digest{UserID: u.ID, Email: u.Email, Name: u.Name, Items: items}) {
					if m.NotBefore.IsZero() {
						m.NotBefore = now
					}
					if _, err := EnqueueOutbox(ctx, tx, m); err != nil {
						return err
					}
				}
				sent++
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += sent
		if claimed < batch {
			return total, nil
		}
	}
}
