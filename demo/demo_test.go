package demo

import (
	"strings"
	"testing"
	"unicode/utf8"

	"caunoi/domain"

	"golang.org/x/text/unicode/norm"
)

// fixture builds the routing table of a demo commune, giving each
// department and category an id.
func fixture(t *testing.T) (*domain.RoutingTable, map[int64]string, map[int64]string) {
	t.Helper()
	depIDs := map[string]int64{}
	depCodes := map[int64]string{}
	var triage int64
	for i, d := range Departments(domain.LevelCommune) {
		id := int64(100 + i)
		depIDs[d.Code], depCodes[id] = id, d.Code
		if d.Triage {
			triage = id
		}
	}
	catCodes := map[int64]string{}
	var cats []domain.Category
	for i, c := range Categories() {
		id := int64(1 + i)
		dep, ok := depIDs[c.Department]
		if !ok {
			t.Fatalf("category %s: unknown department %q", c.Code, c.Department)
		}
		catCodes[id] = c.Code
		cats = append(cats, domain.Category{ID: id, UnitID: 1, Code: c.Code, Name: c.Name,
			DefaultDepartmentID: &dep, Deadline: c.Deadline, Keywords: c.Keywords, Position: i, Active: true})
	}
	return domain.NewRoutingTable(cats, nil, triage), catCodes, depCodes
}

type routeCase struct {
	text       string
	category   string // "" when nothing may match
	department string
	accentOnly bool // the folded form is not expected to route the same
}

