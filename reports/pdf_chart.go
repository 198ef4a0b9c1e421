package reports

import (
	"math"

	"caunoi/domain"
)

type rgb struct{ r, g, b int }

var (
	colReceived = rgb{47, 85, 151}
	colResolved = rgb{112, 173, 71}
	colOnTime   = rgb{84, 150, 62}
	colLate     = rgb{237, 160, 50}
	colOverdue  = rgb{192, 48, 40}
	colGrid     = rgb{200, 200, 200}
)

func (d *doc) fill(c rgb) { d.pdf.SetFillColor(c.r, c.g, c.b) }

// unfill resets the fill colour to the text colour, so that gofpdf does not
// wrap every later text in a colour save/restore.
func (d *doc) unfill() { d.pdf.SetFillColor(0, 0, 0) }

// niceMax is the top of a chart's axis: a round number ≥ v divisible by 4,
// so that the four grid steps are whole numbers.
func niceMax(v int) int {
	base := []int{4, 8, 12, 16, 20, 24, 32, 40, 60, 80, 100}
	for p := 1; p < math.MaxInt/1000; p *= 10 {
		for _, b := range base {
			if b*p >= v {
				return b * p
			}
		}
	}
	return v
}

// chartTitle draws the caption of a chart.
func (d *doc) chartTitle(s string, h float64) float64 {
	d.ensure(h + 8)
	d.setFont(styleBoldItalic, 11)
	y := d.pdf.GetY() + 1
	d.text(marginLeft+contentW/2, y, 5, s, "C")
	return y + 6
}

// legend draws coloured squares with labels from x at y.
func (d *doc) legend(x, y float64, items []string, cols []rgb) {
	d.setFont(styleRegular, 9)
	for i, it := range items {
		d.fill(cols[i])
		d.pdf.Rect(x, y+1, 3, 3, "F")
		d.text(x+4, y, 5, it, "L")
		x += 4 + d.textW(it) + 6
	}
	d.unfill()
}

// weeklyChart draws received and resolved per week as vertical bars.
func (d *doc) weeklyChart(weeks []domain.WeekCount) {
	if len(weeks) == 0 {
		return
	}
	const h = 62.0
	y := d.chartTitle("Biểu đồ 1. Số phản ánh, kiến nghị tiếp nhận và giải quyết theo tuần", h)
	top := y + 6
	plotX, plotW, plotH := marginLeft+12, contentW-14, h-22
	base := top + plotH
	vmax := 0
	for _, w := range weeks {
		vmax = max(vmax, w.Received, w.Resolved)
	}
	ymax := niceMax(vmax)
	d.legend(marginLeft+contentW-75, y, []string{"Tiếp nhận", "Đã giải quyết"}, []rgb{colReceived, colResolved})

	// Grid and axis labels.
	d.pdf.SetLineWidth(0.15)
	d.setFont(styleRegular, 8)
	for i := 0; i <= 4; i++ {
		gy := base - plotH*float64(i)/4
		d.pdf.SetDrawColor(colGrid.r, colGrid.g, colGrid.b)
		d.pdf.Line(plotX, gy, plotX+plotW, gy)
		d.text(plotX-1.5, gy-2, 4, formatInt(ymax*i/4), "R")
	}
	d.pdf.SetDrawColor(0, 0, 0)
	d.pdf.Line(plotX, base, plotX+plotW, base)

	n := len(weeks)
	slot := plotW / float64(n)
	barW := math.Min(slot*0.36, 8)
	step := 1 + n/14 // label every step-th week
	for i, w := range weeks {
		cx := plotX + slot*(float64(i)+0.5)
		for j, v := range []int{w.Received, w.Resolved} {
			bh := plotH * float64(v) / float64(ymax)
			x := cx - barW + float64(j)*barW
			d.fill([]rgb{colReceived, colResolved}[j])
			if bh > 0 {
				d.pdf.Rect(x, base-bh, barW, bh, "F")
			}
			if n <= 16 {
				d.setFont(styleRegular, 7)
				d.text(x+barW/2, base-bh-3.5, 3.5, formatInt(v), "C")
			}
		}
		if i%step == 0 {
			d.setFont(styleRegular, 8)
			d.text(cx, base+0.8, 4, d.c.line(shortDate(w.WeekStart)), "C")
		}
	}
	d.setFont(styleItalic, 8)
	d.text(plotX+plotW/2, base+5, 4, "(tuần bắt đầu từ thứ Hai)", "C")
	d.unfill()
	d.pdf.SetXY(marginLeft, top+h-10)
	d.setFont(styleRegular, bodySize)
}

