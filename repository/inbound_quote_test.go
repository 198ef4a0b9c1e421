package repository

import (
	"testing"

	"github.com/lib/pq"
)

// The first step's query quotes its arguments itself, in one buffer; the
// text must be what pq.QuoteLiteral writes.
func TestAppendLiteralsQuotesAsQuoteLiteral(t *testing.T) {
	args := []any{``, `plain`, `it's`, `a\b`, `'\'`, `{"Đèn đường","x\"y"}`, `\\''\\`, "tab\tnew\nline"}
	var want []byte
	for i, a := range args {
		if i > 0 {
			want = append(want, ", "...)
		}
		want = append(want, pq.QuoteLiteral(a.(string))...)
	}
	if got := appendLiterals([]byte("x("), args); string(got) != "x("+string(want) {
		t.Errorf("appendLiterals =\n%s\nwant\nx(%s", got, want)
	}
	if n, l := literalsSize(args), len(want); n < l/2 {
		t.Errorf("literalsSize = %d for %d bytes", n, l)
	}
}

func FuzzAppendQuoted(f *testing.F) {
	for _, s := range []string{"", "it's", `a\b`, `'\'`, "Đèn đường"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := string(appendQuoted(nil, s)), pq.QuoteLiteral(s); got != want {
			t.Fatalf("appendQuoted(%q) = %q, want %q", s, got, want)
		}
	})
}
