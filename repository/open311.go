package repository

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"caunoi/domain"
)

// Open311Changeset returns a sortable token that changes whenever what
// GeoReport's discovery and service lists show may have changed: the
// zero-padded config_version.
func (s *Store) Open311Changeset(ctx context.Context) (string, error) {
	var v int64
	if err := s.db.GetContext(ctx, &v, "SELECT version FROM config_version WHERE id = 1"); err != nil {
		return "", mapError(err, "")
	}
	return fmt.Sprintf("%012d", v), nil
}

// Open311Services returns the unit's active categories as GeoReport
// services, in rule order, with their attributes sorted by order. Attributes
// that cannot be decoded are an internal error: a service must never lose
// its required fields silently.
func (s *Store) Open311Services(ctx context.Context, unitID int64) ([]domain.Open311Service, error) {
	var rows []struct {
		Code        string         `db:"code"`
		Name        string         `db:"name"`
		Description string         `db:"description"`
		Keywords    pq.StringArray `db:"keywords"`
		Attributes  []byte         `db:"attributes"`
		Group       sql.NullString `db:"dept_name"`
	}
	err := s.db.SelectContext(ctx, &rows, `SELECT c.code, c.name, c.description, c.keywords, c.attributes,
			d.name AS dept_name
		FROM categories c LEFT JOIN departments d ON d.id = c.default_department_id
		WHERE c.unit_id = $1 AND c.active ORDER BY c.position, c.id`, unitID)
	if err != nil {
		return nil, mapError(err, "")
	}
	out := make([]domain.Open311Service, len(rows))
	for i, r := range rows {
		var attrs []domain.ServiceAttribute
		if len(r.Attributes) > 0 {
			if err := json.Unmarshal(r.Attributes, &attrs); err != nil {
				return nil, domain.Internal(fmt.Errorf("category %s: attributes: %w", r.Code, err))
			}
		}
		sortAttributes(attrs)
		out[i] = domain.Open311Service{Code: r.Code, Name: r.Name, Description: r.Description,
			Keywords: displayKeywords(r.Keywords), Group: r.Group.String, Attributes: attrs}
	}
	return out, nil
}

func sortAttributes(a []domain.ServiceAttribute) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j].Order < a[j-1].Order; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}

