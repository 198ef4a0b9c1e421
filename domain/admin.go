package domain

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The administration model: what an admin writes (…Spec, references by
// code), what an admin changes (…Patch, nil fields unchanged) and what the
// administration API answers with (…Record, the row's id and its unit's
// code). Each Validate… function is pure: it returns the normalised value,
// or the value unchanged and an invalid_input *Error naming every bad field.

// Limits of the administration's input, in characters after normalisation.
const (
	MaxAdminNameLen     = 200
	MaxDescriptionLen   = 2000
	MaxKeywords         = 200
	MaxKeywordLen       = 100
	MaxAttributes       = 50
	MaxPosition         = 100000
	MinPasswordLen      = 10
	MaxPasswordLen      = 1000
	MaxZaloUserIDLen    = 255
	MaxExtensionsLimit  = 10
	MaxHolidayNameLen   = 200
	FieldInactive       = "inactive"
	FieldOneRequired    = "one_required"
	FieldTooShort       = "too_short"
	maxRefCodeLen       = 63
	conditionFieldsHint = "category, kind, channel, keywords"
)

// UnitSpec is a unit as an admin writes it. Parent is the parent's code:
// empty for a province, a province for a commune, ward or special zone.
type UnitSpec struct {
	Code    string
	Name    string
	Level   UnitLevel
	Parent  string
	Periods []WorkPeriod // working periods of a working day; nil: DefaultWorkPeriods()
	Active  bool
}

// UnitPatch is an admin's change to a unit.
type UnitPatch struct {
	Name    *string
	Level   *UnitLevel
	Active  *bool
	Periods *[]WorkPeriod
}

// UnitRecord is a unit as the administration shows it.
type UnitRecord struct {
	ID int64
	UnitSpec
}

// Apply returns u with the patch's fields set.
func (p UnitPatch) Apply(u UnitSpec) UnitSpec {
	if p.Name != nil {
		u.Name = *p.Name
	}
	if p.Level != nil {
		u.Level = *p.Level
	}
	if p.Active != nil {
		u.Active = *p.Active
	}
	if p.Periods != nil {
		u.Periods = slices.Clone(*p.Periods)
	}
	return u
}

// ValidateUnit checks a unit: a code of lower-case letters, digits and
// hyphens (as the schema allows), a name, and the two tiers since 2025 — a
// province has no parent; a commune, ward or special zone has one. Periods
// default to DefaultWorkPeriods() and must pass ValidatePeriods.
func ValidateUnit(u UnitSpec) (UnitSpec, error) {
	bad := map[string]string{}
	out := u
	out.Code = strings.TrimSpace(u.Code)
	out.Parent = strings.TrimSpace(u.Parent)
	if f := refCodeProblem(out.Code); f != "" {
		bad["code"] = f
	}
	var f string
	if out.Name, f = adminName(u.Name, MaxAdminNameLen); f != "" {
		bad["name"] = f
	}
	switch out.Level {
	case LevelProvince:
		if out.Parent != "" {
			bad["level"] = FieldInvalid
		}
	case LevelCommune, LevelWard, LevelZone:
		if out.Parent == "" {
			bad["parent"] = FieldRequired
		}
	case "":
		bad["level"] = FieldRequired
	default:
		bad["level"] = FieldInvalid
	}
	if out.Periods == nil {
		out.Periods = DefaultWorkPeriods()
	} else if ValidatePeriods(out.Periods) != nil {
		bad["work_periods"] = FieldInvalid
	}
	if len(bad) > 0 {
		return u, Invalid("Thông tin đơn vị không hợp lệ.", "The unit's details are not valid.", bad)
	}
	return out, nil
}

// DepartmentSpec is a department as an admin writes it.
type DepartmentSpec struct {
	Code   string
	Name   string
	Triage bool
	Active bool
}

// DepartmentPatch is an admin's change to a department.
type DepartmentPatch struct {
	Name   *string
	Triage *bool
	Active *bool
}

// DepartmentRecord is a department as the administration shows it.
type DepartmentRecord struct {
	ID   int64
	Unit string
	DepartmentSpec
	OpenTickets int
}

// Apply returns d with the patch's fields set.
func (p DepartmentPatch) Apply(d DepartmentSpec) DepartmentSpec {
	if p.Name != nil {
		d.Name = *p.Name
	}
	if p.Triage != nil {
		d.Triage = *p.Triage
	}
	if p.Active != nil {
		d.Active = *p.Active
	}
	return d
}

// ValidateDepartment checks a department: a code, a name, and a triage
// department that is active (it receives what nothing else matches).
func ValidateDepartment(d DepartmentSpec) (DepartmentSpec, error) {
	bad := map[string]string{}
	out := d
	out.Code = strings.TrimSpace(d.Code)
	if f := refCodeProblem(out.Code); f != "" {
		bad["code"] = f
	}
	var f string
	if out.Name, f = adminName(d.Name, MaxAdminNameLen); f != "" {
		bad["name"] = f
	}
	if out.Triage && !out.Active {
		bad["active"] = FieldInvalid
	}
	if len(bad) > 0 {
		return d, Invalid("Thông tin phòng ban không hợp lệ.", "The department's details are not valid.", bad)
	}
	return out, nil
}

// CategorySpec is a category as an admin writes it. DefaultDepartment is a
// department code of the same unit ("" for none: the triage department).
type CategorySpec struct {
	Code              string
	Name              string
	Description       string
	DefaultDepartment string
	Deadline          Deadline
	Keywords          []string
	Position          int
	Active            bool
	Attributes        []ServiceAttribute
}

// CategoryPatch is an admin's change to a category; an empty
// DefaultDepartment removes the default department.
type CategoryPatch struct {
	Name              *string
	Description       *string
	DefaultDepartment *string
	DeadlineAmount    *int
	DeadlineUnit      *DeadlineUnit
	Keywords          *[]string
	Position          *int
	Active            *bool
	Attributes        *[]ServiceAttribute
}

// CategoryRecord is a category as the administration shows it.
type CategoryRecord struct {
	ID   int64
	Unit string
	CategorySpec
}

// Apply returns c with the patch's fields set.
func (p CategoryPatch) Apply(c CategorySpec) CategorySpec {
	if p.Name != nil {
		c.Name = *p.Name
	}
	if p.Description != nil {
		c.Description = *p.Description
	}
	if p.DefaultDepartment != nil {
		c.DefaultDepartment = *p.DefaultDepartment
	}
	if p.DeadlineAmount != nil {
		c.Deadline.Amount = *p.DeadlineAmount
	}
	if p.DeadlineUnit != nil {
		c.Deadline.Unit = *p.DeadlineUnit
	}
	if p.Keywords != nil {
		c.Keywords = slices.Clone(*p.Keywords)
	}
	if p.Position != nil {
		c.Position = *p.Position
	}
	if p.Active != nil {
		c.Active = *p.Active
	}
	if p.Attributes != nil {
		c.Attributes = slices.Clone(*p.Attributes)
	}
	return c
}

// ValidateCategory checks a category: code, name, description, a deadline
// (ValidateDeadline; the zero deadline becomes DefaultCategoryDeadline()),
// keywords (NormalizeKeywords), a position in 0..MaxPosition and its extra
// fields (ValidateAttributes). Fields are named as in the API: "code",
// "name", "description", "default_department", "deadline.amount",
// "deadline.unit", "keywords", "position", "attributes".
func ValidateCategory(c CategorySpec) (CategorySpec, error) {
	bad := map[string]string{}
	out := c
	out.Code = strings.TrimSpace(c.Code)
	out.DefaultDepartment = strings.TrimSpace(c.DefaultDepartment)
	if f := refCodeProblem(out.Code); f != "" {
		bad["code"] = f
	}
	var f string
	if out.Name, f = adminName(c.Name, MaxAdminNameLen); f != "" {
		bad["name"] = f
	}
	out.Description = NormalizeText(c.Description)
	if utf8.RuneCountInString(out.Description) > MaxDescriptionLen {
		bad["description"] = FieldTooLong
	}
	if out.DefaultDepartment != "" && refCodeProblem(out.DefaultDepartment) != "" {
		bad["default_department"] = FieldInvalid
	}
	if out.Deadline == (Deadline{}) {
		out.Deadline = DefaultCategoryDeadline()
	}
	for k, v := range deadlineProblems("deadline", out.Deadline) {
		bad[k] = v
	}
	if out.Keywords, f = NormalizeKeywords(c.Keywords); f != "" {
		bad["keywords"] = f
	}
	if out.Position < 0 || out.Position > MaxPosition {
		bad["position"] = FieldInvalid
	}
	attrs, err := ValidateAttributes(c.Attributes)
	if err != nil {
		bad["attributes"] = FieldInvalid
	}
	out.Attributes = attrs
	if len(bad) > 0 {
		return c, Invalid("Thông tin lĩnh vực không hợp lệ.", "The category's details are not valid.", bad)
	}
	return out, nil
}

// ValidateAttributes checks a category's extra fields (its Open311 service
// attributes): at most MaxAttributes, each with a code, a known datatype, a
// description (the question asked) and values exactly for the list
// datatypes. An attribute without an order gets its place in the list
// (1-based) when no attribute has one. It returns them sorted by order
// (never nil), or an invalid_input *Error naming "attributes".
func ValidateAttributes(attrs []ServiceAttribute) ([]ServiceAttribute, error) {
	if len(attrs) > MaxAttributes {
		return attrs, Invalid("Quá nhiều trường bổ sung.", "Too many attributes.",
			map[string]string{"attributes": FieldTooLong})
	}
	in := slices.Clone(attrs)
	numbered := false
	for _, a := range in {
		numbered = numbered || a.Order != 0
	}
	for i := range in {
		if !numbered {
			in[i].Order = i + 1
		}
		in[i].Description = NormalizeText(in[i].Description)
		if in[i].Description == "" || utf8.RuneCountInString(in[i].Description) > MaxDescriptionLen {
			return attrs, Invalid("Trường bổ sung cần có mô tả (câu hỏi).", "Every attribute needs a description.",
				map[string]string{"attributes": FieldInvalid})
		}
		in[i].Values = slices.Clone(in[i].Values)
		for j, v := range in[i].Values {
			in[i].Values[j].Name = NormalizeText(v.Name)
		}
	}
	out, err := ValidateServiceAttributes(in)
	if err != nil {
		return attrs, err
	}
	if out == nil {
		out = []ServiceAttribute{}
	}
	return out, nil
}

// RuleSpec is a routing rule as an admin writes it, references by code.
// Category, Kind, Channel and Keywords are its conditions (at least one);
// SetCategory and Department its targets (at least one).
type RuleSpec struct {
	Position    int
	Category    string
	Kind        Kind
	Channel     Channel
	Keywords    []string
	SetCategory string
	Department  string
	Active      bool
}

// RulePatch is an admin's change to a rule; an empty string removes a
// condition or a target.
type RulePatch struct {
	Position    *int
	Category    *string
	Kind        *Kind
	Channel     *Channel
	Keywords    *[]string
	SetCategory *string
	Department  *string
	Active      *bool
}

// RuleRecord is a rule as the administration shows it.
type RuleRecord struct {
	ID   int64
	Unit string
	RuleSpec
}

// Apply returns r with the patch's fields set.
func (p RulePatch) Apply(r RuleSpec) RuleSpec {
	if p.Position != nil {
		r.Position = *p.Position
	}
	if p.Category != nil {
		r.Category = *p.Category
	}
	if p.Kind != nil {
		r.Kind = *p.Kind
	}
	if p.Channel != nil {
		r.Channel = *p.Channel
	}
	if p.Keywords != nil {
		r.Keywords = slices.Clone(*p.Keywords)
	}
	if p.SetCategory != nil {
		r.SetCategory = *p.SetCategory
	}
	if p.Department != nil {
		r.Department = *p.Department
	}
	if p.Active != nil {
		r.Active = *p.Active
	}
	return r
}

// ValidateRule checks a rule: known kind and channel, keywords normalised
// (NormalizeKeywords), at least one condition — a rule whose keywords are
// all stop-phrases has none, it would match every ticket — and at least one
// target. A missing condition names "category", "kind", "channel" and
// "keywords"; a missing target names "set_category" and "department"
// (code one_required).
func ValidateRule(r RuleSpec) (RuleSpec, error) {
	bad := map[string]string{}
	out := r
	out.Category = strings.TrimSpace(r.Category)
	out.SetCategory = strings.TrimSpace(r.SetCategory)
	out.Department = strings.TrimSpace(r.Department)
	for field, code := range map[string]string{"category": out.Category, "set_category": out.SetCategory,
		"department": out.Department} {
		if code != "" && refCodeProblem(code) != "" {
			bad[field] = FieldInvalid
		}
	}
	if out.Kind != "" && !out.Kind.Valid() {
		bad["kind"] = FieldInvalid
	}
	if out.Channel != "" && !out.Channel.Valid() {
		bad["channel"] = FieldInvalid
	}
	var f string
	if out.Keywords, f = NormalizeKeywords(r.Keywords); f != "" {
		bad["keywords"] = f
	}
	if out.Position < 0 || out.Position > MaxPosition {
		bad["position"] = FieldInvalid
	}
	if len(bad) == 0 && out.Category == "" && out.Kind == "" && out.Channel == "" && !hasMatchingKeyword(out.Keywords) {
		for _, k := range []string{"category", "kind", "channel", "keywords"} {
			bad[k] = FieldOneRequired
		}
		return r, Invalid("Quy tắc cần ít nhất một điều kiện ("+conditionFieldsHint+").",
			"A rule needs at least one condition ("+conditionFieldsHint+").", bad)
	}
	if len(bad) == 0 && out.SetCategory == "" && out.Department == "" {
		bad["set_category"], bad["department"] = FieldOneRequired, FieldOneRequired
		return r, Invalid("Quy tắc cần chỉ định lĩnh vực hoặc phòng ban nhận.",
			"A rule needs a target: a category to set or a department.", bad)
	}
	if len(bad) > 0 {
		return r, Invalid("Quy tắc định tuyến không hợp lệ.", "The routing rule is not valid.", bad)
	}
	return out, nil
}

// hasMatchingKeyword reports whether a keyword list has a keyword that is
// not a stop-phrase.
func hasMatchingKeyword(kws []string) bool {
	for _, k := range kws {
		if !strings.HasPrefix(k, StopPrefix) {
			return true
		}
	}
	return false
}

// NormalizeKeywords returns a keyword list as routing stores it: each
// keyword trimmed, in NFC with inner whitespace collapsed to one space (a
// prefix "-" or "=" kept and joined to its phrase), duplicates (ignoring
// case) and empty entries dropped, order kept. It returns a non-nil list
// and "" or the field code of the first problem: too_long (more than
// MaxKeywords, or one longer than MaxKeywordLen) or invalid (a keyword with
// no letter or digit, or one that spans lines).
func NormalizeKeywords(kws []string) ([]string, string) {
	out := make([]string, 0, len(kws))
	seen := map[string]bool{}
	for _, raw := range kws {
		k := NormalizeText(raw)
		if strings.ContainsAny(k, "\n\t") {
			return kws, FieldInvalid
		}
		prefix := ""
		if strings.HasPrefix(k, StopPrefix) || strings.HasPrefix(k, ExactPrefix) {
			prefix, k = k[:1], strings.TrimSpace(k[1:])
		}
		if k == "" && prefix == "" {
			continue
		}
		if len(tokenize(k)) == 0 {
			return kws, FieldInvalid
		}
		k = prefix + k
		if utf8.RuneCountInString(k) > MaxKeywordLen {
			return kws, FieldTooLong
		}
		key := strings.ToLower(k)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, k)
	}
	if len(out) > MaxKeywords {
		return kws, FieldTooLong
	}
	return out, ""
}

