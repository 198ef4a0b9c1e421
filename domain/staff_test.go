package domain

import "testing"

func TestWhoMaySeeAssignAndReclassifyADenouncer(t *testing.T) {
	kt, vh := int64(1), int64(2)
	const (
		admin, leader, head, staff, other, headVH = 10, 11, 12, 13, 14, 15
	)
	scopes := map[string]Scope{
		"admin":    {UserID: admin, Role: RoleAdmin, UnitID: 1},
		"leader":   {UserID: leader, Role: RoleLeader, UnitID: 1},
		"head":     {UserID: head, Role: RoleHead, UnitID: 1, DepartmentID: &kt},
		"staff":    {UserID: staff, Role: RoleStaff, UnitID: 1, DepartmentID: &kt},
		"other":    {UserID: other, Role: RoleStaff, UnitID: 1, DepartmentID: &kt},
		"head vh":  {UserID: headVH, Role: RoleHead, UnitID: 1, DepartmentID: &vh},
		"assigned": {UserID: staff, Role: RoleStaff, UnitID: 1, DepartmentID: &kt},
	}
	handler := int64(staff)
	den := TicketRef{UnitID: 1, DepartmentID: &kt, Kind: KindDenunciation}
	denAssigned := den
	denAssigned.AssigneeID = &handler
	wasDen := TicketRef{UnitID: 1, DepartmentID: &kt, Kind: KindFeedback, Restricted: true}
	complaint := TicketRef{UnitID: 1, DepartmentID: &kt, Kind: KindComplaint}
	feedback := TicketRef{UnitID: 1, DepartmentID: &kt, Kind: KindFeedback}

	see := []struct {
		who  string
		t    TicketRef
		want bool
	}{
		{"leader", den, true}, {"admin", den, false}, {"head", den, false}, {"staff", den, false},
		{"assigned", denAssigned, true}, {"other", denAssigned, false}, {"head", denAssigned, false},
		{"leader", wasDen, true}, {"admin", wasDen, false}, {"head", wasDen, false},
		{"head", complaint, true}, {"staff", feedback, true},
	}
	for _, c := range see {
		if got := MaySeeIdentity(scopes[c.who], c.t); got != c.want {
			t.Errorf("MaySeeIdentity(%s, %s restricted=%v) = %v", c.who, c.t.Kind, c.t.Restricted, got)
		}
	}

	assign := []struct {
		who      string
		t        TicketRef
		assignee int64
		want     bool
	}{
		{"staff", den, staff, false},        // the hole: staff assigning themselves
		{"staff", den, other, false},        // nor a colleague
		{"head", den, staff, true},          // the department's head picks the handler
		{"head", den, head, false},          // but not themselves
		{"head vh", den, staff, false},      // another department's head
		{"leader", den, staff, true},        //
		{"leader", den, leader, false},      // not even the leader, to themselves
		{"admin", den, staff, false},        // an admin is neither
		{"head", denAssigned, 0, true},      // unassigning is choosing the handler too
		{"assigned", denAssigned, 0, false}, // the handler cannot hand it on
		{"staff", complaint, staff, false},  // complaints follow the same rule
		{"head", complaint, staff, true},    //
		{"staff", wasDen, staff, false},     // once a denunciation, always guarded
		{"staff", feedback, staff, true},    // feedback: as before
		{"admin", feedback, staff, true},    //
		{"assigned", feedback, other, true}, //
	}
	for _, c := range assign {
		if got := MayAssign(scopes[c.who], c.t, c.assignee); got != c.want {
			t.Errorf("MayAssign(%s, %s restricted=%v, %d) = %v", c.who, c.t.Kind, c.t.Restricted, c.assignee, got)
		}
	}

	kind := []struct {
		who  string
		t    TicketRef
		to   Kind
		want bool
	}{
		{"staff", den, KindFeedback, false}, // the hole: staff shortening the clock and revealing the denouncer
		{"head", den, KindFeedback, false},
		{"admin", den, KindFeedback, false},
		{"leader", den, KindFeedback, true},
		{"staff", feedback, KindDenunciation, false},
		{"staff", feedback, KindComplaint, false},
		{"leader", feedback, KindComplaint, true},
		{"head", complaint, KindInquiry, false},
		{"staff", wasDen, KindInquiry, false}, // once a denunciation: the leader's
		{"staff", feedback, KindInquiry, true},
		{"head", feedback, KindPetition, true},
	}
	for _, c := range kind {
		if got := MayChangeKind(scopes[c.who], c.t, c.to); got != c.want {
			t.Errorf("MayChangeKind(%s, %s restricted=%v → %s) = %v", c.who, c.t.Kind, c.t.Restricted, c.to, got)
		}
	}

	move := []struct {
		who  string
		t    TicketRef
		want bool
	}{
		{"staff", den, false}, {"assigned", denAssigned, false}, {"admin", den, false}, {"head vh", den, false},
		{"head", den, true}, {"leader", den, true}, {"staff", wasDen, false}, {"staff", complaint, false},
		{"staff", feedback, true},
	}
	for _, c := range move {
		if got := MayTransfer(scopes[c.who], c.t); got != c.want {
			t.Errorf("MayTransfer(%s, %s restricted=%v) = %v", c.who, c.t.Kind, c.t.Restricted, got)
		}
	}
}
