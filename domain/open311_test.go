package domain

import (
	"testing"
	"time"
)

func TestParseW3CTime(t *testing.T) {
	loc := VietnamLocation()
	cases := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"2026-11-03T09:00:00+07:00", time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC), true},
		{"2026-11-03T02:00:00Z", time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC), true},
		{"2026-11-03T02:00:00.5Z", time.Date(2026, 11, 3, 2, 0, 0, 5e8, time.UTC), true},
		{"2026-11-03T09:00+07:00", time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC), true},
		{"2026-11-03T09:00:00 07:00", time.Date(2026, 11, 3, 2, 0, 0, 0, time.UTC), true}, // '+' decoded as a space
		{"2026-11-03", time.Date(2026, 11, 3, 0, 0, 0, 0, loc), true},
		{"2026-11", time.Date(2026, 11, 1, 0, 0, 0, 0, loc), true},
		{"2026", time.Date(2026, 1, 1, 0, 0, 0, 0, loc), true},
		{"2026-11-03T09:00:00", time.Time{}, false}, // no zone
		{"03/11/2026", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, c := range cases {
		got, err := ParseW3CTime(c.in, loc)
		if (err == nil) != c.ok || (c.ok && !got.Equal(c.want)) {
			t.Errorf("%q → %v, %v; want %v (ok %v)", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestOpen311Status(t *testing.T) {
	for _, s := range Statuses {
		want := "closed"
		if s == StatusNew || s == StatusAssigned || s == StatusInProgress || s == StatusWaitingCitizen {
			want = "open"
		}
		if got := Open311Status(s); got != want {
			t.Errorf("%s → %s, want %s", s, got, want)
		}
	}
	open, _ := StatusesOf("open")
	closed, _ := StatusesOf("closed")
	if len(open)+len(closed) != len(Statuses) {
		t.Fatalf("open %v closed %v", open, closed)
	}
	if _, ok := StatusesOf("pending"); ok {
		t.Fatal("pending is not a GeoReport status")
	}
}

var testAttrs = []ServiceAttribute{
	{Variable: true, Code: "POLE", Datatype: DatatypeString, Required: true, Order: 1},
	{Variable: true, Code: "HEIGHT", Datatype: DatatypeNumber, Order: 2},
	{Variable: true, Code: "SEEN", Datatype: DatatypeDatetime, Order: 3},
	{Variable: true, Code: "FAULT", Datatype: DatatypeSingleValueList, Order: 4,
		Values: []AttributeValue{{"dark", "Không sáng"}, {"flicker", "Chập chờn"}}},
	{Variable: true, Code: "NEAR", Datatype: DatatypeMultiValueList, Order: 5,
		Values: []AttributeValue{{"school", "Trường học"}, {"market", "Chợ"}}},
	{Variable: true, Code: "MORE", Datatype: DatatypeText, Order: 6},
	{Variable: false, Code: "NOTE", Datatype: DatatypeText, Order: 7},
}

func TestValidateAttributeAnswers(t *testing.T) {
	ok := map[string][]string{"POLE": {"  XL  0412 "}, "HEIGHT": {"7.5"}, "SEEN": {"2026-11-02T20:00:00+07:00"},
		"FAULT": {"dark"}, "NEAR": {"school", "market", "school"}, "MORE": {"dòng 1\ndòng 2"}, "NOTE": {"ignored"}}
	got, err := ValidateAttributeAnswers(testAttrs, ok)
	if err != nil {
		t.Fatal(err)
	}
	if got["POLE"] != "XL 0412" || got["HEIGHT"] != "7.5" || len(got["NEAR"].([]string)) != 2 ||
		got["MORE"] != "dòng 1\ndòng 2" || got["NOTE"] != nil {
		t.Fatalf("answers %v", got)
	}
	bad := []struct {
		given map[string][]string
		field string
		code  string
	}{
		{map[string][]string{}, "attribute[POLE]", FieldRequired},
		{map[string][]string{"POLE": {"  "}}, "attribute[POLE]", FieldRequired},
		{map[string][]string{"POLE": {"a", "b"}}, "attribute[POLE]", FieldInvalid},
		{map[string][]string{"POLE": {"x"}, "HEIGHT": {"tall"}}, "attribute[HEIGHT]", FieldInvalid},
		{map[string][]string{"POLE": {"x"}, "HEIGHT": {"NaN"}}, "attribute[HEIGHT]", FieldInvalid},
		{map[string][]string{"POLE": {"x"}, "SEEN": {"yesterday"}}, "attribute[SEEN]", FieldInvalid},
		{map[string][]string{"POLE": {"x"}, "FAULT": {"exploded"}}, "attribute[FAULT]", FieldInvalid},
		{map[string][]string{"POLE": {"x"}, "NEAR": {"school", "zoo"}}, "attribute[NEAR]", FieldInvalid},
		{map[string][]string{"POLE": {"x"}, "COLOUR": {"red"}}, "attribute[COLOUR]", FieldUnknown},
		{map[string][]string{"POLE": {"\xff"}}, "attribute[POLE]", FieldInvalidUTF8},
	}
	for _, c := range bad {
		_, err := ValidateAttributeAnswers(testAttrs, c.given)
		e, isErr := err.(*Error)
		if !isErr || e.Code != EINVALID || e.Fields[c.field] != c.code || e.Message == "" || e.MessageEN == "" {
			t.Errorf("%v → %v, want %s %s", c.given, err, c.field, c.code)
		}
	}
}

func TestValidateServiceAttributes(t *testing.T) {
	sorted, err := ValidateServiceAttributes([]ServiceAttribute{testAttrs[3], testAttrs[0]})
	if err != nil || sorted[0].Code != "POLE" {
		t.Fatalf("%v %v", sorted, err)
	}
	bad := [][]ServiceAttribute{
		{{Code: "a b", Datatype: DatatypeString, Order: 1}},
		{{Code: "A", Datatype: "colour", Order: 1}},
		{{Code: "A", Datatype: DatatypeString, Order: 0}},
		{{Code: "A", Datatype: DatatypeString, Order: 1}, {Code: "A", Datatype: DatatypeString, Order: 2}},
		{{Code: "A", Datatype: DatatypeString, Order: 1}, {Code: "B", Datatype: DatatypeString, Order: 1}},
		{{Code: "A", Datatype: DatatypeSingleValueList, Order: 1}},
		{{Code: "A", Datatype: DatatypeString, Order: 1, Values: []AttributeValue{{"k", "n"}}}},
		{{Code: "A", Datatype: DatatypeMultiValueList, Order: 1, Values: []AttributeValue{{"k", "n"}, {"k", "m"}}}},
	}
	for i, b := range bad {
		if _, err := ValidateServiceAttributes(b); ErrorCode(err) != EINVALID {
			t.Errorf("case %d accepted", i)
		}
	}
}

func TestAPIKeySecrets(t *testing.T) {
	a, b := NewAPIKeySecret(), NewAPIKeySecret()
	if a == b || len(a) != 46 || a[:3] != "cn_" || DisplayPrefix(a) != a[:9] || len(HashAPIKey(a)) != 32 {
		t.Fatalf("keys %q %q", a, b)
	}
	u := Unit{ID: 5, ParentID: new(int64(1))}
	if !(APIKey{}).Allows(u) || !(APIKey{UnitID: new(int64(5))}).Allows(u) ||
		!(APIKey{UnitID: new(int64(1))}).Allows(u) || (APIKey{UnitID: new(int64(6))}).Allows(u) {
		t.Fatal("Allows")
	}
}
