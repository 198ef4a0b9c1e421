package domain

import (
	"reflect"
	"strings"
	"testing"
)

// fieldsOf returns the Fields of an invalid_input error (nil for nil).
func fieldsOf(t *testing.T, err error) map[string]string {
	t.Helper()
	if err == nil {
		return nil
	}
	de, ok := err.(*Error)
	if !ok || de.Code != EINVALID {
		t.Fatalf("error %v is not invalid_input", err)
	}
	return de.Fields
}

func TestValidateUnit(t *testing.T) {
	ok := UnitSpec{Code: "xa-moi", Name: " Xã  Mới ", Level: LevelCommune, Parent: "phu-tho", Active: true}
	tests := []struct {
		name string
		in   UnitSpec
		bad  map[string]string
	}{
		{"commune", ok, nil},
		{"province", UnitSpec{Code: "tinh", Name: "Tỉnh", Level: LevelProvince}, nil},
		{"province with parent", UnitSpec{Code: "tinh", Name: "Tỉnh", Level: LevelProvince, Parent: "x"}, map[string]string{"level": "invalid"}},
		{"commune without parent", UnitSpec{Code: "xa", Name: "Xã", Level: LevelWard}, map[string]string{"parent": "required"}},
		{"bad code", UnitSpec{Code: "Xa_Moi", Name: "Xã", Level: LevelZone, Parent: "p"}, map[string]string{"code": "invalid"}},
		{"leading hyphen", UnitSpec{Code: "-xa", Name: "Xã", Level: LevelZone, Parent: "p"}, map[string]string{"code": "invalid"}},
		{"long code", UnitSpec{Code: strings.Repeat("a", 65), Name: "Xã", Level: LevelZone, Parent: "p"}, map[string]string{"code": "too_long"}},
		{"no name, no level", UnitSpec{Code: "xa", Name: "  "}, map[string]string{"name": "required", "level": "required"}},
		{"unknown level", UnitSpec{Code: "xa", Name: "Xã", Level: "district", Parent: "p"}, map[string]string{"level": "invalid"}},
		{"bad periods", UnitSpec{Code: "xa", Name: "Xã", Level: LevelCommune, Parent: "p",
			Periods: []WorkPeriod{{StartMin: 600, EndMin: 500}}}, map[string]string{"work_periods": "invalid"}},
		{"empty periods", UnitSpec{Code: "xa", Name: "Xã", Level: LevelCommune, Parent: "p",
			Periods: []WorkPeriod{}}, map[string]string{"work_periods": "invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ValidateUnit(tt.in)
			if got := fieldsOf(t, err); !reflect.DeepEqual(got, tt.bad) {
				t.Fatalf("fields = %v, want %v", got, tt.bad)
			}
			if err == nil && len(out.Periods) == 0 {
				t.Error("periods not defaulted")
			}
		})
	}
	out, _ := ValidateUnit(ok)
	if out.Name != "Xã Mới" {
		t.Errorf("name = %q", out.Name)
	}
	name, off := "Xã Mới Hơn", false
	got := UnitPatch{Name: &name, Active: &off}.Apply(ok)
	if got.Name != name || got.Active || got.Code != ok.Code {
		t.Errorf("Apply = %+v", got)
	}
}

func TestValidateDepartment(t *testing.T) {
	tests := []struct {
		name string
		in   DepartmentSpec
		bad  map[string]string
	}{
		{"ok", DepartmentSpec{Code: "dia-chinh", Name: "Địa chính", Active: true}, nil},
		{"inactive", DepartmentSpec{Code: "dia-chinh", Name: "Địa chính"}, nil},
		{"inactive triage", DepartmentSpec{Code: "vp", Name: "Văn phòng", Triage: true}, map[string]string{"active": "invalid"}},
		{"no code, long name", DepartmentSpec{Name: strings.Repeat("ả", 201), Active: true},
			map[string]string{"code": "required", "name": "too_long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ValidateDepartment(tt.in)
			if got := fieldsOf(t, err); !reflect.DeepEqual(got, tt.bad) {
				t.Fatalf("fields = %v, want %v", got, tt.bad)
			}
		})
	}
	tr := true
	if d := (DepartmentPatch{Triage: &tr}).Apply(DepartmentSpec{Code: "a"}); !d.Triage || d.Code != "a" {
		t.Errorf("Apply = %+v", d)
	}
}

