package repository

import "sync"

// groupCommit is the queue of a group commit, shared by intake
// (intake_batch.go) and the webhooks (inbound_batch.go): concurrent calls
// queue, and a flush takes the calls queued so far, stores them together,
// commits once and answers each.
//
// There is no timer: a call that finds fewer than maxFlushes flushes in
// flight leads one at once, taking everything queued (up to maxRows); calls
// that arrive while the flushes are busy queue up and the next flush takes
// them. An idle system therefore adds no wait, and a loaded one batches as
// much as arrives during one flush.
//
// What a caller does when its context ends is its batcher's: it may
// withdraw its call while no flush has taken it.
type groupCommit[C interface{ slot() *queued }] struct {
	mu         sync.Mutex
	queue      []C
	flushing   int // flushes in flight
	maxFlushes int
	maxRows    int

	// flush stores a batch and answers each of its calls.
	flush func(batch []C)
}

// queued is a call's place in its group commit's queue (guarded by the
// queue's mu): taken once a flush has it, so its caller can no longer
// withdraw it; gone once its caller has withdrawn it.
type queued struct{ taken, gone bool }

func (q *queued) slot() *queued { return q }

// add queues c and reports whether the caller must lead a flush (lead, or
// go lead()); it is then counted among the flushes in flight.
func (g *groupCommit[C]) add(c C) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.queue = append(g.queue, c)
	if g.flushing < g.maxFlushes {
		g.flushing++
		return true
	}
	return false
}

// lead flushes what is queued, then hands the lead to a new goroutine when
// more has queued meanwhile, so that a caller leading in its own goroutine
// can answer at once; or gives the lead up. The queue goes on even when a
// flush panics (the panic goes on too).
func (g *groupCommit[C]) lead() {
	defer func() {
		g.mu.Lock()
		more := len(g.queue) > 0
		if !more {
			g.flushing--
		}
		g.mu.Unlock()
		if more {
			go g.lead()
		}
	}()
	g.mu.Lock()
	batch, rest := takeLive(g.queue, g.maxRows)
	g.queue = rest
	g.mu.Unlock()
	if len(batch) > 0 {
		g.flush(batch)
	}
}

// withdraw takes c out of the queue unless a flush has taken it, and
// reports whether it did.
func (g *groupCommit[C]) withdraw(c C) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	s := c.slot()
	if s.taken {
		return false
	}
	s.gone = true
	return true
}

// live returns how many calls wait for a flush (for tests).
func (g *groupCommit[C]) live() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, c := range g.queue {
		if !c.slot().gone {
			n++
		}
	}
	return n
}

// setMaxFlushes sets how many flushes may be in flight (for tests).
func (g *groupCommit[C]) setMaxFlushes(n int) {
	g.mu.Lock()
	g.maxFlushes = n
	g.mu.Unlock()
}

// takeLive removes up to max calls that are not gone from the head of
// queue, marks them taken and returns them with what is left of the queue
// (the same array, emptied slots cleared). The queue's mu is held.
func takeLive[C interface{ slot() *queued }](queue []C, max int) (batch, rest []C) {
	i := 0
	for ; i < len(queue) && len(batch) < max; i++ {
		c := queue[i]
		if c.slot().gone {
			continue
		}
		c.slot().taken = true
		batch = append(batch, c)
	}
	n := copy(queue, queue[i:])
	clear(queue[n:])
	return batch, queue[:n]
}
