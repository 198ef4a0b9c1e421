package domain

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

func TestNormalizeText(t *testing.T) {
	nfd := norm.NFD.String("Đèn đường hỏng")
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"  Đèn   đường  hỏng  ", "Đèn đường hỏng"},
		{nfd, "Đèn đường hỏng"},
		{"dòng 1\r\ndòng 2\rdòng 3", "dòng 1\ndòng 2\ndòng 3"},
		{"a\x00b\x07c\x1b[0m", "abc[0m"},
		{"a\tb", "a\tb"},
		{"a \t b", "a \t b"},
		{"a\u00a0\u00a0b\u2003c", "a b c"},
		{"\ufeffxin chào", "xin chào"},
		{"dòng 1   \n   dòng 2", "dòng 1\ndòng 2"},
		{"a\n\n\n\n\nb", "a\n\nb"},
		{"a\n \n\t\nb", "a\n\nb"},
		{"\n\n  a  \n\n", "a"},
		{"a\u2028b", "a\nb"},
		{"x\xffy", "x\uFFFDy"},
		{"Thôn 3 \U0001F600  ok", "Thôn 3 \U0001F600 ok"},
	}
	for _, tt := range tests {
		got := NormalizeText(tt.in)
		if got != tt.want {
			t.Errorf("NormalizeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again := NormalizeText(got); again != got {
			t.Errorf("NormalizeText not idempotent on %q: %q", got, again)
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"den duong", "den duong"},
		{"DEN Duong", "den duong"},
		{"Đèn đường hỏng ở thôn Đông", "den duong hong o thon dong"},
		{"ĐẶNG VĂN ƯỚC", "dang van uoc"},
		{"Ầ Ắ Ẳ Ẵ Ặ ơ ư ỹ Ỵ", "a a a a a o u y y"},
		{norm.NFD.String("Nguyễn Thị Hằng"), "nguyen thi hang"},
		{"Ðông", "dong"}, // Icelandic eth typed for Đ
		{"Phường Âu Cơ 😀", "phuong au co 😀"},
		{"x\xffy", "x\uFFFDy"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHasDiacritics(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"", false},
		{"den duong hong", false},
		{"Đen", true},
		{"đ", true},
		{"cầu", true},
		{norm.NFD.String("ế"), true},
		{"café", true},
		{"😀 123 !?", false},
		{"日本", false},
	}
	for _, tt := range tests {
		if got := HasDiacritics(tt.in); got != tt.want {
			t.Errorf("HasDiacritics(%q) = %v", tt.in, got)
		}
	}
}

func TestWordForms(t *testing.T) {
	f1, e1, m1 := wordForms("hòa")
	f2, e2, _ := wordForms("hoà")
	if f1 != "hoa" || e1 != e2 || f1 != f2 || !m1 {
		t.Errorf("hòa/hoà: %q %q %q %q", f1, e1, f2, e2)
	}
	_, a, _ := wordForms("câu")
	_, b, _ := wordForms("Cầu")
	if a == b {
		t.Error("câu == cầu")
	}
	_, c, _ := wordForms("đường")
	_, d, _ := wordForms("dương")
	if c == d {
		t.Error("đường == dương")
	}
	if f, e, m := wordForms("Duong"); f != "duong" || e != "duong" || m {
		t.Errorf("Duong: %q %q %v", f, e, m)
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"Đèn đường hỏng", 20, "Đèn đường hỏng"},
		{"Đèn đường hỏng", 14, "Đèn đường hỏng"},
		{"Đèn đường hỏng", 13, "Đèn đường…"},
		{"Đèn đường hỏng", 10, "Đèn đường…"},
		{"Đèn đường hỏng", 9, "Đèn…"},
		{"Đèn đường, hỏng nặng", 12, "Đèn đường…"},
		{"Nghiêngnghiêngnghiêng", 8, "Nghiêng…"},
		{"ab", 1, "…"},
		{"ab", 0, ""},
		{"ab", -1, ""},
		{"", 5, ""},
		{"a " + strings.Repeat("x", 30), 10, "a…"},
		{strings.Repeat("x", 30), 10, "xxxxxxxxx…"},
		{norm.NFD.String("ường"), 2, "…"},
		{norm.NFD.String("ường"), 4, norm.NFD.String("ư") + "…"},
	}
	for _, tt := range tests {
		got := Truncate(tt.in, tt.n)
		if got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
		if tt.n > 0 && utf8.RuneCountInString(got) > tt.n || !utf8.ValidString(got) {
			t.Errorf("Truncate(%q, %d) = %q: too long or invalid", tt.in, tt.n, got)
		}
	}
}

