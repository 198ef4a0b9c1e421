package repository

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"caunoi/domain"
)

// catalogCache keeps each unit's Catalog until config_version moves. The
// version is read at most once per checkEvery, so a change made on another
// server is seen within that time; a change made here is seen at once.
type catalogCache struct {
	mu        sync.Mutex
	version   int64
	checkedAt time.Time
	byUnit    map[int64]*domain.Catalog
	byCode    map[string]int64
	subtrees  map[int64][]int64
	names     *nameTable
	gen       int64                  // counts the drops: a load begun before one is not kept
	loading   map[int64]*catalogLoad // the loads in flight, by unit
	loads     atomic.Int64           // catalogs loaded (for tests)
}

// catalogLoad is a unit's catalog being loaded; the callers who ask for it
// meanwhile wait for done.
type catalogLoad struct {
	gen  int64
	done chan struct{}
	cat  *domain.Catalog
	err  error
}

const checkEvery = 2 * time.Second

func newCatalogCache() *catalogCache {
	return &catalogCache{byUnit: map[int64]*domain.Catalog{}, byCode: map[string]int64{}, subtrees: map[int64][]int64{},
		loading: map[int64]*catalogLoad{}}
}

// drop forgets every cached catalog. c.mu is held.
func (c *catalogCache) drop() {
	c.byUnit = map[int64]*domain.Catalog{}
	c.byCode = map[string]int64{}
	c.subtrees = map[int64][]int64{}
	c.names = nil
	c.gen++
}

// Invalidate drops every cached catalog (after an admin's change here).
func (s *Store) Invalidate() {
	s.cache.mu.Lock()
	s.cache.drop()
	s.cache.checkedAt = time.Time{}
	s.cache.mu.Unlock()
	s.inbound.accounts.drop() // a unit deactivated takes its pages and OAs with it
}

// fresh drops the cache when the database's config_version has moved.
func (s *Store) fresh(ctx context.Context) error {
	c := s.cache
	c.mu.Lock()
	due := time.Since(c.checkedAt) > checkEvery
	c.mu.Unlock()
	if !due {
		return nil
	}
	var v int64
	if err := s.db.GetContext(ctx, &v, "SELECT version FROM config_version WHERE id = 1"); err != nil {
		return mapError(err, "")
	}
	c.mu.Lock()
	if v != c.version {
		c.drop()
		c.version = v
	}
	c.checkedAt = time.Now()
	c.mu.Unlock()
	return nil
}

// CatalogByCode returns the catalog of the unit with that code (not_found
// for an unknown or inactive unit).
func (s *Store) CatalogByCode(ctx context.Context, code string) (*domain.Catalog, error) {
	if !domain.IsCode(code) { // no query for what cannot be a code (invalid UTF-8, NUL, ...)
		return nil, domain.NotFound("đơn vị", "unit")
	}
	if err := s.fresh(ctx); err != nil {
		return nil, err
	}
	s.cache.mu.Lock()
	id, ok := s.cache.byCode[code]
	cat := s.cache.byUnit[id]
	s.cache.mu.Unlock()
	if ok && cat != nil {
		return cat, nil
	}
	u, err := s.UnitByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	if !u.Active {
		return nil, domain.NotFound("đơn vị", "unit")
	}
	return s.Catalog(ctx, u.ID)
}

