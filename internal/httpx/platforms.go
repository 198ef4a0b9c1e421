package httpx

import (
	"strings"

	"caunoi/domain"
)

// ServedPlatform returns the platform named by s (case and spaces aside)
// when the program serves it, else "" (which validation refuses).
func (s *Core) ServedPlatform(name string) domain.Platform {
	p := domain.Platform(strings.ToLower(strings.TrimSpace(name)))
	if _, ok := s.Cfg.Channels.Adapter(p); !ok {
		return ""
	}
	return p
}

// Platforms returns the platforms the program serves, in registration order.
func (s *Core) Platforms() []domain.Platform {
	var out []domain.Platform
	for _, a := range s.Cfg.Channels.Adapters() {
		out = append(out, a.Platform())
	}
	return out
}
