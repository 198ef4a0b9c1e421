package reports

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"caunoi/domain"
)

// Hostile strings a citizen may send through a social channel.
var (
	rawPhone = "0912345678"
	maskedPh = "0912***678"
	longWord = strings.Repeat("ổ", 50000) + strings.Repeat("a", 50000) // 100,000 runes, no space
	hostile  = []string{
		"Đèn đường hỏng 😡🔥 cả tuần nay 🙏",
		"שלום \u202eעליכם\u202c مرحبا بكم \u200fRTL",
		"Ký tự điều khiển a\x00b\x07c\x1b[31m đỏ\x7f",
		"Xa\u0303 Xua\u0302n Lu\u0303ng viết dạng NFD",
		"Gọi lại cho tôi số " + rawPhone + " nhé",
		"Số ẩn 0912\u200b345\u200b678 và +84 912 345 678",
		"Chuỗi hỏng \xff\xfe\xfd",
		longWord,
	}
)

var (
	testDepartments = []string{"Văn phòng HĐND và UBND", "Phòng Kinh tế", "Phòng Văn hóa - Xã hội",
		"Trung tâm Phục vụ hành chính công", "Công an xã Xuân Lũng"}
	testCategories = []string{"Thiên tai, ngập lụt, sạt lở", "An ninh, trật tự", "Điện, chiếu sáng công cộng",
		"Môi trường, rác thải", "Giao thông, hạ tầng", "Đất đai, xây dựng", "Thủ tục hành chính",
		"Y tế, giáo dục, chính sách xã hội", "Khác"}
	testVillages = []string{"Thôn Đồng Phú", "Thôn Ngọc Tháp", "Tổ dân phố Hùng Lô", "Thôn Trung Nghĩa",
		"Xóm Bãi Sậy", "Thôn Quế Lâm"}
	testTitles = []string{"Đèn đường trước nhà văn hóa thôn bị hỏng", "Rác thải ùn ứ cạnh chợ",
		"Đường liên thôn xuống cấp, nhiều ổ gà", "Cống thoát nước bị tắc gây ngập", "Hỏi thủ tục cấp giấy khai sinh",
		"Lấn chiếm vỉa hè để kinh doanh", "Trợ cấp hộ nghèo chưa được chi trả", "Tiếng ồn karaoke sau 22 giờ"}
)

// sampleSummary builds a realistic month of a commune with n tickets, some
// of them hostile.
func sampleSummary(n int) *domain.Summary {
	loc := vietnam()
	rng := rand.New(rand.NewPCG(7, 30))
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, loc)
	statuses := []domain.Status{domain.StatusNew, domain.StatusAssigned, domain.StatusInProgress,
		domain.StatusWaitingCitizen, domain.StatusResolved, domain.StatusResolved, domain.StatusClosed, domain.StatusRejected}
	s := &domain.Summary{
		Unit: "xuan-lung", UnitName: "Xã Xuân Lũng", UnitLevel: domain.LevelCommune, ParentName: "Tỉnh Phú Thọ",
		GeneratedAt: time.Date(2026, 12, 1, 8, 0, 0, 0, loc),
	}
	s.From, s.To = "2026-11-01", "2026-11-30"
	byDept := map[string]*domain.Breakdown{}
	byCat := map[string]*domain.Breakdown{}
	byVil := map[string]*domain.Breakdown{}
	byCh := map[string]*domain.Breakdown{}
	byKind := map[string]*domain.Breakdown{}
	add := func(m map[string]*domain.Breakdown, key, name string, l domain.TicketLine, onTime, overdue bool) {
		b := m[key]
		if b == nil {
			b = &domain.Breakdown{Key: key, Name: name}
			m[key] = b
		}
		b.Received++
		if l.ResolvedAt != nil {
			b.Resolved++
			if onTime {
				b.OnTime++
			}
		}
		if overdue {
			b.Overdue++
		}
	}
	weekly := map[string]*domain.WeekCount{}
	for i := 0; i < n; i++ {
		created := from.Add(time.Duration(rng.IntN(30*24*60)) * time.Minute)
		due := created.Add(time.Duration(3+rng.IntN(10)) * 24 * time.Hour)
		l := domain.TicketLine{
			TrackingCode: fmt.Sprintf("XL-2611-%05d", i+1),
			CreatedAt:    created,
			Kind:         domain.Kinds[rng.IntN(len(domain.Kinds))],
			Channel:      domain.Channels[rng.IntN(len(domain.Channels))],
			Category:     testCategories[rng.IntN(len(testCategories))],
			Department:   testDepartments[rng.IntN(len(testDepartments))],
			Status:       statuses[rng.IntN(len(statuses))],
			Title:        testTitles[rng.IntN(len(testTitles))],
			DueAt:        &due,
			Village:      testVillages[rng.IntN(len(testVillages))],
		}
		if i < len(hostile) {
			l.Title = hostile[i]
		}
		onTime, overdue := false, false
		if l.Status == domain.StatusResolved || l.Status == domain.StatusClosed {
			r := created.Add(time.Duration(1+rng.IntN(14*24)) * time.Hour)
			l.ResolvedAt = &r
			onTime = !r.After(due)
			s.Resolved++
			if onTime {
				s.ResolvedOnTime++
			}
		} else if l.Status.Open() {
			s.Open++
			if due.Before(from.AddDate(0, 0, 30)) && l.Status != domain.StatusWaitingCitizen {
				overdue = true
				s.Overdue++
				s.OverdueList = append(s.OverdueList, l)
			}
		}
		s.Received++
		add(byDept, l.Department, l.Department, l, onTime, overdue)
		add(byCat, l.Category, l.Category, l, onTime, overdue)
		add(byVil, l.Village, l.Village, l, onTime, overdue)
		add(byCh, string(l.Channel), "", l, onTime, overdue)
		add(byKind, string(l.Kind), "", l, onTime, overdue)
		wd := (int(created.Weekday()) + 6) % 7
		ws := time.Date(created.Year(), created.Month(), created.Day()-wd, 0, 0, 0, 0, loc).Format("2006-01-02")
		if weekly[ws] == nil {
			weekly[ws] = &domain.WeekCount{WeekStart: ws}
		}
		weekly[ws].Received++
		if l.ResolvedAt != nil {
			weekly[ws].Resolved++
		}
		s.Tickets = append(s.Tickets, l)
	}
	if s.Resolved > 0 {
		s.OnTimeRate = float64(s.ResolvedOnTime) / float64(s.Resolved)
	}
	fr, rs := 5.25, 61.5
	s.MedianFirstResponseHours, s.MedianResolutionHours = &fr, &rs
	s.Satisfaction = domain.Satisfaction{Count: 57, Average: 4.21}
	s.ByDepartment = flatten(byDept, testDepartments)
	s.ByCategory = flatten(byCat, testCategories)
	s.ByVillage = flatten(byVil, testVillages)
	s.ByChannel = flatten(byCh, channelCodes())
	s.ByKind = flatten(byKind, kindCodes())
	for _, w := range sortedKeys(weekly) {
		s.Weekly = append(s.Weekly, *weekly[w])
	}
	s.Previous = &domain.Figures{From: "2026-10-01", To: "2026-10-31", Received: n - n/10, Resolved: n / 2,
		ResolvedOnTime: n / 3, Open: n / 4, Overdue: n / 12, OnTimeRate: 0.667,
		Satisfaction: domain.Satisfaction{Count: 40, Average: 3.9}}
	return s
}

