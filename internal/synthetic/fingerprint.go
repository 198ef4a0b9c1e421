package synthetic

import (
	"embed"

	"caunoi/internal/srchash"
)

//go:embed *.go
var sources embed.FS

// Fingerprint is a hash of the generator's code: a test template filled by
// it is keyed by it (demo.TemplateKey), so a change fills them anew.
func Fingerprint() string { return srchash.Of(sources) }
