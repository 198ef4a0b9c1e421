package api_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	"caunoi/internal/synthetic"

	"caunoi/demo"
	"caunoi/internal/apitest"
	"caunoi/repository"
)

// BenchmarkListTickets reads pages of 50 of the queue through the real
// handler (authentication, the scoped query, naming, JSON) from a real
// PostgreSQL holding 20,000 synthetic tickets, as the province's
// administrator, one client: ns/op and allocs/op are one page's, the
// client's included.
//
//	go test ./api/ -run '^$' -bench ListTickets -benchmem
func BenchmarkListTickets(b *testing.B) {
	e := apitest.New(b)
	ctx := context.Background()
	store := repository.NewStore(e.DB, nil)
	ids, err := store.LocalUnitIDs(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := synthetic.Load(ctx, store, synthetic.Spec{N: 20000, Days: 120, Now: apitest.Start,
		Units: ids, Messages: demo.SyntheticMessages(), Seed: 7}); err != nil {
		b.Fatal(err)
	}
	token := e.Login(apitest.Admin)
	client := &http.Client{}
	for _, bc := range []struct{ name, query string }{
		{"queue", "?limit=50"},
		{"search", "?limit=50&q=den+duong"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			req, _ := http.NewRequest("GET", e.Server.URL+"/api/v1/tickets"+bc.query, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			get := func() int {
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d", bc.query, resp.StatusCode)
				}
				return int(n)
			}
			size := get()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				get()
			}
			b.ReportMetric(float64(size), "bytes/page")
		})
	}
}
