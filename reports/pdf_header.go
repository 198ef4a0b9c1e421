package reports

import (
	"fmt"
	"strings"
	"time"
)

// Widths of the two header columns (mm): the issuing body at left, the
// motto at right.
const (
	leftColW  = 66.0
	rightColW = contentW - leftColW
	headLineH = 5.6
)

// unitPrefixes are stripped from a unit's name to get a place name.
var unitPrefixes = []string{"Xã ", "Phường ", "Đặc khu ", "Tỉnh ", "Thành phố ", "Thị trấn "}

// placeName is the unit's name without its tier prefix: "Xã Xuân Lũng" →
// "Xuân Lũng".
func placeName(unitName string) string {
	for _, p := range unitPrefixes {
		if strings.HasPrefix(unitName, p) {
			return strings.TrimSpace(unitName[len(p):])
		}
	}
	return unitName
}

// vnDate is "ngày 26 tháng 11 năm 2026" with Decree 30's leading zeros
// (days below 10 and months 1 and 2).
func vnDate(t time.Time) string {
	m := fmt.Sprintf("%d", int(t.Month()))
	if t.Month() <= 2 {
		m = fmt.Sprintf("%02d", int(t.Month()))
	}
	return fmt.Sprintf("ngày %02d tháng %s năm %d", t.Day(), m, t.Year())
}

// dmy turns "2026-11-01" into "01/11/2026"; anything else is returned as is.
func dmy(iso string) string {
	t, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	return t.Format("02/01/2006")
}

// issuer returns the two lines of the issuing body.
func (d *doc) issuer() (string, string) {
	unit := d.c.line(d.s.UnitName)
	parent := d.c.line(d.s.ParentName)
	if d.party {
		if parent == "" {
			return "ĐẢNG BỘ " + d.c.line(upper(unit)), "BAN CHẤP HÀNH"
		}
		return "ĐẢNG BỘ " + d.c.line(upper(parent)), "ĐẢNG ỦY " + d.c.line(upper(unit))
	}
	return "ỦY BAN NHÂN DÂN", d.c.line(upper(unit))
}

func (d *doc) number() string {
	n := strings.TrimSpace(d.c.line(d.opt.Number))
	if n == "" {
		suffix := "/BC-UBND"
		if d.party {
			suffix = "/BC-ĐU"
		}
		return "Số:      " + suffix
	}
	if !strings.HasPrefix(strings.ToLower(n), "số") {
		n = "Số: " + n
	}
	return n
}

func (d *doc) placeDate() string {
	place := d.c.line(d.opt.Place)
	if place == "" {
		place = placeName(d.c.line(d.s.UnitName))
	}
	return clip(place, 60) + ", " + vnDate(d.date)
}

// fitFont sets style st at the largest size ≤ size (down to 9 pt) at which
// s fits in width mm.
func (d *doc) fitFont(st style, size float64, s string, width float64) {
	for d.setFont(st, size); size > 9 && d.textW(s) > width; size -= 0.5 {
		d.setFont(st, size-0.5)
	}
}

// rule draws a horizontal line of length w centred on cx.
func (d *doc) rule(cx, y, w float64) {
	d.pdf.SetLineWidth(0.3)
	d.pdf.Line(cx-w/2, y, cx+w/2, y)
}

