package repository

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"caunoi/domain"
)

// Lists a roll-up report carries at most: the most overdue tickets first.
const rollupOverdueCap = 500

// reportTZ is the time zone of report days and weeks.
const reportTZ = "Asia/Ho_Chi_Minh"

// reportUnit is the unit a report is about, with the ids of its subtree.
type reportUnit struct {
	ID         int64          `db:"id"`
	Code       string         `db:"code"`
	Name       string         `db:"name"`
	Level      string         `db:"level"`
	ParentName sql.NullString `db:"parent_name"`
	Children   bool           `db:"children"`
	Subtree    pq.Int64Array  `db:"subtree"`
}

// reportScope builds one report query's WHERE clause over tickets t: the
// unit's subtree (and a department scope's department), and the period's
// bounds as parameters added when first used (PostgreSQL refuses unused
// ones). Use a fresh one for each query.
type reportScope struct {
	q            query
	sc           domain.Scope
	units        []int64
	startT, endT time.Time
	cutT         time.Time        // min(period end, now): the overdue line
	times        map[int64]string // placeholders of the times used, by instant
}

// newReportScope scopes to units, the subtree of a unit reportUnitOf found
// within sc: a unit-wide scope holds the whole subtree, so the units are the
// whole condition; a department scope adds its department. The units are
// listed rather than computed in SQL so the planner can read a period's
// tickets through its indexes.
func newReportScope(sc domain.Scope, units []int64, start, end, cut time.Time) *reportScope {
	r := &reportScope{sc: sc, units: units, startT: start, endT: end, cutT: cut, times: map[int64]string{}}
	if !sc.Role.UnitWide() {
		r.q.scope(sc, "t")
	}
	if len(units) == 1 {
		r.q.where("t.unit_id = " + r.q.arg(units[0]))
	} else {
		r.q.where("t.unit_id = ANY(" + r.q.arg(pq.Int64Array(units)) + ")")
	}
	return r
}

// fresh returns a new scope for another query over the same period.
func (r *reportScope) fresh() *reportScope {
	return newReportScope(r.sc, r.units, r.startT, r.endT, r.cutT)
}

// at is the placeholder of t, added on first use.
func (r *reportScope) at(t time.Time) string {
	k := t.UnixNano()
	if p, ok := r.times[k]; ok {
		return p
	}
	p := r.q.arg(t) + "::timestamptz"
	r.times[k] = p
	return p
}

func (r *reportScope) S() string { return r.at(r.startT) }
func (r *reportScope) E() string { return r.at(r.endT) }
func (r *reportScope) C() string { return r.at(r.cutT) }

// Open statuses, spelled out so the planner matches the partial indexes.
const (
	sqlOpen    = "t.status IN ('new', 'assigned', 'in_progress', 'waiting_citizen')"
	sqlRunning = "t.status IN ('new', 'assigned', 'in_progress')" // the clock runs
)

// overdue is the condition of a ticket overdue at the report's end: open,
// its clock running (not waiting for the citizen), due before the period's
// end or now, whichever is earlier.
func (r *reportScope) overdue() string {
	return fmt.Sprintf("(%s AND t.created_at < %s AND t.due_at < %s)", sqlRunning, r.E(), r.C())
}

// bounds are a period as placeholders: [s, e), and c the overdue line.
type bounds struct{ s, e, c string }

func (r *reportScope) bounds(start, end, cut time.Time) bounds {
	return bounds{r.at(start), r.at(end), r.at(cut)}
}

// flags are the columns of what a ticket of the population p counts for in
// the period, their names starting with pre: received in it, resolved in
// it, resolved on time (by the due time in force, which extensions and the
// waiting_citizen pause have moved), open now and received before its end,
// overdue at its end; the hours to the first response (of those received)
// and to resolution, and the rating (of those resolved). A false condition
// may be NULL: FILTER and OR take it as false.
func (p bounds) flags(pre string) string {
	rec := "p.created_at >= " + p.s + " AND p.created_at < " + p.e
	res := "p.resolved_at >= " + p.s + " AND p.resolved_at < " + p.e
	return rec + ` AS ` + pre + `rec,
		` + res + ` AS ` + pre + `res,
		` + res + ` AND p.resolved_at <= p.due_at AS ` + pre + `ontime,
		` + strings.ReplaceAll(sqlOpen, "t.", "p.") + ` AND p.created_at < ` + p.e + ` AS ` + pre + `open,
		` + strings.ReplaceAll(sqlRunning, "t.", "p.") + ` AND p.created_at < ` + p.e + ` AND p.due_at < ` + p.c + ` AS ` + pre + `overdue,
		CASE WHEN ` + rec + ` THEN date_part('epoch', p.first_response_at - p.created_at) / 3600 END AS ` + pre + `frh,
		CASE WHEN ` + res + ` THEN date_part('epoch', p.resolved_at - p.created_at) / 3600 END AS ` + pre + `rh,
		CASE WHEN ` + res + ` THEN p.rating END AS ` + pre + `rating`
}