// UserSpec is a staff account as an admin writes it: unit and department
// by code (an empty Unit: the admin's own).
type UserSpec struct {
	Email      string
	Name       string
	Role       Role
	Unit       string
	Department string
	ZaloUserID string
	Digest     bool
	Active     bool
}

// UserPatch is an admin's change to an account; an empty Department
// removes the department (not allowed for head and staff).
type UserPatch struct {
	Name       *string
	Role       *Role
	Department *string
	Active     *bool
	Digest     *bool
	ZaloUserID *string
	Password   *string // checked by ValidatePassword, stored hashed
}

// UserRecord is an account as the administration shows it (never its
// password hash).
type UserRecord struct {
	ID int64
	UserSpec
	LastLoginAt *time.Time
}

// Apply returns u with the patch's fields set (the password aside).
func (p UserPatch) Apply(u UserSpec) UserSpec {
	if p.Name != nil {
		u.Name = *p.Name
	}
	if p.Role != nil {
		u.Role = *p.Role
	}
	if p.Department != nil {
		u.Department = *p.Department
	}
	if p.Active != nil {
		u.Active = *p.Active
	}
	if p.Digest != nil {
		u.Digest = *p.Digest
	}
	if p.ZaloUserID != nil {
		u.ZaloUserID = *p.ZaloUserID
	}
	return u
}

