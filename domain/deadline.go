package domain

import "time"

// maxDeadlineAmount caps a deadline's amount: 100 years of days. Larger
// amounts are typing errors; capping them keeps the arithmetic bounded.
const maxDeadlineAmount = 36500

// Due returns the due time of a deadline counted from start, following the
// Civil Code's conventions (Art. 147–148) on the calendar:
//
//   - WorkingHours: n hours of working time after start (AddWorking), so
//     11:00 + 2 h is 15:00 after lunch and Friday 16:00 + 4 h is Monday 10:30;
//   - WorkingDays: the close of business of the n-th working day after the
//     day of receipt (that day is not counted);
//   - CalendarDays (and any unknown unit): the close of business of the day
//     n calendar days after receipt, or of the next working day when that day
//     is off.
//
// Amounts ≤ 0 count as 0: due is start moved to the next working moment
// (working units) or start itself (calendar days). Amounts above 36,500 are
// capped. The result is never before start, in the calendar's zone.
func (c *WorkCalendar) Due(start time.Time, d Deadline) time.Time {
	start = start.In(c.location())
	n := min(max(d.Amount, 0), maxDeadlineAmount)
	var due time.Time
	switch {
	case d.Unit == WorkingHours:
		due = c.AddWorking(start, time.Duration(n)*time.Hour)
	case d.Unit == WorkingDays && n == 0:
		due = c.NextWorkingMoment(start)
	case d.Unit == WorkingDays:
		day, _ := c.workingDayAfter(c.civil(start), n)
		due = c.closeOf(day)
	case n == 0:
		due = start
	default:
		day := c.civil(start).AddDate(0, 0, n)
		if !c.workingDay(day) {
			day, _ = c.workingDayAfter(day, 1)
		}
		due = c.closeOf(day)
	}
	if due.Before(start) {
		return start
	}
	return due
}

// ShiftForPause returns due pushed back by the time the clock stood still
// while the ticket waited for the citizen, from pausedFrom to pausedTo: the
// working time of the pause for WorkingHours and WorkingDays deadlines; the
// wall-clock time of the pause for calendar days, moved to the next working
// day's close of business when it lands on a day off. It returns due
// unchanged when the pause is empty or began at or after due (an overdue
// ticket stays overdue).
func (c *WorkCalendar) ShiftForPause(due, pausedFrom, pausedTo time.Time, unit DeadlineUnit) time.Time {
	if !pausedTo.After(pausedFrom) || !pausedFrom.Before(due) {
		return due
	}
	due = due.In(c.location())
	if unit == WorkingHours || unit == WorkingDays {
		w := c.WorkingDuration(pausedFrom, pausedTo)
		if w == 0 {
			return due
		}
		return c.AddWorking(due, w)
	}
	shifted := due.Add(pausedTo.Sub(pausedFrom))
	if shifted.Before(due) { // overflow on absurd inputs
		return due
	}
	if day := c.civil(shifted); !c.workingDay(day) {
		next, _ := c.workingDayAfter(day, 1)
		if cob := c.closeOf(next); cob.After(shifted) {
			return cob
		}
	}
	return shifted
}

// Extend returns the due time after an extension of d counted from the
// current due time (as Due counts from a start). An extension of ≤ 0 returns
// due unchanged.
func (c *WorkCalendar) Extend(due time.Time, d Deadline) time.Time {
	if d.Amount <= 0 {
		return due
	}
	return c.Due(due, d)
}
