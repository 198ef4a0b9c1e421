package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
)

// tokenBytes is the entropy of refresh and CSRF tokens.
const tokenBytes = 32

// randomToken returns tokenBytes random bytes, base64url without padding
// (43 characters). crypto/rand.Read never fails (Go ≥ 1.24: it crashes the
// program rather than return weak bytes).
func randomToken() string {
	var b [tokenBytes]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// NewRefreshToken returns a new opaque refresh token (32 random bytes,
// base64url, given to the client once) and its SHA-256, the only form to
// store. It cannot fail.
func NewRefreshToken() (token string, hash []byte) {
	token = randomToken()
	return token, HashRefreshToken(token)
}

// HashRefreshToken returns the SHA-256 (32 bytes) of token, to look up the
// stored refresh token a client presents. A plain hash is enough, with no
// salt or cost: the token has 256 bits of entropy.
func HashRefreshToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// NewCSRFToken returns a new CSRF token: 32 random bytes, base64url. It
// cannot fail.
func NewCSRFToken() string { return randomToken() }

// CheckCSRF reports whether a and b (e.g. the cookie and the form field or
// header) are the same token, in constant time. Two empty strings do not
// match: an empty token is always refused.
func CheckCSRF(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