// ValidateUserSpec checks an account as ValidateUser does (e-mail, name,
// role, a department for head and staff) plus the form of the unit and
// department codes ("" unit: the caller decides) and a Zalo user id of at
// most MaxZaloUserIDLen characters without spaces.
func ValidateUserSpec(u UserSpec) (UserSpec, error) {
	bad := map[string]string{}
	out := u
	out.Unit = strings.TrimSpace(u.Unit)
	out.Department = strings.TrimSpace(u.Department)
	out.ZaloUserID = strings.TrimSpace(u.ZaloUserID)
	probe := User{Email: u.Email, Name: u.Name, Role: u.Role}
	if out.Department != "" {
		probe.DepartmentID = new(int64)
	}
	v, err := ValidateUser(probe)
	if de, ok := err.(*Error); ok {
		for k, c := range de.Fields {
			bad[k] = c
		}
	}
	out.Email, out.Name = v.Email, v.Name
	if out.Unit != "" && refCodeProblem(out.Unit) != "" {
		bad["unit"] = FieldInvalid
	}
	if out.Department != "" && refCodeProblem(out.Department) != "" {
		bad["department"] = FieldInvalid
	}
	if utf8.RuneCountInString(out.ZaloUserID) > MaxZaloUserIDLen || strings.ContainsAny(out.ZaloUserID, " \r\n\t") {
		bad["zalo_user_id"] = FieldInvalid
	}
	if len(bad) > 0 {
		return u, Invalid("Thông tin tài khoản không hợp lệ.", "The account details are not valid.", bad)
	}
	return out, nil
}

