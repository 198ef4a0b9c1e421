package api_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"caunoi/internal/apitest"
)

// Staff find a ticket by the code a citizen reads out: whole, in any case,
// with or without its dash, or only its part after the dash; never a
// ticket out of their scope.
func TestStaffFindATicketByItsTrackingCode(t *testing.T) {
	t.Parallel()
	e := apitest.New(t)
	id, code := e.NewTicket("xuan-lung", "Đèn đường trước nhà văn hóa thôn Đông bị hỏng")
	e.NewTicket("xuan-lung", "Rác thải ở chợ chưa được thu gom")
	foreign := foreignTicket(t, e)
	var foreignCode string
	e.MustGet(&foreignCode, "SELECT tracking_code FROM tickets WHERE id = $1", foreign)
	tail := code[strings.Index(code, "-")+1:]
	for _, q := range []string{code, strings.ToLower(code), strings.ReplaceAll(code, "-", ""), tail, strings.ToLower(tail)} {
		var out struct {
			Items []struct {
				TrackingCode string `json:"tracking_code"`
			} `json:"items"`
		}
		r := e.As(apitest.StaffKT, "GET", "/api/v1/tickets?q="+q, nil)
		r.JSON(t, &out)
		if r.Status != 200 || len(out.Items) != 1 || out.Items[0].TrackingCode != code {
			t.Errorf("search %q: %d %s", q, r.Status, r.Body)
		}
	}
	r := e.As(apitest.Leader, "GET", "/api/v1/tickets?q="+foreignCode, nil)
	if r.Status != 200 || strings.Contains(string(r.Body), foreignCode) {
		t.Errorf("a ticket of another province found by its code: %s", r.Body)
	}

	b := apitest.NewBrowser(t, e)
	b.SignIn(apitest.StaffKT)
	for _, c := range []string{code, strings.ToLower(strings.ReplaceAll(code, "-", ""))} {
		pg := b.Get("/staff/tickets/" + c)
		if pg.Status != http.StatusSeeOther || pg.Location != "/staff/tickets/"+strconv.FormatInt(id, 10) {
			t.Errorf("/staff/tickets/%s: %d to %q", c, pg.Status, pg.Location)
		}
	}
	if pg := b.Get("/staff/tickets/" + foreignCode); pg.Status != http.StatusNotFound {
		t.Errorf("another province's ticket by code: %d", pg.Status)
	}
	if pg := b.Get("/staff?q=" + strings.ToLower(tail)); pg.Status != 200 || !strings.Contains(pg.Body, code) {
		t.Errorf("the queue page searched by the code's tail: %d", pg.Status)
	}
}
