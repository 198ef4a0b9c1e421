package httpx

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
)

// StatusOf maps an error code to its HTTP status (API.md).
var StatusOf = map[string]int{
	domain.EINVALID:      http.StatusBadRequest,
	domain.EUNAUTHORIZED: http.StatusUnauthorized,
	domain.EBADCREDS:     http.StatusUnauthorized,
	domain.EFORBIDDEN:    http.StatusForbidden,
	domain.ENOTFOUND:     http.StatusNotFound,
	domain.ECONFLICT:     http.StatusConflict,
	domain.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	domain.EUNSUPPORTED:  http.StatusUnsupportedMediaType,
	domain.ERATELIMITED:  http.StatusTooManyRequests,
	domain.EINTERNAL:     http.StatusInternalServerError,
	domain.EUNAVAILABLE:  http.StatusServiceUnavailable,
}

// ErrorBody is the shared JSON error shape of API.md.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the inside of ErrorBody.
type ErrorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// English reports whether the request's Accept-Language prefers English
// over Vietnamese (a ?lang=en query or a lang cookie also chooses it).
func English(r *http.Request) bool {
	if l := r.URL.Query().Get("lang"); l != "" {
		return strings.HasPrefix(l, "en")
	}
	if c, err := r.Cookie("lang"); err == nil {
		return strings.HasPrefix(c.Value, "en")
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.ToLower(strings.TrimSpace(tag))
		if strings.TrimSpace(q) == "q=0" {
			continue
		}
		if strings.HasPrefix(tag, "vi") {
			return false
		}
		if strings.HasPrefix(tag, "en") {
			return true
		}
	}
	return false
}

// ToDomain returns err as a *domain.Error, treating anything else as internal.
func ToDomain(err error) *domain.Error {
	var de *domain.Error
	if errors.As(err, &de) {
		return de
	}
	return domain.Internal(err)
}

// WriteError answers with the error shape. Internal and unavailable errors
// are logged once here, with their cause; the answer never shows the cause.
func WriteError(c *gin.Context, err error) {
	de := ToDomain(err)
	status, ok := StatusOf[de.Code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if status >= 500 {
		LogFrom(c).LogAttrs(c.Request.Context(), slog.LevelError, "request failed",
			slog.String("code", de.Code), slog.Any("error", err))
	}
	if status == http.StatusServiceUnavailable && c.Writer.Header().Get("Retry-After") == "" {
		c.Header("Retry-After", "5")
	}
	msg := de.Message
	if English(c.Request) && de.MessageEN != "" {
		msg = de.MessageEN
	}
	c.AbortWithStatusJSON(status, ErrorBody{Error: ErrorDetail{Code: de.Code, Message: msg, Fields: de.Fields}})
}

// ErrNotFoundRoute is the answer for a path no route serves.
var ErrNotFoundRoute = domain.Errorf(domain.ENOTFOUND, "Không tìm thấy địa chỉ này.", "No such page or endpoint.")
