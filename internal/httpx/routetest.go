package httpx

import (
	"context"

	"caunoi/domain"
)

// RouteTestIn is what "test this text" asks: the text and, optionally, its
// kind, channel and category; Unit "" is the admin's own unit.
type RouteTestIn struct {
	Unit     string
	Text     string
	Kind     domain.Kind
	Channel  domain.Channel
	Category string
}

// RouteTest returns where the unit's routing table (the one intake uses)
// would send the text, and why — the logic of POST /api/v1/rules/test. It
// returns an invalid_input error naming the bad fields, or the store's.
func (s *Core) RouteTest(ctx context.Context, sc domain.Scope, req RouteTestIn) (RouteTestOut, error) {
	text := domain.NormalizeText(req.Text)
	bad := map[string]string{}
	switch n := len([]rune(text)); {
	case n == 0:
		bad["text"] = domain.FieldRequired
	case n > domain.MaxBodyLen:
		bad["text"] = domain.FieldTooLong
	}
	if req.Kind == "" {
		req.Kind = domain.KindFeedback
	} else if !req.Kind.Valid() {
		bad["kind"] = domain.FieldInvalid
	}
	if req.Channel == "" {
		req.Channel = domain.ChannelWeb
	} else if !req.Channel.Valid() {
		bad["channel"] = domain.FieldInvalid
	}
	if len(bad) > 0 {
		return RouteTestOut{}, domain.Invalid("Nội dung thử không hợp lệ.", "The test input is not valid.", bad)
	}
	cat, err := s.Store.AdminCatalog(ctx, sc, req.Unit)
	if err != nil {
		return RouteTestOut{}, err
	}
	in := domain.RouteInput{Kind: req.Kind, Channel: req.Channel, Text: text}
	if req.Category != "" {
		x, ok := cat.CategoryByCode(req.Category)
		if !ok {
			return RouteTestOut{}, domain.Invalid("Không có lĩnh vực "+req.Category+".", "No category "+req.Category+".",
				map[string]string{"category": domain.FieldUnknown})
		}
		in.CategoryID = &x.ID
	}
	res := cat.Routing.Route(in)
	out := RouteTestOut{Unit: cat.Unit.Code, Rule: res.RuleID, Reason: res.Reason, Keyword: OptCode(res.Keyword)}
	if res.CategoryID != nil {
		if x, ok := cat.Category(*res.CategoryID); ok {
			out.Category = &NamedRef{Code: x.Code, Name: x.Name}
		}
	}
	if res.DepartmentID != nil {
		if d, ok := cat.Department(*res.DepartmentID); ok {
			out.Department = &NamedRef{Code: d.Code, Name: d.Name}
		}
	}
	return out, nil
}

type RouteTestOut struct {
	Unit       string    `json:"unit"`
	Category   *NamedRef `json:"category"`
	Department *NamedRef `json:"department"`
	Rule       *int64    `json:"rule"`
	Reason     string    `json:"reason"`
	Keyword    *string   `json:"keyword"`
}
