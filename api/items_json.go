package api

import (
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

// The queue's pages are what staff load all day, and encoding them through
// encoding/json's reflection was a quarter of the list handler's time: the
// items are written here instead, byte for byte as encoding/json writes a
// ticketItem (a test and a fuzz target hold the two equal).

// writeItems answers 200 with {"items":[…]} and, when withCursor, the
// page's "next_cursor" (a string, or null on the last page).
func (s *Server) writeItems(c *gin.Context, items []domain.TicketItem, withCursor bool, next *domain.Cursor) {
	b := make([]byte, 0, 64+len(items)*480)
	b = append(b, `{"items":[`...)
	for i, t := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendItem(b, s.item(t))
	}
	b = append(b, ']')
	if withCursor {
		b = append(b, `,"next_cursor":`...)
		if cur := httpx.EncodeCursor(next); cur != nil {
			b = appendJSONString(b, *cur)
		} else {
			b = append(b, "null"...)
		}
	}
	b = append(b, '}')
	c.Data(http.StatusOK, "application/json; charset=utf-8", b)
}

// appendItem writes it as encoding/json writes a ticketItem.
func appendItem(b []byte, it ticketItem) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, it.ID, 10)
	b = append(b, `,"tracking_code":`...)
	b = appendJSONString(b, it.TrackingCode)
	b = append(b, `,"title":`...)
	b = appendJSONString(b, it.Title)
	b = append(b, `,"status":`...)
	b = appendJSONString(b, string(it.Status))
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, string(it.Kind))
	b = append(b, `,"category":`...)
	b = appendRef(b, it.Category)
	b = append(b, `,"department":`...)
	b = appendRef(b, it.Department)
	b = append(b, `,"channel":`...)
	b = appendJSONString(b, it.Channel)
	b = append(b, `,"unit":`...)
	b = appendJSONString(b, it.Unit)
	b = append(b, `,"assignee":`...)
	if it.Assignee == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, `{"id":`...)
		b = strconv.AppendInt(b, it.Assignee.ID, 10)
		b = append(b, `,"name":`...)
		b = appendJSONString(b, it.Assignee.Name)
		b = append(b, '}')
	}
	b = append(b, `,"created_at":`...)
	b = appendJSONTime(b, it.CreatedAt)
	b = append(b, `,"due_at":`...)
	b = appendJSONTime(b, it.DueAt)
	b = append(b, `,"overdue":`...)
	b = strconv.AppendBool(b, it.Overdue)
	return append(b, '}')
}

func appendRef(b []byte, r *httpx.NamedRef) []byte {
	if r == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"code":`...)
	b = appendJSONString(b, r.Code)
	b = append(b, `,"name":`...)
	b = appendJSONString(b, r.Name)
	return append(b, '}')
}

// appendJSONTime writes t as time.Time.MarshalJSON does (RFC 3339 with
// the nanoseconds it has), for the years it can write (0 to 9999, which
// every ticket's times are).
func appendJSONTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s quoted as encoding/json does by default: ",
// \ and the control characters escaped (\b \f \n \r \t by name), <, > and
// & as \u003c \u003e \u0026 (safe inside HTML), U+2028 and U+2029 escaped
// (JavaScript line ends), and each byte of invalid UTF-8 as \ufffd.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
