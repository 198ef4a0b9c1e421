package reports

import (
	"fmt"
	"sort"
	"strings"

	"caunoi/domain"
)

// Longest texts drawn, in runes: a report is not the place for a whole
// message, and a table row must fit on a page.
const (
	maxName    = 160
	maxSummary = 240
	maxCode    = 40
)

func (d *doc) render() {
	d.newPage()
	d.topBlocks()
	d.sectionReceipt()
	d.sectionHandling()
	d.sectionAssessment()
	d.sectionTasks()
	d.signature()
	d.appendixOverdue()
	d.appendixTickets()
	d.pageNumbers()
}

// unitInText is the unit's name as it reads inside a sentence: "xã Xuân
// Lũng".
func (d *doc) unitInText() string {
	u := clip(d.c.line(d.s.UnitName), maxName)
	for _, p := range unitPrefixes {
		if strings.HasPrefix(u, p) {
			return strings.ToLower(p) + u[len(p):]
		}
	}
	return u
}

func (d *doc) period() string {
	return fmt.Sprintf("từ ngày %s đến ngày %s", d.c.line(dmy(d.s.From)), d.c.line(dmy(d.s.To)))
}

// shareTable lists breakdown rows with their count and share of total.
func (d *doc) shareTable(head string, rows []domain.Breakdown, labeler func(string) string, total int) {
	if len(rows) == 0 {
		d.body("Không có số liệu.")
		return
	}
	data := make([][]string, 0, len(rows)+1)
	sum := 0
	for i, b := range rows {
		data = append(data, []string{
			formatInt(i + 1),
			clip(d.c.line(breakdownName(b, labeler)), maxName),
			formatInt(b.Received),
			share(b.Received, total),
		})
		sum += b.Received
	}
	data = append(data, []string{"", "Tổng cộng", formatInt(sum), share(sum, total)})
	d.table([]column{
		{"STT", 10, 'C'}, {head, 95, 'L'}, {"Số lượng", 30, 'R'}, {"Tỷ lệ", 30, 'R'},
	}, data, 11)
}

func (d *doc) sectionReceipt() {
	s := d.s
	d.heading("I. Tình hình tiếp nhận", styleBold)
	txt := fmt.Sprintf("Trong kỳ báo cáo (%s), %s đã tiếp nhận tổng số %s phản ánh, kiến nghị của người dân",
		d.period(), d.receiverPhrase(), formatInt(s.Received))
	if s.Previous != nil {
		txt += fmt.Sprintf(", %s so với kỳ trước (%s)", changeWords(s.Received, s.Previous.Received), formatInt(s.Previous.Received))
	}
	d.body(txt + ".")
	d.weeklyChart(s.Weekly)

	d.heading("1. Theo kênh tiếp nhận", styleItalic)
	d.shareTable("Kênh tiếp nhận", s.ByChannel, channelKey, s.Received)
	d.channelChart(s.ByChannel)
	d.heading("2. Theo loại phản ánh, kiến nghị", styleItalic)
	d.shareTable("Loại", s.ByKind, kindKey, s.Received)
	d.heading("3. Theo lĩnh vực", styleItalic)
	d.shareTable("Lĩnh vực", s.ByCategory, nil, s.Received)
	if len(s.ByVillage) > 0 || len(s.ByUnit) == 0 {
		d.heading("4. Theo thôn, tổ dân phố", styleItalic)
		d.shareTable("Thôn, tổ dân phố", s.ByVillage, nil, s.Received)
	}
}

// receiverPhrase names who received the feedback in a sentence.
func (d *doc) receiverPhrase() string {
	if d.s.UnitLevel == domain.LevelProvince {
		return "các xã, phường, đặc khu trên địa bàn " + d.unitInText()
	}
	if d.party {
		return "Đảng ủy, chính quyền " + d.unitInText()
	}
	return "Ủy ban nhân dân " + d.unitInText()
}

