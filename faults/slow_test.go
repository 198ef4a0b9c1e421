package faults_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestSlowAndOversizedRequests: a slowloris client is cut off by the
// server's ReadHeaderTimeout, headers past 64 KiB are refused with 431 and
// bodies past 1 MiB with 413 without being read whole.
func TestSlowAndOversizedRequests(t *testing.T) {
	d := newDatabase(t)
	srv := startServer(t, d, freeAddr(t), nil)

	t.Run("slowloris", func(t *testing.T) {
		c, err := net.Dial("tcp", srv.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		start := time.Now()
		closed := make(chan time.Duration, 1)
		go func() {
			io.Copy(io.Discard, c) //nolint:errcheck // until the server closes it
			closed <- time.Since(start)
		}()
		head := "GET /healthz HTTP/1.1\r\nHost: " + srv.addr + "\r\nX-Slow: " + strings.Repeat("a", 100)
		sent := 0
		var took time.Duration
	loop:
		for i := 0; i < len(head); i++ {
			select {
			case took = <-closed:
				break loop
			case <-time.After(time.Second):
			}
			c.SetWriteDeadline(time.Now().Add(time.Second)) //nolint:errcheck // best effort
			if _, err := c.Write([]byte{head[i]}); err != nil {
				took = time.Since(start)
				break
			}
			sent++
			if time.Since(start) > 20*time.Second {
				break
			}
		}
		if took == 0 {
			select {
			case took = <-closed:
			case <-time.After(5 * time.Second):
				t.Fatalf("a client sending one header byte a second still held its connection after %s", time.Since(start))
			}
		}
		if took > 15*time.Second {
			t.Errorf("the slow client was cut off only after %s (ReadHeaderTimeout is 10 s)", took)
		}
		if took < 5*time.Second {
			t.Errorf("the slow client was cut off after %s: sooner than the header timeout, for another reason?", took)
		}
		summary(t, "slow requests: a slowloris client (1 header byte/s) was cut off after %.1f s, having sent %d bytes", took.Seconds(), sent)
	})

	t.Run("headers over 64 KiB", func(t *testing.T) {
		req, _ := http.NewRequest("GET", srv.base+"/healthz", nil)
		req.Header.Set("X-Big", strings.Repeat("b", 80<<10))
		resp, err := newClient(10 * time.Second).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("80 KiB of headers: %d, want 431", resp.StatusCode)
		}
		summary(t, "slow requests: 80 KiB of headers refused with %d", resp.StatusCode)
	})

	for _, c := range []struct{ name, path, ctype string }{
		{"feedback JSON", "/api/v1/feedback", "application/json"},
		{"feedback form", "/api/v1/feedback", "application/x-www-form-urlencoded"},
		{"open311 form", "/open311/v2/requests.json", "application/x-www-form-urlencoded"},
	} {
		t.Run("declared 100 MiB body, "+c.name, func(t *testing.T) {
			status, sent, took := hugeBody(t, srv.addr, c.path, c.ctype, true)
			if status != http.StatusRequestEntityTooLarge {
				t.Fatalf("%s with Content-Length 100 MiB: %d, want 413", c.path, status)
			}
			summary(t, "slow requests: %s %s with Content-Length 100 MiB: %d after %d KiB sent, in %.2f s",
				c.path, c.ctype, status, sent>>10, took.Seconds())
		})
		t.Run("chunked body past 1 MiB, "+c.name, func(t *testing.T) {
			status, sent, took := hugeBody(t, srv.addr, c.path, c.ctype, false)
			if status != http.StatusRequestEntityTooLarge {
				t.Fatalf("%s with a chunked 64 MiB body: %d, want 413", c.path, status)
			}
			summary(t, "slow requests: %s %s chunked, 64 MiB offered: %d after %d KiB sent, in %.2f s",
				c.path, c.ctype, status, sent>>10, took.Seconds())
		})
	}
	var count int
	if err := d.db.Get(&count, `SELECT count(*) FROM tickets WHERE body LIKE 'xxxxxxxx%'`); err != nil {
		t.Fatal(err)
	}
	if count != 0 {
		t.Errorf("%d oversized feedbacks were stored", count)
	}
}

// hugeBody offers a 64 MiB body (declared as 100 MiB, or chunked) on a raw
// connection and returns the status of the answer, how many body bytes had
// been sent when it came, and how long it took. The body is never sent
// whole: a server that read it all would not answer in time.
func hugeBody(t *testing.T, addr, path, ctype string, declared bool) (int, int64, time.Duration) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\n", path, addr, ctype)
	if declared {
		head += fmt.Sprintf("Content-Length: %d\r\n\r\n", 100<<20)
	} else {
		head += "Transfer-Encoding: chunked\r\n\r\n"
	}
	if _, err := c.Write([]byte(head)); err != nil {
		t.Fatal(err)
	}
	var sent atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		chunk := []byte(strings.Repeat("x", 64<<10))
		for sent.Load() < 64<<20 && ctx.Err() == nil {
			var err error
			if declared {
				_, err = c.Write(chunk)
			} else {
				_, err = fmt.Fprintf(c, "%x\r\n%s\r\n", len(chunk), chunk)
			}
			if err != nil {
				return
			}
			sent.Add(int64(len(chunk)))
		}
	}()
	c.SetReadDeadline(time.Now().Add(20 * time.Second)) //nolint:errcheck // best effort
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer to an oversized body within 20 s (%d KiB sent): %v", sent.Load()>>10, err)
	}
	defer resp.Body.Close()
	n := sent.Load()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 500))
		t.Logf("%s %s: %d %s", path, ctype, resp.StatusCode, b)
	}
	if n >= 64<<20 {
		t.Errorf("the whole 64 MiB body was sent before the answer came: the server read it")
	}
	return resp.StatusCode, n, time.Since(start)
}
