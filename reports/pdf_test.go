package reports

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pdfText renders pdf through `pdftotext -layout` and returns the text
// with runs of spaces collapsed, and the number of pages. Without the
// binary the test is skipped, unless CI=true.
func pdfText(t *testing.T, pdf []byte) (string, int) {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("pdftotext is required in CI: %v", err)
		}
		t.Skip("pdftotext not installed")
	}
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := bytes.Count(out, []byte("\f"))
	lines := strings.Split(string(out), "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n"), pages
}

func renderPDF(t testing.TB, opt PDFOptions, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePDF(&buf, sampleSummary(n), opt); err != nil {
		t.Fatalf("WritePDF: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", buf.Bytes()[:min(20, buf.Len())])
	}
	return buf.Bytes()
}

func TestWritePDFContent(t *testing.T) {
	pdf := renderPDF(t, sampleOptions(), 200)
	if dir := os.Getenv("REPORTS_SAMPLE_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "sample.pdf"), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	txt, pages := pdfText(t, pdf)
	flat := strings.Join(strings.Fields(txt), " ")
	s := sampleSummary(200)
	want := []string{
		"ỦY BAN NHÂN DÂN", "XÃ XUÂN LŨNG", "Số: 12/BC-UBND",
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"Xuân Lũng, ngày 26 tháng 11 năm 2026",
		"BÁO CÁO", "Kết quả tiếp nhận, xử lý phản ánh, kiến nghị của người dân từ ngày 01/11/2026 đến ngày 30/11/2026",
		"I. Tình hình tiếp nhận", "II. Kết quả xử lý", "III. Đánh giá", "IV. Nhiệm vụ, đề xuất", // domain.ReportSectionIV, the form's label too
		"Nơi nhận:", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn Bình",
		"Phụ lục 1: Danh sách phản ánh quá hạn", "Phụ lục 2: Danh sách phản ánh trong kỳ",
		"tổng số 200 phản ánh, kiến nghị",
		"Phòng Văn hóa - Xã hội", "Trung tâm Phục vụ hành chính công", "Thôn Đồng Phú", "Tổ dân phố Hùng Lô",
		"Điện, chiếu sáng công cộng", "Bình luận Facebook", "Đường dây nóng", "Zalo OA",
		"Biểu đồ 1.", "Biểu đồ 2.", "Biểu đồ 3.",
		"Xã Xuân Lũng viết dạng NFD", // NFD input comes out NFC
		maskedPh, "0987***321", "+84912***678",
	}
	for _, w := range want {
		if !strings.Contains(flat, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
	for _, bad := range []string{rawPhone, "0987654321", "912 345 678", "😡", "\u202e", "\x1b"} {
		if strings.Contains(flat, bad) {
			t.Errorf("PDF text contains %q", bad)
		}
	}
	if !strings.Contains(flat, "Đã giải quyết "+formatInt(s.Resolved)+" phản ánh") {
		t.Errorf("resolved total %d missing", s.Resolved)
	}
	if pages < 3 {
		t.Errorf("pages = %d, want > 2", pages)
	}
	// The appendix table breaks across pages with its header repeated.
	if n := strings.Count(flat, "Nội dung tóm tắt"); n < 3 {
		t.Errorf("table header printed %d times, want ≥ 3", n)
	}
	// Decree 30's page numbers: the number alone at the top of every page
	// but the first.
	for i, page := range strings.Split(strings.TrimRight(txt, "\f\n"), "\f") {
		first := ""
		for _, l := range strings.Split(page, "\n") {
			if l != "" {
				first = l
				break
			}
		}
		if want := itoa(i + 1); (i == 0 && first == want) || (i > 0 && first != want) {
			t.Errorf("page %d begins with %q", i+1, first)
		}
	}
	if strings.Contains(flat, "Trang "+itoa(pages)) {
		t.Errorf("a page number reads Trang %d, not the number alone", pages)
	}
	// The 100,000-character word is cut, not dropped and not hanging.
	if !strings.Contains(flat, "ổổổổổổổổổổ") {
		t.Error("long word missing")
	}
}

func itoa(n int) string { return formatInt(n) }

func TestWritePDFPartyHeader(t *testing.T) {
	opt := sampleOptions()
	opt.Header = HeaderDangUy
	opt.Number = ""
	opt.SignerTitle = ""
	pdf := renderPDF(t, opt, 20)
	txt, _ := pdfText(t, pdf)
	flat := strings.Join(strings.Fields(txt), " ")
	for _, w := range []string{"ĐẢNG BỘ TỈNH PHÚ THỌ", "ĐẢNG ỦY XÃ XUÂN LŨNG", "ĐẢNG CỘNG SẢN VIỆT NAM",
		"/BC-ĐU", "TM. ĐẢNG ỦY", "BÍ THƯ", "BÁO CÁO"} {
		if !strings.Contains(flat, w) {
			t.Errorf("party report lacks %q", w)
		}
	}
	for _, bad := range []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TM. ỦY BAN NHÂN DÂN"} {
		if strings.Contains(flat, bad) {
			t.Errorf("party report contains %q", bad)
		}
	}
}

func TestWritePDFProvinceRollUp(t *testing.T) {
	var buf bytes.Buffer
	if err := WritePDF(&buf, provinceSummary(50), PDFOptions{}); err != nil {
		t.Fatal(err)
	}
	txt, _ := pdfText(t, buf.Bytes())
	flat := strings.Join(strings.Fields(txt), " ")
	for _, w := range []string{"Xếp hạng các xã, phường, đặc khu theo tỷ lệ giải quyết đúng hạn",
		"TỈNH PHÚ THỌ", "Phường Âu Cơ", "Số: /BC-UBND", "(Lãnh đạo bổ sung"} {
		if !strings.Contains(flat, w) {
			t.Errorf("province report lacks %q", w)
		}
	}
	// 148 communes do not fit on one page: the header row is repeated.
	if n := strings.Count(flat, "Đúng hạn Quá hạn"); n < 3 {
		t.Errorf("ranking header printed %d times", n)
	}
}

func TestWritePDFEmptyAndNil(t *testing.T) {
	if err := WritePDF(&bytes.Buffer{}, nil, PDFOptions{}); err != ErrNilSummary {
		t.Fatalf("nil summary: err = %v", err)
	}
	var buf bytes.Buffer
	if err := WritePDF(&buf, sampleSummary(0), PDFOptions{Loc: time.UTC}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
}

func TestMaskPhones(t *testing.T) {
	for in, want := range map[string]string{
		"0912345678":                 "0912***678",
		"gọi 0912 345 678.":          "gọi 0912***678.",
		"+84912345678":               "+84912***678",
		"SĐT:0912.345.678, cảm ơn":   "SĐT:0912***678, cảm ơn",
		"máy bàn 02103812345":        "máy bàn 0210***345",
		"mã 123091234567890":         "mã 123091234567890",
		"ngày 2026-11-26 0912345678": "ngày 2026-11-26 0912***678",
		"năm 2026":                   "năm 2026",
		"0912345678 và 0987654321":   "0912***678 và 0987***321",
		"không có số":                "không có số",
	} {
		if got := maskPhones(in); got != want {
			t.Errorf("maskPhones(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCleaner(t *testing.T) {
	fonts, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	c := cleaner{fonts: fonts}
	for in, want := range map[string]string{
		"Xa\u0303 Xua\u0302n":          "Xã Xuân",
		"a😡b":                          "a?b",
		"a\u202eb\u200fc\u200bd\ufeff": "abcd",
		"a\x00\x07b\tc\n d":            "ab c d",
		"0912\u200b345678":             "0912***678",
		"\xff":                         "?",
	} {
		if got := c.line(in); got != want {
			t.Errorf("line(%q) = %q, want %q", in, got, want)
		}
	}
	if got := c.para("a\r\nb"); got != "a\nb" {
		t.Errorf("para = %q", got)
	}
}

func TestWrapLongWord(t *testing.T) {
	fonts, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	m := fonts.byStyle[styleRegular]
	ls := wrap(longWord, 20000, m)
	total := 0
	for _, l := range ls {
		total += len([]rune(l))
		w := 0
		for _, r := range l {
			w += m.width(r)
		}
		if w > 20000 {
			t.Fatalf("line too wide: %d", w)
		}
	}
	if total != 100000 {
		t.Fatalf("runes kept = %d", total)
	}
}

func TestFontCoverage(t *testing.T) {
	fonts, err := loadFonts()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range "ẮẰẲẴẶắằẳẵặỆệỸỹƯưƠơĐđ₫–…" {
		if !fonts.covers(r) {
			t.Errorf("font lacks %q", r)
		}
	}
	if fonts.covers(0x1F621) || fonts.covers(0x0627) {
		t.Error("font claims emoji or Arabic")
	}
}

func BenchmarkWritePDF(b *testing.B) {
	s := provinceSummary(30000)
	opt := sampleOptions()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		var buf bytes.Buffer
		if err := WritePDF(&buf, s, opt); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(buf.Len()))
	}
}
