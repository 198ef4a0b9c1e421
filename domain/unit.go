package domain

// UnitLevel is a unit's tier: province, commune, ward or special zone.
type UnitLevel string

// The unit levels since 1 July 2025.
const (
	LevelProvince UnitLevel = "province"
	LevelCommune  UnitLevel = "commune"
	LevelWard     UnitLevel = "ward"
	LevelZone     UnitLevel = "special_zone"
)

// Unit is a province or a commune-level unit (xã, phường, đặc khu).
type Unit struct {
	ID         int64
	Code       string
	Name       string
	Level      UnitLevel
	ParentID   *int64
	ParentCode string // filled on read
	Active     bool
}

// Department is a department of a unit's People's Committee (or the police).
type Department struct {
	ID     int64
	UnitID int64
	Code   string
	Name   string
	Triage bool // the department that receives what nothing else matches
	Active bool
}

// DeadlineUnit says how a deadline's amount is counted.
type DeadlineUnit string

// Deadline units.
const (
	CalendarDays DeadlineUnit = "calendar_days"
	WorkingDays  DeadlineUnit = "working_days"
	WorkingHours DeadlineUnit = "working_hours"
)

// Deadline is an amount of time counted in a DeadlineUnit.
type Deadline struct {
	Amount int          `json:"amount"`
	Unit   DeadlineUnit `json:"unit"`
}

// Category is a subject of feedback with its default department and deadline.
type Category struct {
	ID                  int64
	UnitID              int64
	Code                string
	Name                string
	DefaultDepartmentID *int64
	Deadline            Deadline
	Keywords            []string
	Position            int // rule order: lower first (urgent categories first)
	Active              bool
}

// Rule is one of a unit's ordered routing rules. Empty fields match anything;
// a rule with keywords matches when any keyword is found in the text.
type Rule struct {
	ID           int64
	UnitID       int64
	Position     int
	CategoryID   *int64 // match on the ticket's category (given or inferred)
	Kind         Kind
	Channel      Channel
	Keywords     []string
	SetCategory  *int64 // the category the rule assigns when the ticket has none
	DepartmentID *int64 // the department the rule routes to
	Active       bool
}
