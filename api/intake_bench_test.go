package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"runtime"
	"sync/atomic"
	"testing"

	"caunoi/demo"
	"caunoi/internal/apitest"
)

// intakeBodies returns n JSON bodies of POST /api/v1/feedback shaped like the
// bench harness's: the demo's Vietnamese messages to the demo's units, half
// with a name and phone, every one with a village, a third with coordinates.
func intakeBodies(n int) [][]byte {
	rng := rand.New(rand.NewPCG(10, 2026))
	msgs := demo.SampleMessages()
	units := demo.Units()
	villages := []string{"Thôn 1", "Thôn 3", "Xóm Chùa", "Tổ dân phố 4", "Khu 5", "Thôn Đồng Xuân"}
	kinds := []string{"feedback", "feedback", "feedback", "feedback", "feedback", "feedback", "petition", "inquiry"}
	out := make([][]byte, n)
	for i := range out {
		m := msgs[rng.IntN(len(msgs))]
		body := map[string]any{"unit": units[rng.IntN(len(units))].Code, "kind": kinds[rng.IntN(len(kinds))],
			"title": m.Title, "body": m.Body}
		if rng.IntN(2) == 0 {
			body["citizen"] = map[string]string{"name": "Nguyễn Văn An", "phone": fmt.Sprintf("09%08d", rng.IntN(100000000))}
		}
		loc := map[string]any{"village": villages[rng.IntN(len(villages))]}
		if rng.IntN(3) == 0 {
			loc["lat"], loc["lng"] = 21.2+rng.Float64()*0.5, 105.0+rng.Float64()*0.5
		}
		body["location"] = loc
		out[i], _ = json.Marshal(body)
	}
	return out
}

// BenchmarkIntake creates tickets through the real handler (gin, decoding,
// validation, routing, the repository) into a real PostgreSQL database, over
// loopback HTTP with keep-alive. The pool is sized as in production
// (repository.Open: 16). "serial" is one client; "clients8" is 8 concurrent
// clients, as in the bench harness. ns/op is per created ticket; allocs
// count the client's work too. Every 201 must be stored.
//
//	go test ./api/ -run '^$' -bench Intake -benchmem
func BenchmarkIntake(b *testing.B) {
	for _, clients := range []int{1, 8} {
		name := "serial"
		if clients > 1 {
			name = fmt.Sprintf("clients%d", clients)
		}
		b.Run(name, func(b *testing.B) { benchIntake(b, clients) })
	}
}

func benchIntake(b *testing.B, clients int) {
	e := apitest.New(b)
	e.DB.SetMaxOpenConns(16)
	e.DB.SetMaxIdleConns(16)
	bodies := intakeBodies(4096)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxIdleConns: 64}}
	defer client.CloseIdleConnections()
	url := e.Server.URL + "/api/v1/feedback"
	post := func(body []byte) (int, error) {
		resp, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, err
	}
	// Warm the catalog cache and the connections outside the timing.
	for i := range 16 {
		if st, err := post(bodies[i]); err != nil || st != http.StatusCreated {
			b.Fatalf("warm-up: %d %v", st, err)
		}
	}
	before := e.Count("tickets")
	var created, failed atomic.Int64
	var next atomic.Uint64
	b.ReportAllocs()
	b.ResetTimer()
	if clients == 1 {
		for i := 0; i < b.N; i++ {
			if st, err := post(bodies[i%len(bodies)]); err != nil || st != http.StatusCreated {
				b.Fatalf("post: %d %v", st, err)
			}
			created.Add(1)
		}
	} else {
		// RunParallel starts parallelism × GOMAXPROCS goroutines.
		b.SetParallelism(max(1, clients/runtime.GOMAXPROCS(0)))
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				st, err := post(bodies[next.Add(1)%uint64(len(bodies))])
				if err != nil || st != http.StatusCreated {
					failed.Add(1)
					continue
				}
				created.Add(1)
			}
		})
	}
	b.StopTimer()
	if failed.Load() > 0 {
		b.Fatalf("%d requests failed", failed.Load())
	}
	if stored := int64(e.Count("tickets") - before); stored != created.Load() {
		b.Fatalf("%d answered 201, %d stored", created.Load(), stored)
	}
}