// displayKeywords drops the routing syntax from keywords: stop-phrases
// ("-...") are left out and the "=" mark is removed.
func displayKeywords(kws []string) []string {
	out := make([]string, 0, len(kws))
	for _, k := range kws {
		if strings.HasPrefix(k, "-") {
			continue
		}
		if k = strings.TrimPrefix(k, "="); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// CreateOpen311Request stores a validated request POSTed through Open311
// as an ordinary ticket of the unit (routed, with its deadlines) and records
// sub (the API key, the address id, the attribute answers) in its "created"
// event, in one transaction.
func (s *Store) CreateOpen311Request(ctx context.Context, unitID int64, nt domain.NewTicket,
	sub domain.Open311Submission) (domain.Created, error) {
	cat, err := s.Catalog(ctx, unitID)
	if err != nil {
		return domain.Created{}, err
	}
	nt.Channel = domain.ChannelOpen311
	extra := map[string]any{"api_key_id": sub.APIKeyID}
	if sub.AddressID != "" {
		extra["address_id"] = sub.AddressID
	}
	if len(sub.Attributes) > 0 {
		extra["attributes"] = sub.Attributes
	}
	data, err := json.Marshal(map[string]any{"open311": extra})
	if err != nil {
		return domain.Created{}, fmt.Errorf("open311 data: %w", err)
	}
	var c domain.Created
	err = inTx(ctx, s.db, func(tx *sqlx.Tx) error {
		var err error
		if c, err = createTicket(ctx, tx, s.sealer, cat, nt, s.now()); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE ticket_events SET data = data || $2::jsonb
			WHERE ticket_id = $1 AND type = 'created'`, c.ID, data)
		return mapError(err, "")
	})
	if err != nil {
		return domain.Created{}, fmt.Errorf("create open311 request: %w", err)
	}
	return c, nil
}

type open311Row struct {
	TrackingCode string          `db:"tracking_code"`
	Status       string          `db:"status"`
	Kind         string          `db:"kind"`
	Channel      string          `db:"channel"`
	Public       bool            `db:"public"`
	CategoryCode sql.NullString  `db:"category_code"`
	CategoryName sql.NullString  `db:"category_name"`
	DeptName     sql.NullString  `db:"dept_name"`
	Body         string          `db:"body"`
	Address      string          `db:"address"`
	Village      string          `db:"village"`
	AddressID    sql.NullString  `db:"address_id"`
	Lat          sql.NullFloat64 `db:"lat"`
	Lng          sql.NullFloat64 `db:"lng"`
	MediaURL     sql.NullString  `db:"media_url"`
	StatusNotes  sql.NullString  `db:"status_notes"`
	CreatedAt    time.Time       `db:"created_at"`
	UpdatedAt    time.Time       `db:"updated_at"`
	ClosedAt     *time.Time      `db:"closed_at"`
	DueAt        *time.Time      `db:"due_at"`
}

func (r open311Row) request() domain.Open311Request {
	out := domain.Open311Request{TrackingCode: r.TrackingCode, Status: domain.Status(r.Status),
		Kind: domain.Kind(r.Kind), Channel: domain.Channel(r.Channel), Public: r.Public,
		CategoryCode: r.CategoryCode.String, CategoryName: r.CategoryName.String, DepartmentName: r.DeptName.String,
		Body: r.Body, Address: r.Address, AddressID: r.AddressID.String, MediaURL: r.MediaURL.String,
		StatusNotes: r.StatusNotes.String, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, ClosedAt: r.ClosedAt,
		DueAt: r.DueAt}
	if out.Address == "" {
		out.Address = r.Village
	}
	if r.Lat.Valid && r.Lng.Valid {
		lat, lng := r.Lat.Float64, r.Lng.Float64
		out.Lat, out.Lng = &lat, &lng
	}
	return out
}

// open311Select reads what GeoReport shows of a ticket: the latest public
// reply as status notes, the address id and media URL of an Open311
// submission; closed_at is when a ticket that is no longer open was closed
// (or resolved, or last changed).
const open311Select = `SELECT t.tracking_code, t.status, t.kind, t.channel, t.public,
		c.code AS category_code, c.name AS category_name, d.name AS dept_name, t.body, t.address, t.village,
		t.lat, t.lng, t.created_at, t.updated_at, t.due_at,
		CASE WHEN t.status IN ('new', 'assigned', 'in_progress', 'waiting_citizen') THEN NULL
			ELSE coalesce(t.closed_at, t.resolved_at, t.updated_at) END AS closed_at,
		(SELECT e.body FROM ticket_events e WHERE e.ticket_id = t.id AND e.type = 'reply' AND e.public
			ORDER BY e.id DESC LIMIT 1) AS status_notes,
		(SELECT e.data #>> '{open311,address_id}' FROM ticket_events e WHERE e.ticket_id = t.id
			AND e.type = 'created' ORDER BY e.id LIMIT 1) AS address_id,
		CASE WHEN t.channel = 'open311' THEN (SELECT a.url FROM attachments a WHERE a.ticket_id = t.id
			AND a.event_id IS NULL AND a.url <> '' ORDER BY a.id LIMIT 1) END AS media_url
	FROM tickets t
	LEFT JOIN categories c ON c.id = t.category_id
	LEFT JOIN departments d ON d.id = t.department_id`

// Open311Requests returns the unit's tickets that f selects, newest first,
// never a denunciation (nor a ticket that was one).
// With f.Codes, it returns the tickets with those tracking codes (those that
// exist in the unit) and ignores the other conditions; otherwise the
// tickets requested between f.From and f.To, with the service codes and
// statuses given (any when empty), only publishable ones when f.PublicOnly,
// f.Limit at most (100 when 0 or more) after skipping f.Offset.
func (s *Store) Open311Requests(ctx context.Context, unitID int64, f domain.Open311Filter) ([]domain.Open311Request, error) {
	// A denunciation is not an Open311 request at all: not by its code, not in a list.
	where := []string{"t.unit_id = $1", "t.kind <> 'denunciation'", "NOT t.identity_restricted"}
	args := []any{unitID}
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if len(f.Codes) > 0 {
		where = append(where, "t.tracking_code = ANY("+arg(pq.StringArray(f.Codes))+")")
	} else {
		where = append(where, "t.created_at >= "+arg(f.From), "t.created_at <= "+arg(f.To))
		if len(f.ServiceCodes) > 0 {
			where = append(where, "c.code = ANY("+arg(pq.StringArray(f.ServiceCodes))+")")
		}
		if len(f.Statuses) > 0 {
			st := make([]string, len(f.Statuses))
			for i, x := range f.Statuses {
				st[i] = string(x)
			}
			where = append(where, "t.status = ANY("+arg(pq.StringArray(st))+")")
		}
		if f.PublicOnly {
			where = append(where, "t.public")
		}
	}
	limit := f.Limit
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	q := open311Select + " WHERE " + strings.Join(where, " AND ") +
		" ORDER BY t.created_at DESC, t.id DESC LIMIT " + arg(limit) + " OFFSET " + arg(max(f.Offset, 0))
	var rows []open311Row
	if err := s.db.SelectContext(ctx, &rows, q, args...); err != nil {
		return nil, mapError(err, "")
	}
	out := make([]domain.Open311Request, len(rows))
	for i, r := range rows {
		out[i] = r.request()
	}
	return out, nil
}
