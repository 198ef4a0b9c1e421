package reports

import (
	"fmt"
	"time"

	"caunoi/domain"
)

// appendixTitle starts an appendix on a new page.
func (d *doc) appendixTitle(title string) {
	d.newPage()
	d.setFont(styleBold, bodySize)
	d.text(marginLeft+contentW/2, d.pdf.GetY(), 6.5, title, "C")
	d.setFont(styleItalic, 12)
	sub := "(Kèm theo Báo cáo " + lowerFirstWord(d.number()) + " " + vnDate(d.date) + ")"
	for _, l := range d.lines(sub, contentW) {
		d.pdf.SetY(d.pdf.GetY() + 6.5)
		d.text(marginLeft+contentW/2, d.pdf.GetY(), 6, l, "C")
	}
	d.pdf.SetY(d.pdf.GetY() + 9)
	d.setFont(styleRegular, bodySize)
}

// lowerFirstWord turns "Số: 12/BC-UBND" into "số 12/BC-UBND".
func lowerFirstWord(n string) string {
	const p = "Số:"
	if len(n) >= len(p) && n[:len(p)] == p {
		return "số" + n[len(p):]
	}
	return n
}

func (d *doc) day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(d.loc).Format("02/01/2006")
}

func (d *doc) dayPtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return d.day(*t)
}

func (d *doc) appendixOverdue() {
	d.appendixTitle("Phụ lục 1: Danh sách phản ánh quá hạn")
	if len(d.s.OverdueList) == 0 {
		d.body("Không có phản ánh, kiến nghị quá hạn trong kỳ.")
		return
	}
	rows := make([][]string, len(d.s.OverdueList))
	for i, t := range d.s.OverdueList {
		rows[i] = []string{
			formatInt(i + 1),
			clip(d.c.line(t.TrackingCode), maxCode),
			d.day(t.CreatedAt),
			d.dayPtr(t.DueAt),
			clip(d.c.line(t.Category), maxName),
			clip(d.c.line(t.Title), maxSummary),
			clip(d.c.line(t.Department), maxName),
			StatusLabel(t.Status),
		}
	}
	d.table([]column{
		{"STT", 10, 'C'}, {"Mã theo dõi", 26, alignFit}, {"Ngày tiếp nhận", 19, 'C'}, {"Hạn xử lý", 19, 'C'},
		{"Lĩnh vực", 21, 'L'}, {"Nội dung tóm tắt", 34, 'L'}, {"Phòng ban", 20, 'L'}, {"Trạng thái", 16, 'L'},
	}, rows, 10)
	if more := d.s.Overdue - len(d.s.OverdueList); more > 0 {
		d.body(fmt.Sprintf("Danh sách trên gồm %s phản ánh, kiến nghị quá hạn lâu nhất; còn %s phản ánh, kiến nghị quá hạn khác có trong báo cáo của từng xã, phường, đặc khu và trong tệp xuất dữ liệu (CSV).",
			formatInt(len(d.s.OverdueList)), formatInt(more)))
	}
}

func (d *doc) appendixTickets() {
	d.appendixTitle("Phụ lục 2: Danh sách phản ánh trong kỳ")
	if len(d.s.Tickets) == 0 && len(d.s.ByUnit) > 0 && d.s.Received > 0 {
		// A roll-up: the list of every ticket would run to thousands of pages.
		d.body(fmt.Sprintf("Báo cáo tổng hợp không kèm danh sách %s phản ánh, kiến nghị tiếp nhận trong kỳ; danh sách của mỗi xã, phường, đặc khu có trong báo cáo của đơn vị đó và trong tệp xuất dữ liệu (CSV).",
			formatInt(d.s.Received)))
		return
	}
	if len(d.s.Tickets) == 0 {
		d.body("Không có phản ánh, kiến nghị trong kỳ.")
		return
	}
	rows := make([][]string, len(d.s.Tickets))
	for i := range d.s.Tickets {
		rows[i] = d.ticketRow(i, &d.s.Tickets[i])
	}
	d.table([]column{
		{"STT", 10, 'C'}, {"Mã theo dõi", 26, alignFit}, {"Ngày tiếp nhận", 19, 'C'}, {"Lĩnh vực", 24, 'L'},
		{"Nội dung tóm tắt", 46, 'L'}, {"Phòng ban", 22, 'L'}, {"Trạng thái", 18, 'L'},
	}, rows, 10)
}

func (d *doc) ticketRow(i int, t *domain.TicketLine) []string {
	return []string{
		formatInt(i + 1),
		clip(d.c.line(t.TrackingCode), maxCode),
		d.day(t.CreatedAt),
		clip(d.c.line(t.Category), maxName),
		clip(d.c.line(t.Title), maxSummary),
		clip(d.c.line(t.Department), maxName),
		StatusLabel(t.Status),
	}
}
