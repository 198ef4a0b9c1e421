package repository

import (
	"context"

	"github.com/jmoiron/sqlx"
)

// codeName is how a list shows a unit, department or category.
type codeName struct{ Code, Name string }

// nameTable holds the code and name of every unit, department and category,
// so that a page of the queue names them without joining three tables per
// query: at a million tickets the joins cost more to plan than the page
// costs to read. It lives in the catalog cache and is dropped with it when
// config_version moves (renames bump it too).
type nameTable struct {
	units, departments, categories map[int64]codeName
}

type nameRow struct {
	Table string `db:"tbl"`
	ID    int64  `db:"id"`
	Code  string `db:"code"`
	Name  string `db:"name"`
}

func loadNames(ctx context.Context, q sqlx.QueryerContext) (*nameTable, error) {
	var rows []nameRow
	if err := sqlx.SelectContext(ctx, q, &rows, `
		SELECT 'u' AS tbl, id, code, name FROM units
		UNION ALL SELECT 'd', id, code, name FROM departments
		UNION ALL SELECT 'c', id, code, name FROM categories`); err != nil {
		return nil, mapError(err, "")
	}
	n := &nameTable{units: map[int64]codeName{}, departments: map[int64]codeName{}, categories: map[int64]codeName{}}
	byTable := map[string]map[int64]codeName{"u": n.units, "d": n.departments, "c": n.categories}
	for _, r := range rows {
		byTable[r.Table][r.ID] = codeName{r.Code, r.Name}
	}
	return n, nil
}

// names returns the name table, loading it when the cache has none or when
// it lacks one of the ids asked for (a row added on another server within
// the cache's check interval).
func (s *Store) names(ctx context.Context, units, departments, categories []int64) (*nameTable, error) {
	if err := s.fresh(ctx); err != nil {
		return nil, err
	}
	s.cache.mu.Lock()
	n := s.cache.names
	s.cache.mu.Unlock()
	if n != nil && n.has(units, departments, categories) {
		return n, nil
	}
	n, err := loadNames(ctx, s.db)
	if err != nil {
		return nil, err
	}
	s.cache.mu.Lock()
	s.cache.names = n
	s.cache.mu.Unlock()
	return n, nil
}

func (n *nameTable) has(units, departments, categories []int64) bool {
	for _, c := range []struct {
		ids []int64
		m   map[int64]codeName
	}{{units, n.units}, {departments, n.departments}, {categories, n.categories}} {
		for _, id := range c.ids {
			if _, ok := c.m[id]; !ok {
				return false
			}
		}
	}
	return true
}