func flatten(m map[string]*domain.Breakdown, order []string) []domain.Breakdown {
	var out []domain.Breakdown
	for _, k := range order {
		if b := m[k]; b != nil {
			if b.Resolved > 0 {
				b.OnTimeRate = float64(b.OnTime) / float64(b.Resolved)
			}
			out = append(out, *b)
		}
	}
	return out
}

func channelCodes() []string {
	var out []string
	for _, c := range domain.Channels {
		out = append(out, string(c))
	}
	return out
}

func kindCodes() []string {
	var out []string
	for _, k := range domain.Kinds {
		out = append(out, string(k))
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// provinceSummary is a province month: 148 communes ranked, n tickets.
func provinceSummary(n int) *domain.Summary {
	s := sampleSummary(n)
	s.Unit, s.UnitName, s.UnitLevel, s.ParentName = "phu-tho", "Tỉnh Phú Thọ", domain.LevelProvince, ""
	s.ByVillage = nil
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 148; i++ {
		res := 20 + rng.IntN(200)
		on := rng.IntN(res + 1)
		s.ByUnit = append(s.ByUnit, domain.Breakdown{
			Key: fmt.Sprintf("xa-%03d", i), Name: fmt.Sprintf("%s số %d", []string{"Xã Xuân Lũng", "Phường Âu Cơ", "Phường Phong Châu", "Phường Thanh Miếu"}[i%4], i+1),
			Received: res + rng.IntN(50), Resolved: res, OnTime: on, Overdue: rng.IntN(20),
			OnTimeRate: float64(on) / float64(res),
		})
	}
	return s
}

func sampleOptions() PDFOptions {
	return PDFOptions{
		Number: "Số: 12/BC-UBND",
		Place:  "Xuân Lũng",
		Date:   time.Date(2026, 11, 26, 9, 0, 0, 0, vietnam()),
		SectionIV: "1. Chỉ đạo Phòng Kinh tế khắc phục dứt điểm các điểm đèn đường hỏng trước ngày 15/12/2026.\n" +
			"2. Đề nghị Trung tâm Phục vụ hành chính công rút ngắn thời gian phản hồi lần đầu; liên hệ ông A qua số 0987654321 để phối hợp.",
		Recipients:  []string{"UBND tỉnh Phú Thọ (để b/c)", "Thường trực Đảng ủy xã", "Chủ tịch, các PCT UBND xã", "Các phòng, ban chuyên môn", "Lưu: VT"},
		SignerTitle: "Chủ tịch",
		SignerName:  "Nguyễn Văn Bình",
	}
}
