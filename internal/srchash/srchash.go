// Package srchash fingerprints a package's own source files, embedded by
// that package, so that test templates filled by its code are keyed by it.
package srchash

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"strings"
)

// Of returns a short hash of the non-test .go files at the top of fsys,
// names and contents. An unreadable file counts as empty.
func Of(fsys fs.FS) string {
	h := sha256.New()
	names, _ := fs.Glob(fsys, "*.go") // cannot fail: the pattern is valid
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		b, _ := fs.ReadFile(fsys, n)
		h.Write([]byte(n))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)[:8])
}