func TestNormalizeKeywords(t *testing.T) {
	nfd := "đe\u0300n đươ\u0300ng" // "đèn đường" decomposed
	tests := []struct {
		name string
		in   []string
		want []string
		code string
	}{
		{"nil", nil, []string{}, ""},
		{"trim, NFC, dedupe ignoring case", []string{"  đèn   đường ", nfd, "Đèn Đường", "", "  "}, []string{"đèn đường"}, ""},
		{"prefixes kept", []string{"- yêu cầu", "=bão", "cầu"}, []string{"-yêu cầu", "=bão", "cầu"}, ""},
		{"no word", []string{"!!!"}, nil, "invalid"},
		{"bare prefix", []string{"-"}, nil, "invalid"},
		{"two lines", []string{"đèn\nđường"}, nil, "invalid"},
		{"too long", []string{strings.Repeat("a", 101)}, nil, "too_long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, code := NormalizeKeywords(tt.in)
			if code != tt.code {
				t.Fatalf("code = %q, want %q", code, tt.code)
			}
			if code == "" && !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
		})
	}
	many := make([]string, MaxKeywords+1)
	for i := range many {
		many[i] = "từ " + strings.Repeat("a", i%50+1) + string(rune('a'+i%26)) + string(rune('a'+i/26%26))
	}
	if _, code := NormalizeKeywords(many); code != "too_long" {
		t.Errorf("too many keywords: code %q", code)
	}
}

func TestValidateRule(t *testing.T) {
	tests := []struct {
		name string
		in   RuleSpec
		bad  map[string]string
	}{
		{"keywords to department", RuleSpec{Keywords: []string{" ngập "}, Department: "kinh-te"}, nil},
		{"kind to category", RuleSpec{Kind: KindComplaint, SetCategory: "khac"}, nil},
		{"channel", RuleSpec{Channel: ChannelZalo, Department: "van-phong"}, nil},
		{"category condition", RuleSpec{Category: "ha-tang", Department: "kinh-te"}, nil},
		{"no target", RuleSpec{Keywords: []string{"ngập"}},
			map[string]string{"set_category": "one_required", "department": "one_required"}},
		{"no condition", RuleSpec{Department: "kinh-te"},
			map[string]string{"category": "one_required", "kind": "one_required", "channel": "one_required", "keywords": "one_required"}},
		{"only stop-phrases is no condition", RuleSpec{Keywords: []string{"-yêu cầu"}, Department: "kinh-te"},
			map[string]string{"category": "one_required", "kind": "one_required", "channel": "one_required", "keywords": "one_required"}},
		{"bad kind and channel", RuleSpec{Kind: "rumour", Channel: "fax", Department: "kinh-te"},
			map[string]string{"kind": "invalid", "channel": "invalid"}},
		{"bad codes", RuleSpec{Kind: KindFeedback, Department: "Kinh Te", SetCategory: "x_y"},
			map[string]string{"department": "invalid", "set_category": "invalid"}},
		{"bad position", RuleSpec{Kind: KindFeedback, Department: "kinh-te", Position: -1}, map[string]string{"position": "invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ValidateRule(tt.in)
			if got := fieldsOf(t, err); !reflect.DeepEqual(got, tt.bad) {
				t.Fatalf("fields = %v, want %v", got, tt.bad)
			}
		})
	}
	out, _ := ValidateRule(RuleSpec{Keywords: []string{"ngập", " ngập"}, Department: " kinh-te "})
	if !reflect.DeepEqual(out.Keywords, []string{"ngập"}) || out.Department != "kinh-te" {
		t.Errorf("normalised = %+v", out)
	}
	empty := ""
	r := RulePatch{Department: &empty}.Apply(RuleSpec{Department: "kinh-te", SetCategory: "khac", Active: true})
	if r.Department != "" || r.SetCategory != "khac" || !r.Active {
		t.Errorf("Apply = %+v", r)
	}
}

