package httpx

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
)

// EncodeCursor and DecodeCursor keep the keyset position opaque to clients.
func EncodeCursor(c *domain.Cursor) *string {
	if c == nil {
		return nil
	}
	s := base64.RawURLEncoding.EncodeToString([]byte(c.DueAt.UTC().Format(time.RFC3339Nano) + "|" + strconv.FormatInt(c.ID, 10)))
	return &s
}

func DecodeCursor(s string) (*domain.Cursor, error) {
	bad := domain.Invalid("Con trỏ phân trang không hợp lệ.", "Invalid cursor.", map[string]string{"cursor": "invalid"})
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	ts, idText, ok := strings.Cut(string(b), "|")
	t, err1 := time.Parse(time.RFC3339Nano, ts)
	id, err2 := strconv.ParseInt(idText, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return nil, bad
	}
	return &domain.Cursor{DueAt: t, ID: id}, nil
}

// TicketFilterOf reads the queue's filters from the query string (API.md).
func TicketFilterOf(c *gin.Context, sc domain.Scope) (domain.TicketFilter, error) {
	q := c.Request.URL.Query()
	f := domain.TicketFilter{Unit: q.Get("unit"), Department: q.Get("department"), Category: q.Get("category"),
		Kind: domain.Kind(q.Get("kind")), Channel: domain.Channel(q.Get("channel")), Query: q.Get("q")}
	bad := map[string]string{}
	for _, st := range strings.Split(q.Get("status"), ",") {
		st = strings.TrimSpace(st)
		switch {
		case st == "":
		case st == "all":
			f.Statuses = append([]domain.Status(nil), domain.Statuses...)
		case st == "open":
			f.Statuses = append(f.Statuses, domain.OpenStatuses...)
		case domain.Status(st).Valid():
			f.Statuses = append(f.Statuses, domain.Status(st))
		default:
			bad["status"] = "invalid"
		}
	}
	if f.Kind != "" && !f.Kind.Valid() {
		bad["kind"] = "invalid"
	}
	if f.Channel != "" && !f.Channel.Valid() {
		bad["channel"] = "invalid"
	}
	switch a := q.Get("assignee"); a {
	case "":
	case "me":
		f.AssigneeID = &sc.UserID
	default:
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			bad["assignee"] = "invalid"
		} else {
			f.AssigneeID = &id
		}
	}
	switch o := q.Get("overdue"); o {
	case "", "false", "0":
	case "true", "1":
		f.Overdue = true
	default:
		bad["overdue"] = "invalid"
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			bad["limit"] = "invalid"
		}
		f.Limit = n
	}
	if len([]rune(f.Query)) > 200 {
		bad["q"] = "too_long"
	}
	if cur := q.Get("cursor"); cur != "" {
		c, err := DecodeCursor(cur)
		if err != nil {
			bad["cursor"] = "invalid"
		}
		f.After = c
	}
	if len(bad) > 0 {
		return f, domain.Invalid("Bộ lọc không hợp lệ.", "Invalid filter.", bad)
	}
	return f, nil
}

// PathID reads the path's :id, a positive number; anything else is no row.
func PathID(c *gin.Context) (int64, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	return id, err == nil && id > 0
}

// OptCode returns nil for "" (a JSON null), else the code.
func OptCode(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

type NamedRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func Ref(code, name string) *NamedRef {
	if code == "" {
		return nil
	}
	return &NamedRef{Code: code, Name: name}
}
