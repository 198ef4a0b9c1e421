package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
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

// runLoad sends requests from clients goroutines, each on its own
// keep-alive connection (loadConn) and waiting for its answer before the
// next (closed loop), for d or maxRequestsPerClient each. A request started
// before the end is waited for (within loadTimeout) and counted, so what the
// server committed is what was counted. next returns the i-th request of
// client c.
func runLoad(ctx context.Context, clients int, d time.Duration, next func(c, i int) request) loadResult {
	end := time.Now().Add(d)
	var mu sync.Mutex
	res := loadResult{ByStatus: map[int]int{}}
	var wg sync.WaitGroup
	start := time.Now()
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lc := &loadConn{}
			defer lc.close()
			defer context.AfterFunc(ctx, lc.close)() // an interrupted run does not wait for its answers
			lat := make([]time.Duration, 0, 4096)
			status := map[int]int{}
			failures := 0
			for i := 0; i < maxRequestsPerClient && ctx.Err() == nil && time.Now().Before(end); i++ {
				rq := next(c, i)
				t0 := time.Now()
				code, err := lc.do(rq)
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

// loadTimeout bounds one request of a load run, as the client's timeout does
// for the others.
const loadTimeout = 30 * time.Second

// loadConn is one load client's keep-alive HTTP/1.1 connection: each
// request is written as bytes and its answer read with http.ReadResponse,
// without http.Transport (its pool, its two goroutines per connection and
// their hand-offs), so that the generator takes less of the two cores it
// shares with the server and the database. A connection that fails or that
// the server closes is dialled again for the next request; a request is
// never sent twice.
type loadConn struct {
	mu   sync.Mutex // conn, between do and an interrupting close
	addr string     // host:port the connection goes to
	conn net.Conn
	br   *bufio.Reader
	buf  []byte
}

func (lc *loadConn) close() {
	lc.mu.Lock()
	if lc.conn != nil {
		lc.conn.Close()
		lc.conn = nil
	}
	lc.mu.Unlock()
}

// do sends rq (an http:// URL) and returns the answer's status once its
// body has been read.
func (lc *loadConn) do(rq request) (int, error) {
	hostPath, ok := strings.CutPrefix(rq.url, "http://")
	if !ok {
		return 0, fmt.Errorf("load: %q is not an http:// URL", rq.url)
	}
	host, path := hostPath, "/"
	if i := strings.IndexByte(hostPath, '/'); i >= 0 {
		host, path = hostPath[:i], hostPath[i:]
	}
	lc.mu.Lock()
	conn := lc.conn
	lc.mu.Unlock()
	if conn == nil || lc.addr != host {
		lc.close()
		var err error
		if conn, err = net.DialTimeout("tcp", host, 5*time.Second); err != nil {
			return 0, err
		}
		lc.mu.Lock()
		lc.conn, lc.addr = conn, host
		lc.mu.Unlock()
		if lc.br == nil {
			lc.br = bufio.NewReaderSize(conn, 32<<10)
		} else {
			lc.br.Reset(conn)
		}
	}
	b := append(lc.buf[:0], rq.method...)
	b = append(b, ' ')
	b = append(b, path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\nUser-Agent: caunoi-bench\r\n"...)
	if rq.contentType != "" {
		b = append(b, "Content-Type: "...)
		b = append(b, rq.contentType...)
		b = append(b, "\r\n"...)
	}
	if rq.token != "" {
		b = append(b, "Authorization: Bearer "...)
		b = append(b, rq.token...)
		b = append(b, "\r\n"...)
	}
	for k, v := range rq.header {
		b = append(b, k...)
		b = append(b, ": "...)
		b = append(b, v...)
		b = append(b, "\r\n"...)
	}
	if rq.body != nil || rq.method != http.MethodGet {
		b = append(b, "Content-Length: "...)
		b = strconv.AppendInt(b, int64(len(rq.body)), 10)
		b = append(b, "\r\n"...)
	}
	b = append(b, "\r\n"...)
	b = append(b, rq.body...)
	lc.buf = b
	conn.SetDeadline(time.Now().Add(loadTimeout))
	if _, err := conn.Write(b); err != nil {
		lc.close()
		return 0, err
	}
	resp, err := http.ReadResponse(lc.br, nil)
	if err != nil {
		lc.close()
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || resp.Close {
		lc.close()
	}
	if err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