// changeWords is "tăng 12 (+6,4%)", "giảm 3 (-2%)" or "không thay đổi".
func changeWords(cur, prev int) string {
	switch {
	case cur > prev:
		return "tăng " + strings.ReplaceAll(delta(cur, prev), "+", "")
	case cur < prev:
		return "giảm " + strings.ReplaceAll(delta(cur, prev), "-", "")
	}
	return "không thay đổi"
}

func (d *doc) departmentRows(rows []domain.Breakdown) [][]string {
	data := make([][]string, 0, len(rows))
	for i, b := range rows {
		rate := "-"
		if b.Resolved > 0 {
			rate = formatPct(b.OnTimeRate)
		}
		data = append(data, []string{
			formatInt(i + 1),
			clip(d.c.line(breakdownName(b, nil)), maxName),
			formatInt(b.Received), formatInt(b.Resolved), formatInt(b.OnTime),
			formatInt(b.Overdue), rate,
		})
	}
	return data
}

func (d *doc) sectionHandling() {
	s := d.s
	d.heading("II. Kết quả xử lý", styleBold)
	d.body(fmt.Sprintf("Đã giải quyết %s phản ánh, kiến nghị (%s số tiếp nhận), trong đó giải quyết đúng hạn %s, đạt tỷ lệ %s. Còn %s phản ánh, kiến nghị đang xử lý, trong đó %s phản ánh, kiến nghị đã quá hạn xử lý.",
		formatInt(s.Resolved), share(s.Resolved, s.Received), formatInt(s.ResolvedOnTime),
		rateOrDash(s.OnTimeRate, s.Resolved), formatInt(s.Open), formatInt(s.Overdue)))
	d.body(fmt.Sprintf("Thời gian phản hồi lần đầu (trung vị): %s; thời gian giải quyết (trung vị): %s.",
		hours(s.MedianFirstResponseHours), hours(s.MedianResolutionHours)))

	d.heading("1. Kết quả xử lý theo phòng ban, đơn vị", styleItalic)
	if len(s.ByDepartment) == 0 {
		d.body("Không có số liệu.")
	} else {
		d.table(departmentColumns("Phòng ban, đơn vị"), d.departmentRows(s.ByDepartment), 11)
		d.departmentChart(s.ByDepartment)
	}
	if len(s.ByUnit) > 0 {
		d.heading("2. Xếp hạng các xã, phường, đặc khu theo tỷ lệ giải quyết đúng hạn", styleItalic)
		d.table(departmentColumns("Đơn vị"), d.departmentRows(domain.RankUnits(s.ByUnit)), 11)
	}
}

func departmentColumns(name string) []column {
	return []column{
		{"STT", 10, 'C'}, {name, 58, 'L'}, {"Tiếp nhận", 19, 'R'}, {"Đã giải quyết", 19, 'R'},
		{"Đúng hạn", 19, 'R'}, {"Quá hạn", 19, 'R'}, {"Tỷ lệ đúng hạn", 21, 'R'},
	}
}

func rateOrDash(rate float64, resolved int) string {
	if resolved == 0 {
		return "-"
	}
	return formatPct(rate)
}

// top returns the n rows with the most received tickets.
func top(rows []domain.Breakdown, n int) []domain.Breakdown {
	out := append([]domain.Breakdown(nil), rows...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Received > out[j].Received })
	if len(out) > n {
		out = out[:n]
	}
	for len(out) > 0 && out[len(out)-1].Received == 0 {
		out = out[:len(out)-1]
	}
	return out
}

func (d *doc) topList(rows []domain.Breakdown, total int) {
	for _, b := range top(rows, 3) {
		line := fmt.Sprintf("- %s: %s phản ánh, kiến nghị (%s)", clip(d.c.line(breakdownName(b, nil)), maxName),
			formatInt(b.Received), share(b.Received, total))
		if b.Overdue > 0 {
			line += fmt.Sprintf(", %s quá hạn", formatInt(b.Overdue))
		}
		d.body(line + ";")
	}
}

