package faults_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// ledger is what the writers were told: each feedback by its marker, each
// Facebook comment by its id.
type ledger struct {
	mu         sync.Mutex
	acked      map[string]string // marker → tracking code of its 201
	unanswered map[string]bool   // markers sent without any answer (the server died, or the test ended)
	refused    map[string]int    // markers that got an error status, with it
	statuses   map[int]int       // answers by status
	errs       int               // requests without an answer
	bad        []string          // answers that break a rule
	extOK      map[string]bool   // comment ids answered 200
	extPending map[string]bool   // comment ids sent but not yet answered 200
	deliveries int               // Facebook deliveries sent, redeliveries included
}

func newLedger() *ledger {
	return &ledger{acked: map[string]string{}, unanswered: map[string]bool{}, refused: map[string]int{},
		statuses: map[int]int{}, extOK: map[string]bool{}, extPending: map[string]bool{}}
}

func (l *ledger) feedback(marker string, a answer, code string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case a.err != nil:
		l.errs++
		l.unanswered[marker] = true
		return
	case code != "":
		l.acked[marker] = code
	default:
		l.refused[marker] = a.status
	}
	l.statuses[a.status]++
}

func (l *ledger) delivery(id string, a answer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.deliveries++
	if a.err == nil && a.status == http.StatusOK {
		l.extOK[id] = true
		delete(l.extPending, id)
		return
	}
	l.extPending[id] = true
	if a.status == 0 {
		l.errs++
	} else {
		l.statuses[a.status]++
	}
}

func (l *ledger) breaks(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.bad) < 20 {
		l.bad = append(l.bad, fmt.Sprintf(format, args...))
	}
}

func (l *ledger) pending() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var ids []string
	for id := range l.extPending {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// writers runs n writers against base until ctx ends: each posts feedback
// and, with hooks, every other request a signed Facebook comment, which it
// redelivers until it is answered 200 (as Facebook does). check, when set,
// judges every answer.
func writers(ctx context.Context, n int, base func() string, prefix string, hooks bool, l *ledger,
	check func(a answer)) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := range n {
		wg.Go(func() {
			hc := newClient(5 * time.Second)
			pending := ""
			for i := 0; ctx.Err() == nil; i++ {
				var a answer
				if hooks && i%2 == 1 {
					if pending == "" {
						pending = fmt.Sprintf("%s%d%07d", prefixDigits(prefix), w, i)
					}
					a = deliverFB(ctx, hc, base(), fbComment(pending))
					if ctx.Err() != nil && a.err != nil {
						l.mu.Lock()
						l.extPending[pending] = true
						l.mu.Unlock()
						return
					}
					l.delivery(pending, a)
					if a.err == nil && a.status == http.StatusOK {
						pending = ""
					}
				} else {
					marker := fmt.Sprintf("[%s-w%d-%d]", prefix, w, i)
					var code string
					a, code = postFeedback(ctx, hc, base(), marker)
					l.feedback(marker, a, code)
				}
				if check != nil && a.status != 0 {
					check(a)
				}
				if a.err != nil || a.status >= 500 {
					time.Sleep(50 * time.Millisecond) // the server or its database is down: back off a little
				}
			}
		})
	}
	return &wg
}

// prefixDigits turns a test's prefix into the digits of its comment ids.
func prefixDigits(prefix string) string {
	var b strings.Builder
	for _, r := range prefix {
		fmt.Fprintf(&b, "%d", r%10)
	}
	return b.String()
}

var markerRE = regexp.MustCompile(`\[[a-z]+-w\d+-\d+\]`)

// stored returns, for the markers of prefix, the tracking codes of the
// tickets whose body carries each.
func stored(t *testing.T, d *database, prefix string) map[string][]string {
	t.Helper()
	var rows []struct {
		Code string `db:"tracking_code"`
		Body string `db:"body"`
	}
	if err := d.db.Select(&rows, `SELECT tracking_code, body FROM tickets WHERE body LIKE '%[' || $1 || '-w%'`,
		prefix); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, r := range rows {
		for _, m := range markerRE.FindAllString(r.Body, -1) {
			if strings.HasPrefix(m, "["+prefix+"-") {
				out[m] = append(out[m], r.Code)
			}
		}
	}
	return out
}

