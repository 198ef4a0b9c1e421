package channels

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// vietnamese returns a Vietnamese text of exactly n runes.
func vietnamese(n int) string {
	const sentence = "Đèn đường trước nhà số 45 Lê Lợi bị hỏng ba ngày nay, buổi tối rất tối và nguy hiểm cho người đi đường; " +
		"đề nghị Ủy ban nhân dân phường sớm cử người kiểm tra, sửa chữa giúp bà con khu phố. 🙏\n"
	var b strings.Builder
	for utf8.RuneCountInString(b.String()) < n {
		b.WriteString(sentence)
	}
	return string([]rune(b.String())[:n])
}

func TestSplitVietnamese4500(t *testing.T) {
	text := vietnamese(4500)
	parts := Split(text, MaxText)
	if len(parts) != 3 {
		t.Fatalf("got %d parts, want 3", len(parts))
	}
	for i, p := range parts {
		n := utf8.RuneCountInString(p)
		if n > MaxText || n < MaxText/2 && i < len(parts)-1 {
			t.Errorf("part %d has %d runes", i, n)
		}
		if !utf8.ValidString(p) {
			t.Errorf("part %d is not valid UTF-8", i)
		}
		if p != strings.TrimSpace(p) {
			t.Errorf("part %d has white space at an end", i)
		}
	}
	// Cuts only at white space: the words are the same, in the same order.
	if got, want := strings.Fields(strings.Join(parts, " ")), strings.Fields(text); !equal(got, want) {
		t.Errorf("words changed by the split")
	}
}

func TestSplitShortUnchanged(t *testing.T) {
	for _, s := range []string{"Cảm ơn bạn.", "  leading and trailing  ", strings.Repeat("ắ", MaxText)} {
		if got := Split(s, MaxText); len(got) != 1 || got[0] != s {
			t.Errorf("Split(%.20q) = %d parts, want the text unchanged", s, len(got))
		}
	}
	for _, s := range []string{"", "   \n\t "} {
		if got := Split(s, MaxText); got != nil {
			t.Errorf("Split(%q) = %q, want nil", s, got)
		}
	}
}

func TestSplitPrefersLineBreak(t *testing.T) {
	text := strings.Repeat("a ", 30) + "\n" + strings.Repeat("b ", 10) + strings.Repeat("c ", 40)
	parts := Split(text, 80)
	if !strings.HasPrefix(parts[1], "b b") {
		t.Errorf("second part %q, want it to start after the line break", parts[1])
	}
}

func TestSplitLongWord(t *testing.T) {
	word := strings.Repeat("x", 4500)
	parts := Split(word, MaxText)
	if len(parts) != 3 || strings.Join(parts, "") != word {
		t.Fatalf("long word split into %d parts that do not rebuild it", len(parts))
	}
}

func TestSplitKeepsCombiningMarks(t *testing.T) {
	// Decomposed Vietnamese: every vowel with tone marks is several runes.
	word := strings.Repeat("u\u031bo\u031b\u0301cđe\u0323p", 1000) // "ướcđẹp" in NFD
	for _, max := range []int{7, 100, MaxText} {
		parts := Split(word, max)
		if strings.Join(parts, "") != word {
			t.Fatalf("max %d: parts do not rebuild the word", max)
		}
		for i, p := range parts {
			if r, _ := utf8.DecodeRuneInString(p); unicode.Is(unicode.M, r) {
				t.Fatalf("max %d: part %d starts with a combining mark", max, i)
			}
			if utf8.RuneCountInString(p) > max {
				t.Fatalf("max %d: part %d too long", max, i)
			}
		}
	}
}

func TestSplitKeepsEmojiSequences(t *testing.T) {
	family := "👨\u200d👩\u200d👧" // man ZWJ woman ZWJ girl
	text := strings.Repeat(family, 10)
	for _, p := range Split(text, 7) { // a family is 5 runes
		if strings.HasPrefix(p, "\u200d") || strings.HasSuffix(p, "\u200d") {
			t.Fatalf("part %q cut at a joiner", p)
		}
	}
}

func FuzzSplit(f *testing.F) {
	f.Add(vietnamese(300), 50)
	f.Add("a b c", 1)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 1 || max > 500 || !utf8.ValidString(s) {
			t.Skip()
		}
		parts := Split(s, max)
		for _, p := range parts {
			if utf8.RuneCountInString(p) > max || p == "" {
				t.Fatalf("bad part %q (max %d)", p, max)
			}
		}
		if got, want := strings.Join(strings.Fields(strings.Join(parts, "")), ""), strings.Join(strings.Fields(s), ""); got != want {
			t.Fatalf("text changed beyond white space")
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
