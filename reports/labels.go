package reports

import "caunoi/domain"

// StatusLabel returns the Vietnamese name of a ticket status, or the code
// itself when it is unknown.
func StatusLabel(s domain.Status) string {
	switch s {
	case domain.StatusNew:
		return "Mới tiếp nhận"
	case domain.StatusAssigned:
		return "Đã phân công"
	case domain.StatusInProgress:
		return "Đang xử lý"
	case domain.StatusWaitingCitizen:
		return "Chờ người dân bổ sung"
	case domain.StatusResolved:
		return "Đã giải quyết"
	case domain.StatusClosed:
		return "Đã đóng"
	case domain.StatusRejected:
		return "Không thụ lý"
	case domain.StatusDuplicate:
		return "Trùng lặp"
	}
	return string(s)
}

// KindLabel returns the Vietnamese name of a ticket kind, or the code itself
// when it is unknown.
func KindLabel(k domain.Kind) string {
	switch k {
	case domain.KindFeedback:
		return "Phản ánh"
	case domain.KindPetition:
		return "Kiến nghị"
	case domain.KindInquiry:
		return "Hỏi đáp"
	case domain.KindComplaint:
		return "Khiếu nại"
	case domain.KindDenunciation:
		return "Tố cáo"
	}
	return string(k)
}

// ChannelLabel returns the Vietnamese name of a channel, or the code itself
// when it is unknown.
func ChannelLabel(c domain.Channel) string {
	switch c {
	case domain.ChannelWeb:
		return "Cổng thông tin/biểu mẫu web"
	case domain.ChannelFacebookComment:
		return "Bình luận Facebook"
	case domain.ChannelFacebookMessage:
		return "Tin nhắn Facebook"
	case domain.ChannelZalo:
		return "Zalo OA"
	case domain.ChannelOpen311:
		return "Ứng dụng kết nối (Open311)"
	case domain.ChannelHotline:
		return "Đường dây nóng"
	case domain.ChannelWalkIn:
		return "Trực tiếp"
	case domain.ChannelEmail:
		return "Thư điện tử"
	}
	return string(c)
}

// breakdownName is the display name of a breakdown row: for channels and
// kinds the Vietnamese label of the code when Name is empty or the code.
func breakdownName(b domain.Breakdown, labeler func(string) string) string {
	if labeler != nil && (b.Name == "" || b.Name == b.Key) {
		return labeler(b.Key)
	}
	if b.Name == "" {
		return b.Key
	}
	return b.Name
}

func channelKey(k string) string { return ChannelLabel(domain.Channel(k)) }
func kindKey(k string) string    { return KindLabel(domain.Kind(k)) }
