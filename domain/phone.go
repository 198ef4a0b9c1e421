package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizePhone returns a Vietnamese telephone number in its national form
// ("0912345678") and true, or "" and false when s is not one. It accepts
// the prefixes +84, (+84), 84 and 0084 (with or without the trunk 0 after
// them), and spaces, dots, dashes and parentheses between the digits. A
// mobile number has 10 digits and starts 03, 05, 07, 08 or 09; a landline
// has 11 digits and starts 02 (0 + area code 2xx). Short and service numbers
// (113, 1900…, 1800…) are not accepted.
func NormalizePhone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 40 {
		return "", false
	}
	digits := make([]byte, 0, 16)
	plus := false
	for i, r := range s {
		switch {
		case '0' <= r && r <= '9':
			digits = append(digits, byte(r))
		case r == '+':
			// only before the first digit, once
			if plus || len(digits) > 0 || strings.TrimLeft(s[:i], "( ") != "" {
				return "", false
			}
			plus = true
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return "", false
		}
	}
	d := string(digits)
	switch {
	case plus:
		if !strings.HasPrefix(d, "84") {
			return "", false
		}
		d = national(d[2:])
	case strings.HasPrefix(d, "0084"):
		d = national(d[4:])
	case strings.HasPrefix(d, "84") && (len(d) == 11 || len(d) == 12):
		d = national(d[2:])
	}
	if !validNational(d) {
		return "", false
	}
	return d, true
}

// national turns the digits after the country code into the national form.
func national(rest string) string {
	if strings.HasPrefix(rest, "0") {
		return rest
	}
	return "0" + rest
}

// validNational reports whether d is a 10-digit mobile or an 11-digit
// landline number in national form.
func validNational(d string) bool {
	if len(d) < 2 || d[0] != '0' {
		return false
	}
	switch d[1] {
	case '3', '5', '7', '8', '9':
		return len(d) == 10
	case '2':
		return len(d) == 11
	}
	return false
}

// FindPhone returns, in national form, the first Vietnamese telephone number
// written in free text ("sdt của tôi 0912.345.678", "+84 912 345 678",
// "(024) 3825 1234"), or "" when there is none. A number is read from groups
// of digits separated by single spaces, dots or dashes; it must end where a
// group ends, so a longer run of digits (a bank account, an ID card number)
// never yields a phone number.
func FindPhone(text string) string {
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		start := -1
		switch {
		case '0' <= r && r <= '9':
			start = i
		case r == '+' && i+1 < len(text) && isDigit(text[i+1]):
			start = i
		case r == '(' && i+2 < len(text) && (text[i+1] == '+' && isDigit(text[i+2]) || isDigit(text[i+1])):
			start = i
		}
		if start < 0 || (i > 0 && precededByDigit(text[:i])) {
			i += size
			continue
		}
		if p, ok := phoneAt(text[start:]); ok {
			return p
		}
		// skip this run of digits
		i = start + 1
		for i < len(text) && isDigit(text[i]) {
			i++
		}
	}
	return ""
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func precededByDigit(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsDigit(r) || r == '+'
}

// phoneAt returns the longest phone number that s starts with and that ends
// at the end of a group of digits.
func phoneAt(s string) (string, bool) {
	best, found := "", false
	digits := 0
	i := 0
	for i < len(s) && (s[i] == '+' || s[i] == '(') {
		i++
	}
	for i < len(s) {
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j == i {
			break
		}
		digits += j - i
		if digits > 13 {
			break
		}
		end := j
		if end < len(s) && s[end] == ')' {
			end++
		}
		if p, ok := NormalizePhone(s[:end]); ok {
			best, found = p, true
		}
		// a separator: one space, dot or dash, or ") " after an area code
		k := end
		if k < len(s) && (s[k] == ' ' || s[k] == '.' || s[k] == '-') {
			k++
		}
		if k == j || k >= len(s) || !isDigit(s[k]) {
			break
		}
		i = k
	}
	return best, found
}

// MaskPhone hides the middle of a telephone number for reports and lists:
// "0912345678" becomes "0912***678". Input that is not a phone number keeps
// at most its first and last two characters ("ab***yz"), or is masked
// entirely when short; "" stays "".
func MaskPhone(p string) string {
	if p == "" {
		return ""
	}
	if n, ok := NormalizePhone(p); ok {
		return n[:4] + "***" + n[len(n)-3:]
	}
	r := []rune(p)
	if len(r) < 7 {
		return "***"
	}
	return string(r[:2]) + "***" + string(r[len(r)-2:])
}
