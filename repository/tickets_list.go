package repository

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/lib/pq"

	"caunoi/domain"
)

// query builds a WHERE clause from appended conditions with numbered
// parameters, so optional filters add both at once.
type query struct {
	conds []string
	args  []any
}

// arg adds a parameter and returns its placeholder.
func (q *query) arg(v any) string {
	q.args = append(q.args, v)
	return fmt.Sprintf("$%d", len(q.args))
}

func (q *query) where(cond string) { q.conds = append(q.conds, cond) }

func (q *query) clause() string {
	if len(q.conds) == 0 {
		return "TRUE"
	}
	return strings.Join(q.conds, " AND ")
}

// scope adds the caller's scope to the query: a unit and the units below it
// for admins and leaders, one department for heads and staff. Every staff
// query goes through here, so a ticket outside the scope is never found.
func (q *query) scope(sc domain.Scope, alias string) {
	switch {
	case sc.Role.UnitWide():
		q.where(fmt.Sprintf("%s.unit_id IN (SELECT unit_subtree(%s))", alias, q.arg(sc.UnitID)))
	case sc.DepartmentID != nil:
		q.where(fmt.Sprintf("%s.department_id = %s", alias, q.arg(*sc.DepartmentID)))
	default:
		q.where("FALSE")
	}
}

// searchWords returns the folded words of a search, as the index folds them.
func searchWords(s string) []string {
	f := domain.Fold(s)
	words := strings.FieldsFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > 8 {
		words = words[:8]
	}
	return words
}

// searchQuery returns the tsquery of a search: every folded word must
// appear, the last one as a prefix (the user may still be typing it).
// Words hold only letters and digits, so nothing of tsquery's syntax gets in.
func searchQuery(s string) string {
	words := searchWords(s)
	if len(words) == 0 {
		return ""
	}
	words[len(words)-1] += ":*"
	return strings.Join(words, " & ")
}

// filters adds the queue's filters but for statuses and paging: unit,
// department and category by code, kind, channel, assignee, overdue and the
// search: a tracking code (or its part after the dash), else the folded
// full text.
func (q *query) filters(f domain.TicketFilter, now time.Time) {
	if f.Unit != "" {
		q.where("t.unit_id = (SELECT id FROM units WHERE code = " + q.arg(f.Unit) + ")")
	}
	if f.Department != "" {
		q.where("t.department_id IN (SELECT id FROM departments WHERE code = " + q.arg(f.Department) + ")")
	}
	if f.Category != "" {
		q.where("t.category_id IN (SELECT id FROM categories WHERE code = " + q.arg(f.Category) + ")")
	}
	if f.Kind != "" {
		q.where("t.kind = " + q.arg(string(f.Kind)))
	}
	if f.Channel != "" {
		q.where("t.channel = " + q.arg(string(f.Channel)))
	}
	if f.AssigneeID != nil {
		q.where("t.assignee_id = " + q.arg(*f.AssigneeID))
	}
	if f.Overdue {
		q.where("t.due_at < " + q.arg(now) + " AND " + sqlRunning)
	}
	if code, tail := domain.TrackingSearch(f.Query); code != "" {
		q.where("t.tracking_code = " + q.arg(code)) // the code a citizen reads out: that ticket alone
	} else {
		var alts []string
		if tsq := searchQuery(f.Query); tsq != "" {
			alts = append(alts, "t.search_vector @@ to_tsquery('simple', "+q.arg(tsq)+")")
		}
		if tail != "" {
			alts = append(alts, "right(t.tracking_code, "+strconv.Itoa(len(tail))+") = "+q.arg(tail))
		}
		if len(alts) > 0 {
			q.where("(" + strings.Join(alts, " OR ") + ")")
		}
	}
}

// TicketIDByCode returns the id of the ticket with that tracking code
// (canonical) within sc, or not_found: staff open a ticket by the code a
// citizen reads out.
func (s *Store) TicketIDByCode(ctx context.Context, sc domain.Scope, code string) (int64, error) {
	var q query
	q.where("t.tracking_code = " + q.arg(code))
	q.scope(sc, "t")
	var id int64
	err := s.db.GetContext(ctx, &id, `SELECT t.id FROM tickets t WHERE `+q.clause(), q.args...)
	return id, mapError(err, "phản ánh|ticket")
}

type itemRow struct {
	ID           int64          `db:"id"`
	TrackingCode string         `db:"tracking_code"`
	Title        string         `db:"title"`
	Body         string         `db:"body"`
	Status       string         `db:"status"`
	Kind         string         `db:"kind"`
	Channel      string         `db:"channel"`
	UnitID       int64          `db:"unit_id"`
	CategoryID   sql.NullInt64  `db:"category_id"`
	DepartmentID sql.NullInt64  `db:"department_id"`
	AssigneeID   sql.NullInt64  `db:"assignee_id"`
	AssigneeName sql.NullString `db:"assignee_name"`
	CreatedAt    time.Time      `db:"created_at"`
	DueAt        time.Time      `db:"due_at"`
}

