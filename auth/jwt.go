package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"caunoi/domain"
)

// Access-token constants.
const (
	TokenIssuer     = "caunoi"       // iss
	TokenAudience   = "caunoi-staff" // aud
	DefaultTokenTTL = 15 * time.Minute
	MinSecretLen    = 32 // bytes, for every HS256 secret

	// maxTokenLen bounds the work done on a token before its signature is
	// checked; ours are a few hundred bytes.
	maxTokenLen = 4096
)

// InvalidSession returns the unauthorized *domain.Error given for any access
// token that is refused (and fit for a request that has none). cause is kept
// for the log, never shown.
func InvalidSession(cause error) *domain.Error {
	return &domain.Error{
		Code:      domain.EUNAUTHORIZED,
		Message:   "Phiên đăng nhập không hợp lệ hoặc đã hết hạn.",
		MessageEN: "Your session is invalid or has expired.",
		Err:       cause,
	}
}

// Keys is a set of HS256 secrets, each named by a key id (kid, carried in
// the token header), one of which signs new tokens. The others still verify,
// so a secret can be rotated without signing everybody out. A Keys is
// immutable once made and safe for concurrent use; the zero value holds no
// key and refuses every token.
type Keys struct {
	current string
	secrets map[string][]byte
}

// NewKeys returns a key set signing with secrets[current] and accepting all
// of secrets. It returns an error (naming the kid, never the secret) when
// current is not in secrets, a kid is empty, or a secret is shorter than
// MinSecretLen bytes. The secrets are copied.
func NewKeys(current string, secrets map[string][]byte) (*Keys, error) {
	if _, ok := secrets[current]; !ok {
		return nil, fmt.Errorf("auth: the current key %q is not in the key set", current)
	}
	k := &Keys{current: current, secrets: make(map[string][]byte, len(secrets))}
	for kid, s := range secrets {
		if kid == "" {
			return nil, errors.New("auth: empty key id")
		}
		if len(s) < MinSecretLen {
			return nil, fmt.Errorf("auth: the secret of key %q is %d bytes; at least %d are required", kid, len(s), MinSecretLen)
		}
		k.secrets[kid] = append([]byte(nil), s...)
	}
	return k, nil
}

// KeyID returns the kid of secret: the first 8 hex digits of its SHA-256.
func KeyID(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:4])
}

// KeysFromSecret returns a key set signing with secret (CAUNOI_JWT_SECRET)
// and still accepting the previous secrets, each under the kid KeyID gives.
// Keep the old secret among previous for at least the access-token TTL after
// a rotation; then drop it. Empty previous secrets and ones equal to secret
// are skipped. It returns an error when a secret is shorter than
// MinSecretLen bytes or two different secrets share a kid.
func KeysFromSecret(secret string, previous ...string) (*Keys, error) {
	cur := KeyID(secret)
	secrets := map[string][]byte{cur: []byte(secret)}
	for _, p := range previous {
		if p == "" || p == secret {
			continue
		}
		kid := KeyID(p)
		if s, ok := secrets[kid]; ok && string(s) != p {
			return nil, fmt.Errorf("auth: two secrets share the key id %q; choose another secret", kid)
		}
		secrets[kid] = []byte(p)
	}
	return NewKeys(cur, secrets)
}

// CurrentKID returns the kid that signs new tokens ("" for the zero Keys).
func (k *Keys) CurrentKID() string { return k.current }

// secret returns the secret named kid, or false.
func (k *Keys) secret(kid string) ([]byte, bool) {
	s, ok := k.secrets[kid]
	return s, ok
}

// Claims are the claims of a staff access token. UserID travels as sub (a
// decimal string); Issue fills in the registered claims (iss, sub, aud, exp,
// nbf, iat, jti), overwriting what the caller put there.
type Claims struct {
	UserID       int64  `json:"-"`
	Role         string `json:"role"`
	UnitID       int64  `json:"unit_id"`
	DepartmentID *int64 `json:"department_id,omitempty"`
	// SessionID names the sign-in the token belongs to (its refresh
	// family): signing out or a revoked family ends the token too.
	SessionID string `json:"sid"`
	jwt.RegisteredClaims
}