func TestTruncateNeverCutsACharacter(t *testing.T) {
	s := strings.Repeat("Nguyễn Thị Hằng ", 20)
	for _, form := range []string{s, norm.NFD.String(s)} {
		for n := 1; n < utf8.RuneCountInString(form)+2; n++ {
			got := Truncate(form, n)
			if !utf8.ValidString(got) || utf8.RuneCountInString(got) > n {
				t.Fatalf("Truncate(_, %d) = %q", n, got)
			}
			if strings.HasSuffix(got, Ellipsis) {
				head := strings.TrimSuffix(got, Ellipsis)
				if !strings.HasPrefix(form, head) {
					t.Fatalf("Truncate(_, %d) = %q: not a prefix", n, got)
				}
			}
		}
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		title, body string
		n           int
		want        string
	}{
		{"Đèn đường hỏng", "Đèn đường trước nhà…", 60, "Đèn đường hỏng"},
		{"  ", "Đèn đường trước nhà số 45\nbị hỏng 3 ngày nay.", 60, "Đèn đường trước nhà số 45 bị hỏng 3 ngày nay."},
		{"", "Đèn đường trước nhà số 45 bị hỏng 3 ngày nay.", 20, "Đèn đường trước nhà…"},
		{"", "", 20, ""},
	}
	for _, tt := range tests {
		if got := Summarize(tt.title, tt.body, tt.n); got != tt.want {
			t.Errorf("Summarize(%q, %q, %d) = %q, want %q", tt.title, tt.body, tt.n, got, tt.want)
		}
	}
}

// summarizeByDefinition is Summarize as its doc defines it, over the whole
// text: the reference the fast path must agree with.
func summarizeByDefinition(title, body string, n int) string {
	s := strings.Join(strings.Fields(NormalizeText(title)), " ")
	if s == "" {
		s = strings.Join(strings.Fields(NormalizeText(body)), " ")
	}
	return Truncate(s, n)
}

func FuzzSummarize(f *testing.F) {
	for _, s := range []string{"", "Đèn đường trước nhà số 45\nbị hỏng 3 ngày nay.", "  a\r\n\r\nb\tc\x00d\u00a0e\u2028f\ufeffg\u0085h",
		"Cafe\u0301 ngon", "Đe\u0300n đươ\u0300ng", "\xff\xfe broken", "a\u200bb \u3000 c", strings.Repeat("ổ gà ", 40),
		"e" + strings.Repeat("\u0301", 30), "😀 Đường 👍🏽 hỏng"} {
		f.Add("", s, 20)
		f.Add(s, "thân", 5)
	}
	f.Fuzz(func(t *testing.T, title, body string, n int) {
		n = n%200 + 1
		if n < 1 {
			n = -n + 1
		}
		if got, want := Summarize(title, body, n), summarizeByDefinition(title, body, n); got != want {
			t.Fatalf("Summarize(%q, %q, %d) = %q, by definition %q", title, body, n, got, want)
		}
	})
}

func BenchmarkSummarize(b *testing.B) {
	body := "Đèn đường trước nhà số 45 thôn Đồng Xuân bị hỏng 3 ngày nay,\nbuổi tối rất tối, người dân đi lại khó khăn. " +
		"Đề nghị xã sớm sửa chữa."
	for b.Loop() {
		Summarize("", body, 80)
	}
}

func BenchmarkFold(b *testing.B) {
	s := strings.Repeat("Đèn đường trước nhà số 45 thôn Đồng Xuân bị hỏng 3 ngày nay. ", 10)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		Fold(s)
	}
}

func BenchmarkNormalizeText(b *testing.B) {
	s := strings.Repeat("Đèn đường trước nhà số 45  thôn Đồng Xuân bị hỏng 3 ngày nay.\r\n", 10)
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		NormalizeText(s)
	}
}

// foldSlow is Fold's definition, without the fast path.
func foldSlow(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), runes.Map(foldRune), norm.NFC)
	out, _, _ := transform.String(t, s)
	return out
}

func TestFoldFastPathMatchesTransform(t *testing.T) {
	var all []rune
	for r := rune(0); r < 0x2100; r++ {
		all = append(all, r)
	}
	for r := rune(0x1F000); r < 0x1FB00; r++ {
		all = append(all, r)
	}
	for _, r := range all {
		s := "a" + string(r) + "B"
		if got, ok := foldFast(s); ok && got != foldSlow(s) {
			t.Errorf("U+%04X: fast %q, transform %q", r, got, foldSlow(s))
		}
	}
	s := "Tiếng Việt: ăâđêôơư ĂÂĐÊÔƠƯ àảãáạ ằẳẵắặ ầẩẫấậ èẻẽéẹ ềểễếệ ìỉĩíị òỏõóọ ồổỗốộ ờởỡớợ ùủũúụ ừửữứự ỳỷỹýỵ 😀"
	s += strings.ToUpper(s)
	if got, ok := foldFast(s); !ok || got != foldSlow(s) {
		t.Errorf("Vietnamese: fast %q (%v), transform %q", got, ok, foldSlow(s))
	}
}
