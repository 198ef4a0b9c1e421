package notify

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The kinds of deadline notice (notifications.kind, one of each per user
// and ticket).
const (
	KindDueSoon       = "due_soon"       // a reminder: the due time is near
	KindOverdue       = "overdue"        // escalation level 1: the department's heads
	KindOverdueLeader = "overdue_leader" // escalation level 2: the unit's leaders
	KindNotAccepted   = "not_accepted"   // still new after the kind's acceptance time
)

// Notice is one deadline notice to one staff member about one ticket.
type Notice struct {
	Kind         string
	TicketID     int64
	TrackingCode string
	Title        string
	DueAt        time.Time
	AcceptDueAt  *time.Time
}

// DigestItem is one notice of a daily digest.
type DigestItem struct {
	TicketID     int64
	TrackingCode string
	Body         string // the in-app text
	At           time.Time
}

// Composer writes the texts of notices, in Vietnamese, with times in Loc
// and links under PublicURL.
type Composer struct {
	PublicURL string         // CAUNOI_PUBLIC_URL, without a trailing slash
	Loc       *time.Location // where times are shown; UTC+7 when nil
}

// Link returns the staff page of a ticket: PublicURL/staff/tickets/{id}.
func (c Composer) Link(ticketID int64) string {
	return strings.TrimRight(c.PublicURL, "/") + "/staff/tickets/" + strconv.FormatInt(ticketID, 10)
}

// Text returns the in-app text of n (also the first line of its e-mail and
// its Zalo message).
func (c Composer) Text(n Notice) string {
	subject := "Phiếu " + n.TrackingCode
	if t := shorten(n.Title, 80); t != "" {
		subject += " «" + t + "»"
	}
	due := c.when(n.DueAt)
	switch n.Kind {
	case KindDueSoon:
		return fmt.Sprintf("%s sắp đến hạn xử lý (hạn %s).", subject, due)
	case KindOverdue:
		return fmt.Sprintf("%s đã quá hạn xử lý (hạn %s): đề nghị trưởng phòng đôn đốc.", subject, due)
	case KindOverdueLeader:
		return fmt.Sprintf("%s quá hạn xử lý đã hơn một ngày làm việc (hạn %s): báo cáo lãnh đạo.", subject, due)
	case KindNotAccepted:
		accept := due
		if n.AcceptDueAt != nil {
			accept = c.when(*n.AcceptDueAt)
		}
		return fmt.Sprintf("%s chưa được tiếp nhận (thụ lý) dù đã quá thời hạn tiếp nhận (%s).", subject, accept)
	}
	return fmt.Sprintf("%s cần được xử lý (hạn %s).", subject, due)
}

// Subject returns the e-mail subject of n.
func (c Composer) Subject(n Notice) string {
	switch n.Kind {
	case KindDueSoon:
		return "[Cầu Nối] Sắp đến hạn: " + n.TrackingCode
	case KindOverdue, KindOverdueLeader:
		return "[Cầu Nối] Quá hạn: " + n.TrackingCode
	case KindNotAccepted:
		return "[Cầu Nối] Chưa tiếp nhận: " + n.TrackingCode
	}
	return "[Cầu Nối] " + n.TrackingCode
}

// TicketEmail returns the e-mail of n to the address to (name shown).
func (c Composer) TicketEmail(n Notice, to, name string) Email {
	var b strings.Builder
	if name != "" {
		fmt.Fprintf(&b, "Kính gửi %s,\n\n", name)
	}
	b.WriteString(c.Text(n))
	b.WriteString("\n\nXem và xử lý phiếu: ")
	b.WriteString(c.Link(n.TicketID))
	b.WriteString("\n\n-- \nCầu Nối: thư tự động, vui lòng không trả lời thư này.\n")
	return Email{To: to, Name: name, Subject: c.Subject(n), Text: b.String()}
}

// ZaloText returns the Zalo message of n to a staff member.
func (c Composer) ZaloText(n Notice) string {
	return c.Text(n) + "\n" + c.Link(n.TicketID)
}

// DigestEmail returns the daily digest of items for day: one e-mail that
// lists every notice, oldest first, each with its ticket's link.
func (c Composer) DigestEmail(to, name string, day time.Time, items []DigestItem) Email {
	var b strings.Builder
	if name != "" {
		fmt.Fprintf(&b, "Kính gửi %s,\n\n", name)
	}
	date := day.In(c.loc()).Format("02/01/2006")
	fmt.Fprintf(&b, "Tổng hợp %d thông báo về thời hạn xử lý phiếu (đến ngày %s):\n\n", len(items), date)
	for i, it := range items {
		fmt.Fprintf(&b, "%d. [%s] %s\n   %s\n", i+1, it.At.In(c.loc()).Format("15:04 02/01"), it.Body,
			c.Link(it.TicketID))
	}
	b.WriteString("\n-- \nCầu Nối: bản tổng hợp hằng ngày theo lựa chọn của bạn; thư tự động, vui lòng không trả lời.\n")
	subject := fmt.Sprintf("[Cầu Nối] Tổng hợp ngày %s: %d thông báo", date, len(items))
	return Email{To: to, Name: name, Subject: subject, Text: b.String()}
}

func (c Composer) when(t time.Time) string {
	return t.In(c.loc()).Format("15:04 02/01/2006")
}

func (c Composer) loc() *time.Location {
	if c.Loc == nil {
		return time.FixedZone("ICT", 7*3600)
	}
	return c.Loc
}

// shorten cuts s to at most n runes at a word boundary (never inside a
// character), adding "…" when it cut.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimSpace(cut) + "…"
}
