package repository_test

import (
	"context"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/domain"
	"caunoi/internal/pgtest"
	"caunoi/internal/reportoracle"
	"caunoi/repository"
)

// reportTicket is a ticket of the report fixture; times are "MM-DD hh:mm" of
// 2026 in Hà Nội, "" for none.
type reportTicket struct {
	code, unit, dept, status         string
	created, due, firstResp, resolve string
	rating                           int
	village                          string
}

// reportTickets are October 2026 (and the previous period, 31 August to 30
// September) in the two communes of Tỉnh Thử, chosen for every way a ticket
// enters a report: received in the period; received long before and
// resolved in it; open since long before (overdue, or waiting for the
// citizen); reopened with its old resolution time kept; and tickets that
// belong to neither period, or to another province.
var reportTickets = []reportTicket{
	{code: "R01", unit: "xa-mot", dept: "kinh-te", status: "resolved", created: "10-02 08:00", due: "10-07 17:00",
		firstResp: "10-02 10:00", resolve: "10-05 08:00", rating: 5, village: "Thôn Đông"},
	{code: "R02", unit: "xa-mot", dept: "kinh-te", status: "closed", created: "07-15 08:00", due: "07-25 17:00",
		firstResp: "07-16 08:00", resolve: "09-10 08:00", rating: 3},
	{code: "R03", unit: "xa-mot", dept: "van-hoa", status: "resolved", created: "07-20 08:00", due: "10-10 17:00",
		firstResp: "07-20 09:00", resolve: "10-05 15:00", rating: 4, village: "Thôn Tây"},
	{code: "R04", unit: "xa-mot", dept: "kinh-te", status: "in_progress", created: "06-01 08:00", due: "06-10 17:00",
		firstResp: "06-02 08:00", village: "Thôn Đông"},
	{code: "R05", unit: "xa-mot", dept: "van-hoa", status: "waiting_citizen", created: "06-02 08:00", due: "06-12 17:00"},
	{code: "R06", unit: "xa-mot", dept: "kinh-te", status: "in_progress", created: "05-01 08:00", due: "05-20 17:00",
		firstResp: "05-01 09:00", resolve: "10-10 08:00"},
	{code: "R07", unit: "xa-mot", dept: "kinh-te", status: "assigned", created: "05-02 08:00", due: "05-25 17:00",
		resolve: "08-01 08:00"},
	{code: "R08", unit: "xa-hai", status: "resolved", created: "09-15 08:00", due: "09-22 17:00",
		firstResp: "09-15 09:00", resolve: "09-20 08:00", rating: 2},
	{code: "R09", unit: "xa-hai", status: "new", created: "10-31 23:30", due: "11-05 17:00"},
	{code: "R10", unit: "xa-hai", status: "new", created: "11-01 00:10", due: "11-06 17:00"},
	{code: "R11", unit: "xa-khac", status: "new", created: "10-10 08:00", due: "10-11 08:00"},
	{code: "R12", unit: "xa-mot", dept: "kinh-te", status: "closed", created: "09-28 08:00", due: "10-02 17:00",
		firstResp: "09-28 12:00", resolve: "10-01 00:30", rating: 4},
	{code: "R13", unit: "xa-mot", dept: "kinh-te", status: "closed", created: "08-20 08:00", due: "08-27 17:00",
		resolve: "08-25 08:00", rating: 1},
	{code: "R14", unit: "xa-mot", dept: "van-hoa", status: "assigned", created: "10-20 08:00", due: "10-25 17:00"},
	{code: "R15", unit: "xa-mot", dept: "kinh-te", status: "in_progress", created: "08-30 23:00", due: "09-05 17:00",
		firstResp: "09-01 08:00"},
}

func reportAt(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02 15:04", "2026-"+s, ict)
	if err != nil {
		panic(err)
	}
	return t
}

func reportNull(s string) any {
	if s == "" {
		return nil
	}
	return reportAt(s)
}

