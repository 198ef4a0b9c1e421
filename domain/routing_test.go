package domain

import (
	"strings"
	"testing"
)

func id(v int64) *int64 { return &v }

// Departments: 1 triage, 2 economy, 3 police, 4 culture, 5 bridges team.
// Categories: 10 flood, 11 roads, 12 procedures (no default department).
func testTable() *RoutingTable {
	cats := []Category{
		{ID: 11, Code: "ha-tang", DefaultDepartmentID: id(2), Position: 2, Active: true,
			Keywords: []string{"đường", "cầu", "ổ gà", "-yêu cầu", "-câu hỏi"}},
		{ID: 10, Code: "thien-tai", DefaultDepartmentID: id(2), Position: 1, Active: true,
			Keywords: []string{"ngập", "=bão", "sạt lở"}},
		{ID: 12, Code: "thu-tuc", Position: 3, Active: true, Keywords: []string{"thủ tục", "khai sinh"}},
		{ID: 13, Code: "cu", DefaultDepartmentID: id(4), Position: 0, Active: false, Keywords: []string{"khai sinh"}},
	}
	rules := []Rule{
		// a denunciation goes to the police whatever its text
		{ID: 7, Position: 2, Kind: KindDenunciation, DepartmentID: id(3), Active: true},
		// bridges go to the bridges team
		{ID: 5, Position: 1, CategoryID: id(11), Keywords: []string{"cây cầu", "cầu treo"}, DepartmentID: id(5), Active: true},
		// hotline calls about school fees: set the category, culture
		{ID: 8, Position: 3, Channel: ChannelHotline, Keywords: []string{"học phí"}, SetCategory: id(12), DepartmentID: id(4), Active: true},
		// inactive
		{ID: 9, Position: 0, DepartmentID: id(3), Active: false},
	}
	return NewRoutingTable(cats, rules, 1)
}

func TestRoute(t *testing.T) {
	table := testTable()
	tests := []struct {
		name     string
		in       RouteInput
		cat      int64 // 0: nil
		dep      int64
		rule     int64 // 0: nil
		keyword  string
		inReason string
	}{
		{"category keyword", RouteInput{Text: "Đường làng có nhiều ổ gà"}, 11, 2, 0, "đường", "category ha-tang"},
		{"folded", RouteInput{Text: "duong lang nhieu o ga"}, 11, 2, 0, "đường", ""},
		{"position order", RouteInput{Text: "Đường bị ngập"}, 10, 2, 0, "ngập", ""},
		{"inactive category ignored", RouteInput{Text: "Thủ tục khai sinh"}, 12, 1, 0, "thủ tục", "triage"},
		{"nothing", RouteInput{Text: "Xin cảm ơn"}, 0, 1, 0, "", "nothing matched"},
		{"empty", RouteInput{}, 0, 1, 0, "", ""},
		{"given category", RouteInput{CategoryID: id(11), Text: "Xin cảm ơn"}, 11, 2, 0, "", "given"},
		{"given beats keywords", RouteInput{CategoryID: id(12), Text: "Đường bị ngập"}, 12, 1, 0, "", ""},
		{"given unknown category", RouteInput{CategoryID: id(99), Text: "Đường"}, 99, 1, 0, "", "#99"},
		{"rule on inferred category", RouteInput{Text: "Cây cầu treo bị gãy"}, 11, 5, 5, "cây cầu", "rule 5"},
		{"rule on given category", RouteInput{CategoryID: id(11), Text: "cau treo hong"}, 11, 5, 5, "cầu treo", ""},
		{"rule category mismatch", RouteInput{CategoryID: id(12), Text: "cây cầu"}, 12, 1, 0, "", ""},
		{"rule by kind", RouteInput{Kind: KindDenunciation, Text: "Đường"}, 11, 3, 7, "đường", "rule 7"},
		{"rule order", RouteInput{Kind: KindDenunciation, Text: "cây cầu"}, 11, 5, 5, "cây cầu", ""},
		{"rule by channel sets category", RouteInput{Channel: ChannelHotline, Text: "Hỏi về học phí"}, 12, 4, 8, "học phí", "category thu-tuc set"},
		{"rule channel mismatch", RouteInput{Channel: ChannelWeb, Text: "Hỏi về học phí"}, 0, 1, 0, "", ""},
		{"set category does not override given", RouteInput{Channel: ChannelHotline, CategoryID: id(10), Text: "học phí"}, 10, 4, 8, "", ""},
		{"stop-phrase", RouteInput{Text: "Tôi yêu cầu làm thủ tục"}, 12, 1, 0, "", ""},
		{"stop-phrase, second occurrence counts", RouteInput{Text: "Tôi yêu cầu sửa cầu"}, 11, 2, 0, "cầu", ""},
		{"diacritics differ", RouteInput{Text: "Câu hỏi về khai sinh"}, 12, 1, 0, "khai sinh", ""},
		{"folded stop-phrase", RouteInput{Text: "cau hoi ve khai sinh"}, 12, 1, 0, "khai sinh", ""},
		{"folded word without stop", RouteInput{Text: "cau bi sap"}, 11, 2, 0, "cầu", ""},
		{"đường is not dương", RouteInput{Text: "Mặt trời dương lịch"}, 0, 1, 0, "", ""},
		{"exact-only keyword, accented", RouteInput{Text: "Cơn bão số 3"}, 10, 2, 0, "bão", ""},
		{"exact-only keyword, folded", RouteInput{Text: "bao gio co ket qua"}, 0, 1, 0, "", ""},
		{"exact-only keyword, bảo", RouteInput{Text: "Bảo hiểm"}, 0, 1, 0, "", ""},
		{"tone placement", RouteInput{Text: "Sạt lở ở Đồng Hoà"}, 10, 2, 0, "sạt lở", ""},
		{"a word typed without accents in accented text", RouteInput{Text: "Thủ tuc khai sinh"}, 12, 1, 0, "khai sinh", ""},
		{"phrase across punctuation", RouteInput{Text: "Sạt. Lở"}, 0, 1, 0, "", ""},
		{"phrase across hyphen", RouteInput{Text: "sạt - lở"}, 10, 2, 0, "sạt lở", ""},
		{"phrase across lines", RouteInput{Text: "ổ\ngà"}, 0, 1, 0, "", ""},
		{"case", RouteInput{Text: "ĐƯỜNG HỎNG"}, 11, 2, 0, "đường", ""},
		{"not inside a word", RouteInput{Text: "Trường học"}, 0, 1, 0, "", ""},
		{"mostly unaccented text with an accented name", RouteInput{Text: "duong vao thon Đông bi hong nang lam roi"}, 11, 2, 0, "đường", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := table.Route(tt.in)
			if ptr(got.CategoryID) != tt.cat || ptr(got.DepartmentID) != tt.dep || ptr(got.RuleID) != tt.rule {
				t.Errorf("Route(%q) = cat %d dep %d rule %d (%s), want %d %d %d",
					tt.in.Text, ptr(got.CategoryID), ptr(got.DepartmentID), ptr(got.RuleID), got.Reason, tt.cat, tt.dep, tt.rule)
			}
			if tt.keyword != "" && got.Keyword != tt.keyword {
				t.Errorf("keyword %q, want %q", got.Keyword, tt.keyword)
			}
			if !strings.Contains(got.Reason, tt.inReason) || got.Reason == "" {
				t.Errorf("reason %q, want it to contain %q", got.Reason, tt.inReason)
			}
		})
	}
}

