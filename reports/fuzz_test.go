package reports

import (
	"bytes"
	"testing"
	"time"

	"caunoi/domain"
)

// FuzzWritePDF feeds hostile strings into every free-text field: WritePDF
// must not panic and must produce a PDF.
func FuzzWritePDF(f *testing.F) {
	f.Add("Đèn đường hỏng 😡 0912345678", "Xã Xuân Lũng", "\u202eRTL\u200f", "a\x00b")
	f.Add(string([]byte{0xff, 0xfe, '(', ')', '\\'}), "Phường (Âu Cơ) \\", "BT ET Tj", "%%EOF\nendstream")
	f.Fuzz(func(t *testing.T, title, unit, dept, note string) {
		s := &domain.Summary{UnitName: unit, ParentName: dept, GeneratedAt: time.Unix(0, 0)}
		s.From, s.To = note, title
		b := domain.Breakdown{Key: title, Name: dept, Received: 3, Resolved: 2, OnTime: 1, Overdue: 1, OnTimeRate: 0.5}
		s.ByChannel = []domain.Breakdown{b}
		s.ByKind = []domain.Breakdown{b}
		s.ByCategory = []domain.Breakdown{b}
		s.ByDepartment = []domain.Breakdown{b}
		s.ByVillage = []domain.Breakdown{b}
		s.Weekly = []domain.WeekCount{{WeekStart: note, Received: 3}}
		l := domain.TicketLine{TrackingCode: note, Title: title, Category: unit, Department: dept, Village: note}
		s.OverdueList = []domain.TicketLine{l}
		s.Tickets = []domain.TicketLine{l, l}
		var buf bytes.Buffer
		opt := PDFOptions{Number: note, Place: unit, SectionIV: title + "\n" + note,
			Recipients: []string{dept, title}, SignerTitle: dept, SignerName: title}
		if err := WritePDF(&buf, s, opt); err != nil {
			t.Fatalf("WritePDF: %v", err)
		}
		if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-1.")) || !bytes.Contains(buf.Bytes(), []byte("%%EOF")) {
			t.Fatal("not a PDF")
		}
	})
}
