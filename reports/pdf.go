package reports

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"caunoi/domain"

	"github.com/jung-kurt/gofpdf"
)

// Header variants of the report's top blocks.
const (
	HeaderUBND   = "ubnd"    // the People's Committee (default)
	HeaderDangUy = "dang-uy" // the Party committee
)

// PDFOptions are the parts of the report that do not come from the data.
// Every field may be left empty.
type PDFOptions struct {
	// Header is HeaderUBND (default) or HeaderDangUy.
	Header string
	// Number is the document number, e.g. "Số: 12/BC-UBND"; empty gives
	// "Số:      /BC-UBND" (or /BC-ĐU) with a blank to fill by hand.
	Number string
	// Place is the place name of the date line ("Xuân Lũng"); empty takes
	// the unit's name without its "Xã"/"Phường"/"Tỉnh" prefix.
	Place string
	// Date is the date of the report; zero takes s.GeneratedAt, or now.
	Date time.Time
	// SectionIV is the leader's text for "IV. Nhiệm vụ, đề xuất"; empty
	// leaves a placeholder line. Line breaks separate paragraphs.
	SectionIV string
	// Recipients are listed under "Nơi nhận:"; empty gives "Lưu: VT".
	Recipients []string
	// SignerTitle defaults to CHỦ TỊCH (ubnd) or BÍ THƯ (dang-uy).
	SignerTitle string
	// SignerName is printed under the signature space.
	SignerName string
	// Deputy signs for the head (Decree 30's "KT. CHỦ TỊCH" over "PHÓ CHỦ
	// TỊCH", or "KT. BÍ THƯ" over "PHÓ BÍ THƯ"); false signs on behalf of the
	// committee ("TM. ỦY BAN NHÂN DÂN" over "CHỦ TỊCH").
	Deputy bool
	// Loc is the time zone of dates; nil means Asia/Ho_Chi_Minh.
	Loc *time.Location
	// NumberFirstPage prints the page number on page 1 too (Decree 30
	// leaves it off).
	NumberFirstPage bool
}

// Page geometry in millimetres (Decree 30/2020/ND-CP).
const (
	pageW       = 210.0
	pageH       = 297.0
	marginTop   = 20.0
	marginBot   = 20.0
	marginLeft  = 30.0
	marginRight = 15.0
	contentW    = pageW - marginLeft - marginRight
	bodySize    = 13.0 // pt
	bodyLineH   = 6.0  // mm
	paraIndent  = 10.0 // mm, first-line indent
	ptToMM      = 25.4 / 72
)

// ErrNilSummary is returned by WritePDF when s is nil.
var ErrNilSummary = errors.New("reports: nil summary")

// WritePDF renders s as an administrative report (Decree 30/2020/ND-CP
// layout) and writes the PDF to w. It returns ErrNilSummary for a nil
// summary, an error when the embedded fonts cannot be loaded or the PDF
// cannot be built, and the writer's error when writing fails. Every string
// of s and opt is treated as untrusted: NFC-normalised, stripped of runes the
// font cannot draw, phone numbers masked.
func WritePDF(w io.Writer, s *domain.Summary, opt PDFOptions) error {
	if s == nil {
		return ErrNilSummary
	}
	fonts, err := loadFonts()
	if err != nil {
		return err
	}
	d := newDoc(s, opt, fonts)
	if err := d.registerFonts(); err != nil {
		return err
	}
	d.render()
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("reports: build pdf: %w", err)
	}
	if err := d.pdf.Output(&compressingWriter{w: w}); err != nil {
		return fmt.Errorf("reports: write pdf: %w", err)
	}
	return nil
}

// doc is one report being drawn.
type doc struct {
	pdf   *gofpdf.Fpdf
	fonts *fontSet
	c     cleaner
	s     *domain.Summary
	opt   PDFOptions
	party bool
	loc   *time.Location
	date  time.Time

	style style
	size  float64 // pt
}

func newDoc(s *domain.Summary, opt PDFOptions, fonts *fontSet) *doc {
	d := &doc{fonts: fonts, c: cleaner{fonts: fonts, memo: map[string]string{}}, s: s, opt: opt}
	d.party = strings.EqualFold(strings.TrimSpace(opt.Header), HeaderDangUy)
	d.loc = opt.Loc
	if d.loc == nil {
		d.loc = vietnam()
	}
	d.date = opt.Date
	if d.date.IsZero() {
		d.date = s.GeneratedAt
	}
	if d.date.IsZero() {
		d.date = time.Now()
	}
	d.date = d.date.In(d.loc)

	p := gofpdf.NewCustom(&gofpdf.InitType{
		OrientationStr: "P",
		UnitStr:        "mm",
		Size:           gofpdf.SizeType{Wd: pageW, Ht: pageH},
	})
	p.SetMargins(marginLeft, marginTop, marginRight)
	p.SetAutoPageBreak(true, marginBot)
	p.SetCellMargin(0)
	p.SetCompression(false) // compressingWriter deflates the streams
	p.SetCreationDate(d.date)
	p.SetModificationDate(d.date)
	p.SetCreator("Cầu Nối", true)
	d.pdf = p
	return d
}

