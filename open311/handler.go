package open311

import (
	"encoding/json"
	"encoding/xml"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"caunoi/domain"
	"caunoi/internal/httpx"
	"caunoi/ratelimit"
)

// Per-key limit of Open311 POSTs (off with CAUNOI_RATE_LIMIT=off, like the
// per-address limits).
const (
	open311KeyPerMinute = 60
	open311KeyBurst     = 30
)

// handler serves GeoReport v2 (wiki.open311.org/GeoReport_v2) under
// /open311/v2/: every resource as .json or .xml, errors in the spec's
// <errors><error> / [{"code","description"}] body.
type handler struct {
	s        *httpx.Core
	keyLimit *ratelimit.Limiter
}

// Routes registers /open311/v2/.
func Routes(r *gin.Engine, s *httpx.Core) {
	h := &handler{s: s, keyLimit: ratelimit.New(rate.Inf, 1)}
	if s.Cfg.RateLimit {
		h.keyLimit = ratelimit.New(rate.Limit(open311KeyPerMinute/60.0), open311KeyBurst)
	}
	g := r.Group("/open311/v2")
	g.GET("/:file", h.getTop)
	g.POST("/:file", h.postTop)
	g.GET("/services/:file", h.getServiceDefinition)
	g.GET("/requests/:file", h.getRequest)
	g.GET("/tokens/:file", h.getToken)
}

// Formats of the resources.
const (
	formatJSON = "json"
	formatXML  = "xml"
)

// splitFile splits "services.json" into "services" and "json"; a missing or
// unknown extension gives ok false.
func splitFile(file string) (name, format string, ok bool) {
	i := strings.LastIndexByte(file, '.')
	if i <= 0 {
		return file, formatXML, false
	}
	name, format = file[:i], strings.ToLower(file[i+1:])
	if format != formatJSON && format != formatXML {
		return name, formatXML, false
	}
	return name, format, true
}

var (
	errO311NoResource = domain.NotFound("tài nguyên Open311 này (dùng đuôi .json hoặc .xml)",
		"Open311 resource (use the .json or .xml extension)")
	errO311NoJurisdiction = domain.Invalid("Máy chủ phục vụ nhiều xã, phường: cần có jurisdiction_id (mã đơn vị).",
		"This server serves several communes and wards: jurisdiction_id (the unit code) was not provided.",
		map[string]string{"jurisdiction_id": domain.FieldRequired})
	errO311UnknownJurisdiction = domain.NotFound("jurisdiction_id này", "jurisdiction_id (no unit has that code)")
)

func (h *handler) getTop(c *gin.Context) {
	name, format, ok := splitFile(c.Param("file"))
	switch {
	case !ok:
		h.fail(c, format, errO311NoResource)
	case name == "discovery":
		h.discovery(c, format)
	case name == "services":
		h.services(c, format)
	case name == "requests":
		h.listRequests(c, format)
	default:
		h.fail(c, format, errO311NoResource)
	}
}

func (h *handler) postTop(c *gin.Context) {
	name, format, ok := splitFile(c.Param("file"))
	if !ok || name != "requests" {
		h.fail(c, format, errO311NoResource)
		return
	}
	h.postRequest(c, format)
}

// jurisdiction returns the catalog of the unit named by jurisdiction_id in
// v: 400 when it is missing and the server has several units, 404 when no
// active unit has that code.
func (h *handler) jurisdiction(c *gin.Context, v url.Values) (*domain.Catalog, error) {
	ctx := c.Request.Context()
	code := strings.ToLower(strings.TrimSpace(v.Get("jurisdiction_id")))
	if code == "" {
		u, err := h.s.Store.SingleUnit(ctx)
		if domain.ErrorCode(err) == domain.EINVALID {
			return nil, errO311NoJurisdiction
		}
		if err != nil {
			return nil, err
		}
		code = u.Code
	}
	cat, err := h.s.Store.CatalogByCode(ctx, code)
	if domain.IsNotFound(err) {
		return nil, errO311UnknownJurisdiction
	}
	return cat, err
}