// totals is the JSON object of a period's totals over b, from its flags
// named with pre.
func totals(pre string) string {
	return `json_build_object('received', count(*) FILTER (WHERE ` + pre + `rec),
		'resolved', count(*) FILTER (WHERE ` + pre + `res), 'ontime', count(*) FILTER (WHERE ` + pre + `ontime),
		'open', count(*) FILTER (WHERE ` + pre + `open), 'overdue', count(*) FILTER (WHERE ` + pre + `overdue),
		'frh', percentile_cont(0.5) WITHIN GROUP (ORDER BY ` + pre + `frh),
		'rh', percentile_cont(0.5) WITHIN GROUP (ORDER BY ` + pre + `rh),
		'rated', count(` + pre + `rating), 'rating', avg(` + pre + `rating)::float8)`
}

// population selects, once each, every ticket that a period within
// [from, end) looks at: received in it; resolved in it and received before
// it; open and received before it (and not resolved in it). Each arm reads
// an index that fits a province's many units as well as one unit's
// (tickets_created, tickets_resolved_created, tickets_open_created; their
// unit_* counterparts for one unit); the open arm reads only columns of its
// index, and leaves NULL what such a ticket never counts for. place is the
// column of the last breakdown.
func (r *reportScope) population(place string, from, end string) string {
	cols := "t.channel, t.kind, t.category_id, t.department_id, " + place + " AS place, t.status, t.created_at, t.resolved_at, t.due_at"
	where := r.q.clause()
	return `SELECT ` + cols + `, t.first_response_at, t.rating FROM tickets t
			WHERE ` + where + ` AND t.created_at >= ` + from + ` AND t.created_at < ` + end + `
		UNION ALL
		SELECT ` + cols + `, t.first_response_at, t.rating FROM tickets t
			WHERE ` + where + ` AND t.resolved_at >= ` + from + ` AND t.resolved_at < ` + end + ` AND t.created_at < ` + from + `
		UNION ALL
		SELECT ` + cols + `, NULL, NULL FROM tickets t
			WHERE ` + where + ` AND ` + sqlOpen + ` AND t.created_at < ` + from + `
			AND (t.resolved_at IS NULL OR t.resolved_at < ` + from + ` OR t.resolved_at >= ` + end + `)`
}

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

// groupRow is a breakdown row, or a week's counts (dims week_received and
// week_resolved, keyed by the week's Monday).
type groupRow struct {
	Dim      string  `json:"dim"`
	Key      *string `json:"key"`
	Received int     `json:"received"`
	Resolved int     `json:"resolved"`
	OnTime   int     `json:"ontime"`
	Overdue  int     `json:"overdue"`
}

// weekRow is a week's counts.
type weekRow struct{ Received, Resolved int }

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
		if err := reportSettings(ctx, tx); err != nil {
			return err
		}
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

