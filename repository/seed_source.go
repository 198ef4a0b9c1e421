package repository

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
)

//go:embed seed.go synthetic.go synthetic_copy.go
var seedSources embed.FS

// SeedFingerprint is a hash of the code that seeds a database (Seed, and
// the synthetic generator): test templates filled by it are keyed by it,
// so a change of that code fills them anew.
func SeedFingerprint() string {
	h := sha256.New()
	for _, n := range []string{"seed.go", "synthetic.go", "synthetic_copy.go"} {
		b, _ := seedSources.ReadFile(n) // cannot fail: embedded above
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}
