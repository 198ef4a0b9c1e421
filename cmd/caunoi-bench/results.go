package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// Results is what a run measured; it is written to bench/results.json.
type Results struct {
	Quick   bool       `json:"quick"`
	Params  Params     `json:"params"`
	Started time.Time  `json:"started"`
	Elapsed string     `json:"elapsed"`
	Machine Machine    `json:"machine"`
	Seed    SeedFigure `json:"seed"`
	Figures []Figure   `json:"figures"`
	// IntakeOverInsert is created tickets per second over the raw INSERT ceiling.
	IntakeOverInsert float64 `json:"intake_over_raw_insert"`
	// IntakeOverTickets is the same over the INSERT into tickets itself
	// (the seeded table, its indexes at their size, its foreign keys).
	IntakeOverTickets float64 `json:"intake_over_raw_insert_into_tickets"`
	// SeedOverCopy is the seed's tickets per second over the raw COPY
	// ceiling (the same rows copied, then their indexes built).
	SeedOverCopy float64 `json:"seed_over_raw_copy"`
	// IntakeOverHTTP is created tickets per second over the HTTP ceiling.
	IntakeOverHTTP float64 `json:"intake_over_http_ceiling"`
	RSSIdleMB      float64 `json:"server_rss_idle_mb"`
	RSSPeakMB      float64 `json:"server_rss_peak_mb"`
	// LoadAvgEnd is /proc/loadavg at the end (the machine is shared).
	LoadAvgEnd string `json:"load_average_at_end"`
}

// SeedFigure is the synthetic load.
type SeedFigure struct {
	Tickets   int     `json:"tickets"`
	Units     int     `json:"units"`
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"tickets_per_second"` // as `caunoi seed --synthetic` measured it
	Output    string  `json:"output"`
}

// Figure is one measurement. Skipped says why it was not made.
type Figure struct {
	Name      string         `json:"name"`
	PerSecond float64        `json:"per_second,omitempty"`
	Unit      string         `json:"unit,omitempty"` // what PerSecond counts
	P50ms     float64        `json:"p50_ms,omitempty"`
	P99ms     float64        `json:"p99_ms,omitempty"`
	Requests  int            `json:"requests,omitempty"`
	Errors    int            `json:"errors"`
	Note      string         `json:"note,omitempty"`
	Skipped   string         `json:"skipped,omitempty"`
	Extra     map[string]any `json:"extra,omitempty"`
}

func (r *Results) figure(name string) (Figure, bool) {
	for _, f := range r.Figures {
		if f.Name == name && f.Skipped == "" {
			return f, true
		}
	}
	return Figure{}, false
}

// finish computes the ratios and reads the server's peak memory.
func (r *Results) finish(b *bench) {
	in, ok1 := r.figure(nameIntake)
	raw, ok2 := r.figure(nameRawInsert)
	if ok1 && ok2 && raw.PerSecond > 0 {
		r.IntakeOverInsert = round3(in.PerSecond / raw.PerSecond)
	}
	if rt, ok := r.figure(nameRawTickets); ok1 && ok && rt.PerSecond > 0 {
		r.IntakeOverTickets = round3(in.PerSecond / rt.PerSecond)
	}
	h, ok3 := r.figure(nameHTTPCeiling)
	if ok1 && ok3 && h.PerSecond > 0 {
		r.IntakeOverHTTP = round3(in.PerSecond / h.PerSecond)
	}
	if c, ok := r.figure(nameRawCopy); ok && c.PerSecond > 0 && r.Seed.PerSecond > 0 {
		r.SeedOverCopy = round3(r.Seed.PerSecond / c.PerSecond)
	}
	r.RSSIdleMB = b.rssIdleMB
	// The PDF and CSV measurements reset the server's VmHWM to see their own
	// peak; b.peakMB is the highest it was before each reset.
	r.RSSPeakMB = b.peakMB
	if peak, err := b.server.memory("VmHWM"); err == nil {
		r.RSSPeakMB = max(r.RSSPeakMB, peak)
	}
	r.LoadAvgEnd = loadAvg()
}

func round3(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

func printTable(w io.Writer, r Results) {
	fmt.Fprintf(w, "\nCầu Nối benchmark (%s) — %d CPU, %s; %s\n", map[bool]string{true: "quick", false: "full"}[r.Quick],
		r.Machine.Cores, r.Machine.CPU, r.Machine.PostgreSQL)
	if r.Params.Template != "" {
		fmt.Fprintf(w, "data: a copy of the seeded database %s (not seeded in this run)\n", r.Params.Template)
	} else {
		fmt.Fprintf(w, "data: %d synthetic tickets over %d days across %d units, loaded at %.0f tickets/s (%.1f s)\n",
			r.Seed.Tickets, r.Params.Days, r.Seed.Units, r.Seed.PerSecond, r.Seed.Seconds)
	}
	fmt.Fprintf(w, "load: %d clients, %s per measurement, 127.0.0.1, keep-alive\n", r.Params.Clients, r.Params.Duration)
	fmt.Fprintf(w, "shared machine: load average %s at the start, %s at the end\n\n", r.Machine.LoadAvg, r.LoadAvgEnd)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "measurement\tper second\tp50 ms\tp99 ms\trequests\terrors\tnote")
	for _, f := range r.Figures {
		if f.Skipped != "" {
			fmt.Fprintf(tw, "%s\t—\t\t\t\t\t%s\n", f.Name, f.Skipped)
			continue
		}
		rate := ""
		if f.PerSecond > 0 {
			rate = fmt.Sprintf("%.0f %s", f.PerSecond, f.Unit)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", f.Name, rate, ms(f.P50ms), ms(f.P99ms), f.Requests, f.Errors, f.Note)
	}
	tw.Flush()
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  intake / raw INSERT ceiling: %.3f into an empty copy of tickets, %.3f into tickets itself (goal ≥ 0.5); intake / HTTP ceiling: %.3f\n",
		r.IntakeOverInsert, r.IntakeOverTickets, r.IntakeOverHTTP)
	if r.SeedOverCopy > 0 {
		fmt.Fprintf(w, "  seed / raw COPY ceiling: %.3f (the seed's goal: 50000 tickets/s)\n", r.SeedOverCopy)
	}
	fmt.Fprintf(w, "  server resident memory: %.1f MB idle (goal < 60), %.1f MB peak (goal < 150)\n", r.RSSIdleMB, r.RSSPeakMB)
	fmt.Fprintf(w, "  run took %s\n", r.Elapsed)
}

func ms(x float64) string {
	if x == 0 {
		return ""
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}
