// Package reportoracle computes a report's figures from a list of tickets
// in plain Go, the way the report defines them, for the tests of the SQL
// that computes them (repository) and of the API that serves them (api):
// one oracle for both.
package reportoracle

import (
	"sort"
	"time"

	"caunoi/domain"
)

// Ticket is what the report reads of a ticket; a zero time is none.
type Ticket struct {
	Unit, Dept, Cat, Kind, Channel, Status, Village string
	Created, Due, FirstResp, Resolved               time.Time
	Rating                                          int // 0: not rated
}

// Want is a period's figures and its breakdowns by dimension ("channel",
// "kind", "category", "department", "village", "unit") and key (a code,
// a village, "" for none; no "" village).
type Want struct {
	Figures domain.Figures
	By      map[string]map[string]*domain.Breakdown
}

// Expect returns the figures of tickets over [start, end) seen at now:
// received in the period; resolved in it, on time when resolved by the due
// time; open when in an open status and received before the end; overdue
// when open, not waiting for the citizen and due before min(end, now). A
// ticket counts in the breakdowns when it is received, resolved or open.
func Expect(tickets []Ticket, start, end, now time.Time) Want {
	cut := end
	if now.Before(cut) {
		cut = now
	}
	w := Want{By: map[string]map[string]*domain.Breakdown{}}
	var frh, rh []float64
	var ratings []int
	for _, t := range tickets {
		rec := !t.Created.Before(start) && t.Created.Before(end)
		res := !t.Resolved.IsZero() && !t.Resolved.Before(start) && t.Resolved.Before(end)
		onTime := res && !t.Resolved.After(t.Due)
		open := (t.Status == "new" || t.Status == "assigned" || t.Status == "in_progress" || t.Status == "waiting_citizen") &&
			t.Created.Before(end)
		overdue := open && t.Status != "waiting_citizen" && t.Due.Before(cut)
		add := func(b *domain.Breakdown) {
			for _, c := range []struct {
				yes bool
				n   *int
			}{{rec, &b.Received}, {res, &b.Resolved}, {onTime, &b.OnTime}, {overdue, &b.Overdue}} {
				if c.yes {
					*c.n++
				}
			}
		}
		var total domain.Breakdown
		add(&total)
		f := &w.Figures
		f.Received += total.Received
		f.Resolved += total.Resolved
		f.ResolvedOnTime += total.OnTime
		f.Overdue += total.Overdue
		if open {
			f.Open++
		}
		if rec && !t.FirstResp.IsZero() {
			frh = append(frh, t.FirstResp.Sub(t.Created).Hours())
		}
		if res {
			rh = append(rh, t.Resolved.Sub(t.Created).Hours())
			if t.Rating > 0 {
				ratings = append(ratings, t.Rating)
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
			if w.By[dim] == nil {
				w.By[dim] = map[string]*domain.Breakdown{}
			}
			b := w.By[dim][key]
			if b == nil {
				b = &domain.Breakdown{Key: key}
				w.By[dim][key] = b
			}
			add(b)
		}
	}
	w.Figures.MedianFirstResponseHours = median(frh)
	w.Figures.MedianResolutionHours = median(rh)
	w.Figures.Satisfaction.Count = len(ratings)
	if len(ratings) > 0 {
		sum := 0
		for _, r := range ratings {
			sum += r
		}
		w.Figures.Satisfaction.Average = float64(sum) / float64(len(ratings))
	}
	return w
}

// median returns the median of v, nil when v is empty.
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
