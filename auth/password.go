package auth

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"

	"golang.org/x/crypto/bcrypt"

	"caunoi/domain"
)

// PasswordCost is the bcrypt cost of new password hashes.
const PasswordCost = 10

// bcryptMaxLen is the longest input bcrypt uses; GenerateFromPassword refuses
// longer ones.
const bcryptMaxLen = 72

// dummyHash is a bcrypt hash (cost PasswordCost) of a password nobody knows.
// DummyCheck compares against it so an unknown e-mail costs as much time as
// a known one. It is a constant: no state is computed at start-up.
const dummyHash = "$2a$10$kMiikz8z6/wGNmqyTpav5u0UzstWiNecqCoNMw0Q4GlhLPhXIufTu"

// passwordInput returns the bytes given to bcrypt for pw.
//
// bcrypt reads only the first 72 bytes of its input, so two long passphrases
// sharing a 72-byte prefix would be the same password. Passwords longer than
// 72 bytes are therefore pre-hashed: base64(SHA-256(pw)), 44 ASCII bytes with
// no NUL, so every byte of a long password counts. Passwords of 72 bytes or
// fewer go to bcrypt unchanged, so hashes stay plain, portable bcrypt hashes
// (a hash made elsewhere with bcrypt, e.g. by a seed script, still verifies).
func passwordInput(pw string) []byte {
	if len(pw) <= bcryptMaxLen {
		return []byte(pw)
	}
	sum := sha256.Sum256([]byte(pw))
	out := make([]byte, base64.StdEncoding.EncodedLen(len(sum)))
	base64.StdEncoding.Encode(out, sum[:])
	return out
}

// HashPassword returns the bcrypt hash (cost PasswordCost) of pw, to be
// stored. Passwords longer than 72 bytes are accepted and pre-hashed with
// SHA-256 (see CheckPassword, which does the same). It returns an
// invalid_input *domain.Error (field "password": "required") for an empty
// password, and an internal *domain.Error if bcrypt fails. Password policy
// (minimum length and so on) is the caller's business.
func HashPassword(pw string) (string, error) {
	if pw == "" {
		return "", domain.Invalid("Mật khẩu không được để trống.", "The password must not be empty.",
			map[string]string{"password": "required"})
	}
	h, err := bcrypt.GenerateFromPassword(passwordInput(pw), PasswordCost)
	if err != nil {
		return "", domain.Internal(fmt.Errorf("auth: hash password: %w", err))
	}
	return string(h), nil
}

// CheckPassword reports whether pw matches hash, a hash made by HashPassword
// (or any bcrypt hash of a password of at most 72 bytes). A malformed hash or
// an empty password gives false. The comparison is constant-time and costs
// one bcrypt computation at the hash's cost.
func CheckPassword(hash, pw string) bool {
	if pw == "" {
		// Still spend the time, so an empty password is not a timing oracle.
		DummyCheck("")
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), passwordInput(pw)) == nil
}

// DummyCheck spends the time CheckPassword spends on a hash of cost
// PasswordCost, and always fails. Call it when the e-mail names no account
// (or a disabled one), so the answer time does not reveal whether the account
// exists. Hashes of another cost (see NeedsRehash) take a different time.
func DummyCheck(pw string) {
	_ = bcrypt.CompareHashAndPassword([]byte(dummyHash), passwordInput(pw))
}

// NeedsRehash reports whether hash was made with a cost other than
// PasswordCost (or is not a bcrypt hash), so the caller may store a new hash
// after a successful sign-in.
func NeedsRehash(hash string) bool {
	cost, err := bcrypt.Cost([]byte(hash))
	return err != nil || cost != PasswordCost
}
