package httpx

import (
	"errors"
	"strings"

	"caunoi/domain"
	"caunoi/secretbox"
)

var errCannotSeal = domain.Conflict("Máy chủ chưa đặt CAUNOI_SECRET_KEY nên không thể lưu mã truy cập của kênh.",
	"The server has no CAUNOI_SECRET_KEY set, so channel tokens cannot be stored.")

// SealToken encrypts a token given in a request for its place; "" seals to
// nothing. A token with white space inside or over domain.MaxTokenLen bytes
// is invalid_input; a server without CAUNOI_SECRET_KEY refuses to store one.
func (s *Core) SealToken(platform domain.Platform, accountID, field, plain string) ([]byte, error) {
	plain = strings.TrimSpace(plain)
	if plain == "" {
		return []byte{}, nil
	}
	if len(plain) > domain.MaxTokenLen || strings.ContainsFunc(plain, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return nil, domain.Invalid("Mã truy cập không hợp lệ.", "The token is not valid.", map[string]string{field: domain.FieldInvalid})
	}
	box, err := secretbox.New(s.Cfg.SecretKey)
	if err != nil {
		return nil, errCannotSeal
	}
	sealed, err := box.Seal(plain, secretbox.AAD(string(platform), accountID, field))
	if err != nil {
		return nil, domain.Internal(err)
	}
	return sealed, nil
}

// OpenSecret decrypts a token of acc sealed under CAUNOI_SECRET_KEY; a
// missing or changed key is unavailable (logged, never shown).
func (s *Core) OpenSecret(acc domain.ChannelAccount, field string, sealed []byte) (string, error) {
	box, err := secretbox.New(s.Cfg.SecretKey)
	if err != nil {
		return "", ErrNoSecretKey
	}
	v, err := box.Open(sealed, secretbox.AAD(string(acc.Platform), acc.AccountID, field))
	if err != nil {
		return "", domain.Unavailable(err)
	}
	return v, nil
}

// ErrNoSecretKey: a channel secret cannot be opened without CAUNOI_SECRET_KEY.
var ErrNoSecretKey = domain.Unavailable(errors.New("CAUNOI_SECRET_KEY is not set or wrong: channel secrets cannot be opened"))
