// Package domain holds Cầu Nối's model and its rules: tickets and their
// status machine, units, departments and categories, routing, deadline
// arithmetic on a working-day calendar, tracking codes and validation.
// It imports the standard library (and golang.org/x/text for Unicode) only.
package domain

import (
	"errors"
	"fmt"
)

// Error codes, each mapped to one HTTP status in the api package.
const (
	EINVALID      = "invalid_input"
	EUNAUTHORIZED = "unauthorized"
	EBADCREDS     = "invalid_credentials" // 401: wrong e-mail or password (API.md)
	EFORBIDDEN    = "forbidden"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	ETOOLARGE     = "payload_too_large"
	EUNSUPPORTED  = "unsupported_media_type"
	ERATELIMITED  = "rate_limited"
	EINTERNAL     = "internal"
	EUNAVAILABLE  = "unavailable"
)

// Error is the one error type of the application. Message is Vietnamese,
// MessageEN its English form; Fields names the offending input fields with a
// short machine code each ("required", "too_long", "invalid", ...).
type Error struct {
	Code      string
	Message   string
	MessageEN string
	Fields    map[string]string
	Err       error // the cause, never shown to users
}

func (e *Error) Error() string {
	msg := e.MessageEN
	if msg == "" {
		msg = e.Message
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, msg, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, msg)
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and both messages.
func Errorf(code, vi, en string) *Error {
	return &Error{Code: code, Message: vi, MessageEN: en}
}

// Invalid returns an invalid_input error naming the offending fields.
func Invalid(vi, en string, fields map[string]string) *Error {
	return &Error{Code: EINVALID, Message: vi, MessageEN: en, Fields: fields}
}

// NotFound returns a not_found error for the thing named (Vietnamese, English).
func NotFound(vi, en string) *Error {
	return &Error{Code: ENOTFOUND, Message: "Không tìm thấy " + vi + ".", MessageEN: "No such " + en + "."}
}

// Conflict returns a conflict error.
func Conflict(vi, en string) *Error { return Errorf(ECONFLICT, vi, en) }

// Forbidden returns a forbidden error.
func Forbidden() *Error {
	return Errorf(EFORBIDDEN, "Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this.")
}

// Internal wraps an unexpected error; its cause is logged, never shown.
func Internal(err error) *Error {
	return &Error{Code: EINTERNAL, Message: "Lỗi hệ thống.", MessageEN: "Internal error.", Err: err}
}

// Unavailable wraps an error that means the database or a dependency is down.
func Unavailable(err error) *Error {
	return &Error{Code: EUNAVAILABLE, Message: "Hệ thống tạm thời không phục vụ được, vui lòng thử lại sau.",
		MessageEN: "The service is temporarily unavailable; please try again shortly.", Err: err}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, else EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// IsNotFound reports whether err carries the not_found code.
func IsNotFound(err error) bool { return err != nil && ErrorCode(err) == ENOTFOUND }