func ptr(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func TestRouteTonePlacement(t *testing.T) {
	cats := []Category{{ID: 1, Code: "thuy-loi", DefaultDepartmentID: id(2), Active: true, Keywords: []string{"thủy lợi", "hòa giải"}}}
	table := NewRoutingTable(cats, nil, 9)
	for _, text := range []string{"Kênh thuỷ lợi bị vỡ", "Kênh thủy lợi bị vỡ", "Tổ hoà giải thôn", "TỔ HOÀ GIẢI"} {
		if got := table.Route(RouteInput{Text: text}); ptr(got.CategoryID) != 1 {
			t.Errorf("%q: %+v", text, got)
		}
	}
}

func TestRouteNoTriage(t *testing.T) {
	table := NewRoutingTable(nil, nil, 0)
	got := table.Route(RouteInput{Text: "Đường"})
	if got.CategoryID != nil || got.DepartmentID != nil || got.RuleID != nil {
		t.Errorf("%+v", got)
	}
}

func TestRouteDoesNotAlias(t *testing.T) {
	dep := int64(2)
	cats := []Category{{ID: 1, Code: "a", DefaultDepartmentID: &dep, Active: true, Keywords: []string{"a"}}}
	table := NewRoutingTable(cats, nil, 9)
	dep = 3
	cats[0].Keywords[0] = "b"
	got := table.Route(RouteInput{Text: "a"})
	if ptr(got.DepartmentID) != 2 {
		t.Fatalf("table changed with its input: %+v", got)
	}
	*got.DepartmentID = 7
	if again := table.Route(RouteInput{Text: "a"}); ptr(again.DepartmentID) != 2 {
		t.Fatal("result aliases the table")
	}
}

func BenchmarkRoute(b *testing.B) {
	table := testTable()
	text := strings.Repeat("Đèn đường trước nhà số 45 thôn Đồng Xuân bị hỏng 3 ngày nay, tôi yêu cầu xã xử lý. ", 5)
	for b.Loop() {
		table.Route(RouteInput{Kind: KindFeedback, Channel: ChannelWeb, Text: text})
	}
}
