package reports

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"caunoi/domain"
)

// Tracking codes are read out and typed: in the PDF's lists they never
// break over two lines, even in the widest letters.
func TestTrackingCodesDoNotWrap(t *testing.T) {
	s := sampleSummary(5)
	due := time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)
	codes := []string{"WWWW-WWWWW", "MMMM-MMMMM", "HGPV-3F9XA"}
	s.Tickets = nil
	s.OverdueList = nil
	for _, c := range codes {
		l := domain.TicketLine{TrackingCode: c, CreatedAt: due, Kind: domain.KindFeedback, Channel: domain.ChannelWeb,
			Category: "Đất đai, xây dựng", Department: "Phòng Kinh tế", Status: domain.StatusNew, Title: "Đèn đường hỏng", DueAt: &due}
		s.Tickets = append(s.Tickets, l)
		s.OverdueList = append(s.OverdueList, l)
	}
	var buf bytes.Buffer
	if err := WritePDF(&buf, s, sampleOptions()); err != nil {
		t.Fatal(err)
	}
	txt, _ := pdfText(t, buf.Bytes())
	for _, c := range codes {
		if n := strings.Count(txt, c); n < 2 {
			t.Errorf("%s whole %d times (want it in both lists): wrapped?", c, n)
		}
	}
}
