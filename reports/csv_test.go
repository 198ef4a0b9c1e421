package reports

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"caunoi/domain"
)

func TestCSVRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewCSVWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	created := time.Date(2026, 11, 26, 7, 5, 0, 0, time.UTC) // 14:05 in Hà Nội
	due := created.Add(72 * time.Hour)
	lines := []domain.TicketLine{
		{TrackingCode: "XL-2611-00001", CreatedAt: created, Kind: domain.KindFeedback, Channel: domain.ChannelZalo,
			Category: "Điện, chiếu sáng công cộng", Title: "Đèn đường hỏng, \"gấp\"\nxin xử lý; gọi 0912345678",
			Department: "Phòng Kinh tế", Status: domain.StatusInProgress, DueAt: &due, Village: "Thôn Đồng Phú"},
		{TrackingCode: "XL-2611-00002", CreatedAt: created, Kind: domain.KindComplaint, Channel: domain.ChannelWalkIn,
			Category: "=HYPERLINK(\"http://x\")", Title: "+1 phản ánh", Department: "@SUM(A1)",
			Status: domain.StatusResolved, ResolvedAt: &due, Village: "-5"},
	}
	for _, l := range lines {
		if err := w.Write(l); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	if !strings.HasPrefix(raw, "\uFEFF") {
		t.Fatal("no BOM")
	}
	if strings.Contains(raw, "0912345678") {
		t.Error("raw phone in CSV")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 {
		t.Fatalf("rows = %d", len(recs))
	}
	wantHead := "Mã theo dõi,Ngày tiếp nhận,Loại,Kênh,Lĩnh vực,Nội dung tóm tắt,Phòng ban,Trạng thái,Hạn xử lý,Ngày giải quyết,Thôn/Tổ dân phố"
	if got := strings.Join(recs[0], ","); got != wantHead {
		t.Errorf("header = %q", got)
	}
	r := recs[1]
	want := []string{"XL-2611-00001", "2026-11-26 14:05", "Phản ánh", "Zalo OA", "Điện, chiếu sáng công cộng",
		"Đèn đường hỏng, \"gấp\"\nxin xử lý; gọi 0912***678", "Phòng Kinh tế", "Đang xử lý", "2026-11-29 14:05", "", "Thôn Đồng Phú"}
	for i := range want {
		if r[i] != want[i] {
			t.Errorf("row 1 col %d = %q, want %q", i, r[i], want[i])
		}
	}
	r = recs[2]
	for i, want := range map[int]string{4: "'=HYPERLINK(\"http://x\")", 5: "'+1 phản ánh", 6: "'@SUM(A1)",
		7: "Đã giải quyết", 9: "2026-11-29 14:05", 10: "'-5", 3: "Trực tiếp", 2: "Khiếu nại"} {
		if r[i] != want {
			t.Errorf("row 2 col %d = %q, want %q", i, r[i], want)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, bytes.ErrTooLarge }

func TestCSVWriteError(t *testing.T) {
	if _, err := NewCSVWriter(failWriter{}); err == nil {
		t.Fatal("want error")
	}
}