var routeCases = []routeCase{
	// lighting and electricity
	{"Đèn đường trước nhà số 45 bị hỏng 3 ngày nay", "chieu-sang", KinhTe, false},
	{"den duong truoc nha so 45 bi hong", "chieu-sang", KinhTe, false},
	{"Mất điện cả xóm Chùa từ sáng đến giờ", "chieu-sang", KinhTe, false},
	{"Cột điện nghiêng sắp đổ ở cổng trường", "chieu-sang", KinhTe, false},
	{"Bóng đèn ở sân nhà văn hóa không sáng", "chieu-sang", KinhTe, false},
	{"Lũ trẻ con bắn vỡ bóng đèn chiếu sáng", "chieu-sang", KinhTe, false}, // "lũ trẻ" is not a flood
	{"Đèn ở ngã ba tắt cả tuần nay", "chieu-sang", KinhTe, true},           // "=đèn": "den" is also "đến"
	// natural disasters win over roads
	{"Đường bị ngập sâu sau mưa", "thien-tai", KinhTe, false},
	{"duong bi ngap sau sau mua", "thien-tai", KinhTe, false},
	{"Taluy đường liên thôn bị sạt lở, đất đá tràn xuống mặt đường", "thien-tai", KinhTe, false},
	{"Bão số 3 làm tốc mái nhà văn hóa thôn", "thien-tai", KinhTe, false},
	{"Cây đổ chắn ngang đường sau cơn giông lốc", "thien-tai", KinhTe, false},
	{"Nhà tôi bị ngập nước, cần hỗ trợ gấp", "thien-tai", KinhTe, false},
	{"Mương thoát nước bị tắc gây ngập úng ruộng", "thien-tai", KinhTe, false},
	// security
	{"Nhà tôi bị trộm mất xe máy đêm qua", "an-ninh", CongAn, false},
	{"co ke trom cho trong thon", "an-ninh", CongAn, false},
	{"Nhóm thanh niên tụ tập đua xe gây rối ban đêm", "an-ninh", CongAn, false},
	{"Hàng xóm hát karaoke ồn ào đến 12 giờ đêm", "an-ninh", CongAn, false},
	{"Có người lừa đảo qua điện thoại giả danh cán bộ xã", "an-ninh", CongAn, false},
	{"Lũ thanh niên đánh nhau ở đầu làng", "an-ninh", CongAn, false}, // "lũ thanh niên" is not a flood
	// environment
	{"Rác thải ở đầu ngõ 3 ngày chưa thu gom, bốc mùi hôi", "moi-truong", KinhTe, false},
	{"xe cho rac khong den thu gom", "moi-truong", KinhTe, false}, // "den" (đến) is not "đèn"
	{"Trại lợn xả nước thải ra suối gây ô nhiễm", "moi-truong", KinhTe, false},
	{"Cống trước chợ bị tắc, mùi rất khó chịu", "moi-truong", KinhTe, true}, // "=cống": "cong" is also "công"
	{"cong thoat nuoc truoc cho bi tac", "moi-truong", KinhTe, false},
	{"Con đi đường nhớ đội mũ bảo hiểm, xã nhắc", "ha-tang", KinhTe, false},
	{"Nước máy mấy hôm nay đục và có mùi lạ", "moi-truong", KinhTe, false},
	// roads and bridges
	{"Đường vào thôn Đồng Xuân bị xuống cấp, nhiều ổ gà", "ha-tang", KinhTe, false},
	{"o ga tren duong lien xa rat nguy hiem", "ha-tang", KinhTe, false},
	{"Cây cầu bị sập một nhịp", "ha-tang", KinhTe, false},
	{"Tôi yêu cầu xã sửa lại cây cầu qua suối", "ha-tang", KinhTe, false}, // the second "cầu" counts
	{"Các hộ lấn chiếm vỉa hè bày bán hàng", "ha-tang", KinhTe, false},
	{"Cần thêm biển báo và gờ giảm tốc ở ngã ba", "ha-tang", KinhTe, false},
	// land and construction
	{"Hàng xóm xây dựng trái phép lấn sang đất nhà tôi", "dat-dai", KinhTe, false},
	{"Bao giờ tôi nhận được sổ đỏ?", "dat-dai", KinhTe, false}, // "bao" is not "bão"
	{"toi co nhu cau chuyen muc dich su dung dat", "dat-dai", KinhTe, false},
	{"Tôi có nhu cầu tách thửa đất cho con", "dat-dai", KinhTe, false}, // "nhu cầu" is not a bridge
	// procedures
	{"Tôi có câu hỏi về thủ tục khai sinh", "thu-tuc", HanhChinhCong, false}, // "câu" is not "cầu"
	{"cau hoi ve thu tuc khai sinh", "thu-tuc", HanhChinhCong, false},
	{"Tôi yêu cầu cấp lại giấy khai sinh cho con", "thu-tuc", HanhChinhCong, false},
	{"Tôi đến ủy ban nộp hồ sơ chứng thực đã quá hẹn", "thu-tuc", HanhChinhCong, false},
	{"Xin hỏi đăng ký kết hôn cần giấy tờ gì", "thu-tuc", HanhChinhCong, false},
	// health, education, social policy
	{"Hộ nghèo chưa được cấp thẻ bảo hiểm y tế", "y-te-xa-hoi", VanHoaXaHoi, false},
	{"mua bao hiem y te cho con o dau", "y-te-xa-hoi", VanHoaXaHoi, false}, // neither "mưa" nor "bão"
	{"Trạm y tế không có bác sĩ trực buổi tối", "y-te-xa-hoi", VanHoaXaHoi, false},
	{"Học phí trường mầm non tăng cao", "y-te-xa-hoi", VanHoaXaHoi, false},
	{"tro cap nguoi khuyet tat thang nay chua duoc chi tra", "y-te-xa-hoi", VanHoaXaHoi, false},
	{"Người bệnh tiểu đường có được hỗ trợ thuốc không", "y-te-xa-hoi", VanHoaXaHoi, false},
	{"Tôi đưa xe đi sửa thì thấy có bác sĩ", "y-te-xa-hoi", VanHoaXaHoi, false}, // not "đua xe", not "cờ bạc"
	// nothing matched: triage
	{"Xin cảm ơn các anh chị đã nhiệt tình giúp đỡ", "", VanPhong, false},
	{"Xin hỏi giờ làm việc của Ủy ban vào thứ bảy", "", VanPhong, false},
	{"Số điện thoại đường dây nóng của xã là gì?", "", VanPhong, false},
}

