package httpx

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"caunoi/auth"
	"caunoi/domain"
)

// The web pages carry the access token in an HttpOnly cookie; a second,
// readable cookie holds the CSRF token that every state-changing request
// must echo in the X-CSRF-Token header or the csrf_token form field.
const (
	SessionCookie = "caunoi_session"
	CSRFCookie    = "caunoi_csrf"
	CSRFHeader    = "X-CSRF-Token"
	CSRFField     = "csrf_token"
)

var ErrCSRF = domain.Errorf(domain.EFORBIDDEN, "Biểu mẫu đã hết hạn hoặc không hợp lệ; vui lòng tải lại trang.",
	"The form has expired or is not valid; please reload the page.")

// CheckCSRF refuses a state-changing, cookie-authenticated request whose
// CSRF token does not match its cookie.
func (s *Core) CheckCSRF(c *gin.Context) bool {
	switch c.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	want, err := c.Cookie(CSRFCookie)
	got := c.GetHeader(CSRFHeader)
	if got == "" && IsForm(c.Request) {
		got = c.PostForm(CSRFField)
	}
	if err != nil || !auth.CheckCSRF(want, got) {
		WriteError(c, ErrCSRF)
		return false
	}
	return true
}