func TestValidateCategory(t *testing.T) {
	base := CategorySpec{Code: "cay-xanh", Name: "Cây xanh", Keywords: []string{"cây đổ"}, Active: true}
	tests := []struct {
		name string
		edit func(*CategorySpec)
		bad  map[string]string
	}{
		{"ok", func(*CategorySpec) {}, nil},
		{"bad deadline", func(c *CategorySpec) { c.Deadline = Deadline{Amount: -1, Unit: "weeks"} },
			map[string]string{"deadline.amount": "invalid", "deadline.unit": "invalid"}},
		{"amount without unit", func(c *CategorySpec) { c.Deadline = Deadline{Amount: 3} },
			map[string]string{"deadline.unit": "invalid"}},
		{"bad default department", func(c *CategorySpec) { c.DefaultDepartment = "Kinh Tế" },
			map[string]string{"default_department": "invalid"}},
		{"long description", func(c *CategorySpec) { c.Description = strings.Repeat("x", MaxDescriptionLen+1) },
			map[string]string{"description": "too_long"}},
		{"bad position", func(c *CategorySpec) { c.Position = MaxPosition + 1 }, map[string]string{"position": "invalid"}},
		{"bad keyword", func(c *CategorySpec) { c.Keywords = []string{"?"} }, map[string]string{"keywords": "invalid"}},
		{"list attribute without values", func(c *CategorySpec) {
			c.Attributes = []ServiceAttribute{{Code: "loai", Datatype: DatatypeSingleValueList, Description: "Loại cây"}}
		}, map[string]string{"attributes": "invalid"}},
		{"attribute without description", func(c *CategorySpec) {
			c.Attributes = []ServiceAttribute{{Code: "so-cay", Datatype: DatatypeNumber}}
		}, map[string]string{"attributes": "invalid"}},
		{"unknown datatype", func(c *CategorySpec) {
			c.Attributes = []ServiceAttribute{{Code: "x", Datatype: "blob", Description: "?"}}
		}, map[string]string{"attributes": "invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base
			tt.edit(&in)
			_, err := ValidateCategory(in)
			if got := fieldsOf(t, err); !reflect.DeepEqual(got, tt.bad) {
				t.Fatalf("fields = %v, want %v", got, tt.bad)
			}
		})
	}
	out, err := ValidateCategory(base)
	if err != nil || out.Deadline != DefaultCategoryDeadline() || out.Attributes == nil {
		t.Errorf("defaults: %+v %v", out, err)
	}
}

func TestValidateAttributes(t *testing.T) {
	in := []ServiceAttribute{
		{Variable: true, Code: "loai", Datatype: DatatypeSingleValueList, Required: true, Description: " Loại  cây ",
			Values: []AttributeValue{{Key: "cay-to", Name: "Cây to"}, {Key: "cay-nho", Name: "Cây nhỏ"}}},
		{Variable: true, Code: "so-cay", Datatype: DatatypeNumber, Description: "Số cây"},
	}
	out, err := ValidateAttributes(in)
	if err != nil {
		t.Fatal(err)
	}
	if out[0].Order != 1 || out[1].Order != 2 || out[0].Description != "Loại cây" {
		t.Errorf("out = %+v", out)
	}
	if in[0].Order != 0 || in[0].Description != " Loại  cây " {
		t.Error("input changed")
	}
	dup := append(in, ServiceAttribute{Code: "loai", Datatype: DatatypeText, Description: "Lại"})
	if _, err := ValidateAttributes(dup); err == nil {
		t.Error("duplicate code accepted")
	}
	if _, err := ValidateAttributes(make([]ServiceAttribute, MaxAttributes+1)); err == nil {
		t.Error("too many accepted")
	}
	if out, err := ValidateAttributes(nil); err != nil || out == nil {
		t.Errorf("nil: %v %v", out, err)
	}
}

func TestValidateUserSpec(t *testing.T) {
	tests := []struct {
		name string
		in   UserSpec
		bad  map[string]string
	}{
		{"staff", UserSpec{Email: "A@X.VN", Name: "An", Role: RoleStaff, Unit: "xuan-lung", Department: "kinh-te"}, nil},
		{"admin without unit", UserSpec{Email: "a@x.vn", Name: "An", Role: RoleAdmin}, nil},
		{"staff without department", UserSpec{Email: "a@x.vn", Name: "An", Role: RoleStaff},
			map[string]string{"department": "required"}},
		{"head without department", UserSpec{Email: "a@x.vn", Name: "An", Role: RoleHead},
			map[string]string{"department": "required"}},
		{"everything wrong", UserSpec{Email: "nope", Role: "boss", Unit: "X Y", ZaloUserID: "a b"},
			map[string]string{"email": "invalid", "name": "required", "role": "invalid", "unit": "invalid", "zalo_user_id": "invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ValidateUserSpec(tt.in)
			if got := fieldsOf(t, err); !reflect.DeepEqual(got, tt.bad) {
				t.Fatalf("fields = %v, want %v", got, tt.bad)
			}
		})
	}
	out, _ := ValidateUserSpec(tests[0].in)
	if out.Email != "a@x.vn" {
		t.Errorf("email = %q", out.Email)
	}
	role := RoleLeader
	if u := (UserPatch{Role: &role}).Apply(tests[0].in); u.Role != RoleLeader || u.Email != tests[0].in.Email {
		t.Errorf("Apply = %+v", u)
	}
}

