package domain

import (
	"sort"
	"time"
)

// Breakdown is one row of a summary broken down by channel, kind, category,
// department, village or commune.
type Breakdown struct {
	Key        string  `json:"key"`  // code: channel, kind, category or department code, unit code
	Name       string  `json:"name"` // display name (Vietnamese)
	Received   int     `json:"received"`
	Resolved   int     `json:"resolved"`
	OnTime     int     `json:"resolved_on_time"`
	Overdue    int     `json:"overdue"`
	OnTimeRate float64 `json:"on_time_rate"` // OnTime / Resolved, 0 when nothing was resolved
}

// RankUnits returns the units of a roll-up best first: by on-time rate,
// then by resolved count, then by name; units that resolved nothing come
// last. The report's JSON and its PDF rank by it, so they agree.
func RankUnits(in []Breakdown) []Breakdown {
	out := append([]Breakdown(nil), in...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if (a.Resolved > 0) != (b.Resolved > 0) {
			return a.Resolved > 0
		}
		if a.OnTimeRate != b.OnTimeRate {
			return a.OnTimeRate > b.OnTimeRate
		}
		if a.Resolved != b.Resolved {
			return a.Resolved > b.Resolved
		}
		return a.Name < b.Name
	})
	return out
}

// Satisfaction is the citizens' ratings of the period.
type Satisfaction struct {
	Count   int     `json:"count"`
	Average float64 `json:"average"`
}

// Figures are the totals of one period.
type Figures struct {
	From                     string       `json:"from"` // YYYY-MM-DD, included
	To                       string       `json:"to"`   // YYYY-MM-DD, included
	Received                 int          `json:"received"`
	Resolved                 int          `json:"resolved"`
	ResolvedOnTime           int          `json:"resolved_on_time"`
	Open                     int          `json:"open"`
	Overdue                  int          `json:"overdue"`
	OnTimeRate               float64      `json:"on_time_rate"`
	MedianFirstResponseHours *float64     `json:"median_first_response_hours"`
	MedianResolutionHours    *float64     `json:"median_resolution_hours"`
	Satisfaction             Satisfaction `json:"satisfaction"`
}

// TicketLine is a ticket as listed in a report's appendix or a CSV export.
// It carries no personal data.
type TicketLine struct {
	TrackingCode string     `json:"tracking_code"`
	CreatedAt    time.Time  `json:"created_at"`
	Kind         Kind       `json:"kind"`
	Channel      Channel    `json:"channel"`
	Category     string     `json:"category"`   // display name
	Department   string     `json:"department"` // display name
	Status       Status     `json:"status"`
	Title        string     `json:"title"` // summary: the title, or the body's first words
	DueAt        *time.Time `json:"due_at,omitempty"`
	ResolvedAt   *time.Time `json:"resolved_at,omitempty"`
	Village      string     `json:"village,omitempty"`
}

// WeekCount is the received / resolved count of one week of the period.
type WeekCount struct {
	WeekStart string `json:"week_start"` // YYYY-MM-DD (Monday)
	Received  int    `json:"received"`
	Resolved  int    `json:"resolved"`
}

// Summary is the report of one unit (and the units below it) for a period.
type Summary struct {
	Unit       string    `json:"unit"`      // unit code
	UnitName   string    `json:"unit_name"` // "Xã Xuân Lũng"
	UnitLevel  UnitLevel `json:"unit_level"`
	ParentName string    `json:"parent_name,omitempty"` // "Tỉnh Phú Thọ"
	Figures
	ByChannel    []Breakdown  `json:"by_channel"`
	ByKind       []Breakdown  `json:"by_kind"`
	ByCategory   []Breakdown  `json:"by_category"`
	ByDepartment []Breakdown  `json:"by_department"`
	ByVillage    []Breakdown  `json:"by_village"`
	ByUnit       []Breakdown  `json:"by_unit,omitempty"` // province roll-up: communes ranked by on-time rate
	Weekly       []WeekCount  `json:"weekly"`
	Previous     *Figures     `json:"previous"`
	OverdueList  []TicketLine `json:"overdue_list,omitempty"`
	Tickets      []TicketLine `json:"-"` // appendix: every ticket of the period (may be long)
	GeneratedAt  time.Time    `json:"generated_at"`
}

// ReportSectionIV is the title of the report's section IV, the leader's own
// text: the PDF's heading and the report form's label say it alike.
const ReportSectionIV = "IV. Nhiệm vụ, đề xuất"