// reportSettings tunes the planner for the report's transaction. A report
// reads a period's tickets through the period indexes, whose rows lie
// together in the table (received, or resolved, about the same time); at the
// default random_page_cost (4, for disks that seek) the planner reads the
// tickets resolved in the period through tickets_created instead, every
// ticket received before it. Every row of the population comes up to one
// process, which aggregates it: parallel workers would pass the rows (a
// quarter of a million for a province's month) through their queues, which
// costs more than they save (1.0-1.5 s without them, 1.1-1.9 s with them on
// the 2-core machine). JIT compiling (about 0.1 s a query at a million
// tickets) saves nothing on these queries.
func reportSettings(ctx context.Context, tx *sqlx.Tx) error {
	_, err := tx.ExecContext(ctx, `SELECT set_config('random_page_cost', '1.1', true), set_config('jit', 'off', true),
		set_config('max_parallel_workers_per_gather', '0', true)`)
	return mapError(err, "")
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
// code is empty), with its subtree. A department scope reaches its own unit
// only.
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
			EXISTS (SELECT 1 FROM units c WHERE c.parent_id = u.id) AS children,
			array(SELECT unit_subtree(u.id)) AS subtree
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
	sum := &domain.Summary{Unit: u.Code, UnitName: u.Name, UnitLevel: domain.UnitLevel(u.Level),
		ParentName: u.ParentName.String, GeneratedAt: now.In(loc)}
	sum.From, sum.To = dayString(from), dayString(to)
	pf, pt := domain.PreviousPeriod(from, to)

	r := newReportScope(sc, u.Subtree, start, end, earlier(end, now))
	cur, prev, groups, err := reportFigures(ctx, tx, r, pf, u.Children)
	if err != nil {
		return nil, err
	}
	sum.Figures = cur.figures(sum.From, sum.To)
	p := prev.figures(dayString(pf), dayString(pt))
	sum.Previous = &p
	groups, weeks := splitWeeks(groups)
	if err := fillBreakdowns(ctx, tx, sum, groups, u); err != nil {
		return nil, err
	}
	sum.Weekly = weekly(from, to, weeks)

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

// earlier returns the earlier of a and b.
func earlier(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// reportFigures computes the totals of r's period and of the previous one
// (from prevStart to r's start), and r's breakdowns and weekly counts, in one
// pass over the tickets of both periods: b is that population with what each
// ticket counts for in each period (c_ the report's, p_ the previous one);
// the totals aggregate b once, the breakdowns and weeks are the grouping sets
// of one more aggregate over the report period's part of b.
func reportFigures(ctx context.Context, tx *sqlx.Tx, r *reportScope, prevStart time.Time, rollup bool) (cur, prev totalsRow, groups []groupRow, err error) {
	place := "nullif(t.village, '')"
	if rollup {
		place = "t.unit_id"
	}
	c := r.bounds(r.startT, r.endT, r.cutT)
	p := r.bounds(prevStart, r.startT, earlier(r.startT, r.cutT))
	week := func(col, cond string) string {
		return `CASE WHEN ` + cond + ` THEN date_trunc('week', ` + col + ` AT TIME ZONE '` + reportTZ + `') END`
	}
	sqlText := `WITH b AS MATERIALIZED (SELECT p.channel, p.kind, p.category_id, p.department_id, p.place,
			` + week("p.created_at", "p.created_at >= "+c.s+" AND p.created_at < "+c.e) + ` AS wc,
			` + week("p.resolved_at", "p.resolved_at >= "+c.s+" AND p.resolved_at < "+c.e) + ` AS wr,
			` + c.flags("c_") + `,
			` + p.flags("p_") + `
		FROM (` + r.population(place, p.s, c.e) + `) p),
	totals AS (SELECT ` + totals("c_") + ` AS cur, ` + totals("p_") + ` AS prev FROM b),
	groups AS (SELECT CASE WHEN grouping(channel) = 0 THEN 'channel' WHEN grouping(kind) = 0 THEN 'kind'
				WHEN grouping(category_id) = 0 THEN 'category' WHEN grouping(department_id) = 0 THEN 'department'
				WHEN grouping(place) = 0 THEN 'place' WHEN grouping(wc) = 0 THEN 'week_received'
				ELSE 'week_resolved' END AS dim,
			coalesce(channel, kind, category_id::text, department_id::text, place::text,
				to_char(wc, 'YYYY-MM-DD'), to_char(wr, 'YYYY-MM-DD')) AS key,
			count(*) FILTER (WHERE c_rec) AS received, count(*) FILTER (WHERE c_res) AS resolved,
			count(*) FILTER (WHERE c_ontime) AS ontime, count(*) FILTER (WHERE c_overdue) AS overdue
		FROM b WHERE c_rec OR c_res OR c_open
		GROUP BY GROUPING SETS ((channel), (kind), (category_id), (department_id), (place), (wc), (wr)))
	SELECT t.cur, t.prev, coalesce((SELECT json_agg(g) FROM groups g), '[]') AS groups FROM totals t`
	var raw struct {
		Cur    []byte `db:"cur"`
		Prev   []byte `db:"prev"`
		Groups []byte `db:"groups"`
	}
	if err = sqlx.GetContext(ctx, tx, &raw, sqlText, r.q.args...); err != nil {
		return cur, prev, nil, fmt.Errorf("report figures: %w", mapError(err, ""))
	}
	if err = json.Unmarshal(raw.Cur, &cur); err == nil {
		err = json.Unmarshal(raw.Prev, &prev)
	}
	if err == nil {
		err = json.Unmarshal(raw.Groups, &groups)
	}
	if err != nil {
		return cur, prev, nil, domain.Internal(fmt.Errorf("report figures: %w", err))
	}
	return cur, prev, groups, nil
}

// splitWeeks takes the weekly counts out of the grouped rows, by week.
func splitWeeks(rows []groupRow) ([]groupRow, map[string]weekRow) {
	var groups []groupRow
	weeks := map[string]weekRow{}
	for _, g := range rows {
		switch {
		case g.Dim != "week_received" && g.Dim != "week_resolved":
			groups = append(groups, g)
		case g.Key != nil: // (the key is NULL for the tickets of no week)
			w := weeks[*g.Key]
			if g.Dim == "week_received" {
				w.Received = g.Received
			} else {
				w.Resolved = g.Resolved
			}
			weeks[*g.Key] = w
		}
	}
	return groups, weeks
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
func weekly(from, to time.Time, byWeek map[string]weekRow) []domain.WeekCount {
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
		sum.ByUnit = domain.RankUnits(list("unit"))
	}
	return nil
}