// Catalog returns the unit's catalog, loading it when not cached. Callers
// asking for a unit while its catalog loads wait for that load: after a
// change every unit is loaded again, and a busy unit would otherwise be
// loaded once by each of its concurrent requests.
func (s *Store) Catalog(ctx context.Context, unitID int64) (*domain.Catalog, error) {
	if err := s.fresh(ctx); err != nil {
		return nil, err
	}
	c := s.cache
	c.mu.Lock()
	if cat := c.byUnit[unitID]; cat != nil {
		c.mu.Unlock()
		return cat, nil
	}
	if l := c.loading[unitID]; l != nil && l.gen == c.gen {
		c.mu.Unlock()
		select {
		case <-l.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if errors.Is(l.err, context.Canceled) || errors.Is(l.err, context.DeadlineExceeded) {
			return s.Catalog(ctx, unitID) // its loader gave up, not this caller
		}
		return l.cat, l.err
	}
	l := &catalogLoad{gen: c.gen, done: make(chan struct{}), err: errCatalogLoad}
	c.loading[unitID] = l
	c.mu.Unlock()
	defer func() { // also when the load panics: the waiters get errCatalogLoad
		c.mu.Lock()
		if c.loading[unitID] == l {
			delete(c.loading, unitID)
		}
		if l.err == nil && l.gen == c.gen {
			c.byUnit[unitID] = l.cat
			c.byCode[l.cat.Unit.Code] = unitID
		}
		c.mu.Unlock()
		close(l.done)
	}()
	c.loads.Add(1)
	l.cat, l.err = loadCatalog(ctx, s.db, unitID)
	return l.cat, l.err
}

var errCatalogLoad = domain.Internal(errors.New("catalog: the load failed"))

func loadCatalog(ctx context.Context, q sqlx.QueryerContext, unitID int64) (*domain.Catalog, error) {
	var u unitRow
	if err := sqlx.GetContext(ctx, q, &u, `SELECT `+unitColumns+`
		FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.id = $1`, unitID); err != nil {
		return nil, mapError(err, "đơn vị|unit")
	}
	cat := &domain.Catalog{Unit: u.unit()}
	var err error
	if cat.Departments, err = listDepartments(ctx, q, unitID); err != nil {
		return nil, err
	}
	for _, d := range cat.Departments {
		if d.Triage {
			cat.TriageID = d.ID
		}
	}
	if cat.Categories, err = listCategories(ctx, q, unitID); err != nil {
		return nil, err
	}
	if cat.Rules, err = listRules(ctx, q, unitID); err != nil {
		return nil, err
	}
	// A deactivated department takes no new tickets: routing acts as if
	// the categories and rules pointing at it named no department, and what
	// they would have sent there goes to triage.
	activeDept := map[int64]bool{}
	for _, d := range cat.Departments {
		activeDept[d.ID] = d.Active
	}
	live := func(id *int64) *int64 {
		if id == nil || !activeDept[*id] {
			return nil
		}
		return id
	}
	active := make([]domain.Category, 0, len(cat.Categories))
	for _, c := range cat.Categories {
		if c.Active {
			c.DefaultDepartmentID = live(c.DefaultDepartmentID)
			active = append(active, c)
		}
	}
	rules := make([]domain.Rule, 0, len(cat.Rules))
	for _, r := range cat.Rules {
		if !r.Active {
			continue
		}
		if r.DepartmentID != nil && live(r.DepartmentID) == nil {
			if r.SetCategory == nil {
				continue
			}
			r.DepartmentID = nil
		}
		rules = append(rules, r)
	}
	cat.Routing = domain.NewRoutingTable(active, rules, cat.TriageID)
	days, err := listCalendarDays(ctx, q, unitID)
	if err != nil {
		return nil, err
	}
	loc, lerr := time.LoadLocation(u.Timezone)
	if lerr != nil {
		loc = domain.VietnamLocation()
	}
	cat.Calendar = domain.NewWorkCalendar(loc, days)
	cat.Calendar.Periods = u.periods()
	if cat.KindRules, err = listKindRules(ctx, q); err != nil {
		return nil, err
	}
	return cat, nil
}

type departmentRow struct {
	ID     int64  `db:"id"`
	UnitID int64  `db:"unit_id"`
	Code   string `db:"code"`
	Name   string `db:"name"`
	Triage bool   `db:"triage"`
	Active bool   `db:"active"`
}

func listDepartments(ctx context.Context, q sqlx.QueryerContext, unitID int64) ([]domain.Department, error) {
	var rows []departmentRow
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT id, unit_id, code, name, triage, active
		FROM departments WHERE unit_id = $1 ORDER BY id`, unitID); err != nil {
		return nil, mapError(err, "")
	}
	out := make([]domain.Department, len(rows))
	for i, r := range rows {
		out[i] = domain.Department(r)
	}
	return out, nil
}

type categoryRow struct {
	ID                  int64          `db:"id"`
	UnitID              int64          `db:"unit_id"`
	Code                string         `db:"code"`
	Name                string         `db:"name"`
	DefaultDepartmentID sql.NullInt64  `db:"default_department_id"`
	DeadlineAmount      int            `db:"deadline_amount"`
	DeadlineUnit        string         `db:"deadline_unit"`
	Keywords            pq.StringArray `db:"keywords"`
	Position            int            `db:"position"`
	Active              bool           `db:"active"`
}

func listCategories(ctx context.Context, q sqlx.QueryerContext, unitID int64) ([]domain.Category, error) {
	var rows []categoryRow
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT id, unit_id, code, name, default_department_id,
		deadline_amount, deadline_unit, keywords, position, active
		FROM categories WHERE unit_id = $1 ORDER BY position, id`, unitID); err != nil {
		return nil, mapError(err, "")
	}
	out := make([]domain.Category, len(rows))
	for i, r := range rows {
		out[i] = domain.Category{ID: r.ID, UnitID: r.UnitID, Code: r.Code, Name: r.Name,
			DefaultDepartmentID: nullID(r.DefaultDepartmentID),
			Deadline:            domain.Deadline{Amount: r.DeadlineAmount, Unit: domain.DeadlineUnit(r.DeadlineUnit)},
			Keywords:            []string(r.Keywords), Position: r.Position, Active: r.Active}
	}
	return out, nil
}

type ruleRow struct {
	ID            int64          `db:"id"`
	UnitID        int64          `db:"unit_id"`
	Position      int            `db:"position"`
	CategoryID    sql.NullInt64  `db:"category_id"`
	Kind          sql.NullString `db:"kind"`
	Channel       sql.NullString `db:"channel"`
	Keywords      pq.StringArray `db:"keywords"`
	SetCategoryID sql.NullInt64  `db:"set_category_id"`
	DepartmentID  sql.NullInt64  `db:"department_id"`
	Active        bool           `db:"active"`
}