// reportFixture stores the tickets in Tỉnh Thử (communes xa-mot, with two
// departments, and xa-hai) and Tỉnh Khác (xa-khac), and returns the units'
// ids by code and the departments' by code.
func reportFixture(t *testing.T, db *sqlx.DB) (units, depts map[string]int64) {
	t.Helper()
	ctx := context.Background()
	get := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := db.GetContext(ctx, &id, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	units, depts = map[string]int64{}, map[string]int64{}
	units["tinh-thu"] = get(`INSERT INTO units (code, name, level) VALUES ('tinh-thu', 'Tỉnh Thử', 'province') RETURNING id`)
	units["tinh-khac"] = get(`INSERT INTO units (code, name, level) VALUES ('tinh-khac', 'Tỉnh Khác', 'province') RETURNING id`)
	for code, parent := range map[string]string{"xa-mot": "tinh-thu", "xa-hai": "tinh-thu", "xa-khac": "tinh-khac"} {
		units[code] = get(`INSERT INTO units (code, name, level, parent_id) VALUES ($1, $2, 'commune', $3) RETURNING id`,
			code, "Xã "+code, units[parent])
	}
	for _, code := range []string{"kinh-te", "van-hoa"} {
		depts[code] = get(`INSERT INTO departments (unit_id, code, name) VALUES ($1, $2, $3) RETURNING id`,
			units["xa-mot"], code, "Phòng "+code)
	}
	for _, x := range reportTickets {
		var dept, rating any
		if x.dept != "" {
			dept = depts[x.dept]
		}
		if x.rating > 0 {
			rating = x.rating
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO tickets (tracking_code, unit_id, department_id, channel, status,
				body, village, created_at, updated_at, due_at, first_response_at, resolved_at, rating)
			VALUES ($1, $2, $3, 'web', $4, $5, $6, $7, $7, $8, $9, $10, $11)`,
			x.code, units[x.unit], dept, x.status, "Phản ánh "+x.code, x.village, reportAt(x.created), reportAt(x.due),
			reportNull(x.firstResp), reportNull(x.resolve), rating); err != nil {
			t.Fatalf("ticket %s: %v", x.code, err)
		}
	}
	return units, depts
}

// reportExpect is the oracle's figures over [start, end) at now of the
// fixture's tickets that keep keeps.
func reportExpect(start, end, now time.Time, keep func(reportTicket) bool) reportoracle.Want {
	var ts []reportoracle.Ticket
	for _, x := range reportTickets {
		if keep(x) {
			ts = append(ts, reportoracle.Ticket{Unit: x.unit, Dept: x.dept, Status: x.status, Village: x.village,
				Created: reportAt(x.created), Due: reportAt(x.due), FirstResp: reportAt(x.firstResp),
				Resolved: reportAt(x.resolve), Rating: x.rating})
		}
	}
	return reportoracle.Expect(ts, start, end, now)
}

func checkReportFigures(t *testing.T, name string, got, want domain.Figures) {
	t.Helper()
	near := func(a, b float64) bool { return a-b < 0.006 && b-a < 0.006 }
	nearPtr := func(a, b *float64) bool { return (a == nil && b == nil) || (a != nil && b != nil && near(*a, *b)) }
	if got.Received != want.Received || got.Resolved != want.Resolved || got.ResolvedOnTime != want.ResolvedOnTime ||
		got.Open != want.Open || got.Overdue != want.Overdue {
		t.Errorf("%s: received/resolved/on time/open/overdue %d/%d/%d/%d/%d, want %d/%d/%d/%d/%d", name,
			got.Received, got.Resolved, got.ResolvedOnTime, got.Open, got.Overdue,
			want.Received, want.Resolved, want.ResolvedOnTime, want.Open, want.Overdue)
	}
	if !nearPtr(got.MedianFirstResponseHours, want.MedianFirstResponseHours) ||
		!nearPtr(got.MedianResolutionHours, want.MedianResolutionHours) {
		t.Errorf("%s: medians %v / %v, want %v / %v", name, got.MedianFirstResponseHours, got.MedianResolutionHours,
			want.MedianFirstResponseHours, want.MedianResolutionHours)
	}
	if got.Satisfaction.Count != want.Satisfaction.Count || !near(got.Satisfaction.Average, want.Satisfaction.Average) {
		t.Errorf("%s: satisfaction %+v, want %+v", name, got.Satisfaction, want.Satisfaction)
	}
}

// checkReportBreakdown compares a breakdown with the expected counts by key
// (a department's or unit's code, a village; "" for no department).
func checkReportBreakdown(t *testing.T, name string, rows []domain.Breakdown, want map[string]*domain.Breakdown) {
	t.Helper()
	got := map[string]domain.Breakdown{}
	for _, r := range rows {
		got[r.Key] = domain.Breakdown{Received: r.Received, Resolved: r.Resolved, OnTime: r.OnTime, Overdue: r.Overdue}
	}
	for k, x := range want {
		w := domain.Breakdown{Received: x.Received, Resolved: x.Resolved, OnTime: x.OnTime, Overdue: x.Overdue}
		if got[k] != w {
			t.Errorf("%s %q: %+v, want %+v", name, k, got[k], w)
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok && g != (domain.Breakdown{}) {
			t.Errorf("%s %q: %+v, not expected", name, k, g)
		}
	}
}

// The figures of a report and of the previous period count each ticket once
// however it enters them: received in the period, resolved in it after being
// received long before, open since long before, or reopened with its old
// resolution time; a province sums its communes and leaves other provinces
// out; a head's report is its department's.
func TestReportSummaryCountsEveryWayATicketEnters(t *testing.T) {
	db := pgtest.New(t)
	units, depts := reportFixture(t, db)
	now := reportAt("11-03 09:00")
	store := repository.NewStore(db, func() time.Time { return now })
	ctx := context.Background()
	october := domain.ReportRequest{From: reportAt("10-01 00:00"), To: reportAt("10-31 00:00")}
	start, end := reportAt("10-01 00:00"), reportAt("11-01 00:00")
	prevStart := reportAt("09-01 00:00") // October compares with September
	kinhTe := depts["kinh-te"]

	for _, c := range []struct {
		name string
		sc   domain.Scope
		unit string
		keep func(reportTicket) bool
	}{
		{"province", domain.Scope{Role: domain.RoleAdmin, UnitID: units["tinh-thu"]}, "",
			func(x reportTicket) bool { return x.unit == "xa-mot" || x.unit == "xa-hai" }},
		{"commune", domain.Scope{Role: domain.RoleLeader, UnitID: units["tinh-thu"]}, "xa-mot",
			func(x reportTicket) bool { return x.unit == "xa-mot" }},
		{"department", domain.Scope{Role: domain.RoleHead, UnitID: units["xa-mot"], DepartmentID: &kinhTe}, "",
			func(x reportTicket) bool { return x.unit == "xa-mot" && x.dept == "kinh-te" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := october
			req.Unit = c.unit
			s, err := store.ReportSummary(ctx, c.sc, req)
			if err != nil {
				t.Fatal(err)
			}
			want := reportExpect(start, end, now, c.keep)
			if want.Figures.Received == 0 || want.Figures.Resolved == 0 || want.Figures.Overdue == 0 {
				t.Fatalf("the fixture leaves %s without tickets: %+v", c.name, want.Figures)
			}
			checkReportFigures(t, "october", s.Figures, want.Figures)
			if s.Previous == nil || s.Previous.From != "2026-09-01" || s.Previous.To != "2026-09-30" {
				t.Fatalf("previous period %+v", s.Previous)
			}
			checkReportFigures(t, "previous", *s.Previous, reportExpect(prevStart, start, now, c.keep).Figures)
			checkReportBreakdown(t, "by department", s.ByDepartment, want.By["department"])
			if c.name == "province" {
				checkReportBreakdown(t, "by unit", s.ByUnit, want.By["unit"])
			} else {
				checkReportBreakdown(t, "by village", s.ByVillage, want.By["village"])
			}
			weekly := domain.WeekCount{}
			for _, w := range s.Weekly {
				weekly.Received += w.Received
				weekly.Resolved += w.Resolved
			}
			if weekly.Received != s.Received || weekly.Resolved != s.Resolved || len(s.Weekly) != 5 {
				t.Errorf("weekly %+v against %d received, %d resolved", s.Weekly, s.Received, s.Resolved)
			}
			if len(s.OverdueList) != s.Overdue {
				t.Errorf("overdue list of %d, %d overdue", len(s.OverdueList), s.Overdue)
			}
		})
	}
}
