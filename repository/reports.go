package repository

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"caunoi/domain"
)

// Lists a roll-up report carries at most: the most overdue tickets first.
const rollupOverdueCap = 500

// reportTZ is the time zone of report days and weeks.
const reportTZ = "Asia/Ho_Chi_Minh"

// reportUnit is the unit a report is about.
type reportUnit struct {
	ID         int64          `db:"id"`
	Code       string         `db:"code"`
	Name       string         `db:"name"`
	Level      string         `db:"level"`
	ParentName sql.NullString `db:"parent_name"`
	Children   bool           `db:"children"`
}

// reportScope builds one report query's WHERE clause over tickets t: the
// caller's scope and the unit's subtree, and the period's bounds as
// parameters added when first used (PostgreSQL refuses unused ones). Use a
// fresh one for each query.
type reportScope struct {
	q               query
	sc              domain.Scope
	unitID          int64
	startT, endT    time.Time
	cutT            time.Time // min(period end, now): the overdue line
	start, end, cut string    // placeholders, once used
}

func newReportScope(sc domain.Scope, unitID int64, start, end, cut time.Time) *reportScope {
	r := &reportScope{sc: sc, unitID: unitID, startT: start, endT: end, cutT: cut}
	r.q.scope(sc, "t")
	if !sc.Role.UnitWide() || sc.UnitID != unitID { // else the scope is the subtree already
		r.q.where("t.unit_id IN (SELECT unit_subtree(" + r.q.arg(unitID) + "))")
	}
	return r
}

// fresh returns a new scope for another query over the same period.
func (r *reportScope) fresh() *reportScope {
	return newReportScope(r.sc, r.unitID, r.startT, r.endT, r.cutT)
}

func (r *reportScope) ts(p *string, t time.Time) string {
	if *p == "" {
		*p = r.q.arg(t) + "::timestamptz"
	}
	return *p
}

func (r *reportScope) S() string { return r.ts(&r.start, r.startT) }
func (r *reportScope) E() string { return r.ts(&r.end, r.endT) }
func (r *reportScope) C() string { return r.ts(&r.cut, r.cutT) }

// Open statuses, spelled out so the planner matches the partial indexes.
const (
	sqlOpen    = "t.status IN ('new', 'assigned', 'in_progress', 'waiting_citizen')"
	sqlRunning = "t.status IN ('new', 'assigned', 'in_progress')" // the clock runs
)

// population is every ticket a period's figures look at: received in it,
// resolved in it, or received before its end and still open.
func (r *reportScope) population() string {
	return r.q.clause() + fmt.Sprintf(` AND ((t.created_at >= %[1]s AND t.created_at < %[2]s)
		OR (t.resolved_at >= %[1]s AND t.resolved_at < %[2]s)
		OR (%[3]s AND t.created_at < %[2]s))`, r.S(), r.E(), sqlOpen)
}

// overdue is the condition of a ticket overdue at the report's end: open,
// its clock running (not waiting for the citizen), due before the period's
// end or now, whichever is earlier.
func (r *reportScope) overdue() string {
	return fmt.Sprintf("(%s AND t.created_at < %s AND t.due_at < %s)", sqlRunning, r.E(), r.C())
}

// flags is the CTE of the population with what each ticket counts for.
func (r *reportScope) flags() string {
	s, e := r.S(), r.E()
	return `SELECT t.channel, t.kind, t.category_id, t.department_id, t.village, t.unit_id, t.created_at, t.resolved_at,
			(t.created_at >= ` + s + ` AND t.created_at < ` + e + `) AS rec,
			coalesce(t.resolved_at >= ` + s + ` AND t.resolved_at < ` + e + `, false) AS res,
			coalesce(t.resolved_at >= ` + s + ` AND t.resolved_at < ` + e + ` AND t.resolved_at <= t.due_at, false) AS ontime,
			(` + sqlOpen + ` AND t.created_at < ` + e + `) AS open,
			` + r.overdue() + ` AS overdue,
			CASE WHEN t.created_at >= ` + s + ` AND t.created_at < ` + e + ` AND t.first_response_at IS NOT NULL
				THEN extract(epoch FROM t.first_response_at - t.created_at) / 3600 END AS frh,
			CASE WHEN t.resolved_at >= ` + s + ` AND t.resolved_at < ` + e + `
				THEN extract(epoch FROM t.resolved_at - t.created_at) / 3600 END AS rh,
			CASE WHEN t.resolved_at >= ` + s + ` AND t.resolved_at < ` + e + ` THEN t.rating END AS rating
		FROM tickets t WHERE ` + r.population()
}

