package main

import (
	"fmt"
	"math"
	"os"
	"sync"
	"time"
)

// memWatch follows the server's resident memory during one measurement:
// its VmRSS before, the highest VmRSS sampled every few milliseconds, and,
// when the kernel lets the bench reset the server's high-water mark
// (writing 5 to /proc/PID/clear_refs, Linux 4.0 and later, same user), the
// exact VmHWM of the measurement. The high-water mark of the run so far is
// kept in b.peakMB first, so the run's peak (Results.RSSPeakMB) survives the
// reset.
type memWatch struct {
	b        *bench
	beforeMB float64
	reset    bool // VmHWM was reset: it is this measurement's peak
	stop     chan struct{}
	done     sync.WaitGroup
	mu       sync.Mutex
	sampled  float64
}

// memStats is what a memWatch saw.
type memStats struct {
	BeforeMB  float64 `json:"rss_before_mb"`
	PeakMB    float64 `json:"rss_peak_mb"`    // VmHWM after a reset, else the highest sample
	SampledMB float64 `json:"rss_sampled_mb"` // the highest VmRSS sampled every 5 ms
	AfterMB   float64 `json:"rss_after_mb"`
	GrowthMB  float64 `json:"rss_growth_mb"` // PeakMB - BeforeMB
	Source    string  `json:"peak_source"`   // "VmHWM (reset before)" or "VmRSS sampled every 5 ms"
}

// watchMemory starts following the server's memory.
func (b *bench) watchMemory() (*memWatch, error) {
	w := &memWatch{b: b, stop: make(chan struct{})}
	if hwm, err := b.server.memory("VmHWM"); err == nil {
		b.peakMB = max(b.peakMB, hwm)
	}
	w.reset = b.server.resetPeak() == nil
	var err error
	if w.beforeMB, err = b.server.memory("VmRSS"); err != nil {
		return nil, err
	}
	w.sampled = w.beforeMB
	w.done.Add(1)
	go func() {
		defer w.done.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-t.C:
				if rss, err := b.server.memory("VmRSS"); err == nil {
					w.mu.Lock()
					w.sampled = max(w.sampled, rss)
					w.mu.Unlock()
				}
			}
		}
	}()
	return w, nil
}

// end stops following and returns what was seen.
func (w *memWatch) end() memStats {
	close(w.stop)
	w.done.Wait()
	st := memStats{BeforeMB: w.beforeMB, SampledMB: w.sampled, PeakMB: w.sampled, Source: "VmRSS sampled every 5 ms"}
	if rss, err := w.b.server.memory("VmRSS"); err == nil {
		st.AfterMB = rss
		st.SampledMB = max(st.SampledMB, rss)
		st.PeakMB = st.SampledMB
	}
	if hwm, err := w.b.server.memory("VmHWM"); err == nil {
		w.b.peakMB = max(w.b.peakMB, hwm)
		if w.reset {
			st.PeakMB, st.Source = max(hwm, st.SampledMB), "VmHWM (reset before)"
		}
	}
	// VmHWM follows VmRSS lazily: a sample may be a little higher.
	w.b.peakMB = max(w.b.peakMB, st.PeakMB)
	st.GrowthMB = round1(st.PeakMB - st.BeforeMB)
	return st
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

// resetPeak resets the server's VmHWM to its current VmRSS.
func (c *child) resetPeak() error {
	path := fmt.Sprintf("/proc/%d/clear_refs", c.cmd.Process.Pid)
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString("5"); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