// storedExternal counts, for each Facebook comment, the tickets and timeline
// events stored under its external id.
func storedExternal(t *testing.T, d *database) map[string]int {
	t.Helper()
	var rows []struct {
		ID string `db:"external_id"`
		N  int    `db:"n"`
	}
	if err := d.db.Select(&rows, `SELECT external_id, count(*) AS n FROM (
		SELECT external_id FROM tickets WHERE channel = 'facebook_comment' AND external_id IS NOT NULL
		UNION ALL
		SELECT external_id FROM ticket_events WHERE channel = 'facebook_comment' AND external_id IS NOT NULL) x
		GROUP BY external_id`); err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.ID] = r.N
	}
	return out
}

// verdict compares what was acknowledged with what is stored and fails t
// on a loss or a duplicate. It returns the figures.
type verdict struct {
	acked, ackedStored, lost, dup, unanswered, unansweredStored int
	extAcked, extStored, extLost, extDup                        int
}

func verify(t *testing.T, d *database, prefix string, l *ledger) verdict {
	t.Helper()
	got := stored(t, d, prefix)
	var v verdict
	l.mu.Lock()
	defer l.mu.Unlock()
	v.acked = len(l.acked)
	for marker, code := range l.acked {
		codes := got[marker]
		switch {
		case len(codes) == 0:
			v.lost++
			t.Errorf("acknowledged %s (%s) is not stored", code, marker)
		case len(codes) > 1:
			v.dup++
			t.Errorf("acknowledged %s is stored %d times: %v", marker, len(codes), codes)
		case codes[0] != code:
			t.Errorf("acknowledged %s as %s but stored as %s", marker, code, codes[0])
		default:
			v.ackedStored++
		}
	}
	for marker, codes := range got {
		if len(codes) > 1 && l.acked[marker] == "" {
			v.dup++
			t.Errorf("%s (never acknowledged) is stored %d times", marker, len(codes))
		}
		if st := l.refused[marker]; st >= 400 && st < 500 {
			t.Errorf("%s was refused with %d but stored as %v", marker, st, codes)
		}
	}
	v.unanswered = len(l.unanswered)
	for marker := range l.unanswered {
		if len(got[marker]) > 0 {
			v.unansweredStored++
		}
	}
	ext := storedExternal(t, d)
	v.extAcked = len(l.extOK)
	for id := range l.extOK {
		switch n := ext[fbExternalID(id)]; {
		case n == 0:
			v.extLost++
			t.Errorf("acknowledged comment %s is not stored", id)
		case n > 1:
			v.extDup++
			t.Errorf("acknowledged comment %s is stored %d times", id, n)
		default:
			v.extStored++
		}
	}
	for id, n := range ext {
		if n > 1 && strings.HasPrefix(id, fbPage+"_") && !l.extOK[strings.TrimPrefix(id, fbPage+"_")] {
			v.extDup++
			t.Errorf("comment %s is stored %d times", id, n)
		}
	}
	for _, b := range l.bad {
		t.Error(b)
	}
	return v
}

// redeliver sends each pending comment again until it is answered 200, as
// Facebook keeps redelivering; it gives up after limit.
func redeliver(t *testing.T, base string, l *ledger, limit time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	hc := newClient(5 * time.Second)
	for _, id := range l.pending() {
		for {
			a := deliverFB(ctx, hc, base, fbComment(id))
			l.delivery(id, a)
			if a.err == nil && a.status == http.StatusOK {
				break
			}
			if ctx.Err() != nil {
				t.Errorf("comment %s still not taken after %s of redeliveries (last: %d %v %s)", id, limit,
					a.status, a.err, a.body)
				return
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}
