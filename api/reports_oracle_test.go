package api_test

import (
	"sort"
	"time"

	"caunoi/domain"
	"caunoi/internal/apitest"
)

// expected computes a period's figures from the fixture, in Go, the way the
// report defines them: received in [start, end); resolved in it, on time
// when resolved by the due time in force; open now and received before the
// end; overdue when open, not waiting for the citizen and due before
// min(end, now).
type expected struct {
	fig  domain.Figures
	by   map[string]map[string]*domain.Breakdown // dimension → key → row
	frh  []float64
	rh   []float64
	rate []int
}

func expect(start, end, now time.Time, keep func(apitest.ReportTicket) bool) *expected {
	cut := end
	if now.Before(cut) {
		cut = now
	}
	x := &expected{by: map[string]map[string]*domain.Breakdown{}}
	for _, t := range apitest.ReportFixture {
		if !keep(t) {
			continue
		}
		created, due, resolved := apitest.At(t.Created), apitest.At(t.Due), apitest.At(t.Resolved)
		rec := !created.Before(start) && created.Before(end)
		res := t.Resolved != "" && !resolved.Before(start) && resolved.Before(end)
		onTime := res && !resolved.After(due)
		open := (t.Status == "new" || t.Status == "assigned" || t.Status == "in_progress" || t.Status == "waiting_citizen") &&
			created.Before(end)
		overdue := open && t.Status != "waiting_citizen" && due.Before(cut)
		f := &x.fig
		add := func(b *domain.Breakdown) {
			if rec {
				b.Received++
			}
			if res {
				b.Resolved++
			}
			if onTime {
				b.OnTime++
			}
			if overdue {
				b.Overdue++
			}
		}
		var total domain.Breakdown
		add(&total)
		f.Received += total.Received
		f.Resolved += total.Resolved
		f.ResolvedOnTime += total.OnTime
		f.Overdue += total.Overdue
		if open {
			f.Open++
		}
		if rec && t.FirstResp != "" {
			x.frh = append(x.frh, apitest.At(t.FirstResp).Sub(created).Hours())
		}
		if res {
			x.rh = append(x.rh, resolved.Sub(created).Hours())
			if t.Rating > 0 {
				x.rate = append(x.rate, t.Rating)
			}
		}
		if !rec && !res && !open {
			continue
		}
		for dim, key := range map[string]string{"channel": t.Channel, "kind": t.Kind, "category": t.Cat,
			"department": t.Dept, "village": t.Village, "unit": t.Unit} {
			if dim == "village" && key == "" {
				continue
			}
			if x.by[dim] == nil {
				x.by[dim] = map[string]*domain.Breakdown{}
			}
			b := x.by[dim][key]
			if b == nil {
				b = &domain.Breakdown{Key: key}
				x.by[dim][key] = b
			}
			add(b)
		}
	}
	x.fig.MedianFirstResponseHours = median(x.frh)
	x.fig.MedianResolutionHours = median(x.rh)
	x.fig.Satisfaction.Count = len(x.rate)
	if len(x.rate) > 0 {
		sum := 0
		for _, r := range x.rate {
			sum += r
		}
		x.fig.Satisfaction.Average = float64(sum) / float64(len(x.rate))
	}
	return x
}

func median(v []float64) *float64 {
	if len(v) == 0 {
		return nil
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return &m
}
