package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// seen is what the test server read of a request.
type seen struct {
	method, uri, contentType, auth, signature, body string
}

func loadServer(t *testing.T) (*httptest.Server, *atomic.Int64, func() []seen) {
	t.Helper()
	var mu sync.Mutex
	var got []seen
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, seen{r.Method, r.RequestURI, r.Header.Get("Content-Type"), r.Header.Get("Authorization"),
			r.Header.Get("X-Hub-Signature-256"), string(body)})
		mu.Unlock()
		switch r.URL.Path {
		case "/big": // more than the server buffers: sent chunked
			w.WriteHeader(http.StatusOK)
			w.Write([]byte(strings.Repeat("x", 100_000)))
		case "/close":
			w.Header().Set("Connection", "close")
			w.WriteHeader(http.StatusAccepted)
		default:
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte(`{"ok":true}`))
		}
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &conns, func() []seen {
		mu.Lock()
		defer mu.Unlock()
		return append([]seen(nil), got...)
	}
}

// The load client sends what it is given, reads answers of either length
// (Content-Length or chunked) to their end, keeps its connection, and dials
// again when the server closes it.
func TestLoadConnSendsAndReadsOverOneConnection(t *testing.T) {
	srv, conns, got := loadServer(t)
	lc := &loadConn{}
	defer lc.close()
	steps := []struct {
		rq   request
		want int
	}{
		{request{method: "POST", url: srv.URL + "/api/v1/feedback?x=1", contentType: "application/json",
			body: []byte(`{"body":"Đèn đường hỏng"}`)}, http.StatusCreated},
		{request{method: "GET", url: srv.URL + "/big", token: "tok"}, http.StatusOK},
		{request{method: "POST", url: srv.URL + "/webhooks/facebook", header: map[string]string{"X-Hub-Signature-256": "sha256=ab"},
			body: []byte(`{}`)}, http.StatusCreated},
		{request{method: "GET", url: srv.URL + "/close"}, http.StatusAccepted},
		{request{method: "GET", url: srv.URL + "/again"}, http.StatusCreated},
	}
	for i, st := range steps {
		code, err := lc.do(st.rq)
		if err != nil || code != st.want {
			t.Fatalf("request %d: %d %v, want %d", i, code, err, st.want)
		}
	}
	want := []seen{
		{"POST", "/api/v1/feedback?x=1", "application/json", "", "", `{"body":"Đèn đường hỏng"}`},
		{"GET", "/big", "", "Bearer tok", "", ""},
		{"POST", "/webhooks/facebook", "", "", "sha256=ab", "{}"},
		{"GET", "/close", "", "", "", ""},
		{"GET", "/again", "", "", "", ""},
	}
	if g := got(); len(g) != len(want) {
		t.Fatalf("the server read %d requests: %+v", len(g), g)
	} else {
		for i := range want {
			if g[i] != want[i] {
				t.Errorf("request %d read as %+v, want %+v", i, g[i], want[i])
			}
		}
	}
	if n := conns.Load(); n != 2 { // one until the server closed it, one after
		t.Errorf("%d connections, want 2", n)
	}
}

// A load run counts every answer by status, over one connection per client.
func TestRunLoadCountsAnswers(t *testing.T) {
	srv, conns, got := loadServer(t)
	res := runLoad(context.Background(), 3, 200*time.Millisecond, func(c, i int) request {
		return request{method: "POST", url: srv.URL + "/x", body: []byte("b")}
	})
	if res.Requests == 0 || res.ByStatus[http.StatusCreated] != res.Requests || res.Failures != 0 {
		t.Fatalf("result %+v", res)
	}
	if n := len(got()); n != res.Requests {
		t.Errorf("the server read %d requests, the run counted %d", n, res.Requests)
	}
	if len(res.latencies) != res.Requests || res.percentile(0.5) <= 0 {
		t.Errorf("%d latencies for %d requests, p50 %v", len(res.latencies), res.Requests, res.percentile(0.5))
	}
	if n := conns.Load(); n != 3 {
		t.Errorf("%d connections for 3 clients", n)
	}
}

// A cancelled run stops waiting for an answer that does not come.
func TestRunLoadStopsWhenCancelled(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	done := make(chan loadResult)
	go func() {
		done <- runLoad(ctx, 2, time.Minute, func(c, i int) request { return request{method: "GET", url: srv.URL} })
	}()
	select {
	case res := <-done:
		if res.Failures != 2 || len(res.latencies) != 0 {
			t.Fatalf("after the cancel: %+v", res)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the run went on after its context was cancelled")
	}
}
