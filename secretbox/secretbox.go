// Package secretbox encrypts what the database must not hold in clear (the
// channel tokens: page access tokens, Zalo OA secret keys and access tokens;
// a denouncer's identity) with AES-256-GCM, under a key derived from
// CAUNOI_SECRET_KEY by HKDF-SHA-256 with a label naming the purpose, so that
// each purpose, and the same secret used elsewhere, gets another key.
//
// A sealed value is: a version byte (1), a 12-byte random nonce, then the
// ciphertext and its 16-byte tag. The additional data binds a value to where
// it is stored (for instance "facebook/104857600123456/access_token"): a
// value copied into another row or column does not open.
//
// Nothing here logs, and no error message holds a secret or a plaintext.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
)

// MinSecretLen is the shortest CAUNOI_SECRET_KEY accepted, in bytes.
const MinSecretLen = 32

// The purposes of NewFor: the HKDF info of each derived key.
const (
	PurposeChannelTokens = "caunoi channel tokens v1"
	PurposeIdentities    = "caunoi denouncer identities v1"
)

const version byte = 1

// ErrNoSecret is returned by New for an empty secret.
var ErrNoSecret = errors.New("CAUNOI_SECRET_KEY is not set; it is required to store or use channel tokens (at least 32 characters, e.g. `openssl rand -hex 32`)")

// ErrShortSecret is returned by New for a secret under MinSecretLen bytes.
var ErrShortSecret = fmt.Errorf("CAUNOI_SECRET_KEY must be at least %d characters", MinSecretLen)

// ErrOpen is returned by Open for a value that does not decrypt: sealed
// under another key or for another place, truncated, or altered.
var ErrOpen = errors.New("secretbox: the stored value does not decrypt with CAUNOI_SECRET_KEY (was the key changed?)")

// Box seals and opens values. It is safe for concurrent use.
type Box struct {
	aead cipher.AEAD
}

// New derives the channel tokens' key from secret: NewFor(secret,
// PurposeChannelTokens).
func New(secret string) (*Box, error) { return NewFor(secret, PurposeChannelTokens) }

// NewFor derives the key for purpose from secret. It returns ErrNoSecret for
// an empty secret and ErrShortSecret for one shorter than MinSecretLen bytes.
func NewFor(secret, purpose string) (*Box, error) {
	switch {
	case secret == "":
		return nil, ErrNoSecret
	case len(secret) < MinSecretLen:
		return nil, fmt.Errorf("%w (it is %d)", ErrShortSecret, len(secret))
	}
	key, err := hkdf.Key(sha256.New, []byte(secret), nil, purpose, 32)
	if err != nil {
		return nil, fmt.Errorf("secretbox: derive key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plaintext for the place named by aad. It returns nil for an
// empty plaintext (nothing to store), and an error only when the system's
// random source fails.
func (b *Box) Seal(plaintext, aad string) ([]byte, error) {
	if plaintext == "" {
		return nil, nil
	}
	ns := b.aead.NonceSize()
	out := make([]byte, 1+ns, 1+ns+len(plaintext)+b.aead.Overhead())
	out[0] = version
	if _, err := rand.Read(out[1 : 1+ns]); err != nil {
		return nil, fmt.Errorf("secretbox: random nonce: %w", err)
	}
	return b.aead.Seal(out, out[1:1+ns], []byte(plaintext), []byte(aad)), nil
}

// Open decrypts a value sealed for aad. It returns "" for an empty value
// (nothing stored) and ErrOpen for anything that does not decrypt.
func (b *Box) Open(sealed []byte, aad string) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	ns := b.aead.NonceSize()
	if len(sealed) < 1+ns+b.aead.Overhead() || sealed[0] != version {
		return "", ErrOpen
	}
	plain, err := b.aead.Open(nil, sealed[1:1+ns], sealed[1+ns:], []byte(aad))
	if err != nil {
		return "", ErrOpen
	}
	return string(plain), nil
}

// AAD names where a channel account's token is stored: platform, account
// id and field ("access_token" or "secret_key").
func AAD(platform, accountID, field string) string {
	return platform + "/" + accountID + "/" + field
}
