package api

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

// A page of items: an empty list is [], never null; the cursor is null on
// the last page and left out where the list has none.
func TestWriteItemsPage(t *testing.T) {
	gin.SetMode(gin.TestMode)
	s := &Server{&httpx.Core{Cfg: httpx.Config{Location: domain.VietnamLocation()}}}
	at := time.Date(2026, 11, 26, 9, 30, 0, 0, time.UTC)
	item := domain.TicketItem{ID: 1, TrackingCode: "AAAA-BBBBB", Title: "Đèn \"hỏng\"", Status: domain.StatusNew,
		Kind: domain.KindFeedback, Channel: domain.ChannelWeb, UnitCode: "xuan-lung", CreatedAt: at, DueAt: at}
	for _, tc := range []struct {
		items      []domain.TicketItem
		withCursor bool
		want       string
	}{
		{nil, false, `{"items":[]}`},
		{nil, true, `{"items":[],"next_cursor":null}`},
		{[]domain.TicketItem{item}, true, `{"items":[{"id":1,"tracking_code":"AAAA-BBBBB","title":"Đèn \"hỏng\"",` +
			`"status":"new","kind":"feedback","category":null,"department":null,"channel":"web","unit":"xuan-lung",` +
			`"assignee":null,"created_at":"2026-11-26T16:30:00+07:00","due_at":"2026-11-26T16:30:00+07:00","overdue":false}],` +
			`"next_cursor":null}`},
	} {
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		s.writeItems(c, tc.items, tc.withCursor, nil)
		if got := w.Body.String(); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}
