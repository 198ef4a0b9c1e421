package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
)

var (
	errUnsupported = domain.Errorf(domain.EUNSUPPORTED, "Định dạng nội dung không được hỗ trợ; hãy gửi JSON.",
		"Unsupported content type; send JSON.")
	errBadUTF8 = domain.Invalid("Nội dung gửi lên không phải văn bản UTF-8 hợp lệ.",
		"The request is not valid UTF-8 text.", map[string]string{"body": "invalid_utf8"})
)

// MediaType returns the request's media type, lower-cased, without parameters.
func MediaType(r *http.Request) string {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return strings.ToLower(mt)
}

// IsForm reports whether the request is an HTML form post.
func IsForm(r *http.Request) bool {
	mt := MediaType(r)
	return mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data"
}

// ReadBody reads the whole (size-limited) body: 413 past the limit, 400 for
// invalid UTF-8.
func ReadBody(c *gin.Context) ([]byte, error) {
	b, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, ErrTooLarge
		}
		return nil, domain.Invalid("Không đọc được nội dung gửi lên.", "The request body could not be read.", nil)
	}
	if !utf8.Valid(b) {
		return nil, errBadUTF8
	}
	return b, nil
}

// DecodeJSON reads a JSON body into dst before any work is done: 415 for
// another content type, 413 past the limit, 400 for invalid UTF-8, broken
// JSON, unknown fields or wrong types (naming the field).
func DecodeJSON(c *gin.Context, dst any) error {
	if MediaType(c.Request) != "application/json" {
		return errUnsupported
	}
	b, err := ReadBody(c)
	if err != nil {
		return err
	}
	return UnmarshalStrict(b, dst)
}

func UnmarshalStrict(b []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return JSONError(err)
	}
	if dec.More() {
		return domain.Invalid("Nội dung JSON có dữ liệu thừa sau đối tượng.", "Unexpected data after the JSON object.", nil)
	}
	return nil
}

// JSONError turns a decoding error into an invalid_input error naming what is wrong.
func JSONError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return domain.Invalid(fmt.Sprintf("JSON không hợp lệ ở vị trí %d.", syn.Offset),
			fmt.Sprintf("Malformed JSON at offset %d.", syn.Offset), nil)
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return domain.Invalid("Trường "+field+" có kiểu dữ liệu không đúng.", "Field "+field+" has the wrong type.",
			map[string]string{field: "invalid"})
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return domain.Invalid("Nội dung JSON trống hoặc bị cắt cụt.", "The JSON body is empty or truncated.", nil)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return domain.Invalid("Trường không được hỗ trợ: "+field+".", "Unknown field: "+field+".",
			map[string]string{field: "unknown"})
	}
	return domain.Invalid("JSON không hợp lệ.", "Malformed JSON.", nil)
}