// topBlocks draws the issuing body and number (left) and the motto and
// date line (right), then the title and the subject.
func (d *doc) topBlocks() {
	y0 := marginTop
	lx := marginLeft + leftColW/2
	rx := marginLeft + leftColW + rightColW/2

	l1, l2 := d.issuer()
	l1, l2 = clip(l1, 80), clip(l2, 80)
	d.fitFont(styleRegular, 13, l1, leftColW)
	d.text(lx, y0, headLineH, l1, "C")
	d.fitFont(styleBold, 13, l2, leftColW)
	d.text(lx, y0+headLineH, headLineH, l2, "C")
	w2 := d.textW(l2)
	if d.party {
		d.setFont(styleRegular, 13)
		d.text(lx, y0+2*headLineH, headLineH, "*", "C")
	} else {
		d.rule(lx, y0+2*headLineH+0.6, clampF(w2*0.4, 18, leftColW))
	}
	d.setFont(styleRegular, 13)
	num := d.number()
	d.fitFont(styleRegular, 13, num, leftColW)
	d.text(lx, y0+3*headLineH+1, headLineH, num, "C")

	if d.party {
		d.setFont(styleBold, 14)
		m := "ĐẢNG CỘNG SẢN VIỆT NAM"
		d.text(rx, y0, headLineH, m, "C")
		d.rule(rx, y0+headLineH+0.6, d.textW(m))
	} else {
		m1, m2 := "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"
		d.fitFont(styleBold, 12.5, m1, rightColW)
		d.text(rx, y0, headLineH, m1, "C")
		d.setFont(styleBold, 13)
		d.text(rx, y0+headLineH, headLineH, m2, "C")
		d.rule(rx, y0+2*headLineH+0.6, d.textW(m2))
	}
	pd := d.placeDate()
	d.fitFont(styleItalic, 13, pd, rightColW)
	d.text(rx, y0+3*headLineH+1, headLineH, pd, "C")

	// Title and subject.
	y := y0 + 4*headLineH + 10
	d.setFont(styleBold, 14)
	d.text(marginLeft+contentW/2, y, 7, "BÁO CÁO", "C")
	y += 7
	for _, l := range d.lines(d.subject(), contentW-20) {
		d.text(marginLeft+contentW/2, y, 6.5, l, "C")
		y += 6.5
	}
	d.rule(marginLeft+contentW/2, y+1.2, 40)
	d.pdf.SetXY(marginLeft, y+6)
	d.setFont(styleRegular, bodySize)
}

func (d *doc) subject() string {
	return fmt.Sprintf("Kết quả tiếp nhận, xử lý phản ánh, kiến nghị của người dân từ ngày %s đến ngày %s",
		d.c.line(dmy(d.s.From)), d.c.line(dmy(d.s.To)))
}

func clampF(v, lo, hi float64) float64 {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// signature draws "Nơi nhận" with the recipients at left and the signature
// block at right.
func (d *doc) signature() {
	recips := make([]string, 0, len(d.opt.Recipients)+1)
	for _, r := range d.opt.Recipients {
		if r = clip(d.c.line(r), 200); r != "" {
			recips = append(recips, strings.TrimRight(r, ";. "))
		}
	}
	if len(recips) == 0 {
		recips = append(recips, "Lưu: VT")
	}
	const recipW = 72.0
	const sigX = marginLeft + recipW
	const sigW = contentW - recipW
	// Measure the recipients to keep the block on one page when it fits.
	d.setFont(styleRegular, 11)
	var rl []string
	for i, r := range recips {
		end := ";"
		if i == len(recips)-1 {
			end = "."
		}
		for j, l := range d.lines("- "+r+end, recipW-2) {
			if j > 0 {
				l = "  " + l
			}
			rl = append(rl, l)
		}
	}
	h := 6 + float64(len(rl))*4.8
	if h < 45 {
		h = 45
	}
	if h < pageH-marginTop-marginBot {
		d.ensure(h + 4)
	}
	y := d.pdf.GetY() + 4
	top := y

	d.setFont(styleBoldItalic, 12)
	d.text(marginLeft, y, 6, "Nơi nhận:", "L")
	y += 6
	d.setFont(styleRegular, 11)
	for _, l := range rl {
		if y+4.8 > pageH-marginBot {
			d.newPage()
			y = d.pdf.GetY()
		}
		d.text(marginLeft, y, 4.8, l, "L")
		y += 4.8
	}
	endLeft, leftPage := y, d.pdf.PageNo()

	// The signature block sits beside the first lines of the list.
	if d.pdf.PageNo() != leftPage {
		top = marginTop
	}
	cx := sigX + sigW/2
	tm, title := "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"
	switch {
	case d.party && d.opt.Deputy:
		tm, title = "KT. BÍ THƯ", "PHÓ BÍ THƯ"
	case d.party:
		tm, title = "TM. ĐẢNG ỦY", "BÍ THƯ"
	case d.opt.Deputy:
		tm, title = "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"
	}
	if t := d.c.line(d.opt.SignerTitle); t != "" {
		title = d.c.line(upper(clip(t, 80)))
	}
	name := clip(d.c.line(d.opt.SignerName), 80)
	d.fitFont(styleBold, 13, tm, sigW)
	d.text(cx, top, 6, tm, "C")
	d.fitFont(styleBold, 13, title, sigW)
	d.text(cx, top+6, 6, title, "C")
	if name != "" {
		d.fitFont(styleBold, 13, name, sigW)
		d.text(cx, top+36, 6, name, "C")
	}
	end := top + 42
	if endLeft > end {
		end = endLeft
	}
	d.pdf.SetXY(marginLeft, end)
	d.setFont(styleRegular, bodySize)
}