func TestDemoRouting(t *testing.T) {
	table, catCodes, depCodes := fixture(t)
	check := func(t *testing.T, text, wantCat, wantDep string) {
		t.Helper()
		res := table.Route(domain.RouteInput{Kind: domain.KindFeedback, Channel: domain.ChannelWeb, Text: text})
		gotCat := ""
		if res.CategoryID != nil {
			gotCat = catCodes[*res.CategoryID]
		}
		gotDep := ""
		if res.DepartmentID != nil {
			gotDep = depCodes[*res.DepartmentID]
		}
		if gotCat != wantCat || gotDep != wantDep {
			t.Errorf("%q: got %q/%q (%s), want %q/%q", text, gotCat, gotDep, res.Reason, wantCat, wantDep)
		}
	}
	for _, c := range routeCases {
		check(t, c.text, c.category, c.department)
		if folded := domain.Fold(c.text); !c.accentOnly && folded != c.text {
			check(t, folded, c.category, c.department)
		}
	}
	if len(routeCases) < 30 {
		t.Fatalf("only %d cases", len(routeCases))
	}
}

func TestSampleMessagesRoute(t *testing.T) {
	table, _, depCodes := fixture(t)
	msgs := SampleMessages()
	if len(msgs) < 40 {
		t.Fatalf("%d sample messages, want about 40", len(msgs))
	}
	triage := 0
	for _, m := range msgs {
		if !utf8.ValidString(m.Title+m.Body) || !norm.NFC.IsNormalString(m.Title+m.Body) {
			t.Errorf("%q: not NFC UTF-8", m.Body)
		}
		res := table.Route(domain.RouteInput{Kind: domain.KindFeedback, Text: m.Title + "\n" + m.Body})
		if res.DepartmentID == nil {
			t.Fatalf("%q: no department", m.Body)
		}
		if depCodes[*res.DepartmentID] == VanPhong {
			triage++
		}
	}
	if triage > 4 {
		t.Errorf("%d of %d sample messages went to triage", triage, len(msgs))
	}
}

func TestData(t *testing.T) {
	if len(Units()) != 4 || Province().Code != "phu-tho" {
		t.Fatal("units")
	}
	for _, u := range Units() {
		if u.Parent != ProvinceCode || len(Departments(u.Level)) != 5 {
			t.Errorf("unit %s", u.Code)
		}
	}
	if Departments(domain.LevelCommune)[1].Name != "Phòng Kinh tế" ||
		Departments(domain.LevelWard)[1].Name != "Phòng Kinh tế, Hạ tầng và Đô thị" {
		t.Error("kinh-te names")
	}
	triage := 0
	for _, d := range Departments(domain.LevelWard) {
		if d.Triage {
			triage++
			if d.Code != TriageDepartment {
				t.Errorf("triage is %s", d.Code)
			}
		}
	}
	if triage != 1 {
		t.Errorf("%d triage departments", triage)
	}
	want := []string{"thien-tai", "an-ninh", "chieu-sang", "moi-truong", "ha-tang", "dat-dai", "thu-tuc", "y-te-xa-hoi", "khac"}
	cats := Categories()
	if len(cats) != len(want) {
		t.Fatalf("%d categories", len(cats))
	}
	for i, c := range cats {
		if c.Code != want[i] || c.Name == "" || c.Deadline.Amount <= 0 {
			t.Errorf("category %d: %+v", i, c)
		}
		for _, k := range c.Keywords {
			if k != strings.TrimSpace(k) || !norm.NFC.IsNormalString(k) {
				t.Errorf("%s: keyword %q", c.Code, k)
			}
		}
	}
	if cats[0].Deadline != (domain.Deadline{Amount: 4, Unit: domain.WorkingHours}) {
		t.Error("thien-tai deadline")
	}
	accounts := Accounts()
	if len(accounts) != 5 || Password != "caunoi-demo" {
		t.Fatal("accounts")
	}
	for _, a := range accounts {
		if !strings.HasSuffix(a.Email, "@demo.caunoi.vn") || a.Name == "" {
			t.Errorf("account %+v", a)
		}
	}
}