func (d *doc) sectionAssessment() {
	s := d.s
	d.heading("III. Đánh giá", styleBold)
	d.heading("1. Mức độ hài lòng của người dân", styleItalic)
	if s.Satisfaction.Count == 0 {
		d.body("Trong kỳ chưa có lượt đánh giá mức độ hài lòng của người dân.")
	} else {
		d.body(fmt.Sprintf("Có %s lượt người dân đánh giá kết quả giải quyết, điểm hài lòng trung bình %s/5.",
			formatInt(s.Satisfaction.Count), formatDec(s.Satisfaction.Average)))
	}

	d.heading("2. Các vấn đề được phản ánh nhiều", styleItalic)
	if len(top(s.ByCategory, 3)) == 0 {
		d.body("Không có số liệu.")
	} else {
		d.body("Các lĩnh vực được người dân phản ánh, kiến nghị nhiều nhất trong kỳ:")
		d.topList(s.ByCategory, s.Received)
	}

	d.heading("3. Địa bàn có nhiều phản ánh, kiến nghị", styleItalic)
	places := s.ByVillage
	if len(places) == 0 {
		places = s.ByUnit
	}
	if len(top(places, 3)) == 0 {
		d.body("Không có số liệu.")
	} else {
		d.topList(places, s.Received)
	}

	d.ensure(55) // the heading, a line and most of the table together
	d.heading("4. So sánh với kỳ trước", styleItalic)
	p := s.Previous
	if p == nil {
		d.body("Không có số liệu kỳ trước để so sánh.")
		return
	}
	d.body(fmt.Sprintf("Kỳ trước: từ ngày %s đến ngày %s.", d.c.line(dmy(p.From)), d.c.line(dmy(p.To))))
	rows := [][]string{
		{"Tiếp nhận", formatInt(s.Received), formatInt(p.Received), delta(s.Received, p.Received)},
		{"Đã giải quyết", formatInt(s.Resolved), formatInt(p.Resolved), delta(s.Resolved, p.Resolved)},
		{"Giải quyết đúng hạn", formatInt(s.ResolvedOnTime), formatInt(p.ResolvedOnTime), delta(s.ResolvedOnTime, p.ResolvedOnTime)},
		{"Đang xử lý", formatInt(s.Open), formatInt(p.Open), delta(s.Open, p.Open)},
		{"Quá hạn", formatInt(s.Overdue), formatInt(p.Overdue), delta(s.Overdue, p.Overdue)},
		{"Tỷ lệ đúng hạn", rateOrDash(s.OnTimeRate, s.Resolved), rateOrDash(p.OnTimeRate, p.Resolved), deltaPoints(s.OnTimeRate, p.OnTimeRate)},
	}
	if s.Satisfaction.Count > 0 && p.Satisfaction.Count > 0 {
		rows = append(rows, []string{"Điểm hài lòng trung bình", formatDec(s.Satisfaction.Average),
			formatDec(p.Satisfaction.Average), signed(s.Satisfaction.Average - p.Satisfaction.Average)})
	}
	d.table([]column{
		{"Chỉ tiêu", 60, 'L'}, {"Kỳ này", 30, 'R'}, {"Kỳ trước", 30, 'R'}, {"Tăng (+), giảm (-)", 45, 'R'},
	}, rows, 11)
}

func signed(f float64) string {
	if f > 0.05 {
		return "+" + formatDec(f)
	}
	return formatDec(f)
}

func (d *doc) sectionTasks() {
	d.heading(domain.ReportSectionIV, styleBold)
	txt := d.c.para(d.opt.SectionIV)
	if txt == "" {
		d.setFont(styleItalic, bodySize)
		d.paragraph("(Lãnh đạo bổ sung nhiệm vụ, giải pháp và đề xuất, kiến nghị.)", paraIndent)
		d.setFont(styleRegular, bodySize)
		d.paragraph(strings.Repeat(".", 150), paraIndent)
		return
	}
	d.body(txt)
}