func TestValidatePassword(t *testing.T) {
	for pw, code := range map[string]string{
		"":                          "required",
		"short":                     "too_short",
		"chín ký t":                 "too_short",
		"mười ký tự":                "",
		"0123456789":                "",
		"tab\there and long enough": "invalid",
		strings.Repeat("x", 1001):   "too_long",
	} {
		got := fieldsOf(t, ValidatePassword(pw))["password"]
		if got != code {
			t.Errorf("%q: %q, want %q", pw, got, code)
		}
	}
}

func TestValidateHoliday(t *testing.T) {
	tests := []struct {
		name string
		in   HolidaySpec
		bad  map[string]string
	}{
		{"national day off", HolidaySpec{CalendarDay: CalendarDay{Date: "2026-11-04", Off: true, Name: "Nghỉ"}}, nil},
		{"unit make-up day", HolidaySpec{Unit: "xuan-lung", CalendarDay: CalendarDay{Date: "2026-11-07", Name: "Làm bù"}}, nil},
		{"bad date, no name", HolidaySpec{CalendarDay: CalendarDay{Date: "2026-13-01", Name: "  "}},
			map[string]string{"date": "invalid", "name": "required"}},
		{"far year", HolidaySpec{CalendarDay: CalendarDay{Date: "3000-01-01", Name: "x"}}, map[string]string{"date": "invalid"}},
		{"bad unit", HolidaySpec{Unit: "Xuân Lũng", CalendarDay: CalendarDay{Date: "2026-01-01", Name: "x"}},
			map[string]string{"unit": "invalid"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ValidateHoliday(tt.in)
			if got := fieldsOf(t, err); !reflect.DeepEqual(got, tt.bad) {
				t.Fatalf("fields = %v, want %v", got, tt.bad)
			}
		})
	}
	on := false
	if h := (HolidayPatch{Off: &on}).Apply(tests[0].in); h.Off || h.Date != "2026-11-04" {
		t.Errorf("Apply = %+v", h)
	}
}

func TestValidateKindRule(t *testing.T) {
	def := DefaultKindRules()
	for _, k := range Kinds {
		if err := ValidateKindRule(k, def[k]); err != nil {
			t.Errorf("default %s: %v", k, err)
		}
	}
	noSettle := def[KindComplaint]
	noSettle.Settle = Deadline{}
	if got := fieldsOf(t, ValidateKindRule(KindComplaint, noSettle)); got["settle.amount"] != "invalid" {
		t.Errorf("complaint without settle: %v", got)
	}
	bad := KindRule{Accept: Deadline{0, WorkingDays}, Extension: Deadline{1, "fortnights"}, MaxExtensions: 11}
	want := map[string]string{"accept.amount": "invalid", "extension.unit": "invalid", "max_extensions": "invalid"}
	if got := fieldsOf(t, ValidateKindRule(KindFeedback, bad)); !reflect.DeepEqual(got, want) {
		t.Errorf("fields = %v, want %v", got, want)
	}
	n := 2
	if r := (KindRulePatch{MaxExtensions: &n}).Apply(def[KindFeedback]); r.MaxExtensions != 2 || r.Accept != def[KindFeedback].Accept {
		t.Errorf("Apply = %+v", r)
	}
	notes := KindRuleNotes()
	for _, k := range Kinds {
		if len(notes[k].Sources) == 0 {
			t.Errorf("%s has no sources", k)
		}
	}
	if len(notes[KindFeedback].Unconfirmed) == 0 || len(notes[KindDenunciation].Unconfirmed) != 0 {
		t.Error("unconfirmed figures not marked as DOMAIN.md says")
	}
}

func TestMoveTo(t *testing.T) {
	tests := []struct {
		ids  []int64
		id   int64
		at   int
		want []int64
	}{
		{[]int64{1, 2, 3}, 3, 0, []int64{3, 1, 2}},
		{[]int64{1, 2, 3}, 1, 2, []int64{2, 3, 1}},
		{[]int64{1, 2, 3}, 1, 99, []int64{2, 3, 1}},
		{[]int64{1, 2, 3}, 2, -5, []int64{2, 1, 3}},
		{[]int64{1, 2}, 9, 1, []int64{1, 9, 2}},
		{nil, 9, 0, []int64{9}},
	}
	for _, tt := range tests {
		if got := MoveTo(tt.ids, tt.id, tt.at); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("MoveTo(%v, %d, %d) = %v, want %v", tt.ids, tt.id, tt.at, got, tt.want)
		}
	}
}