const sqlTotals = `SELECT count(*) FILTER (WHERE rec) AS received, count(*) FILTER (WHERE res) AS resolved,
		count(*) FILTER (WHERE ontime) AS ontime, count(*) FILTER (WHERE open) AS open,
		count(*) FILTER (WHERE overdue) AS overdue,
		percentile_cont(0.5) WITHIN GROUP (ORDER BY frh) AS frh,
		percentile_cont(0.5) WITHIN GROUP (ORDER BY rh) AS rh,
		count(rating) AS rated, avg(rating)::float8 AS rating
	FROM b`

// sqlCounts are a breakdown row's counts.
const sqlCounts = `count(*) FILTER (WHERE rec) AS received, count(*) FILTER (WHERE res) AS resolved,
		count(*) FILTER (WHERE ontime) AS ontime, count(*) FILTER (WHERE overdue) AS overdue`

type totalsRow struct {
	Received int      `json:"received"`
	Resolved int      `json:"resolved"`
	OnTime   int      `json:"ontime"`
	Open     int      `json:"open"`
	Overdue  int      `json:"overdue"`
	FRH      *float64 `json:"frh"`
	RH       *float64 `json:"rh"`
	Rated    int      `json:"rated"`
	Rating   *float64 `json:"rating"`
}

type groupRow struct {
	Dim      string  `json:"dim"`
	Key      *string `json:"key"`
	Received int     `json:"received"`
	Resolved int     `json:"resolved"`
	OnTime   int     `json:"ontime"`
	Overdue  int     `json:"overdue"`
}

type weekRow struct {
	Week     string `json:"week"`
	Received int    `json:"received"`
	Resolved int    `json:"resolved"`
}