// vietnam returns Asia/Ho_Chi_Minh, or UTC+7 when the zone database is
// missing (Vietnam has no daylight saving time).
func vietnam() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*3600)
}

func (d *doc) registerFonts() error {
	for _, f := range fontFiles {
		m := d.fonts.byStyle[f.style]
		d.pdf.AddUTF8FontFromBytes(fontFamily, string(f.style), m.data)
	}
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("reports: register fonts: %w", err)
	}
	d.setFont(styleRegular, bodySize)
	return nil
}

// pageNumbers prints each page's number as Decree 30/2020 sets it: in
// Arabic numerals, upright, 13 pt, centred in the top margin, from page 2
// (page 1 carries none unless asked). It runs once the pages are drawn.
func (d *doc) pageNumbers() {
	total := d.pdf.PageCount()
	for n := 1; n <= total; n++ {
		if n == 1 && !d.opt.NumberFirstPage {
			continue
		}
		d.pdf.SetPage(n)
		// Emit the font in this page's stream whatever the last one was.
		d.setFont(styleItalic, 13)
		d.setFont(styleRegular, 13)
		d.text(marginLeft+contentW/2, 9, 6, strconv.Itoa(n), "C")
	}
	d.pdf.SetPage(total)
}

func (d *doc) setFont(st style, size float64) {
	d.style, d.size = st, size
	d.pdf.SetFont(fontFamily, string(st), size)
}

func (d *doc) metrics() *fontMetrics { return d.fonts.byStyle[d.style] }

// textW is the width of s in mm in the current font.
func (d *doc) textW(s string) float64 {
	m := d.metrics()
	w := 0
	for _, r := range s {
		w += m.width(r)
	}
	return float64(w) * d.size * ptToMM / 1000
}

// emW converts a width in mm to thousandths of an em of the current font.
func (d *doc) emW(mm float64) int { return int(mm * 1000 / (d.size * ptToMM)) }

// lines wraps s to width mm in the current font.
func (d *doc) lines(s string, width float64) []string {
	return wrap(s, d.emW(width), d.metrics())
}

func (d *doc) newPage() {
	d.pdf.AddPage()
	d.pdf.SetXY(marginLeft, marginTop)
}

// room reports whether h mm fit below the current position.
func (d *doc) room(h float64) bool { return d.pdf.GetY()+h <= pageH-marginBot }

// ensure starts a new page unless h mm fit below the current position.
func (d *doc) ensure(h float64) {
	if !d.room(h) {
		d.newPage()
	}
}

// text draws s with its line box's top at y, at x (align "L"), centred on
// x (align "C") or ending at x (align "R").
func (d *doc) text(x, y, lineH float64, s, align string) {
	if s == "" {
		return
	}
	switch align {
	case "C":
		x -= d.textW(s) / 2
	case "R":
		x -= d.textW(s)
	}
	base := y + lineH/2 + 0.3*d.size*ptToMM
	d.pdf.Text(x, base, s)
}

// paragraph draws cleaned text justified over the content width with a
// first-line indent; each "\n" starts a new paragraph.
func (d *doc) paragraph(s string, indent float64) {
	for _, p := range strings.Split(s, "\n") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		d.justified(p, indent, contentW)
	}
}

func (d *doc) justified(p string, indent, width float64) {
	ls := wrapFirst(p, d.emW(width-indent), d.emW(width), d.metrics())
	for i, l := range ls {
		d.ensure(bodyLineH)
		x, w := marginLeft, width
		if i == 0 {
			x, w = marginLeft+indent, width-indent
		}
		d.pdf.SetXY(x, d.pdf.GetY())
		align := "L"
		if i < len(ls)-1 && strings.Contains(l, " ") {
			align = "J"
		}
		d.pdf.CellFormat(w, bodyLineH, l, "", 2, align, false, 0, "")
	}
	d.pdf.SetY(d.pdf.GetY() + 1)
}

// heading draws a section or subsection title.
func (d *doc) heading(s string, st style) {
	d.setFont(st, bodySize)
	d.ensure(bodyLineH * 3) // keep a heading with what follows
	d.pdf.SetY(d.pdf.GetY() + 1.5)
	for _, l := range d.lines(s, contentW-paraIndent) {
		d.text(marginLeft+paraIndent, d.pdf.GetY(), bodyLineH, l, "L")
		d.pdf.SetY(d.pdf.GetY() + bodyLineH)
	}
	d.setFont(styleRegular, bodySize)
}

// body draws a paragraph of regular body text.
func (d *doc) body(s string) {
	d.setFont(styleRegular, bodySize)
	d.paragraph(s, paraIndent)
}

// wrapFirst wraps s with a first line of width first and others of width
// rest (thousandths of an em).
func wrapFirst(s string, first, rest int, m *fontMetrics) []string {
	if first >= rest {
		return wrap(s, rest, m)
	}
	ls := wrap(s, first, m)
	if len(ls) <= 1 {
		return ls
	}
	if !strings.HasPrefix(s, ls[0]) {
		return wrap(s, rest, m)
	}
	// The first line was cut at a space or inside a long word: rewrap the
	// remainder at the full width.
	tail := strings.TrimSpace(s[len(ls[0]):])
	return append(ls[:1], wrap(tail, rest, m)...)
}
