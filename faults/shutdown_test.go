package faults_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestGracefulShutdownUnderLoad sends SIGTERM while 8 writers post: every
// 201 answered before the listener closed is committed, the process exits 0
// within its 30 s grace, and a restarted server serves and runs its jobs.
func TestGracefulShutdownUnderLoad(t *testing.T) {
	const writersN = 8
	d := newDatabase(t)
	addr := freeAddr(t)
	srv := startServer(t, d, addr, nil)
	hooks := webhooksReady(t, d, srv.base)
	l := newLedger()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	wg := writers(ctx, writersN, func() string { return srv.base }, "term", hooks, l, func(a answer) {
		if a.status >= 500 {
			l.breaks("answer %d during the graceful shutdown: %s", a.status, a.body)
		}
	})
	time.Sleep(3 * time.Second)
	l.mu.Lock()
	ackedBefore := len(l.acked) + len(l.extOK)
	l.mu.Unlock()
	took, code := srv.terminate(40 * time.Second)
	l.mu.Lock()
	ackedAfter := len(l.acked) + len(l.extOK)
	l.mu.Unlock()
	stop()
	wg.Wait()
	if code != 0 {
		t.Errorf("SIGTERM under load: exit code %d after %s (want 0 within the 30 s grace)\n%s", code, took, tail(srv.out.String(), 3000))
	}
	if took > 35*time.Second {
		t.Errorf("SIGTERM: the process took %s to end", took)
	}
	logs := srv.out.String()
	for _, want := range []string{"shutting down", `"msg":"stopped"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log does not say %q", want)
		}
	}
	findings := shutdownFindings(logs)
	for _, f := range findings {
		t.Log("FINDING: " + f)
	}
	v := verify(t, d, "term", l)

	// A new server on the same database resumes: it serves, and its jobs run.
	srv2 := startServer(t, d, addr, nil)
	hc := newClient(10 * time.Second)
	if a := do(context.Background(), hc, "GET", srv2.base+"/readyz", nil); a.status != http.StatusOK {
		t.Errorf("/readyz after the restart: %d %s", a.status, a.body)
	}
	if _, code := postFeedback(context.Background(), hc, srv2.base, "[termx-w0-0]"); code == "" {
		t.Error("no 201 from the restarted server")
	}
	running, _, _ := strings.Cut(logs, "shutting down")
	jobsBefore, jobsAfter := jobLines(running), 0
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if jobsAfter = jobLines(srv2.out.String()); jobsAfter > 0 || jobsBefore == 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if jobsBefore > 0 && jobsAfter == 0 {
		t.Errorf("the first server logged %d job lines, the restarted one none in 10 s", jobsBefore)
	}
	if jobsBefore == 0 {
		t.Log("FINDING: the server logs no line about its background jobs at level info, so their resumption cannot be seen in the log")
	}
	took2, code2 := srv2.terminate(40 * time.Second)
	if code2 != 0 {
		t.Errorf("an idle server's SIGTERM: exit code %d after %s", code2, took2)
	}
	summary(t, "graceful shutdown: SIGTERM under %d writers: %d answered before the signal, %d more answered while draining; %d acknowledged, %d stored, %d lost; exit code %d after %.1f s; restarted server ready, job log lines %d before / %d after; %d findings",
		writersN, ackedBefore, ackedAfter-ackedBefore, v.acked+v.extAcked, v.ackedStored+v.extStored, v.lost+v.extLost,
		code, took.Seconds(), jobsBefore, jobsAfter, len(findings))
}

// shutdownFindings returns what a clean stop should not log: error lines
// after the shutdown began.
func shutdownFindings(logs string) []string {
	_, after, ok := strings.Cut(logs, "shutting down")
	if !ok {
		return nil
	}
	var out []string
	for _, line := range strings.Split(after, "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil {
			continue
		}
		if rec["level"] == "ERROR" {
			out = append(out, "an ERROR line during a clean shutdown: "+line)
		}
	}
	return out
}

// jobLines counts the log lines about background jobs.
func jobLines(logs string) int {
	n := 0
	for _, line := range strings.Split(logs, "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil {
			continue
		}
		msg, _ := rec["msg"].(string)
		if _, ok := rec["job"]; ok || strings.Contains(msg, "job") || strings.HasPrefix(msg, "outbox") ||
			strings.HasPrefix(msg, "deadline") || strings.HasPrefix(msg, "scheduled report") {
			n++
		}
	}
	return n
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
