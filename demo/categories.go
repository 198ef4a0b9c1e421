package demo

import "caunoi/domain"

// Category is a demo category: its default department's code, its deadline
// and its routing keywords (see domain's keyword syntax: "-" marks a
// stop-phrase, "=" a keyword that only matches text written with
// diacritics).
type Category struct {
	Code       string
	Name       string
	Department string
	Deadline   domain.Deadline
	Keywords   []string
}

// FallbackCategory is the category of what nothing matched.
const FallbackCategory = "khac"

func workingHours(n int) domain.Deadline {
	return domain.Deadline{Amount: n, Unit: domain.WorkingHours}
}

func workingDays(n int) domain.Deadline {
	return domain.Deadline{Amount: n, Unit: domain.WorkingDays}
}

// Categories returns the nine demo categories in rule order (urgent ones
// first): their position is their index.
//
// The keyword lists are chosen for text written with and without
// diacritics. Words whose folded form is a common other word are kept only
// in phrases or marked "=": "bão" folds to "bao" (bao nhiêu, bảo hiểm),
// "cống" to "cong" (công an), "đèn" to "den" (đến), "đất" to "dat" (đặt),
// "ngõ" to "ngo" (ngô). Stop-phrases keep "cầu" (bridge) out of "yêu cầu",
// "nhu cầu", "câu hỏi" typed without accents, "lũ" (flood) out of "lũ trẻ",
// "đường" (road) out of "đường dây nóng" and "tiểu đường".
func Categories() []Category {
	return []Category{
		{Code: "thien-tai", Name: "Thiên tai, ngập lụt, sạt lở", Department: KinhTe, Deadline: workingHours(4),
			Keywords: []string{
				"ngập", "ngập úng", "úng ngập", "ngập lụt", "ngập nước", "ngập sâu", "lụt", "lũ", "lũ lụt",
				"lũ quét", "lũ ống", "nước lũ", "sạt lở", "sạt lở đất", "lở đất", "sạt taluy", "sạt ta luy",
				"sụt lún", "hố tử thần", "=bão", "cơn bão", "bão số", "bão lũ", "gió bão", "=lốc", "lốc xoáy",
				"giông lốc", "cơn lốc", "mưa đá", "nước tràn", "tràn bờ", "vỡ đê", "vỡ bờ", "đê điều",
				"triều cường", "nước dâng", "mưa lớn", "mưa to", "cây đổ", "cây gãy", "đổ cây", "gãy đổ",
				"tốc mái", "sét đánh", "hạn hán", "cháy rừng", "động đất", "thiên tai", "cứu hộ",
				"bị cô lập", "chia cắt",
				"-lũ trẻ", "-lũ nhóc", "-lũ thanh niên", "-cả lũ", "-lũ bạn", "-ngập rác", "-tràn ngập",
				"-ngập ngụa", "-ngập ngừng",
			}},
		{Code: "an-ninh", Name: "An ninh, trật tự", Department: CongAn, Deadline: workingDays(1),
			Keywords: []string{
				"trộm", "trộm cắp", "ăn trộm", "kẻ trộm", "mất trộm", "bị trộm", "cướp", "cướp giật",
				"giật túi", "giật điện thoại", "đánh nhau", "ẩu đả", "hành hung", "đánh người", "đập phá",
				"gây rối", "gây mất trật tự", "mất trật tự", "mất an ninh", "tụ tập", "=đua xe",
				"lạng lách", "nẹt pô", "đua xe trái phép", "ma túy", "con nghiện", "người nghiện", "nghiện ma túy", "tiêm chích",
				"lừa đảo", "giả danh", "đánh bạc", "=cờ bạc", "sới bạc", "lô đề", "=cá độ", "cá độ bóng đá", "tín dụng đen",
				"cho vay nặng lãi", "đòi nợ thuê", "bạo lực", "bạo hành", "đe dọa", "karaoke",
				"hát karaoke", "công an",
			}},
		{Code: "chieu-sang", Name: "Điện, chiếu sáng công cộng", Department: KinhTe, Deadline: workingDays(3),
			Keywords: []string{
				"đèn đường", "chiếu sáng", "bóng đèn", "cột điện", "=đèn", "đèn cao áp", "đèn chiếu sáng",
				"đèn tín hiệu", "đèn giao thông", "đèn không sáng", "đèn hỏng", "mất điện", "cúp điện",
				"cắt điện", "điện yếu", "chập điện", "rò điện", "điện giật", "dây điện", "tủ điện",
				"trạm biến áp", "biến áp", "điện lực", "điện chiếu sáng",
			}},
		{Code: "moi-truong", Name: "Môi trường, rác thải", Department: KinhTe, Deadline: workingDays(3),
			Keywords: []string{
				"rác", "rác thải", "đổ rác", "vứt rác", "thu gom rác", "bãi rác", "xe rác", "đốt rác",
				"mùi hôi", "hôi thối", "bốc mùi", "ô nhiễm", "xả thải", "nước thải", "chất thải",
				"=cống", "cống rãnh", "tắc cống", "nắp cống", "miệng cống", "cống thoát nước",
				"hố ga", "thoát nước", "rãnh thoát nước", "=mương", "kênh mương", "mương thoát nước",
				"=khói", "khói bụi", "khói đen", "bụi bẩn", "đốt rơm", "tiếng ồn", "môi trường",
				"vệ sinh môi trường", "xác động vật", "lợn chết", "gà chết", "chuồng trại", "trại lợn",
				"thuốc trừ sâu", "nước sạch", "nước sinh hoạt", "nước máy", "nước giếng", "ống nước",
			}},
		{Code: "ha-tang", Name: "Giao thông, hạ tầng", Department: KinhTe, Deadline: workingDays(5),
			Keywords: []string{
				"đường", "ổ gà", "ổ voi", "cầu", "vỉa hè", "xuống cấp", "mặt đường", "lòng đường",
				"đường làng", "đường liên thôn", "đường liên xã", "=ngõ", "ngõ xóm", "ngõ nhỏ", "cầu treo",
				"cầu tràn", "cầu dân sinh", "cầu khỉ", "=nứt", "=lún", "bong tróc", "bê tông", "rải nhựa",
				"trải nhựa", "đá dăm", "biển báo", "gờ giảm tốc", "giao thông", "đào đường",
				"hố sâu", "bờ kè", "=kè", "lan can", "hành lang an toàn",
				"-yêu cầu", "-nhu cầu", "-câu hỏi", "-cầu thủ", "-cầu lông", "-cầu nguyện", "-cầu mong",
				"-cầu cứu", "-cầu xin", "-cầu kỳ", "-cầu vồng", "-cầu chì", "-toàn cầu", "-khẩn cầu",
				"-cầu hôn", "-cầu toàn", "-mưu cầu", "-đường dây nóng", "-đường dây", "-tiểu đường",
				"-đái tháo đường", "-đường huyết", "-đường link", "-đường truyền", "-đường bưu điện",
				"-đường lối", "-mía đường", "-dương tính", "-đương nhiên", "-đương sự", "-tương đương",
				"-đương chức", "-câu cá", "-cần câu", "-xe cẩu", "-cậu ấy",
			}},
		{Code: "dat-dai", Name: "Đất đai, xây dựng", Department: KinhTe, Deadline: workingDays(15),
			Keywords: []string{
				"=đất", "đất đai", "thửa đất", "lô đất", "mảnh đất", "đất ở", "đất nông nghiệp", "đất công",
				"đất rừng", "tranh chấp đất", "lấn đất", "sử dụng đất", "quyền sử dụng đất",
				"chuyển mục đích", "sổ đỏ", "sổ hồng", "lấn chiếm", "tranh chấp", "xây dựng trái phép",
				"xây dựng không phép", "xây trái phép", "xây dựng sai phép", "giấy phép xây dựng",
				"cấp phép xây dựng", "ranh giới", "mốc giới", "giải phóng mặt bằng", "đền bù",
				"thu hồi đất", "san lấp", "phân lô", "địa chính", "đo đạc", "tách thửa", "trích đo",
				"quy hoạch",
			}},
		{Code: "thu-tuc", Name: "Thủ tục hành chính", Department: HanhChinhCong, Deadline: workingDays(5),
			Keywords: []string{
				"thủ tục", "hồ sơ", "giấy tờ", "khai sinh", "khai tử", "kết hôn", "đăng ký kết hôn",
				"chứng thực", "công chứng", "sao y", "bản sao", "hộ tịch", "trích lục", "xác nhận",
				"một cửa", "dịch vụ công", "nộp hồ sơ", "trả kết quả", "trễ hẹn", "chậm trả", "lệ phí",
				"cấp lại", "chữ ký", "đăng ký kinh doanh", "hộ kinh doanh", "giấy phép kinh doanh",
				"tình trạng hôn nhân",
			}},
		{Code: "y-te-xa-hoi", Name: "Y tế, giáo dục, chính sách xã hội", Department: VanHoaXaHoi, Deadline: workingDays(10),
			Keywords: []string{
				"bảo hiểm y tế", "bảo hiểm xã hội", "bhyt", "bhxh", "thẻ bảo hiểm", "trạm y tế", "y tế",
				"bệnh viện", "khám bệnh", "bác sĩ", "người bệnh", "bệnh nhân", "=thuốc", "ốm đau", "tiêm chủng", "tiêm phòng", "dịch bệnh", "ổ dịch",
				"sốt xuất huyết", "trợ cấp", "hộ nghèo", "cận nghèo", "người có công", "thương binh",
				"liệt sĩ", "chính sách", "người cao tuổi", "khuyết tật", "bảo trợ xã hội", "lương hưu",
				"trẻ em", "trường học", "học phí", "giáo viên", "học sinh", "mầm non", "mẫu giáo",
				"sách giáo khoa", "nhà văn hóa", "văn hóa", "lễ hội", "thể thao",
			}},
		{Code: FallbackCategory, Name: "Khác", Department: VanPhong, Deadline: workingDays(10)},
	}
}
