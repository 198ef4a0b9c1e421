package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// maxRequestsPerClient bounds a load run by count as well as by time.
const maxRequestsPerClient = 2_000_000

// newClient returns an HTTP client that keeps a connection per load client alive.
func newClient(clients int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        clients * 2,
		MaxIdleConnsPerHost: clients * 2,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}}
}

// request is what one call of a load run sends.
type request struct {
	method, url, contentType string
	token                    string            // a staff access token, if any
	header                   map[string]string // other headers (a webhook's signature)
	body                     []byte
}

// loadResult is a load run's count of answers by status and its latencies.
type loadResult struct {
	Elapsed   time.Duration
	Requests  int
	ByStatus  map[int]int
	Failures  int // transport errors
	latencies []time.Duration
}

func (r loadResult) percentile(p float64) float64 {
	if len(r.latencies) == 0 {
		return 0
	}
	i := min(int(float64(len(r.latencies))*p), len(r.latencies)-1)
	return float64(r.latencies[i].Microseconds()) / 1000
}

// errorsExcept counts the answers whose status is not ok, and transport failures.
func (r loadResult) errorsExcept(ok int) int {
	n := r.Failures
	for s, c := range r.ByStatus {
		if s != ok {
			n += c
		}
	}
	return n
}

// runLoad sends requests from clients goroutines, each waiting for its
// answer before the next (closed loop), for d or maxRequestsPerClient each.
// A request started before the end is waited for (within the client's
// timeout) and counted, so what the server committed is what was counted.
// next returns the i-th request of client c.
func runLoad(ctx context.Context, hc *http.Client, clients int, d time.Duration, next func(c, i int) request) loadResult {
	end := time.Now().Add(d)
	var mu sync.Mutex
	res := loadResult{ByStatus: map[int]int{}}
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 4096)
			status := map[int]int{}
			failures := 0
			for i := 0; i < maxRequestsPerClient && ctx.Err() == nil && time.Now().Before(end); i++ {
				rq := next(c, i)
				t0 := time.Now()
				code, err := do(ctx, hc, rq)
				if err != nil {
					failures++
					continue
				}
				lat = append(lat, time.Since(t0))
				status[code]++
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			for k, v := range status {
				res.ByStatus[k] += v
			}
			res.Failures += failures
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	slices.Sort(res.latencies)
	res.Requests = len(res.latencies) + res.Failures
	return res
}

func do(ctx context.Context, hc *http.Client, rq request) (int, error) {
	var body io.Reader
	if rq.body != nil {
		body = bytes.NewReader(rq.body)
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, rq.url, body)
	if err != nil {
		return 0, err
	}
	if rq.contentType != "" {
		req.Header.Set("Content-Type", rq.contentType)
	}
	if rq.token != "" {
		req.Header.Set("Authorization", "Bearer "+rq.token)
	}
	for k, v := range rq.header {
		req.Header.Set(k, v)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}
