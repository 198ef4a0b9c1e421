package web

import (
	"fmt"
	"strings"

	"caunoi/domain"
)

// LeaderBody is the leader's dashboard: this month and the last, the weekly
// chart, the overdue tickets, the report archive and the report form.
type LeaderBody struct {
	This       *domain.Summary // from the first of the month to today
	Last       *domain.Summary // the whole previous month
	Department string          // a head's department, "" for the whole unit
	Chart      Chart
	Overdue    []domain.TicketItem
	ManyUnits  bool // the dashboard spans several communes: the overdue list names each ticket's
	Reports    []domain.ArchivedReport
	Headers    []string // the PDF's letterheads to choose from
	DefFrom    string   // the form's default period (YYYY-MM-DD)
	DefTo      string
}

// Chart is a bar chart drawn as inline SVG: its size, the bars and the
// horizontal grid lines, all in SVG user units.
type Chart struct {
	W, H   int
	Bars   []ChartBar
	Ticks  []ChartTick
	Labels []ChartLabel
	Empty  bool
	Desc   string // a text description of the data, for screen readers
}

// ChartBar is one bar; Class is "rec" (received) or "res" (resolved).
type ChartBar struct {
	X, Y, W, H int
	Class      string
	Title      string
}

// ChartTick is a grid line at Y with its value.
type ChartTick struct {
	Y     int
	Value int
}

// ChartLabel is a week's label under its bars.
type ChartLabel struct {
	X    int
	Text string
}

// Chart geometry.
const (
	chartW      = 640
	chartH      = 220
	chartLeft   = 36
	chartRight  = 8
	chartTop    = 10
	chartBottom = 34
)

// WeeklyChart lays out received and resolved tickets per week as bars,
// labels in lang ("en" or "vi"). It never fails: no weeks give an empty
// chart.
func WeeklyChart(lang string, weeks []domain.WeekCount) Chart {
	ch := Chart{W: chartW, H: chartH, Empty: len(weeks) == 0}
	if ch.Empty {
		return ch
	}
	top := 0
	for _, w := range weeks {
		top = max(top, w.Received, w.Resolved)
	}
	step := niceStep(top)
	top = ((top + step - 1) / step) * step
	if top == 0 {
		top = step
	}
	plotH := chartH - chartTop - chartBottom
	plotW := chartW - chartLeft - chartRight
	y := func(v int) int { return chartTop + plotH - v*plotH/top }
	for v := 0; v <= top; v += step {
		ch.Ticks = append(ch.Ticks, ChartTick{Y: y(v), Value: v})
	}
	slot := plotW / len(weeks)
	barW := max(2, (slot-8)/2)
	var desc []string
	for i, w := range weeks {
		x := chartLeft + i*slot + (slot-2*barW)/2
		label := weekLabel(w.WeekStart)
		rec := T(lang, "leader.chart.rec.n", label, w.Received)
		res := T(lang, "leader.chart.res.n", label, w.Resolved)
		ch.Bars = append(ch.Bars,
			ChartBar{X: x, Y: y(w.Received), W: barW, H: y(0) - y(w.Received), Class: "rec", Title: rec},
			ChartBar{X: x + barW, Y: y(w.Resolved), W: barW, H: y(0) - y(w.Resolved), Class: "res", Title: res})
		ch.Labels = append(ch.Labels, ChartLabel{X: chartLeft + i*slot + slot/2, Text: label})
		desc = append(desc, rec, res)
	}
	ch.Desc = strings.Join(desc, "; ")
	return ch
}

// niceStep returns a grid step giving at most about five lines up to top.
func niceStep(top int) int {
	for _, s := range []int{1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000} {
		if top/s <= 5 {
			return s
		}
	}
	return (top/5/1000 + 1) * 1000
}

// weekLabel turns a week's Monday (YYYY-MM-DD) into "dd/mm".
func weekLabel(day string) string {
	if len(day) == 10 {
		return day[8:10] + "/" + day[5:7]
	}
	return day
}

// Percent formats a rate between 0 and 1 as "87,5 %" (Vietnamese) or
// "87.5%" (English).
func (p *Page) Percent(rate float64) string {
	s := fmt.Sprintf("%.1f", rate*100)
	if p.Lang == "en" {
		return s + "%"
	}
	return strings.Replace(s, ".", ",", 1) + " %"
}

// Hours formats a median duration in hours, "—" for none.
func (p *Page) Hours(h *float64) string {
	if h == nil {
		return "—"
	}
	s := fmt.Sprintf("%.1f", *h)
	if p.Lang != "en" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// Day formats a report's YYYY-MM-DD day as dd/mm/yyyy.
func (p *Page) Day(day string) string {
	if len(day) != 10 {
		return day
	}
	return day[8:10] + "/" + day[5:7] + "/" + day[0:4]
}