func (r ruleRow) rule() domain.Rule {
	return domain.Rule{ID: r.ID, UnitID: r.UnitID, Position: r.Position, CategoryID: nullID(r.CategoryID),
		Kind: domain.Kind(r.Kind.String), Channel: domain.Channel(r.Channel.String), Keywords: []string(r.Keywords),
		SetCategory: nullID(r.SetCategoryID), DepartmentID: nullID(r.DepartmentID), Active: r.Active}
}

const ruleColumns = `id, unit_id, position, category_id, kind, channel, keywords, set_category_id, department_id, active`

func listRules(ctx context.Context, q sqlx.QueryerContext, unitID int64) ([]domain.Rule, error) {
	var rows []ruleRow
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT `+ruleColumns+`
		FROM routing_rules WHERE unit_id = $1 ORDER BY position, id`, unitID); err != nil {
		return nil, mapError(err, "")
	}
	out := make([]domain.Rule, len(rows))
	for i, r := range rows {
		out[i] = r.rule()
	}
	return out, nil
}

// listCalendarDays returns the national calendar overlaid with the unit's own days.
func listCalendarDays(ctx context.Context, q sqlx.QueryerContext, unitID int64) ([]domain.CalendarDay, error) {
	var rows []struct {
		Day  string `db:"day"`
		Off  bool   `db:"off"`
		Name string `db:"name"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT to_char(day, 'YYYY-MM-DD') AS day, off, name
		FROM holidays WHERE unit_id IS NULL OR unit_id = $1
		ORDER BY day, unit_id NULLS FIRST`, unitID); err != nil {
		return nil, mapError(err, "")
	}
	out := make([]domain.CalendarDay, len(rows))
	for i, r := range rows {
		out[i] = domain.CalendarDay{Date: r.Day, Off: r.Off, Name: r.Name}
	}
	return out, nil
}

func listKindRules(ctx context.Context, q sqlx.QueryerContext) (map[domain.Kind]domain.KindRule, error) {
	var rows []struct {
		Kind            string         `db:"kind"`
		AcceptAmount    int            `db:"accept_amount"`
		AcceptUnit      string         `db:"accept_unit"`
		SettleAmount    sql.NullInt64  `db:"settle_amount"`
		SettleUnit      sql.NullString `db:"settle_unit"`
		ExtensionAmount int            `db:"extension_amount"`
		ExtensionUnit   string         `db:"extension_unit"`
		MaxExtensions   int            `db:"max_extensions"`
	}
	if err := sqlx.SelectContext(ctx, q, &rows, `SELECT kind, accept_amount, accept_unit, settle_amount,
		settle_unit, extension_amount, extension_unit, max_extensions FROM kind_rules`); err != nil {
		return nil, mapError(err, "")
	}
	out := domain.DefaultKindRules()
	for _, r := range rows {
		kr := domain.KindRule{
			Accept:        domain.Deadline{Amount: r.AcceptAmount, Unit: domain.DeadlineUnit(r.AcceptUnit)},
			Extension:     domain.Deadline{Amount: r.ExtensionAmount, Unit: domain.DeadlineUnit(r.ExtensionUnit)},
			MaxExtensions: r.MaxExtensions,
		}
		if r.SettleAmount.Valid && r.SettleUnit.Valid {
			kr.Settle = domain.Deadline{Amount: int(r.SettleAmount.Int64), Unit: domain.DeadlineUnit(r.SettleUnit.String)}
		}
		out[domain.Kind(r.Kind)] = kr
	}
	return out, nil
}

func nullID(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	id := n.Int64
	return &id
}

// subtree returns the ids of the unit and every unit below it, cached like
// the catalogs.
func (s *Store) subtree(ctx context.Context, unitID int64) ([]int64, error) {
	if err := s.fresh(ctx); err != nil {
		return nil, err
	}
	s.cache.mu.Lock()
	ids, ok := s.cache.subtrees[unitID]
	s.cache.mu.Unlock()
	if ok {
		return ids, nil
	}
	ids, err := s.UnitSubtree(ctx, unitID)
	if err != nil {
		return nil, err
	}
	s.cache.mu.Lock()
	s.cache.subtrees[unitID] = ids
	s.cache.mu.Unlock()
	return ids, nil
}

// scopeUnits adds sc to q like query.scope, with the unit subtree resolved
// here rather than in SQL, so the planner sees the units: one unit walks its
// own queue index, many walk the due-order index and filter.
func (s *Store) scopeUnits(ctx context.Context, q *query, sc domain.Scope) error {
	if !sc.Role.UnitWide() {
		q.scope(sc, "t")
		return nil
	}
	ids, err := s.subtree(ctx, sc.UnitID)
	if err != nil {
		return err
	}
	if len(ids) == 1 {
		q.where("t.unit_id = " + q.arg(ids[0]))
	} else {
		q.where("t.unit_id = ANY(" + q.arg(pq.Int64Array(ids)) + ")")
	}
	return nil
}
