package domain

// KindRule is the legal clock of a kind of ticket: how long to accept (thụ
// lý) it, how long to settle it, and how it may be extended. A zero Settle
// means "the category's deadline". Every value is data an admin may change.
type KindRule struct {
	Accept        Deadline `json:"accept"`
	Settle        Deadline `json:"settle"`
	Extension     Deadline `json:"extension"`
	MaxExtensions int      `json:"max_extensions"`
}

// CanExtend reports whether a ticket already extended done times may be
// extended once more.
func (r KindRule) CanExtend(done int) bool { return done < r.MaxExtensions }

// DefaultCategoryDeadline returns the seed deadline of feedback, petitions
// and inquiries whose category has none: 10 working days.
func DefaultCategoryDeadline() Deadline { return Deadline{Amount: 10, Unit: WorkingDays} }

// DefaultKindRules returns the seeded legal clocks of DOMAIN.md:
//
//   - complaint (Law on Complaints 2011, Art. 27–28): accept within 10 days,
//     settle within 30, one extension of 15 (45 in all for complicated cases);
//   - denunciation (Law on Denunciations 2018, Art. 24, 30): accept within 7
//     working days, settle within 30 days, up to two extensions of 30 days;
//   - feedback, petition, inquiry: accept within 8 working hours (iHanoi's
//     figure, unconfirmed nationally), settle by the category's deadline,
//     one extension of 10 working days.
//
// Each call returns a new map.
func DefaultKindRules() map[Kind]KindRule {
	other := KindRule{
		Accept:        Deadline{Amount: 8, Unit: WorkingHours},
		Extension:     Deadline{Amount: 10, Unit: WorkingDays},
		MaxExtensions: 1,
	}
	return map[Kind]KindRule{
		KindComplaint: {
			Accept:        Deadline{Amount: 10, Unit: CalendarDays},
			Settle:        Deadline{Amount: 30, Unit: CalendarDays},
			Extension:     Deadline{Amount: 15, Unit: CalendarDays},
			MaxExtensions: 1,
		},
		KindDenunciation: {
			Accept:        Deadline{Amount: 7, Unit: WorkingDays},
			Settle:        Deadline{Amount: 30, Unit: CalendarDays},
			Extension:     Deadline{Amount: 30, Unit: CalendarDays},
			MaxExtensions: 2,
		},
		KindFeedback: other,
		KindPetition: other,
		KindInquiry:  other,
	}
}

// TicketDeadline returns the deadline by which a ticket of kind must be
// settled: complaints and denunciations follow their law's Settle clock in
// rules (the seeded one when rules lacks it); other kinds follow the
// category's deadline, else their rule's Settle, else
// DefaultCategoryDeadline(). A deadline with an amount ≤ 0 or an unknown
// unit counts as missing.
func TicketDeadline(kind Kind, category Deadline, rules map[Kind]KindRule) Deadline {
	if kind == KindComplaint || kind == KindDenunciation {
		if r, ok := rules[kind]; ok && deadlineUsable(r.Settle) {
			return r.Settle
		}
		return DefaultKindRules()[kind].Settle
	}
	if deadlineUsable(category) {
		return category
	}
	if r, ok := rules[kind]; ok && deadlineUsable(r.Settle) {
		return r.Settle
	}
	return DefaultCategoryDeadline()
}

// deadlineUsable reports whether d has a positive amount and a known unit.
func deadlineUsable(d Deadline) bool {
	return d.Amount > 0 && (d.Unit == CalendarDays || d.Unit == WorkingDays || d.Unit == WorkingHours)
}
