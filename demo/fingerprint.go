package demo

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"time"

	"caunoi/internal/srchash"
	"caunoi/internal/synthetic"
	"caunoi/repository"
)

//go:embed *.go
var sources embed.FS

// Fingerprint is a hash of the demo's data and seeding code (this
// package's files), of the repository's seeding code and of the synthetic
// generator: it changes whenever what SeedReference writes may.
func Fingerprint() string {
	h := sha256.Sum256([]byte(srchash.Of(sources) + repository.SeedFingerprint() + synthetic.Fingerprint()))
	return hex.EncodeToString(h[:8])
}

// TemplateKey is the key of a test database template that what fills with
// SeedReference at now (pgtest.NewURLFrom): the day and the Fingerprint
// are in it, so a template filled by other code, data or day is never used.
func TemplateKey(what string, now time.Time) string {
	return what + "/" + now.UTC().Format("2006-01-02") + "/" + Fingerprint()
}
