package repository

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"caunoi/domain"
)

// SaveReport stores a report in the archive and returns its id. A scheduled
// report (week, month, quarter) is stored once per unit, period, first day
// and header, however many servers make it: when it exists already,
// SaveReport returns its id and created false.
func (s *Store) SaveReport(ctx context.Context, in domain.NewArchivedReport) (int64, bool, error) {
	if in.Summary == nil || len(in.PDF) == 0 {
		return 0, false, domain.Invalid("Báo cáo trống.", "Empty report.", nil)
	}
	sum, err := json.Marshal(in.Summary)
	if err != nil {
		return 0, false, domain.Internal(fmt.Errorf("save report: %w", err))
	}
	header := in.Header
	if header == "" {
		header = "ubnd"
	}
	var ids []int64
	err = s.db.SelectContext(ctx, &ids, `INSERT INTO reports (unit_id, period, period_from, period_to, header, summary, pdf, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (unit_id, period, period_from, header) WHERE period <> 'custom' DO NOTHING
		RETURNING id`, in.UnitID, in.Period, in.Summary.From, in.Summary.To, header, sum, in.PDF, in.By)
	if err != nil {
		return 0, false, fmt.Errorf("save report: %w", mapError(err, ""))
	}
	if len(ids) == 1 {
		return ids[0], true, nil
	}
	var id int64
	err = s.db.GetContext(ctx, &id, `SELECT id FROM reports WHERE unit_id = $1 AND period = $2 AND period_from = $3
		AND header = $4`, in.UnitID, in.Period, in.Summary.From, header)
	return id, false, mapError(err, "báo cáo|report")
}

// ReportUnit is a unit a scheduled report is due for.
type ReportUnit struct {
	ID   int64  `db:"id"`
	Code string `db:"code"`
}

// UnitsDueForReport returns the active units that have tickets received
// before the period's end (in their subtree) and no stored report of that
// period, first day and header yet.
func (s *Store) UnitsDueForReport(ctx context.Context, period string, from, to time.Time, header string) ([]ReportUnit, error) {
	end := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, domain.VietnamLocation()).AddDate(0, 0, 1)
	var out []ReportUnit
	err := s.db.SelectContext(ctx, &out, `SELECT u.id, u.code FROM units u
		WHERE u.active
		AND NOT EXISTS (SELECT 1 FROM reports r WHERE r.unit_id = u.id AND r.period = $1 AND r.period_from = $2
			AND r.header = $4)
		AND EXISTS (SELECT 1 FROM tickets t WHERE t.unit_id IN (SELECT unit_subtree(u.id)) AND t.created_at < $3)
		ORDER BY u.id`, period, dayString(from), end, header)
	if err != nil {
		return nil, fmt.Errorf("units due for a report: %w", mapError(err, ""))
	}
	return out, nil
}

type archiveRow struct {
	ID         int64     `db:"id"`
	Unit       string    `db:"unit"`
	UnitName   string    `db:"unit_name"`
	Period     string    `db:"period"`
	From       string    `db:"period_from"`
	To         string    `db:"period_to"`
	Header     string    `db:"header"`
	Received   int       `db:"received"`
	Resolved   int       `db:"resolved"`
	Overdue    int       `db:"overdue"`
	OnTimeRate float64   `db:"on_time_rate"`
	CreatedAt  time.Time `db:"created_at"`
}

const sqlArchiveColumns = `r.id, u.code AS unit, u.name AS unit_name, r.period,
	to_char(r.period_from, 'YYYY-MM-DD') AS period_from, to_char(r.period_to, 'YYYY-MM-DD') AS period_to, r.header,
	coalesce((r.summary->>'received')::int, 0) AS received, coalesce((r.summary->>'resolved')::int, 0) AS resolved,
	coalesce((r.summary->>'overdue')::int, 0) AS overdue,
	coalesce((r.summary->>'on_time_rate')::float8, 0) AS on_time_rate, r.created_at`

func (r archiveRow) report() domain.ArchivedReport { return domain.ArchivedReport(r) }

// archiveScope limits reports r to sc: the units of a unit-wide scope; a
// department scope sees none (the archive holds whole-unit reports).
func archiveScope(q *query, sc domain.Scope) {
	if sc.Role.UnitWide() {
		q.where("r.unit_id IN (SELECT unit_subtree(" + q.arg(sc.UnitID) + "))")
		return
	}
	q.where("FALSE")
}

// ListReports returns one page of the archive within sc, newest period
// first, and the cursor of the next page (nil at the end).
func (s *Store) ListReports(ctx context.Context, sc domain.Scope, f domain.ArchiveFilter) ([]domain.ArchivedReport, *domain.ArchiveCursor, error) {
	limit := f.Limit
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	var q query
	archiveScope(&q, sc)
	if f.Unit != "" {
		q.where("u.code = " + q.arg(f.Unit))
	}
	if f.Period != "" {
		q.where("r.period = " + q.arg(f.Period))
	}
	if f.After != nil {
		q.where(fmt.Sprintf("(r.period_from, r.id) < (%s::date, %s)", q.arg(f.After.PeriodFrom), q.arg(f.After.ID)))
	}
	var rows []archiveRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+sqlArchiveColumns+` FROM reports r JOIN units u ON u.id = r.unit_id
		WHERE `+q.clause()+` ORDER BY r.period_from DESC, r.id DESC LIMIT `+q.arg(limit+1), q.args...)
	if err != nil {
		return nil, nil, fmt.Errorf("list reports: %w", mapError(err, ""))
	}
	var next *domain.ArchiveCursor
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[limit-1]
		next = &domain.ArchiveCursor{PeriodFrom: last.From, ID: last.ID}
	}
	out := make([]domain.ArchivedReport, len(rows))
	for i, r := range rows {
		out[i] = r.report()
	}
	return out, next, nil
}

// ReportPDF returns a stored report and its PDF; not_found when there is no
// such report within sc.
func (s *Store) ReportPDF(ctx context.Context, sc domain.Scope, id int64) (domain.ArchivedReport, []byte, error) {
	var q query
	archiveScope(&q, sc)
	q.where("r.id = " + q.arg(id))
	var row struct {
		archiveRow
		PDF []byte `db:"pdf"`
	}
	err := s.db.GetContext(ctx, &row, `SELECT `+sqlArchiveColumns+`, r.pdf FROM reports r JOIN units u ON u.id = r.unit_id
		WHERE `+q.clause(), q.args...)
	if err != nil {
		return domain.ArchivedReport{}, nil, mapError(err, "báo cáo|report")
	}
	return row.report(), row.PDF, nil
}
