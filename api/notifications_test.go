package api_test

import (
	"strings"
	"testing"
	"time"

	"caunoi/internal/apitest"
)

type notificationList struct {
	Items []struct {
		ID           int64      `json:"id"`
		Kind         string     `json:"kind"`
		Body         string     `json:"body"`
		TicketID     *int64     `json:"ticket_id"`
		TrackingCode *string    `json:"tracking_code"`
		URL          *string    `json:"url"`
		ReadAt       *time.Time `json:"read_at"`
	} `json:"items"`
	Unread     int    `json:"unread"`
	NextBefore *int64 `json:"next_before"`
}

func listNotifications(t *testing.T, e *apitest.Env, email, query string) notificationList {
	t.Helper()
	r := e.As(email, "GET", "/api/v1/notifications"+query, nil)
	if r.Status != 200 {
		t.Fatalf("GET notifications%s as %s: %d %s", query, email, r.Status, r.Body)
	}
	var l notificationList
	r.JSON(t, &l)
	return l
}

func TestNotificationsListAndRead(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	id, code := e.NewTicket("xuan-lung", lampText) // kinh-te, 3 working days
	var due time.Time
	e.MustGet(&due, "SELECT due_at FROM tickets WHERE id = $1", id)
	e.DB.MustExec("UPDATE tickets SET status = 'assigned' WHERE id = $1", id) // accepted: only its due time is watched

	if l := listNotifications(t, e, apitest.HeadKinhTe, ""); len(l.Items) != 0 || l.Unread != 0 {
		t.Fatalf("before anything: %+v", l)
	}
	e.AdvanceTo(due.Add(-time.Minute))                                // due soon: the heads (unassigned)
	if res := e.AdvanceTo(due.Add(time.Minute)); res.Escalated != 1 { // overdue: the heads again
		t.Fatalf("overdue run %+v", res)
	}
	l := listNotifications(t, e, apitest.HeadKinhTe, "")
	if len(l.Items) != 2 || l.Unread != 2 || l.Items[0].Kind != "overdue" || l.Items[1].Kind != "due_soon" {
		t.Fatalf("head's list %+v; want overdue then due_soon, both unread", l)
	}
	first := l.Items[0]
	if first.TicketID == nil || *first.TicketID != id || first.TrackingCode == nil || *first.TrackingCode != code ||
		first.URL == nil || !strings.HasSuffix(*first.URL, "/staff/tickets/"+formatInt(id)) ||
		!strings.Contains(first.Body, code) || first.ReadAt != nil {
		t.Errorf("item %+v", first)
	}
	// Others see none of it and cannot mark it.
	if l := listNotifications(t, e, apitest.StaffVHXH, ""); len(l.Items) != 0 || l.Unread != 0 {
		t.Errorf("another user's list %+v", l)
	}
	if r := e.As(apitest.StaffVHXH, "POST", "/api/v1/notifications/"+formatInt(first.ID)+"/read", nil); r.Status != 404 ||
		r.Err(t).Error.Code != "not_found" {
		t.Errorf("another user's notification: %d %s; want 404", r.Status, r.Body)
	}
	if r := e.As(apitest.HeadKinhTe, "POST", "/api/v1/notifications/abc/read", nil); r.Status != 404 {
		t.Errorf("bad id: %d", r.Status)
	}
	r := e.As(apitest.HeadKinhTe, "POST", "/api/v1/notifications/"+formatInt(first.ID)+"/read", nil)
	if r.Status != 200 {
		t.Fatalf("read: %d %s", r.Status, r.Body)
	}
	l = listNotifications(t, e, apitest.HeadKinhTe, "?unread=true")
	if len(l.Items) != 1 || l.Unread != 1 || l.Items[0].Kind != "due_soon" {
		t.Errorf("unread only %+v", l)
	}
	if l := listNotifications(t, e, apitest.HeadKinhTe, "?limit=1"); len(l.Items) != 1 || l.NextBefore == nil {
		t.Errorf("first page %+v", l)
	} else if p := listNotifications(t, e, apitest.HeadKinhTe, "?limit=1&before="+formatInt(*l.NextBefore)); len(p.Items) != 1 ||
		p.Items[0].Kind != "due_soon" {
		t.Errorf("second page %+v", p)
	}
	if r := e.As(apitest.HeadKinhTe, "GET", "/api/v1/notifications?unread=maybe", nil); r.Status != 400 ||
		r.Err(t).Error.Fields["unread"] != "invalid" {
		t.Errorf("bad filter: %d %s", r.Status, r.Body)
	}
	r = e.As(apitest.HeadKinhTe, "POST", "/api/v1/notifications/read-all", nil)
	if r.Status != 200 || r.Map(t)["marked"].(float64) != 1 {
		t.Errorf("read-all: %d %s", r.Status, r.Body)
	}
	if l := listNotifications(t, e, apitest.HeadKinhTe, ""); l.Unread != 0 || l.Items[0].ReadAt == nil {
		t.Errorf("after read-all %+v", l)
	}
	// A day later the leader hears of it too; the head's list does not grow.
	e.AdvanceTo(due.AddDate(0, 0, 7))
	if l := listNotifications(t, e, apitest.Leader, ""); len(l.Items) != 1 || l.Items[0].Kind != "overdue_leader" {
		t.Errorf("leader %+v", l)
	}
	if l := listNotifications(t, e, apitest.HeadKinhTe, ""); len(l.Items) != 2 {
		t.Errorf("head after level 2: %+v", l)
	}
	if r := e.JSON("GET", "/api/v1/notifications", nil); r.Status != 401 {
		t.Errorf("anonymous: %d", r.Status)
	}
}