// itemColumns are the columns of a list's itemRow, in scanItems' order,
// from tickets t joined to its assignee a; units, departments and
// categories are named from the cached name table (items). The body's start
// is read only for a ticket without a title, which is named by it.
const itemColumns = `t.id, t.tracking_code, t.title, CASE WHEN t.title = '' THEN left(t.body, 200) ELSE '' END AS body,
	t.status, t.kind, t.channel, t.unit_id, t.category_id, t.department_id, t.assignee_id, a.name AS assignee_name,
	t.created_at, t.due_at`

// selectItems runs a list's query, whose columns are itemColumns, and reads
// its rows (by position: the queue's pages are read all day, and sqlx's
// reflection was a fifth of a page's time in the server).
func (s *Store) selectItems(ctx context.Context, query string, args ...any) ([]itemRow, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, mapError(err, "")
	}
	defer rows.Close()
	out := make([]itemRow, 0, 51)
	for rows.Next() {
		var r itemRow
		if err := rows.Scan(&r.ID, &r.TrackingCode, &r.Title, &r.Body, &r.Status, &r.Kind, &r.Channel, &r.UnitID,
			&r.CategoryID, &r.DepartmentID, &r.AssigneeID, &r.AssigneeName, &r.CreatedAt, &r.DueAt); err != nil {
			return nil, mapError(err, "")
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err, "")
	}
	return out, nil
}

// items turns a list's rows into items, naming their unit, department and
// category, and marking the overdue ones as of now.
func (s *Store) items(ctx context.Context, rows []itemRow, now time.Time) ([]domain.TicketItem, error) {
	var units, depts, cats []int64
	for _, r := range rows {
		units = append(units, r.UnitID)
		if r.DepartmentID.Valid {
			depts = append(depts, r.DepartmentID.Int64)
		}
		if r.CategoryID.Valid {
			cats = append(cats, r.CategoryID.Int64)
		}
	}
	names, err := s.names(ctx, units, depts, cats)
	if err != nil {
		return nil, err
	}
	items := make([]domain.TicketItem, len(rows))
	for i, r := range rows {
		title := r.Title
		if title == "" {
			title = domain.Summarize("", r.Body, 80)
		}
		st := domain.Status(r.Status)
		cat, dept := names.categories[r.CategoryID.Int64], names.departments[r.DepartmentID.Int64]
		items[i] = domain.TicketItem{ID: r.ID, TrackingCode: r.TrackingCode, Title: title, Status: st,
			Kind: domain.Kind(r.Kind), Channel: domain.Channel(r.Channel), UnitCode: names.units[r.UnitID].Code,
			UnitName:     names.units[r.UnitID].Name,
			CategoryCode: cat.Code, CategoryName: cat.Name, DepartmentCode: dept.Code, DepartmentName: dept.Name,
			AssigneeID: nullID(r.AssigneeID), AssigneeName: r.AssigneeName.String,
			CreatedAt: r.CreatedAt, DueAt: r.DueAt,
			Overdue: st != domain.StatusWaitingCitizen && st.Open() && now.After(r.DueAt)}
	}
	return items, nil
}

// ListTickets returns one page of the queue in due order (keyset paging on
// due time and id, stable while tickets change) and the cursor of the next
// page (nil at the end). Only tickets within sc are returned.
func (s *Store) ListTickets(ctx context.Context, sc domain.Scope, f domain.TicketFilter) ([]domain.TicketItem, *domain.Cursor, error) {
	now := s.now()
	limit := f.Limit
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	var q query
	if err := s.scopeUnits(ctx, &q, sc); err != nil {
		return nil, nil, err
	}
	statuses := f.Statuses
	if len(statuses) == 0 {
		statuses = domain.OpenStatuses
	}
	ss := make([]string, len(statuses))
	for i, st := range statuses {
		ss[i] = string(st)
	}
	if sameSet(statuses, domain.OpenStatuses) {
		// spelled out, so the planner matches the partial queue indexes
		q.where("t.status IN ('new', 'assigned', 'in_progress', 'waiting_citizen')")
	} else {
		q.where("t.status = ANY(" + q.arg(pq.StringArray(ss)) + ")")
	}
	q.filters(f, now)
	if f.After != nil {
		q.where(fmt.Sprintf("(t.due_at, t.id) > (%s, %s)", q.arg(f.After.DueAt), q.arg(f.After.ID)))
	}
	where := q.clause()
	if f.Query != "" {
		// The page's ids first, then their rows: the ids of a search can
		// come from the due-order index alone (it holds the unit and the
		// folded words), without visiting the table for every ticket the
		// search passes over.
		where = `t.id IN (SELECT t.id FROM tickets t WHERE ` + where + `
			ORDER BY t.due_at, t.id LIMIT ` + q.arg(limit+1) + `)`
	}
	sqlText := `SELECT ` + itemColumns + `
		FROM tickets t LEFT JOIN users a ON a.id = t.assignee_id
		WHERE ` + where + `
		ORDER BY t.due_at, t.id
		LIMIT ` + q.arg(limit+1)
	rows, err := s.selectItems(ctx, sqlText, q.args...)
	if err != nil {
		return nil, nil, err
	}
	var next *domain.Cursor
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[limit-1]
		next = &domain.Cursor{DueAt: last.DueAt, ID: last.ID}
	}
	items, err := s.items(ctx, rows, now)
	if err != nil {
		return nil, nil, err
	}
	return items, next, nil
}

func sameSet(a, b []domain.Status) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		found := false
		for _, y := range b {
			if x == y {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}
