package api_test

import (
	"time"

	"caunoi/internal/apitest"
	"caunoi/internal/reportoracle"
)

// expect is the oracle's figures over [start, end) at now of the report
// fixture's tickets that keep keeps.
func expect(start, end, now time.Time, keep func(apitest.ReportTicket) bool) reportoracle.Want {
	var ts []reportoracle.Ticket
	for _, t := range apitest.ReportFixture {
		if keep(t) {
			ts = append(ts, reportoracle.Ticket{Unit: t.Unit, Dept: t.Dept, Cat: t.Cat, Kind: t.Kind,
				Channel: t.Channel, Status: t.Status, Village: t.Village, Created: apitest.At(t.Created),
				Due: apitest.At(t.Due), FirstResp: apitest.At(t.FirstResp), Resolved: apitest.At(t.Resolved),
				Rating: t.Rating})
		}
	}
	return reportoracle.Expect(ts, start, end, now)
}
