package httpx

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
)

const (
	ctxLogger    = "caunoi.logger"
	ctxRequestID = "caunoi.request_id"
)

// MaxBodyBytes is the largest request body the JSON API reads (API.md: 1 MiB).
const MaxBodyBytes = 1 << 20

// RequestID gives each request an id (taken from a well-formed X-Request-ID,
// else made), echoes it, and puts a logger carrying it in the context.
func RequestID(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if !validRequestID(id) {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		c.Set(ctxRequestID, id)
		c.Set(ctxLogger, log.With(slog.String("request_id", id)))
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

func validRequestID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// LogFrom returns the request's logger.
func LogFrom(c *gin.Context) *slog.Logger {
	if l, ok := c.Get(ctxLogger); ok {
		return l.(*slog.Logger)
	}
	return slog.Default()
}

// AccessLog writes one line per request, after it is answered.
func AccessLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		level := slog.LevelInfo
		if c.Writer.Status() >= 500 {
			level = slog.LevelError
		}
		LogFrom(c).LogAttrs(c.Request.Context(), level, "request",
			slog.String("method", c.Request.Method),
			slog.String("route", route),
			slog.Int("status", c.Writer.Status()),
			slog.Duration("duration", time.Since(start)),
			slog.Int("bytes", c.Writer.Size()),
			slog.String("client", c.ClientIP()),
		)
	}
}

// Recovery turns a panic into a 500 in the error shape and logs its stack once.
func Recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				LogFrom(c).Error("panic", slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
				if !c.Writer.Written() {
					WriteError(c, domain.Internal(fmt.Errorf("panic: %v", p)))
				}
				c.Abort()
			}
		}()
		c.Next()
	}
}

// LimitBody caps the bytes a handler can read from the request body.
func LimitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			WriteError(c, ErrTooLarge)
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

// SecurityHeaders sets the headers every answer carries.
func SecurityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		c.Next()
	}
}

var ErrTooLarge = domain.Errorf(domain.ETOOLARGE, "Nội dung gửi lên quá lớn (tối đa 1 MiB).",
	"The request body is too large (1 MiB at most).")
