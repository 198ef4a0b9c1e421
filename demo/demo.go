// Package demo holds the demo data of API.md as plain Go data: the province
// of Phú Thọ and four of its communes and wards, their departments, the
// nine categories with their deadlines and routing keywords, the demo
// accounts, and sample citizen messages for generating demo tickets; and
// Seed, which loads them through the repository (`caunoi seed --demo`).
package demo

import "caunoi/domain"

// Password is the password of every demo account.
const Password = "caunoi-demo"

// ProvinceCode is the code of the demo province.
const ProvinceCode = "phu-tho"

// Unit is a province, commune or ward. Parent is the parent's code ("" for
// the province).
type Unit struct {
	Code   string
	Name   string
	Level  domain.UnitLevel
	Parent string
}

// Province returns the demo province, Tỉnh Phú Thọ.
func Province() Unit {
	return Unit{Code: ProvinceCode, Name: "Tỉnh Phú Thọ", Level: domain.LevelProvince}
}

// Units returns the demo commune-level units, in display order.
func Units() []Unit {
	return []Unit{
		{Code: "xuan-lung", Name: "Xã Xuân Lũng", Level: domain.LevelCommune, Parent: ProvinceCode},
		{Code: "au-co", Name: "Phường Âu Cơ", Level: domain.LevelWard, Parent: ProvinceCode},
		{Code: "phong-chau", Name: "Phường Phong Châu", Level: domain.LevelWard, Parent: ProvinceCode},
		{Code: "thanh-mieu", Name: "Phường Thanh Miếu", Level: domain.LevelWard, Parent: ProvinceCode},
	}
}

// Department is a department of a commune's or ward's People's Committee.
// Triage marks the one that receives what nothing else matches.
type Department struct {
	Code   string
	Name   string
	Triage bool
}

// Department codes.
const (
	VanPhong      = "van-phong"
	KinhTe        = "kinh-te"
	VanHoaXaHoi   = "van-hoa-xa-hoi"
	HanhChinhCong = "hanh-chinh-cong"
	CongAn        = "cong-an"
	// TriageDepartment receives what nothing else matches.
	TriageDepartment = VanPhong
)

// Departments returns the five departments of a commune-level unit of the
// given level, triage first. The economic department is "Phòng Kinh tế" in
// a commune and "Phòng Kinh tế, Hạ tầng và Đô thị" in a ward; the police is
// "Công an xã" or "Công an phường". A province has no departments here: it
// returns nil.
func Departments(level domain.UnitLevel) []Department {
	kinhTe, congAn := "Phòng Kinh tế", "Công an xã"
	switch level {
	case domain.LevelCommune, domain.LevelZone:
	case domain.LevelWard:
		kinhTe, congAn = "Phòng Kinh tế, Hạ tầng và Đô thị", "Công an phường"
	default:
		return nil
	}
	if level == domain.LevelZone {
		congAn = "Công an đặc khu"
	}
	return []Department{
		{Code: VanPhong, Name: "Văn phòng HĐND và UBND", Triage: true},
		{Code: KinhTe, Name: kinhTe},
		{Code: VanHoaXaHoi, Name: "Phòng Văn hóa - Xã hội"},
		{Code: HanhChinhCong, Name: "Trung tâm Phục vụ hành chính công"},
		{Code: CongAn, Name: congAn},
	}
}

// Account is a demo staff account; Department is "" for an account scoped
// to a whole unit.
type Account struct {
	Email      string
	Name       string
	Role       string // admin, leader, head, staff
	Unit       string
	Department string
}

// Accounts returns the five demo accounts of API.md; each signs in with
// Password.
func Accounts() []Account {
	return []Account{
		{Email: "admin@demo.caunoi.vn", Name: "Hoàng Minh Quân", Role: "admin", Unit: ProvinceCode},
		{Email: "leader@demo.caunoi.vn", Name: "Nguyễn Văn Hùng", Role: "leader", Unit: "xuan-lung"},
		{Email: "head.kinhte@demo.caunoi.vn", Name: "Trần Thị Mai", Role: "head", Unit: "xuan-lung", Department: KinhTe},
		{Email: "staff.kinhte@demo.caunoi.vn", Name: "Lê Văn Nam", Role: "staff", Unit: "xuan-lung", Department: KinhTe},
		{Email: "staff.vhxh@demo.caunoi.vn", Name: "Phạm Thị Hoa", Role: "staff", Unit: "xuan-lung", Department: VanHoaXaHoi},
	}
}