// Issuer issues and verifies access tokens. TTL is the lifetime of a token
// (DefaultTokenTTL when zero or negative); Now is the clock (time.Now when
// nil). An Issuer is safe for concurrent use once set up.
type Issuer struct {
	Keys
	TTL time.Duration
	Now func() time.Time
}

func (is *Issuer) now() time.Time {
	if is.Now == nil {
		return time.Now()
	}
	return is.Now()
}

func (is *Issuer) ttl() time.Duration {
	if is.TTL <= 0 {
		return DefaultTokenTTL
	}
	return is.TTL
}

// Issue returns a signed token (HS256, header kid = the current key) for c,
// and its lifetime, to be sent as expires_in. It returns an internal
// *domain.Error when c has no positive UserID, no Role or no SessionID, the
// key set is empty, or signing fails.
func (is *Issuer) Issue(c Claims) (token string, expiresIn time.Duration, err error) {
	if c.UserID <= 0 || c.Role == "" || c.SessionID == "" {
		return "", 0, domain.Internal(fmt.Errorf("auth: issue token: user id %d, role %q, session %q",
			c.UserID, c.Role, c.SessionID))
	}
	secret, ok := is.secret(is.current)
	if !ok {
		return "", 0, domain.Internal(errors.New("auth: issue token: no signing key"))
	}
	now, ttl := is.now(), is.ttl()
	c.RegisteredClaims = jwt.RegisteredClaims{
		Issuer:    TokenIssuer,
		Subject:   strconv.FormatInt(c.UserID, 10),
		Audience:  jwt.ClaimStrings{TokenAudience},
		ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		NotBefore: jwt.NewNumericDate(now),
		IssuedAt:  jwt.NewNumericDate(now),
		ID:        newJTI(),
	}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, &c)
	t.Header["kid"] = is.current
	s, err := t.SignedString(secret)
	if err != nil {
		return "", 0, domain.Internal(fmt.Errorf("auth: sign token: %w", err))
	}
	return s, ttl, nil
}

// newJTI returns 16 random bytes, base64url.
func newJTI() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand, Go ≥ 1.24)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Parse verifies token and returns its claims. It refuses, with the
// unauthorized *domain.Error of InvalidSession (cause attached), a token that
// is malformed or too long, not HS256 (alg "none" included), has a missing
// or unknown kid, a bad signature, a wrong iss or aud, no exp, an exp in
// the past, an nbf or iat in the future, a sub that is not a positive user
// id, no role, or no sid. Whether the session is still open is the
// caller's to check.
func (is *Issuer) Parse(token string) (*Claims, error) {
	if len(token) > maxTokenLen {
		return nil, InvalidSession(errors.New("auth: token too long"))
	}
	c := &Claims{}
	_, err := jwt.ParseWithClaims(token, c, is.keyFunc,
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithIssuer(TokenIssuer),
		jwt.WithAudience(TokenAudience),
		jwt.WithTimeFunc(is.now),
	)
	if err != nil {
		return nil, InvalidSession(fmt.Errorf("auth: parse token: %w", err))
	}
	id, err := strconv.ParseInt(c.Subject, 10, 64)
	if err != nil || id <= 0 {
		return nil, InvalidSession(fmt.Errorf("auth: token subject %q is not a user id", c.Subject))
	}
	if c.Role == "" {
		return nil, InvalidSession(errors.New("auth: token has no role"))
	}
	if c.SessionID == "" {
		return nil, InvalidSession(errors.New("auth: token has no session id"))
	}
	c.UserID = id
	return c, nil
}

// keyFunc returns the secret named by the token's kid header.
func (is *Issuer) keyFunc(t *jwt.Token) (any, error) {
	if t.Method != jwt.SigningMethodHS256 { // also checked by WithValidMethods
		return nil, fmt.Errorf("unexpected signing method %v", t.Header["alg"])
	}
	kid, _ := t.Header["kid"].(string)
	if kid == "" {
		return nil, errors.New("no kid in the token header")
	}
	s, ok := is.secret(kid)
	if !ok {
		return nil, fmt.Errorf("unknown kid %q", kid)
	}
	return s, nil
}
