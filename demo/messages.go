package demo

import "caunoi/internal/synthetic"

// Message is a citizen's message: a title (may be empty, as on Facebook
// and Zalo) and a body.
type Message struct {
	Title string
	Body  string
}

// SampleMessages returns realistic citizen messages in Vietnamese, written
// as people write them (some without diacritics, some without a title), for
// generating demo and synthetic tickets.
func SampleMessages() []Message {
	return []Message{
		{"Đèn đường hỏng", "Đèn đường trước nhà số 45 đường Lê Lợi, thôn 3 bị hỏng 3 ngày nay, buổi tối rất tối, người đi đường dễ bị ngã. Đề nghị xã cho người sửa sớm."},
		{"", "den duong o dau ngo 12 thon Dong Xuan khong sang may hom nay roi, nho xa xem giup"},
		{"Mất điện cả xóm", "Từ 6 giờ sáng nay xóm Chùa bị mất điện, đến giờ vẫn chưa có điện trở lại, nhà có người già và trẻ nhỏ rất vất vả."},
		{"Cột điện nghiêng", "Cột điện gần cổng trường tiểu học bị nghiêng hẳn sau trận mưa hôm qua, dây điện võng thấp, rất nguy hiểm cho các cháu học sinh."},
		{"Ngập nước sau mưa", "Đoạn đường từ chợ vào khu 5 bị ngập sâu khoảng nửa mét sau cơn mưa lớn chiều qua, xe máy chết máy hàng loạt."},
		{"", "Nha toi o xom Ben bi ngap nuoc vao nha, nuoc van dang len, can ho tro gap!"},
		{"Sạt lở taluy", "Taluy dương đường liên thôn đoạn qua đồi Chè bị sạt lở, đất đá tràn xuống mặt đường, xe không đi qua được."},
		{"Cây đổ chắn đường", "Sau cơn giông lốc tối qua, một cây xà cừ lớn đổ chắn ngang đường vào thôn 2, đề nghị xã cho người cưa dọn."},
		{"Bão làm tốc mái", "Bão số 3 làm tốc mái nhà văn hóa khu 4, bàn ghế bị ướt hết, mong xã sớm hỗ trợ sửa chữa."},
		{"Mất trộm xe máy", "Đêm qua nhà tôi ở thôn Đồng bị mất trộm chiếc xe máy Wave để trong sân, đã khóa cổng cẩn thận."},
		{"", "co ke trom cho trong thon, 1 tuan mat 3 con cho roi, de nghi cong an xa tuan tra ban dem"},
		{"Thanh niên tụ tập gây rối", "Tối nào cũng có một nhóm thanh niên tụ tập ở bãi đất trống cạnh đình, nẹt pô, đua xe, chửi bới gây mất trật tự đến 1-2 giờ sáng."},
		{"Hát karaoke quá giờ", "Nhà số 18 ngõ 7 hát karaoke rất to đến hơn 12 giờ đêm, nhiều lần nhắc nhở không được, ảnh hưởng người già và trẻ nhỏ."},
		{"Lừa đảo qua điện thoại", "Có người gọi điện giả danh cán bộ xã yêu cầu chuyển tiền để làm lại sổ đỏ, bà con cần được cảnh báo."},
		{"Rác thải ùn ứ", "Rác thải ở điểm tập kết đầu ngõ 3 đã 4 ngày chưa được thu gom, bốc mùi hôi thối, ruồi nhặng rất nhiều."},
		{"", "xe cho rac khong den thu gom 1 tuan nay, rac chat dong o dau xom, de nghi xa xu ly"},
		{"Trại lợn xả thải", "Trại lợn của hộ ông Thành xả nước thải thẳng ra mương, mùi hôi nồng nặc cả khu, nước ruộng bị ô nhiễm."},
		{"Đốt rơm rạ gây khói", "Mùa gặt người dân đốt rơm rạ ngoài đồng, khói bụi bay vào khu dân cư, trẻ con bị ho nhiều."},
		{"Cống bị tắc", "Cống thoát nước trước chợ bị tắc, mỗi lần mưa nước không thoát được, bốc mùi rất khó chịu."},
		{"Đường xuống cấp", "Đường vào thôn Đồng Xuân xuống cấp nghiêm trọng, nhiều ổ gà, ổ voi, trời mưa lầy lội, xe chở nông sản không vào được."},
		{"", "o ga tren duong lien xa doan qua cong UBND rat nguy hiem, da co nguoi nga xe"},
		{"Cầu dân sinh hư hỏng", "Cây cầu dân sinh qua suối ở thôn 5 bị mục nhiều tấm ván, lan can gãy, học sinh đi học qua rất nguy hiểm."},
		{"Lấn chiếm vỉa hè", "Các hộ kinh doanh trên phố chợ lấn chiếm vỉa hè bày hàng hóa, người đi bộ phải đi xuống lòng đường."},
		{"Thiếu biển báo", "Ngã ba giao giữa đường tỉnh và đường vào khu công nghiệp chưa có biển báo, gờ giảm tốc, đã xảy ra mấy vụ va chạm."},
		{"Xây dựng trái phép", "Hộ bên cạnh đang xây dựng trái phép lấn sang đất nhà tôi khoảng 30 cm, tôi đã báo thôn nhưng chưa được giải quyết."},
		{"Hỏi về sổ đỏ", "Bao giờ thì tôi nhận được sổ đỏ? Hồ sơ cấp giấy chứng nhận quyền sử dụng đất tôi nộp từ tháng 3 đến nay chưa có kết quả."},
		{"", "toi co nhu cau chuyen muc dich su dung dat vuon sang dat o thi can lam nhung gi a"},
		{"Tranh chấp ranh giới", "Gia đình tôi và hộ liền kề tranh chấp ranh giới thửa đất, đề nghị cán bộ địa chính xuống đo đạc lại."},
		{"Thủ tục khai sinh", "Cho tôi hỏi thủ tục đăng ký khai sinh cho con cần những giấy tờ gì, có làm online được không?"},
		{"", "cho toi cau hoi ve thu tuc khai sinh cho chau, bo me chau chua dang ky ket hon thi lam the nao"},
		{"Chậm trả kết quả", "Tôi nộp hồ sơ chứng thực tại bộ phận một cửa đã quá hẹn 5 ngày mà chưa nhận được kết quả."},
		{"Xác nhận tình trạng hôn nhân", "Tôi cần xin giấy xác nhận tình trạng hôn nhân để làm thủ tục vay vốn, xin hướng dẫn giúp."},
		{"Chưa nhận thẻ bảo hiểm y tế", "Gia đình tôi thuộc hộ nghèo năm 2025 nhưng đến nay vẫn chưa được cấp thẻ bảo hiểm y tế."},
		{"Trạm y tế", "Trạm y tế xã không có bác sĩ trực vào buổi tối và cuối tuần, người dân ốm đau phải đi rất xa."},
		{"Học phí mầm non", "Học phí trường mầm non năm nay tăng nhiều, xin hỏi có chính sách miễn giảm cho con hộ cận nghèo không?"},
		{"Trợ cấp người cao tuổi", "Bố tôi năm nay đủ 80 tuổi nhưng chưa được nhận trợ cấp người cao tuổi, đề nghị xã xem xét."},
		{"", "tro cap cho nguoi khuyet tat thang nay chua duoc chi tra, mong xa kiem tra giup"},
		{"Cảm ơn", "Xin cảm ơn các anh chị cán bộ xã đã nhiệt tình giúp đỡ gia đình tôi trong thời gian qua."},
		{"Giờ làm việc", "Xin hỏi giờ làm việc của Ủy ban vào thứ bảy như thế nào ạ?"},
		{"Chó thả rông", "Nhiều nhà thả rông chó ra đường không rọ mõm, sáng nay cháu nhà tôi bị chó cắn."},
		{"Nước sinh hoạt bị đục", "Nước máy mấy hôm nay đục và có mùi lạ, gia đình không dám dùng để nấu ăn."},
		{"Lũ trẻ phá đèn", "Lũ trẻ con trong xóm dùng súng cao su bắn vỡ bóng đèn chiếu sáng ở sân nhà văn hóa."},
	}
}

// SyntheticMessages returns SampleMessages as the synthetic loader takes them.
func SyntheticMessages() []synthetic.Message {
	var out []synthetic.Message
	for _, m := range SampleMessages() {
		out = append(out, synthetic.Message{Title: m.Title, Body: m.Body})
	}
	return out
}