// open311Status maps an error code to the spec's HTTP statuses: 404 for what
// does not exist, 403 for a missing, wrong or out-of-scope api_key, 429 for
// a key over its limit, 400 for any other request that cannot be fulfilled;
// failures of the server itself stay 500 and 503.
func open311Status(code string) int {
	switch code {
	case domain.ENOTFOUND:
		return http.StatusNotFound
	case domain.EFORBIDDEN, domain.EUNAUTHORIZED:
		return http.StatusForbidden
	case domain.ERATELIMITED:
		return http.StatusTooManyRequests
	case domain.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case domain.EINTERNAL:
		return http.StatusInternalServerError
	case domain.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusBadRequest
}

// o311Error is one entry of the spec's error body.
type o311Error struct {
	XMLName     xml.Name `xml:"error" json:"-"`
	Code        int      `xml:"code" json:"code"`
	Description string   `xml:"description" json:"description"`
}

// fail answers with the spec's error body in the requested format; the
// code in the body is the HTTP status. Server failures are logged once here.
func (h *handler) fail(c *gin.Context, format string, err error) {
	de := httpx.ToDomain(err)
	status := open311Status(de.Code)
	if status >= 500 {
		httpx.LogFrom(c).LogAttrs(c.Request.Context(), slog.LevelError, "request failed",
			slog.String("code", de.Code), slog.Any("error", err))
		if status == http.StatusServiceUnavailable && c.Writer.Header().Get("Retry-After") == "" {
			c.Header("Retry-After", "5")
		}
	}
	msg := de.Message
	if httpx.English(c.Request) && de.MessageEN != "" {
		msg = de.MessageEN
	}
	h.write(c, format, status, "errors", []o311Error{{Code: status, Description: msg}})
	c.Abort()
}

// allow applies the per-address limit of tracking-code lookups; on refusal
// it answers 429 with Retry-After in the spec's error body.
func (h *handler) allow(c *gin.Context, format string) bool {
	return h.allowKey(c, format, h.s.LookupLimit, c.ClientIP())
}

// allowKey takes a token of key's bucket in l, or answers 429.
func (h *handler) allowKey(c *gin.Context, format string, l *ratelimit.Limiter, key string) bool {
	ok, wait := l.Allow(key, h.s.Cfg.Now())
	if ok {
		return true
	}
	c.Header("Retry-After", strconv.Itoa(ratelimit.RetryAfterSeconds(wait)))
	h.fail(c, format, domain.Errorf(domain.ERATELIMITED, "Quá nhiều yêu cầu; vui lòng thử lại sau ít phút.",
		"Too many requests; please try again in a few minutes."))
	return false
}

const xmlHeader = `<?xml version="1.0" encoding="utf-8"?>` + "\n"

// write answers with body: as JSON, or as XML inside the root element
// (when root is not empty; otherwise body is the root).
func (h *handler) write(c *gin.Context, format string, status int, root string, body any) {
	if format == formatJSON {
		b, err := json.Marshal(body)
		if err != nil {
			h.fail(c, formatXML, domain.Internal(err))
			return
		}
		c.Data(status, "application/json; charset=utf-8", b)
		return
	}
	var v any = body
	if root != "" {
		v = xmlRoot{XMLName: xml.Name{Local: root}, Items: body}
	}
	b, err := xml.Marshal(v)
	if err != nil {
		c.Data(http.StatusInternalServerError, "text/xml; charset=utf-8",
			[]byte(xmlHeader+"<errors><error><code>500</code><description>Internal error.</description></error></errors>"))
		httpx.LogFrom(c).Error("encode xml", slog.Any("error", err))
		return
	}
	c.Data(status, "text/xml; charset=utf-8", append([]byte(xmlHeader), b...))
}

// xmlRoot wraps a list in its root element (<services>, <service_requests>,
// <errors>); each item names its own element.
type xmlRoot struct {
	XMLName xml.Name
	Items   any
}
