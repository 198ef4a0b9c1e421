package faults_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// driverText is what an answer must never show: the database driver's or
// the network's own words.
var driverText = []string{"pq:", "sql:", "dial tcp", "connection refused", "driver", "postgres", "EOF",
	"SQLSTATE", "goroutine", "panic"}

// TestDatabaseOutage stops PostgreSQL for 10 s under load and starts it
// again, without touching caunoi: while it is down intake answers 503 with
// Retry-After and no driver text, webhooks answer an error so Facebook
// redelivers, /readyz is 503; afterwards intake and readiness recover and
// the redelivered comments make exactly one ticket each.
func TestDatabaseOutage(t *testing.T) {
	const outage = 10 * time.Second
	d := newDatabase(t)
	srv := startServer(t, d, freeAddr(t), nil)
	hooks := webhooksReady(t, d, srv.base)

	var phase atomic.Int32 // 0 up, 1 going down or down, 2 coming back or back
	var mu sync.Mutex
	byPhase := [3]map[int]int{{}, {}, {}}
	var noRetryAfter, leaks int
	check := func(a answer) {
		mu.Lock()
		defer mu.Unlock()
		p := phase.Load()
		byPhase[p][a.status]++
		if a.status == http.StatusServiceUnavailable && a.header.Get("Retry-After") == "" {
			noRetryAfter++
		}
		if a.status >= 500 {
			for _, s := range driverText {
				if strings.Contains(string(a.body), s) {
					leaks++
					t.Errorf("a %d answer shows %q: %s", a.status, s, a.body)
					break
				}
			}
		}
		if a.status == http.StatusInternalServerError {
			t.Errorf("500 in phase %d: %s", p, a.body)
		}
	}
	l := newLedger()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	base := func() string { return srv.base }
	wg := writers(ctx, 4, base, "outage", false, l, check)
	hc := newClient(10 * time.Second)

	time.Sleep(2 * time.Second)
	phase.Store(1)
	if err := cluster.stop("fast"); err != nil {
		t.Fatal(err)
	}
	down := time.Now()
	// The database is down: readiness, a lookup and webhooks.
	a := do(ctx, hc, "GET", srv.base+"/readyz", nil)
	if a.status != http.StatusServiceUnavailable || a.header.Get("Retry-After") == "" {
		t.Errorf("/readyz with the database down: %d (Retry-After %q) %s", a.status, a.header.Get("Retry-After"), a.body)
	}
	check(a)
	var refusedHooks []string
	hookStatus := map[int]int{}
	if hooks {
		for i := range 3 {
			id := fmt.Sprintf("5%d%09d", i, time.Now().UnixNano()%1e9)
			a := deliverFB(ctx, hc, srv.base, fbComment(id))
			hookStatus[a.status]++
			check(a)
			if a.err != nil || a.status == http.StatusOK {
				t.Errorf("a webhook delivery with the database down got %d %v: Facebook would not redeliver it", a.status, a.err)
				continue
			}
			refusedHooks = append(refusedHooks, id)
		}
	}
	time.Sleep(time.Until(down.Add(outage)))
	a = do(ctx, hc, "GET", srv.base+"/readyz", nil)
	if a.status != http.StatusServiceUnavailable {
		t.Errorf("/readyz at the end of the outage: %d %s", a.status, a.body)
	}
	check(a)
	phase.Store(2)
	if err := cluster.start(); err != nil {
		t.Fatal(err)
	}
	up := time.Now()
	// Recovery without restarting caunoi: ready, then a 201.
	var readyAfter, intakeAfter time.Duration
	for time.Since(up) < 30*time.Second && (readyAfter == 0 || intakeAfter == 0) {
		if readyAfter == 0 {
			if a := do(ctx, hc, "GET", srv.base+"/readyz", nil); a.status == http.StatusOK {
				readyAfter = time.Since(up)
			}
		}
		if intakeAfter == 0 {
			if a, code := postFeedback(ctx, hc, srv.base, "[outage-probe]"); code != "" {
				intakeAfter = time.Since(up)
			} else {
				check(a)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if readyAfter == 0 || intakeAfter == 0 {
		t.Fatalf("no recovery within 30 s of the database's return (ready after %s, intake after %s)", readyAfter, intakeAfter)
	}
	time.Sleep(2 * time.Second)
	stop()
	wg.Wait()

	// Facebook redelivers what was refused, then once more what it already got.
	taken := 0
	for _, id := range refusedHooks {
		l.extPending[id] = true
	}
	redeliver(t, srv.base, l, 30*time.Second)
	for _, id := range refusedHooks {
		if a := deliverFB(context.Background(), hc, srv.base, fbComment(id)); a.status != http.StatusOK {
			t.Errorf("a second redelivery of %s got %d: %s", id, a.status, a.body)
		}
	}
	ext := storedExternal(t, d)
	for _, id := range refusedHooks {
		if n := ext[fbExternalID(id)]; n != 1 {
			t.Errorf("comment %s, refused during the outage and redelivered, is stored %d times", id, n)
		} else {
			taken++
		}
	}
	v := verify(t, d, "outage", l)

	mu.Lock()
	defer mu.Unlock()
	if byPhase[1][http.StatusServiceUnavailable] == 0 {
		t.Errorf("no request was refused with 503 during the outage: %v", byPhase[1])
	}
	if noRetryAfter > 0 {
		t.Errorf("%d answers 503 without Retry-After", noRetryAfter)
	}
	if byPhase[2][http.StatusCreated] == 0 {
		t.Errorf("no 201 after the database came back: %v", byPhase[2])
	}
	summary(t, "database outage: PostgreSQL stopped for %s under 4 writers: %d requests refused with 503 while it stopped and was down, %d more while it restarted (all with Retry-After), %d answered 500, %d driver texts shown; answers before %v, during %v, after %v; /readyz 503 while down, 200 again %.1f s after the restart; first 201 %.1f s after it; %d acknowledged, %d stored, %d lost, without restarting caunoi",
		outage, byPhase[1][503], byPhase[2][503], byPhase[0][500]+byPhase[1][500]+byPhase[2][500], leaks,
		byPhase[0], byPhase[1], byPhase[2], readyAfter.Seconds(), intakeAfter.Seconds(), v.acked, v.ackedStored, v.lost)
	if hooks {
		summary(t, "database outage: webhooks: %d deliveries during the outage answered %v (never 200); %d redelivered afterwards, %d stored exactly once",
			len(refusedHooks), hookStatus, len(refusedHooks), taken)
	} else {
		summary(t, "database outage: webhooks: skipped (not available in this build)")
	}
}
