package web

import (
	"strings"
	"testing"

	"caunoi/domain"
)

func TestWeeklyChart(t *testing.T) {
	if ch := WeeklyChart("vi", nil); !ch.Empty || len(ch.Bars) != 0 {
		t.Fatalf("no weeks: %+v", ch)
	}
	ch := WeeklyChart("en", []domain.WeekCount{{WeekStart: "2026-10-05", Received: 7, Resolved: 3},
		{WeekStart: "2026-10-12", Received: 0, Resolved: 12}})
	if len(ch.Bars) != 4 || len(ch.Labels) != 2 || ch.Labels[0].Text != "05/10" {
		t.Fatalf("bars %+v labels %+v", ch.Bars, ch.Labels)
	}
	base := chartH - chartBottom
	for _, b := range ch.Bars {
		if b.Y+b.H != base || b.H < 0 || b.X < chartLeft || b.X+b.W > chartW-chartRight {
			t.Errorf("bar off the axis: %+v", b)
		}
	}
	// The tallest bar (12) reaches the top of the scale; the scale is 0..15 by 5.
	if top := ch.Ticks[len(ch.Ticks)-1]; top.Value != 15 || ch.Bars[3].H != (base-chartTop)*12/15 {
		t.Errorf("scale: %+v, bar %+v", ch.Ticks, ch.Bars[3])
	}
	if ch.Bars[2].H != 0 {
		t.Errorf("zero bar has height %d", ch.Bars[2].H)
	}
	if !strings.Contains(ch.Desc, "Week of 05/10: 7 received; Week of 05/10: 3 resolved") {
		t.Errorf("description %q", ch.Desc)
	}
	vi := WeeklyChart("vi", []domain.WeekCount{{WeekStart: "2026-10-05", Received: 7, Resolved: 3}})
	if vi.Desc != "Tuần 05/10: tiếp nhận 7; Tuần 05/10: giải quyết 3" || vi.Bars[1].Title != "Tuần 05/10: giải quyết 3" {
		t.Errorf("Vietnamese description %q, %q", vi.Desc, vi.Bars[1].Title)
	}
}

func TestPercentAndDay(t *testing.T) {
	vi, en := &Page{Lang: "vi"}, &Page{Lang: "en"}
	if vi.Percent(0.875) != "87,5 %" || en.Percent(0.875) != "87.5%" {
		t.Errorf("percent: %q %q", vi.Percent(0.875), en.Percent(0.875))
	}
	if vi.Day("2026-10-31") != "31/10/2026" {
		t.Errorf("day %q", vi.Day("2026-10-31"))
	}
}
