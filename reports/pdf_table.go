package reports

// column is one column of a table: its heading, relative width and
// alignment: 'L', 'C' or 'R', or alignFit for cells that must never wrap
// (tracking codes): left-aligned on one line, drawn smaller, down to
// minFitSize, when too wide for the column.
type column struct {
	head  string
	w     float64
	align byte
}

const alignFit = 'F'

// minFitSize is the smallest font a fit cell is shrunk to (points).
const minFitSize = 6.0

const (
	cellPadX = 1.2
	cellPadY = 0.7
)

// table draws rows under a header row over the content width. A row that
// does not fit on the page goes to the next one, and the header row is
// repeated there. Cells wrap; a cell taller than a page is cut with "…".
// Cell text must already be cleaned.
func (d *doc) table(cols []column, rows [][]string, size float64) {
	total := 0.0
	for _, c := range cols {
		total += c.w
	}
	widths := make([]float64, len(cols))
	for i, c := range cols {
		widths[i] = c.w * contentW / total
	}
	lineH := size * ptToMM * 1.22

	d.setFont(styleBold, size)
	heads := make([][]string, len(cols))
	headLines := 1
	for i, c := range cols {
		heads[i] = d.lines(c.head, widths[i]-2*cellPadX)
		headLines = max(headLines, len(heads[i]))
	}
	headH := float64(headLines)*lineH + 2*cellPadY
	maxLines := int((pageH-marginTop-marginBot-headH)/lineH) - 2

	// Rows are separated by horizontal lines; the vertical lines of a page's
	// part of the table are drawn once, when the part ends (fewer bytes per
	// row for long appendices).
	partTop := 0.0
	closePart := func() {
		y := d.pdf.GetY()
		x := marginLeft
		d.pdf.Line(x, partTop, x, y)
		for _, w := range widths {
			x += w
			d.pdf.Line(x, partTop, x, y)
		}
	}
	drawHead := func() {
		d.setFont(styleBold, size)
		d.pdf.SetLineWidth(0.2)
		x, y := marginLeft, d.pdf.GetY()
		partTop = y
		d.pdf.SetFillColor(232, 232, 232)
		d.pdf.Rect(x, y, contentW, headH, "FD")
		d.pdf.SetFillColor(0, 0, 0)
		for i := range cols {
			ty := y + cellPadY + float64(headLines-len(heads[i]))*lineH/2
			for _, l := range heads[i] {
				d.text(x+widths[i]/2, ty, lineH, l, "C")
				ty += lineH
			}
			x += widths[i]
		}
		d.pdf.SetY(y + headH)
		d.setFont(styleRegular, size)
	}

	d.ensure(headH + lineH + 2*cellPadY)
	drawHead()
	m := d.metrics()
	cells := make([][]string, len(cols))
	for _, row := range rows {
		n := 1
		for i := range cols {
			txt := ""
			if i < len(row) {
				txt = row[i]
			}
			if cols[i].align == alignFit {
				cells[i] = []string{txt}
				continue
			}
			ls := wrap(txt, d.emW(widths[i]-2*cellPadX), m)
			if len(ls) > maxLines {
				ls = ls[:maxLines]
				r := []rune(ls[maxLines-1])
				if len(r) > 1 {
					r = r[:len(r)-1]
				}
				ls[maxLines-1] = string(r) + "…"
			}
			cells[i] = ls
			n = max(n, len(ls))
		}
		h := float64(n)*lineH + 2*cellPadY
		if !d.room(h) {
			closePart()
			d.newPage()
			drawHead()
		}
		x, y := marginLeft, d.pdf.GetY()
		for i, c := range cols {
			ty := y + cellPadY
			if c.align == alignFit {
				d.fitText(cells[i][0], x, ty, widths[i], lineH, size)
				x += widths[i]
				continue
			}
			for _, l := range cells[i] {
				switch c.align {
				case 'C':
					d.text(x+widths[i]/2, ty, lineH, l, "C")
				case 'R':
					d.text(x+widths[i]-cellPadX, ty, lineH, l, "R")
				default:
					d.text(x+cellPadX, ty, lineH, l, "L")
				}
				ty += lineH
			}
			x += widths[i]
		}
		d.pdf.Line(marginLeft, y+h, marginLeft+contentW, y+h)
		d.pdf.SetY(y + h)
	}
	closePart()
	d.pdf.SetY(d.pdf.GetY() + 2)
	d.setFont(styleRegular, bodySize)
}

// fitText draws s left-aligned on one line in the cell at x of width w, at
// size or, when it is wider than the cell, at the size that fits (not below
// minFitSize); the font size is restored after.
func (d *doc) fitText(s string, x, y, w, lineH, size float64) {
	if tw, room := d.textW(s), w-2*cellPadX; tw > room && tw > 0 {
		d.setFont(d.style, max(minFitSize, size*room/tw))
		defer d.setFont(d.style, size)
	}
	d.text(x+cellPadX, y, lineH, s, "L")
}
