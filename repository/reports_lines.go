package repository

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"caunoi/domain"
)

// lineRow is a ticket as a report's appendix or a CSV export lists it. The
// summary is scrubbed of the citizen's name, phone and e-mail in SQL, so no
// personal data leaves the database; a denouncer's own words, which may
// name them and whose identity is sealed so cannot be scrubbed, are not
// read at all (domain.RestrictedSummary stands for them).
type lineRow struct {
	TrackingCode string       `db:"tracking_code"`
	CreatedAt    time.Time    `db:"created_at"`
	Kind         string       `db:"kind"`
	Channel      string       `db:"channel"`
	Category     string       `db:"category"`
	Department   string       `db:"department"`
	Status       string       `db:"status"`
	Summary      string       `db:"summary"`
	DueAt        time.Time    `db:"due_at"`
	ResolvedAt   sql.NullTime `db:"resolved_at"`
	Village      string       `db:"village"`
	Restricted   bool         `db:"identity_restricted"`
}

// scrub replaces col's value (when it is long enough to mean something) in
// the SQL expression x.
func scrub(x, col string) string {
	return fmt.Sprintf("CASE WHEN length(%[2]s) >= 3 THEN replace(%[1]s, %[2]s, '***') ELSE %[1]s END", x, col)
}

// sqlLineColumns are lineRow's columns over tickets t, categories c and
// departments d.
var sqlLineColumns = `t.tracking_code, t.created_at, t.kind, t.channel, coalesce(c.name, '') AS category,
	coalesce(d.name, '') AS department, t.status,
	CASE WHEN t.identity_restricted THEN '' ELSE ` + scrub(scrub(scrub(
	"left(CASE WHEN t.title <> '' THEN t.title ELSE t.body END, 400)",
	"t.citizen_name"), "t.citizen_phone"), "t.citizen_email") + ` END AS summary,
	t.due_at, t.resolved_at, t.village, t.identity_restricted`

const sqlLineJoins = `FROM tickets t
	LEFT JOIN categories c ON c.id = t.category_id
	LEFT JOIN departments d ON d.id = t.department_id`

func (r lineRow) line() domain.TicketLine {
	due := r.DueAt
	l := domain.TicketLine{TrackingCode: r.TrackingCode, CreatedAt: r.CreatedAt, Kind: domain.Kind(r.Kind),
		Channel: domain.Channel(r.Channel), Category: r.Category, Department: r.Department,
		Status: domain.Status(r.Status), Title: domain.Summarize(r.Summary, "", 160), DueAt: &due, Village: r.Village}
	if r.Restricted {
		l.Title = domain.RestrictedSummary
	}
	if r.ResolvedAt.Valid {
		t := r.ResolvedAt.Time
		l.ResolvedAt = &t
	}
	return l
}

// overdueLines lists the tickets overdue at the report's end, the most
// overdue first; limit > 0 keeps that many.
func overdueLines(ctx context.Context, tx *sqlx.Tx, r *reportScope, limit int) ([]domain.TicketLine, error) {
	cond := r.overdue()
	sqlText := `SELECT ` + sqlLineColumns + ` ` + sqlLineJoins + ` WHERE ` + r.q.clause() + ` AND ` + cond +
		` ORDER BY t.due_at, t.id`
	if limit > 0 {
		sqlText += fmt.Sprintf(" LIMIT %d", limit)
	}
	return selectLines(ctx, tx, sqlText, r.q.args)
}

// receivedLines lists every ticket received in the period, in order.
func receivedLines(ctx context.Context, tx *sqlx.Tx, r *reportScope) ([]domain.TicketLine, error) {
	cond := `t.created_at >= ` + r.S() + ` AND t.created_at < ` + r.E()
	sqlText := `SELECT ` + sqlLineColumns + ` ` + sqlLineJoins + ` WHERE ` + r.q.clause() + ` AND ` + cond +
		` ORDER BY t.created_at, t.id`
	return selectLines(ctx, tx, sqlText, r.q.args)
}

func selectLines(ctx context.Context, tx *sqlx.Tx, sqlText string, args []any) ([]domain.TicketLine, error) {
	var lines []domain.TicketLine
	err := eachLine(ctx, tx, sqlText, args, func(l domain.TicketLine) error {
		lines = append(lines, l)
		return nil
	})
	return lines, err
}

// eachLine runs the query and calls fn with each row as it arrives.
func eachLine(ctx context.Context, db sqlx.QueryerContext, sqlText string, args []any, fn func(domain.TicketLine) error) error {
	rows, err := db.QueryxContext(ctx, sqlText, args...)
	if err != nil {
		return fmt.Errorf("ticket lines: %w", mapError(err, ""))
	}
	defer rows.Close()
	var r lineRow
	for rows.Next() {
		if err := rows.StructScan(&r); err != nil {
			return fmt.Errorf("ticket lines: %w", mapError(err, ""))
		}
		if err := fn(r.line()); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("ticket lines: %w", mapError(err, ""))
	}
	return nil
}

// exportFilter adds the queue's filters to q, but for the default to open
// tickets: an export without a status takes every status.
func exportFilter(q *query, f domain.TicketFilter, now time.Time) {
	if len(f.Statuses) > 0 {
		ss := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			ss[i] = string(st)
		}
		q.where("t.status = ANY(" + q.arg(pq.StringArray(ss)) + ")")
	}
	q.filters(f, now)
}

// ExportTickets calls fn with every ticket within sc that ex selects, in
// order of receipt, as the rows arrive from PostgreSQL (memory stays
// constant however many there are). The lines carry no personal data. It
// returns fn's error, or the database's.
func (s *Store) ExportTickets(ctx context.Context, sc domain.Scope, ex domain.TicketExport, fn func(domain.TicketLine) error) error {
	var q query
	q.scope(sc, "t")
	exportFilter(&q, ex.Filter, s.now())
	loc := domain.VietnamLocation()
	if ex.From != nil {
		f := *ex.From
		q.where("t.created_at >= " + q.arg(time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, loc)))
	}
	if ex.To != nil {
		t := *ex.To
		q.where("t.created_at < " + q.arg(time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, 1)))
	}
	sqlText := `SELECT ` + sqlLineColumns + ` ` + sqlLineJoins + ` WHERE ` + q.clause() + ` ORDER BY t.created_at, t.id`
	return eachLine(ctx, s.db, sqlText, q.args, fn)
}