// ReportSummary returns the summary of the unit req.Unit (the caller's unit
// when empty) over req's days, computed in PostgreSQL: totals, medians and
// satisfaction, the breakdowns by channel, kind, category, department and
// village (or, for a unit with units below it, by unit), the weekly counts,
// the previous period of the same length and the overdue list. A department
// scope (a head) restricts every figure to its department. It returns
// not_found for a unit outside sc, invalid_input for a bad period.
func (s *Store) ReportSummary(ctx context.Context, sc domain.Scope, req domain.ReportRequest) (*domain.Summary, error) {
	if req.From.IsZero() || req.To.Before(req.From) || domain.PeriodDays(req.From, req.To) > domain.MaxReportDays {
		return nil, domain.Invalid("Kỳ báo cáo không hợp lệ.", "Invalid report period.", map[string]string{"from": "invalid"})
	}
	now := s.now()
	var out *domain.Summary
	err := s.readOnly(ctx, func(tx *sqlx.Tx) error {
		u, err := reportUnitOf(ctx, tx, sc, req.Unit)
		if err != nil {
			return err
		}
		out, err = summarize(ctx, tx, sc, u, req, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readOnly runs fn in a read-only transaction with one snapshot, so every
// figure of a report is of the same moment.
func (s *Store) readOnly(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return mapError(err, "")
	}
	defer tx.Rollback() //nolint:errcheck // read-only
	if err := fn(tx); err != nil {
		return err
	}
	return mapError(tx.Commit(), "")
}

// reportUnitOf finds the unit by code within sc (the caller's own unit when
// code is empty). A department scope reaches its own unit only.
func reportUnitOf(ctx context.Context, tx sqlx.QueryerContext, sc domain.Scope, code string) (reportUnit, error) {
	var q query
	if code == "" {
		q.where("u.id = " + q.arg(sc.UnitID))
	} else {
		q.where("u.code = " + q.arg(code))
	}
	switch {
	case sc.Role.UnitWide():
		q.where("u.id IN (SELECT unit_subtree(" + q.arg(sc.UnitID) + "))")
	case sc.DepartmentID != nil:
		q.where("u.id = (SELECT unit_id FROM departments WHERE id = " + q.arg(*sc.DepartmentID) + ")")
	default:
		q.where("FALSE")
	}
	var u reportUnit
	err := sqlx.GetContext(ctx, tx, &u, `SELECT u.id, u.code, u.name, u.level, p.name AS parent_name,
			EXISTS (SELECT 1 FROM units c WHERE c.parent_id = u.id) AS children
		FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE `+q.clause(), q.args...)
	if err != nil {
		return u, mapError(err, "đơn vị|unit")
	}
	return u, nil
}

func dayString(t time.Time) string { return t.Format("2006-01-02") }

// summarize builds the summary of u in one snapshot.
func summarize(ctx context.Context, tx *sqlx.Tx, sc domain.Scope, u reportUnit, req domain.ReportRequest, now time.Time) (*domain.Summary, error) {
	loc := domain.VietnamLocation()
	from := time.Date(req.From.Year(), req.From.Month(), req.From.Day(), 0, 0, 0, 0, loc)
	to := time.Date(req.To.Year(), req.To.Month(), req.To.Day(), 0, 0, 0, 0, loc)
	start, end := from, to.AddDate(0, 0, 1)
	cut := end
	if now.Before(cut) {
		cut = now
	}
	sum := &domain.Summary{Unit: u.Code, UnitName: u.Name, UnitLevel: domain.UnitLevel(u.Level),
		ParentName: u.ParentName.String, GeneratedAt: now.In(loc)}
	sum.From, sum.To = dayString(from), dayString(to)

	r := newReportScope(sc, u.ID, start, end, cut)
	dims := []string{"channel", "kind", "category_id::text", "department_id::text"}
	if u.Children {
		dims = append(dims, "unit_id::text")
	} else {
		dims = append(dims, "nullif(village, '')")
	}
	var sets string
	names := []string{"channel", "kind", "category", "department", "place"}
	for i, d := range dims {
		if i > 0 {
			sets += " UNION ALL "
		}
		sets += fmt.Sprintf("SELECT '%s' AS dim, %s AS key, %s FROM b GROUP BY 2", names[i], d, sqlCounts)
	}
	sqlText := `WITH b AS MATERIALIZED (` + r.flags() + `),
		totals AS (` + sqlTotals + `),
		groups AS (` + sets + `),
		weeks AS (SELECT to_char(w, 'YYYY-MM-DD') AS week, sum(rc)::int AS received, sum(rs)::int AS resolved FROM (
				SELECT date_trunc('week', created_at AT TIME ZONE '` + reportTZ + `') AS w, 1 AS rc, 0 AS rs FROM b WHERE rec
				UNION ALL
				SELECT date_trunc('week', resolved_at AT TIME ZONE '` + reportTZ + `'), 0, 1 FROM b WHERE res) x
			GROUP BY w)
		SELECT (SELECT row_to_json(totals) FROM totals) AS totals,
			coalesce((SELECT json_agg(groups) FROM groups), '[]') AS groups,
			coalesce((SELECT json_agg(weeks) FROM weeks), '[]') AS weeks`
	var raw struct {
		Totals []byte `db:"totals"`
		Groups []byte `db:"groups"`
		Weeks  []byte `db:"weeks"`
	}
	if err := sqlx.GetContext(ctx, tx, &raw, sqlText, r.q.args...); err != nil {
		return nil, fmt.Errorf("report figures: %w", mapError(err, ""))
	}
	var tot totalsRow
	var groups []groupRow
	var weeks []weekRow
	if err := json.Unmarshal(raw.Totals, &tot); err != nil {
		return nil, domain.Internal(fmt.Errorf("report totals: %w", err))
	}
	if err := json.Unmarshal(raw.Groups, &groups); err != nil {
		return nil, domain.Internal(fmt.Errorf("report groups: %w", err))
	}
	if err := json.Unmarshal(raw.Weeks, &weeks); err != nil {
		return nil, domain.Internal(fmt.Errorf("report weeks: %w", err))
	}
	sum.Figures = tot.figures(sum.From, sum.To)
	if err := fillBreakdowns(ctx, tx, sum, groups, u); err != nil {
		return nil, err
	}
	sum.Weekly = weekly(from, to, weeks)

	pf, pt := domain.PreviousPeriod(from, to)
	prev, err := periodFigures(ctx, tx, sc, u.ID, pf, pt, now)
	if err != nil {
		return nil, err
	}
	sum.Previous = &prev

	limit := 0
	if u.Children {
		limit = rollupOverdueCap
	}
	if sum.OverdueList, err = overdueLines(ctx, tx, r.fresh(), limit); err != nil {
		return nil, err
	}
	if req.Appendix && !u.Children {
		if sum.Tickets, err = receivedLines(ctx, tx, r.fresh()); err != nil {
			return nil, err
		}
	}
	return sum, nil
}

func (t totalsRow) figures(from, to string) domain.Figures {
	f := domain.Figures{From: from, To: to, Received: t.Received, Resolved: t.Resolved, ResolvedOnTime: t.OnTime,
		Open: t.Open, Overdue: t.Overdue, OnTimeRate: rate(t.OnTime, t.Resolved),
		MedianFirstResponseHours: round2(t.FRH), MedianResolutionHours: round2(t.RH)}
	f.Satisfaction.Count = t.Rated
	if t.Rating != nil {
		f.Satisfaction.Average = *round2(t.Rating)
	}
	return f
}

// periodFigures returns the totals of another period (the previous one).
func periodFigures(ctx context.Context, tx *sqlx.Tx, sc domain.Scope, unitID int64, from, to, now time.Time) (domain.Figures, error) {
	end := to.AddDate(0, 0, 1)
	cut := end
	if now.Before(cut) {
		cut = now
	}
	r := newReportScope(sc, unitID, from, end, cut)
	var raw []byte
	if err := sqlx.GetContext(ctx, tx, &raw, `WITH b AS MATERIALIZED (`+r.flags()+`), totals AS (`+sqlTotals+`)
		SELECT row_to_json(totals) FROM totals`, r.q.args...); err != nil {
		return domain.Figures{}, fmt.Errorf("report previous period: %w", mapError(err, ""))
	}
	var t totalsRow
	if err := json.Unmarshal(raw, &t); err != nil {
		return domain.Figures{}, domain.Internal(fmt.Errorf("report previous period: %w", err))
	}
	return t.figures(dayString(from), dayString(to)), nil
}

func rate(onTime, resolved int) float64 {
	if resolved == 0 {
		return 0
	}
	return float64(int(float64(onTime)/float64(resolved)*10000+0.5)) / 10000
}

func round2(f *float64) *float64 {
	if f == nil {
		return nil
	}
	v := float64(int64(*f*100+0.5)) / 100
	return &v
}

// weekly lists every week (from Monday) that meets the period, with its counts.
func weekly(from, to time.Time, rows []weekRow) []domain.WeekCount {
	byWeek := map[string]weekRow{}
	for _, w := range rows {
		byWeek[w.Week] = w
	}
	monday := from.AddDate(0, 0, -((int(from.Weekday()) + 6) % 7))
	var out []domain.WeekCount
	for d := monday; !d.After(to); d = d.AddDate(0, 0, 7) {
		k := dayString(d)
		w := byWeek[k]
		out = append(out, domain.WeekCount{WeekStart: k, Received: w.Received, Resolved: w.Resolved})
	}
	return out
}

type namedRow struct {
	ID   int64  `db:"id"`
	Code string `db:"code"`
	Name string `db:"name"`
}

// fillBreakdowns turns the grouped counts into named breakdowns: categories
// and departments merged by code across the units of a roll-up, units and
// villages by name; rows ordered by received, then name.
func fillBreakdowns(ctx context.Context, tx *sqlx.Tx, sum *domain.Summary, groups []groupRow, u reportUnit) error {
	idsOf := func(dim string) []int64 {
		var ids []int64
		for _, g := range groups {
			if g.Dim == dim && g.Key != nil {
				var id int64
				fmt.Sscan(*g.Key, &id)
				ids = append(ids, id)
			}
		}
		return ids
	}
	lookup := func(table string, ids []int64) (map[string]namedRow, error) {
		var rows []namedRow
		if err := sqlx.SelectContext(ctx, tx, &rows, `SELECT id, code, name FROM `+table+` WHERE id = ANY($1)`,
			pq.Array(ids)); err != nil {
			return nil, fmt.Errorf("report names: %w", mapError(err, ""))
		}
		m := make(map[string]namedRow, len(rows))
		for _, r := range rows {
			m[fmt.Sprint(r.ID)] = r
		}
		return m, nil
	}
	cats, err := lookup("categories", idsOf("category"))
	if err != nil {
		return err
	}
	depts, err := lookup("departments", idsOf("department"))
	if err != nil {
		return err
	}
	var units map[string]namedRow
	var children []namedRow
	if u.Children {
		if units, err = lookup("units", idsOf("place")); err != nil {
			return err
		}
		// every commune is ranked, those without tickets too
		if err := sqlx.SelectContext(ctx, tx, &children, `SELECT id, code, name FROM units
			WHERE parent_id = $1 AND active ORDER BY code`, u.ID); err != nil {
			return fmt.Errorf("report units: %w", mapError(err, ""))
		}
	}
	merged := map[string]map[string]*domain.Breakdown{}
	order := map[string][]string{}
	add := func(dim, key, name string, g groupRow) {
		m := merged[dim]
		if m == nil {
			m = map[string]*domain.Breakdown{}
			merged[dim] = m
		}
		b := m[key]
		if b == nil {
			b = &domain.Breakdown{Key: key, Name: name}
			m[key] = b
			order[dim] = append(order[dim], key)
		}
		b.Received += g.Received
		b.Resolved += g.Resolved
		b.OnTime += g.OnTime
		b.Overdue += g.Overdue
	}
	for _, c := range children {
		add("unit", c.Code, c.Name, groupRow{})
	}
	for _, g := range groups {
		key := ""
		if g.Key != nil {
			key = *g.Key
		}
		switch g.Dim {
		case "channel", "kind":
			add(g.Dim, key, "", g)
		case "category":
			if c, ok := cats[key]; ok {
				add(g.Dim, c.Code, c.Name, g)
			} else {
				add(g.Dim, "", "Chưa phân loại", g)
			}
		case "department":
			if d, ok := depts[key]; ok {
				add(g.Dim, d.Code, d.Name, g)
			} else {
				add(g.Dim, "", "Chưa phân công", g)
			}
		case "place":
			switch {
			case u.Children:
				if x, ok := units[key]; ok {
					add("unit", x.Code, x.Name, g)
				}
			case g.Key != nil: // villages where known
				add("village", key, key, g)
			}
		}
	}
	list := func(dim string) []domain.Breakdown {
		out := make([]domain.Breakdown, 0, len(order[dim]))
		for _, k := range order[dim] {
			b := *merged[dim][k]
			b.OnTimeRate = rate(b.OnTime, b.Resolved)
			out = append(out, b)
		}
		sort.SliceStable(out, func(i, j int) bool {
			if out[i].Received != out[j].Received {
				return out[i].Received > out[j].Received
			}
			return out[i].Key < out[j].Key
		})
		return out
	}
	sum.ByChannel, sum.ByKind = list("channel"), list("kind")
	sum.ByCategory, sum.ByDepartment = list("category"), list("department")
	sum.ByVillage = list("village")
	if u.Children {
		sum.ByUnit = rankUnits(list("unit"))
	}
	return nil
}

// rankUnits orders the units of a roll-up by on-time rate (those that
// resolved nothing last), then by resolved count, then by name.
func rankUnits(in []domain.Breakdown) []domain.Breakdown {
	sort.SliceStable(in, func(i, j int) bool {
		a, b := in[i], in[j]
		if (a.Resolved > 0) != (b.Resolved > 0) {
			return a.Resolved > 0
		}
		if a.OnTimeRate != b.OnTimeRate {
			return a.OnTimeRate > b.OnTimeRate
		}
		if a.Resolved != b.Resolved {
			return a.Resolved > b.Resolved
		}
		return a.Name < b.Name
	})
	return in
}
