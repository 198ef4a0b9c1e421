package reports

import (
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"caunoi/domain"
)

// csvHeader is the header row of the ticket export.
var csvHeader = []string{"Mã theo dõi", "Ngày tiếp nhận", "Loại", "Kênh", "Lĩnh vực", "Nội dung tóm tắt",
	"Phòng ban", "Trạng thái", "Hạn xử lý", "Ngày giải quyết", "Thôn/Tổ dân phố"}

// csvTimeLayout is how times are written: "2026-11-26 14:05".
const csvTimeLayout = "2006-01-02 15:04"

// CSVWriter streams ticket lines as CSV for spreadsheet programs: UTF-8
// with a byte-order mark, Vietnamese headers and labels, times in
// Asia/Ho_Chi_Minh, phone numbers masked, and cells that a spreadsheet would
// run as a formula prefixed with an apostrophe.
type CSVWriter struct {
	w   *csv.Writer
	loc *time.Location
	rec []string
}

// NewCSVWriter writes the byte-order mark and the header row to w and
// returns a writer for the rows. It returns the write error, if any.
func NewCSVWriter(w io.Writer) (*CSVWriter, error) {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return nil, fmt.Errorf("reports: write csv: %w", err)
	}
	cw := &CSVWriter{w: csv.NewWriter(w), loc: vietnam(), rec: make([]string, len(csvHeader))}
	if err := cw.w.Write(csvHeader); err != nil {
		return nil, fmt.Errorf("reports: write csv: %w", err)
	}
	return cw, nil
}

// Write writes one ticket line. It returns the underlying writer's error
// (possibly from an earlier buffered write).
func (c *CSVWriter) Write(l domain.TicketLine) error {
	r := c.rec
	r[0] = csvCell(l.TrackingCode)
	r[1] = c.time(&l.CreatedAt)
	r[2] = KindLabel(l.Kind)
	r[3] = ChannelLabel(l.Channel)
	r[4] = csvCell(l.Category)
	r[5] = csvCell(l.Title)
	r[6] = csvCell(l.Department)
	r[7] = StatusLabel(l.Status)
	r[8] = c.time(l.DueAt)
	r[9] = c.time(l.ResolvedAt)
	r[10] = csvCell(l.Village)
	if err := c.w.Write(r); err != nil {
		return fmt.Errorf("reports: write csv: %w", err)
	}
	return nil
}

// Flush writes buffered rows and returns the first write error.
func (c *CSVWriter) Flush() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return fmt.Errorf("reports: write csv: %w", err)
	}
	return nil
}

func (c *CSVWriter) time(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(c.loc).Format(csvTimeLayout)
}

// csvCell masks phone numbers and defuses formula injection: a cell that
// starts with = + - @ (or a tab or carriage return) gets a leading
// apostrophe.
func csvCell(s string) string {
	s = maskPhones(s)
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
