package api

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
	sessionCookie = "caunoi_session"
	csrfCookie    = "caunoi_csrf"
	csrfHeader    = "X-CSRF-Token"
	csrfField     = "csrf_token"
)

var errCSRF = domain.Errorf(domain.EFORBIDDEN, "Biểu mẫu đã hết hạn hoặc không hợp lệ; vui lòng tải lại trang.",
	"The form has expired or is not valid; please reload the page.")

// checkCSRF refuses a state-changing, cookie-authenticated request whose
// CSRF token does not match its cookie.
func (s *Server) checkCSRF(c *gin.Context) bool {
	switch c.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	want, err := c.Cookie(csrfCookie)
	got := c.GetHeader(csrfHeader)
	if got == "" && isForm(c.Request) {
		got = c.PostForm(csrfField)
	}
	if err != nil || !auth.CheckCSRF(want, got) {
		writeError(c, errCSRF)
		return false
	}
	return true
}
