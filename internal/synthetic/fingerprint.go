package synthetic

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"strings"
)

//go:embed *.go
var sources embed.FS

// Fingerprint is a hash of the generator's code: a test template filled by
// it is keyed by it (demo.TemplateKey), so a change fills them anew.
func Fingerprint() string {
	h := sha256.New()
	names, _ := fs.Glob(sources, "*.go") // cannot fail: the pattern is valid
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		b, _ := sources.ReadFile(n) // cannot fail: embedded
		h.Write([]byte(n))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}
