package domain

import "testing"

func TestDefaultKindRules(t *testing.T) {
	rules := DefaultKindRules()
	want := map[Kind]KindRule{
		KindComplaint:    {Deadline{10, CalendarDays}, Deadline{30, CalendarDays}, Deadline{15, CalendarDays}, 1},
		KindDenunciation: {Deadline{7, WorkingDays}, Deadline{30, CalendarDays}, Deadline{30, CalendarDays}, 2},
		KindFeedback:     {Deadline{8, WorkingHours}, Deadline{}, Deadline{10, WorkingDays}, 1},
		KindPetition:     {Deadline{8, WorkingHours}, Deadline{}, Deadline{10, WorkingDays}, 1},
		KindInquiry:      {Deadline{8, WorkingHours}, Deadline{}, Deadline{10, WorkingDays}, 1},
	}
	if len(rules) != len(Kinds) {
		t.Errorf("%d rules for %d kinds", len(rules), len(Kinds))
	}
	for k, w := range want {
		if rules[k] != w {
			t.Errorf("rules[%s] = %+v, want %+v", k, rules[k], w)
		}
	}
	// Each call returns a fresh map: editing one leaves the seed alone.
	rules[KindComplaint] = KindRule{}
	if DefaultKindRules()[KindComplaint].Settle.Amount != 30 {
		t.Error("DefaultKindRules shares its map")
	}
}

func TestKindRuleCanExtend(t *testing.T) {
	rules := DefaultKindRules()
	tests := []struct {
		kind Kind
		done int
		want bool
	}{
		{KindComplaint, 0, true},
		{KindComplaint, 1, false},
		{KindDenunciation, 1, true},
		{KindDenunciation, 2, false},
		{KindFeedback, 0, true},
		{KindFeedback, 1, false},
	}
	for _, tt := range tests {
		if got := rules[tt.kind].CanExtend(tt.done); got != tt.want {
			t.Errorf("%s.CanExtend(%d) = %v, want %v", tt.kind, tt.done, got, tt.want)
		}
	}
}

func TestTicketDeadline(t *testing.T) {
	defaults := DefaultKindRules()
	edited := DefaultKindRules()
	edited[KindComplaint] = KindRule{Settle: Deadline{45, CalendarDays}} // remote area
	edited[KindFeedback] = KindRule{Settle: Deadline{5, WorkingDays}}
	urgent := Deadline{1, WorkingDays}
	tests := []struct {
		name     string
		kind     Kind
		category Deadline
		rules    map[Kind]KindRule
		want     Deadline
	}{
		{"complaint ignores the category", KindComplaint, urgent, defaults, Deadline{30, CalendarDays}},
		{"denunciation ignores the category", KindDenunciation, urgent, defaults, Deadline{30, CalendarDays}},
		{"edited complaint clock", KindComplaint, urgent, edited, Deadline{45, CalendarDays}},
		{"complaint without rules", KindComplaint, urgent, nil, Deadline{30, CalendarDays}},
		{"feedback follows the category", KindFeedback, urgent, defaults, urgent},
		{"disaster category in hours", KindPetition, Deadline{4, WorkingHours}, defaults, Deadline{4, WorkingHours}},
		{"inquiry without category deadline", KindInquiry, Deadline{}, defaults, Deadline{10, WorkingDays}},
		{"feedback: rule fallback", KindFeedback, Deadline{}, edited, Deadline{5, WorkingDays}},
		{"bad category unit", KindFeedback, Deadline{3, "weeks"}, nil, Deadline{10, WorkingDays}},
		{"negative category amount", KindFeedback, Deadline{-1, WorkingDays}, defaults, Deadline{10, WorkingDays}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TicketDeadline(tt.kind, tt.category, tt.rules); got != tt.want {
				t.Errorf("TicketDeadline = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestKindClocks puts rules and calendar together: a complaint received on
// the Friday before Tết 2026 and a denunciation received the day before.
func TestKindClocks(t *testing.T) {
	c := calTestCalendar()
	rules := DefaultKindRules()
	received := calTime(t, "2026-02-13 09:00")
	tests := []struct {
		name string
		got  Deadline
		want string
	}{
		{"complaint: accept within 10 days", rules[KindComplaint].Accept, "2026-02-23 17:00"},
		{"complaint: settle within 30 days", TicketDeadline(KindComplaint, Deadline{}, rules), "2026-03-16 17:00"},
		{"denunciation: accept within 7 working days", rules[KindDenunciation].Accept, "2026-03-03 17:00"},
		{"feedback: accept within 8 working hours", rules[KindFeedback].Accept, "2026-02-23 09:30"},
		{"feedback: settle in 10 working days", TicketDeadline(KindFeedback, Deadline{}, rules), "2026-03-06 17:00"},
	}
	for _, tt := range tests {
		if got := c.Due(received, tt.got); !got.Equal(calTime(t, tt.want)) {
			t.Errorf("%s: %s, want %s", tt.name, got.Format("2006-01-02 15:04"), tt.want)
		}
	}
}
