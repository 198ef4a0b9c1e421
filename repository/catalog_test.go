package repository_test

import (
	"context"
	"sync"
	"testing"

	"caunoi/domain"
	"caunoi/repository"
)

// Concurrent requests for a unit whose catalog is not cached share one
// load, and get the same catalog; after a change, it is loaded once again.
func TestCatalogConcurrentCallersShareOneLoad(t *testing.T) {
	t.Parallel()
	e := newIntakeEnv(t) // has loaded xuan-lung's catalog
	ctx := context.Background()
	id := e.cat.Unit.ID
	for round := 1; round <= 2; round++ {
		e.store.Invalidate()
		before := repository.CatalogLoads(e.store)
		const n = 16
		var wg sync.WaitGroup
		cats := make([]*domain.Catalog, n)
		errs := make([]error, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				cats[i], errs[i] = e.store.Catalog(ctx, id)
			}()
		}
		close(start)
		wg.Wait()
		for i := range n {
			if errs[i] != nil || cats[i] == nil || cats[i] != cats[0] || cats[i].Unit.Code != "xuan-lung" {
				t.Fatalf("round %d, caller %d: catalog %p, error %v; the first caller's %p", round, i, cats[i], errs[i], cats[0])
			}
		}
		if loads := repository.CatalogLoads(e.store) - before; loads != 1 {
			t.Fatalf("round %d: %d loads for %d concurrent callers, want 1", round, loads, n)
		}
		if again, err := e.store.Catalog(ctx, id); err != nil || again != cats[0] {
			t.Fatalf("round %d: cached catalog %p %v, want %p", round, again, err, cats[0])
		}
	}
	// An unknown unit is not_found for every caller, and not cached.
	if _, err := e.store.Catalog(ctx, 987654); !domain.IsNotFound(err) {
		t.Fatalf("unknown unit: %v", err)
	}
}
