package faults_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestCrashLosesNothingAcknowledged kills the server with SIGKILL under the
// load of 8 writers, several times, restarting it each time: every 201 and
// every webhook 200 must be stored exactly once, and nothing twice.
func TestCrashLosesNothingAcknowledged(t *testing.T) {
	const cycles, writersN = 4, 8
	d := newDatabase(t)
	addr := freeAddr(t)
	srv := startServer(t, d, addr, nil)
	hooks := webhooksReady(t, d, srv.base)

	var current atomic.Pointer[server]
	current.Store(srv)
	base := func() string { return current.Load().base }
	l := newLedger()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	wg := writers(ctx, writersN, base, "crash", hooks, l, func(a answer) {
		if a.status >= 500 && a.status != 503 {
			l.breaks("answer %d during the crash test: %s", a.status, a.body)
		}
	})
	ackedAt := func() int { l.mu.Lock(); defer l.mu.Unlock(); return len(l.acked) + len(l.extOK) }
	for i := range cycles {
		before := ackedAt()
		time.Sleep(1500*time.Millisecond + time.Duration(i)*400*time.Millisecond)
		if ackedAt() == before {
			t.Errorf("cycle %d: nothing was acknowledged in the server's lifetime", i+1)
		}
		current.Load().kill()
		time.Sleep(200 * time.Millisecond) // writers meet a closed port
		current.Store(startServer(t, d, addr, nil))
	}
	time.Sleep(2 * time.Second)
	stop()
	wg.Wait()
	if hooks {
		redeliver(t, base(), l, 30*time.Second)
	}
	if took, code := current.Load().terminate(35 * time.Second); code != 0 {
		t.Errorf("the last server ended with code %d after %s", code, took)
	}

	v := verify(t, d, "crash", l)
	if v.acked < 50 {
		t.Errorf("only %d feedbacks were acknowledged: the load did not reach the server", v.acked)
	}
	summary(t, "crash safety: %d SIGKILLs under %d writers; intake: %d acknowledged (201), %d stored exactly once, %d lost, %d duplicated; %d sent without an answer (%d of them committed)",
		cycles, writersN, v.acked, v.ackedStored, v.lost, v.dup, v.unanswered, v.unansweredStored)
	if hooks {
		summary(t, "crash safety: webhooks: %d comments acknowledged (200) in %d deliveries, %d stored exactly once, %d lost, %d duplicated",
			v.extAcked, l.deliveries, v.extStored, v.extLost, v.extDup)
	} else {
		summary(t, "crash safety: webhooks: skipped (POST /webhooks/facebook or `caunoi channel add facebook` not available in this build)")
	}
}