// ValidatePassword checks a new password: at least MinPasswordLen
// characters, at most MaxPasswordLen, valid UTF-8 without control
// characters. It returns an invalid_input *Error naming "password".
func ValidatePassword(pw string) error {
	code := ""
	switch n := utf8.RuneCountInString(pw); {
	case !utf8.ValidString(pw) || strings.ContainsFunc(pw, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		code = FieldInvalid
	case n == 0:
		code = FieldRequired
	case n < MinPasswordLen:
		code = FieldTooShort
	case len(pw) > MaxPasswordLen:
		code = FieldTooLong
	}
	if code != "" {
		return Invalid("Mật khẩu phải có ít nhất 10 ký tự.", "The password must be at least 10 characters long.",
			map[string]string{"password": code})
	}
	return nil
}

// HolidaySpec is an entry of the working calendar: Unit "" for the national
// calendar (every unit), else the code of the unit it belongs to.
type HolidaySpec struct {
	Unit string
	CalendarDay
}

// HolidayPatch is an admin's change to a calendar entry.
type HolidayPatch struct {
	Date *string
	Off  *bool
	Name *string
}

// HolidayRecord is a calendar entry as the administration shows it.
type HolidayRecord struct {
	ID int64
	HolidaySpec
}

// Apply returns h with the patch's fields set.
func (p HolidayPatch) Apply(h HolidaySpec) HolidaySpec {
	if p.Date != nil {
		h.Date = *p.Date
	}
	if p.Off != nil {
		h.Off = *p.Off
	}
	if p.Name != nil {
		h.Name = *p.Name
	}
	return h
}

// ValidateHoliday checks a calendar entry with CalendarDay.Validate after
// normalising its name (one line, at most MaxHolidayNameLen characters); a
// date must also lie between 1900 and 2200.
func ValidateHoliday(h HolidaySpec) (HolidaySpec, error) {
	out := h
	out.Unit = strings.TrimSpace(h.Unit)
	out.Date = strings.TrimSpace(h.Date)
	out.Name = strings.Join(strings.Fields(NormalizeText(h.Name)), " ")
	bad := map[string]string{}
	if de, ok := out.CalendarDay.Validate().(*Error); ok && de != nil {
		for k, v := range de.Fields {
			bad[k] = v
		}
	}
	if t, err := time.Parse(time.DateOnly, out.Date); err == nil && (t.Year() < 1900 || t.Year() > 2200) {
		bad["date"] = FieldInvalid
	}
	if utf8.RuneCountInString(out.Name) > MaxHolidayNameLen {
		bad["name"] = FieldTooLong
	}
	if out.Unit != "" && refCodeProblem(out.Unit) != "" {
		bad["unit"] = FieldInvalid
	}
	if len(bad) > 0 {
		return h, Invalid("Ngày trong lịch làm việc không hợp lệ.", "Invalid calendar day.", bad)
	}
	return out, nil
}

// KindRulePatch is an admin's change to a kind's legal clock. A Settle with
// a zero amount means "the category's deadline" (feedback, petition, inquiry).
type KindRulePatch struct {
	Accept        *Deadline
	Settle        *Deadline
	Extension     *Deadline
	MaxExtensions *int
}

// Apply returns r with the patch's fields set.
func (p KindRulePatch) Apply(r KindRule) KindRule {
	if p.Accept != nil {
		r.Accept = *p.Accept
	}
	if p.Settle != nil {
		r.Settle = *p.Settle
	}
	if p.Extension != nil {
		r.Extension = *p.Extension
	}
	if p.MaxExtensions != nil {
		r.MaxExtensions = *p.MaxExtensions
	}
	return r
}

// ValidateKindRule checks a kind's legal clock: accept and extension
// deadlines with a positive amount and a known unit; a settle deadline
// likewise, or zero (the category's deadline) — but complaints and
// denunciations always have their law's settle clock; 0..MaxExtensionsLimit
// extensions.
func ValidateKindRule(kind Kind, r KindRule) error {
	bad := deadlineProblems("accept", r.Accept)
	for k, v := range deadlineProblems("extension", r.Extension) {
		bad[k] = v
	}
	if r.Settle != (Deadline{}) || kind == KindComplaint || kind == KindDenunciation {
		for k, v := range deadlineProblems("settle", r.Settle) {
			bad[k] = v
		}
	}
	if r.MaxExtensions < 0 || r.MaxExtensions > MaxExtensionsLimit {
		bad["max_extensions"] = FieldInvalid
	}
	if !kind.Valid() {
		bad["kind"] = FieldInvalid
	}
	if len(bad) > 0 {
		return Invalid("Thời hạn không hợp lệ.", "The deadlines are not valid.", bad)
	}
	return nil
}

// KindRuleNote says where a kind's figures come from and which of them are
// unconfirmed (DOMAIN.md): those the admin screen marks as a local choice.
type KindRuleNote struct {
	Sources     map[string]string // field → legal source
	Unconfirmed []string          // fields whose figure no national rule confirms
}

// AmendmentNote is shown beside every legal clock: the 2025 amendment makes
// every figure data an admin may have to change.
const AmendmentNote = "Law 136/2025/QH15 (in force from 1 July 2026) amends the laws on complaints, " +
	"denunciations and citizen reception: every figure is configurable."

// KindRuleNotes returns the source and confirmation of each kind's seeded
// figures (DOMAIN.md). Each call returns a new map.
func KindRuleNotes() map[Kind]KindRuleNote {
	local := KindRuleNote{
		Sources: map[string]string{
			"accept": "iHanoi, Decision 1207/QĐ-UBND (2025): 8 working hours; no national figure",
			"settle": "the category's deadline (seed: 10 working days; urgent 1 working day; disasters 4 working hours)",
		},
		Unconfirmed: []string{"accept", "settle", "extension", "max_extensions"},
	}
	return map[Kind]KindRuleNote{
		KindComplaint: {Sources: map[string]string{
			"accept":         "Law on Complaints 2011, Art. 27: 10 days",
			"settle":         "Law on Complaints 2011, Art. 28: 30 days (first settlement)",
			"extension":      "Art. 28: complicated cases 45 days in all; remote areas 45, complicated 60",
			"max_extensions": "Art. 28",
		}, Unconfirmed: []string{"extension"}},
		KindDenunciation: {Sources: map[string]string{
			"accept":         "Law on Denunciations 2018, Art. 24(1): 7 working days (10 if checked at several places)",
			"settle":         "Law on Denunciations 2018, Art. 30: 30 days",
			"extension":      "Art. 30: each extension at most 30 days, decided in writing",
			"max_extensions": "Art. 30: one when complicated, two when very complicated",
		}},
		KindFeedback: local,
		KindPetition: local,
		KindInquiry:  local,
	}
}

// Removal says what a DELETE did: the row was deleted, or — because
// history refers to it — deactivated instead.
type Removal struct {
	Deleted     bool
	Deactivated bool
}

// MoveTo returns ids with id moved to index at (clamped to the list; id
// added when missing): the order of a unit's rules after a reorder.
func MoveTo(ids []int64, id int64, at int) []int64 {
	out := make([]int64, 0, len(ids)+1)
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	at = min(max(at, 0), len(out))
	return slices.Insert(out, at, id)
}

// refCodeProblem returns "" when s is a reference code as the schema allows
// (^[a-z0-9][a-z0-9-]{0,62}$), else the field code.
func refCodeProblem(s string) string {
	if s == "" {
		return FieldRequired
	}
	if len(s) > maxRefCodeLen+1 {
		return FieldTooLong
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' && i > 0) {
			return FieldInvalid
		}
	}
	return ""
}

// adminName returns a name on one line, normalised, and "" or the field code.
func adminName(s string, limit int) (string, string) {
	n := strings.Join(strings.Fields(NormalizeText(s)), " ")
	switch c := utf8.RuneCountInString(n); {
	case c == 0:
		return n, FieldRequired
	case c > limit:
		return n, FieldTooLong
	}
	return n, ""
}

// deadlineProblems returns the problems of a deadline under field prefix.
func deadlineProblems(prefix string, d Deadline) map[string]string {
	bad := map[string]string{}
	if d.Amount <= 0 || d.Amount > maxDeadlineAmount {
		bad[prefix+".amount"] = FieldInvalid
	}
	if !deadlineUsable(Deadline{Amount: 1, Unit: d.Unit}) {
		bad[prefix+".unit"] = FieldInvalid
	}
	return bad
}
