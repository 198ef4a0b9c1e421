package api

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

// hostile strings: every escape encoding/json makes, and what it keeps.
var jsonStrings = []string{"", "Đèn đường hỏng ở thôn Đông", `"quoted" \ back\slash`, "<script>alert(1)</script> & co",
	"tab\tnew\nline\rcr\bbs\fff", "\x00\x01\x1f\x7f", "line\u2028sep\u2029para", "bad \xff\xfe utf8 \xc3", "emoji 😀 ok",
	"\xe2\x80", "trailing \\"}

// The items are written as encoding/json writes them, byte for byte.
func TestAppendItemIsEncodingJSON(t *testing.T) {
	loc := domain.VietnamLocation()
	times := []time.Time{time.Date(2026, 11, 26, 9, 30, 0, 0, loc), time.Date(2026, 1, 2, 3, 4, 5, 123456000, loc),
		time.Date(2025, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(2026, 6, 1, 0, 0, 0, 1000, loc)}
	for i, s := range jsonStrings {
		it := ticketItem{ID: int64(i) * 1234567, TrackingCode: "K7QM-R4TX9", Title: s, Status: domain.Status(s),
			Kind: domain.KindFeedback, Channel: s, Unit: "xuan-lung", CreatedAt: times[i%len(times)],
			DueAt: times[(i+1)%len(times)], Overdue: i%2 == 0}
		if i%3 != 0 {
			it.Category = &httpx.NamedRef{Code: "chieu-sang", Name: s}
		}
		if i%2 != 0 {
			it.Department = &httpx.NamedRef{Code: s, Name: "Phòng Kinh tế"}
			it.Assignee = &assigneeRef{ID: int64(i), Name: s}
		}
		want, err := json.Marshal(it)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendItem(nil, it); string(got) != string(want) {
			t.Errorf("item %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// A whole page: the items, then the cursor, as gin's JSON of a map wrote it.
func TestWriteItemsIsTheMapsJSON(t *testing.T) {
	gin.SetMode(gin.TestMode)
	s := &Server{&httpx.Core{Cfg: httpx.Config{Location: domain.VietnamLocation()}}}
	at := time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)
	items := []domain.TicketItem{
		{ID: 1, TrackingCode: "AAAA-BBBBB", Title: "Đèn <đường>", Status: domain.StatusNew, Kind: domain.KindFeedback,
			Channel: domain.ChannelWeb, UnitCode: "xuan-lung", CategoryCode: "chieu-sang", CategoryName: "Chiếu sáng",
			CreatedAt: at, DueAt: at.Add(72 * time.Hour)},
		{ID: 2, TrackingCode: "CCCC-DDDDD", Title: "x", Status: domain.StatusInProgress, Kind: domain.KindPetition,
			Channel: domain.ChannelZalo, UnitCode: "phu-tho", DepartmentCode: "kinh-te", DepartmentName: "Phòng Kinh tế",
			AssigneeID: ptr(int64(7)), AssigneeName: "Trần Thị B", CreatedAt: at, DueAt: at, Overdue: true},
	}
	for _, tc := range []struct {
		withCursor bool
		next       *domain.Cursor
	}{{true, &domain.Cursor{DueAt: at, ID: 2}}, {true, nil}, {false, nil}} {
		out := make([]ticketItem, len(items))
		for i, t := range items {
			out[i] = s.item(t)
		}
		m := gin.H{"items": out}
		if tc.withCursor {
			m["next_cursor"] = httpx.EncodeCursor(tc.next)
		}
		want, _ := json.Marshal(m)
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		s.writeItems(c, items, tc.withCursor, tc.next)
		if got := w.Body.String(); got != string(want) {
			t.Errorf("cursor %v %v:\n got %s\nwant %s", tc.withCursor, tc.next, got, want)
		}
		if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
	}
	// No items is an empty list, not null.
	w := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(w)
	s.writeItems(c, nil, false, nil)
	if got := w.Body.String(); got != `{"items":[]}` {
		t.Errorf("no items: %s", got)
	}
}

func ptr[T any](v T) *T { return &v }

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("%q:\n got %s\nwant %s", s, got, want)
		}
	})
}