// shortDate turns "2026-11-02" into "02/11".
func shortDate(iso string) string {
	if len(iso) == 10 && iso[4] == '-' && iso[7] == '-' {
		return iso[8:10] + "/" + iso[5:7]
	}
	return clip(iso, 8)
}

// hbarRow is one row of a horizontal bar chart: a label and stacked values.
type hbarRow struct {
	label  string
	values []int
}

// hbarChart draws horizontal (possibly stacked) bars with labels at left
// and the total (with its share when pct) at right.
func (d *doc) hbarChart(title string, rows []hbarRow, colors []rgb, legend []string, pct bool) {
	if len(rows) == 0 {
		return
	}
	const labelW, valueW, rowH = 58.0, 24.0, 7.0
	h := float64(len(rows))*rowH + 8
	if legend != nil {
		h += 6
	}
	y := d.chartTitle(title, math.Min(h, 80))
	barX := marginLeft + labelW + 2
	barW := contentW - labelW - 2 - valueW
	vmax, sum := 0, 0
	for _, r := range rows {
		t := 0
		for _, v := range r.values {
			t += v
		}
		vmax = max(vmax, t)
		sum += t
	}
	if vmax == 0 {
		vmax = 1
	}
	for _, r := range rows {
		if y+rowH > pageH-marginBot {
			d.newPage()
			y = d.pdf.GetY()
		}
		d.setFont(styleRegular, 9)
		ls := d.lines(r.label, labelW)
		if len(ls) > 2 {
			r := []rune(ls[1])
			if len(r) > 1 {
				r = r[:len(r)-1]
			}
			ls = []string{ls[0], string(r) + "…"}
		}
		ly := y + (rowH-float64(len(ls))*3.6)/2
		for _, l := range ls {
			d.text(marginLeft+labelW, ly, 3.6, l, "R")
			ly += 3.6
		}
		x, total := barX, 0
		for i, v := range r.values {
			w := barW * float64(v) / float64(vmax)
			if w > 0 {
				d.fill(colors[i%len(colors)])
				d.pdf.Rect(x, y+1.2, w, rowH-2.4, "F")
				if len(r.values) > 1 && w > 7 {
					d.setFont(styleBold, 7.5)
					d.pdf.SetTextColor(255, 255, 255)
					d.text(x+w/2, y+1.2, rowH-2.4, formatInt(v), "C")
					d.pdf.SetTextColor(0, 0, 0)
				}
			}
			x += w
			total += v
		}
		d.setFont(styleRegular, 9)
		label := formatInt(total)
		if pct && sum > 0 {
			label += " (" + formatPct(float64(total)/float64(sum)) + ")"
		}
		d.text(x+1.5, y, rowH, label, "L")
		y += rowH
	}
	d.pdf.SetDrawColor(0, 0, 0)
	d.pdf.SetLineWidth(0.2)
	d.pdf.Line(barX, y-float64(len(rows))*rowH, barX, y)
	if legend != nil {
		d.legend(barX, y+1, legend, colors)
		y += 6
	}
	d.unfill()
	d.pdf.SetXY(marginLeft, y+3)
	d.setFont(styleRegular, bodySize)
}

func (d *doc) channelChart(rows []domain.Breakdown) {
	hr := make([]hbarRow, 0, len(rows))
	for _, b := range rows {
		hr = append(hr, hbarRow{label: clip(d.c.line(breakdownName(b, channelKey)), 200), values: []int{b.Received}})
	}
	d.hbarChart("Biểu đồ 2. Phản ánh, kiến nghị tiếp nhận theo kênh", hr, []rgb{colReceived}, nil, true)
}

func (d *doc) departmentChart(rows []domain.Breakdown) {
	if len(rows) > 15 {
		rows = rows[:15]
	}
	hr := make([]hbarRow, 0, len(rows))
	for _, b := range rows {
		late := max(0, b.Resolved-b.OnTime)
		hr = append(hr, hbarRow{
			label:  clip(d.c.line(breakdownName(b, nil)), 200),
			values: []int{max(0, b.OnTime), late, max(0, b.Overdue)},
		})
	}
	d.hbarChart("Biểu đồ 3. Kết quả xử lý theo phòng ban, đơn vị", hr,
		[]rgb{colOnTime, colLate, colOverdue},
		[]string{"Giải quyết đúng hạn", "Giải quyết trễ hạn", "Quá hạn chưa giải quyết"}, false)
}
