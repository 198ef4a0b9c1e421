package httpx

import (
	"log/slog"
	"time"

	"caunoi/auth"
	"caunoi/channels"
	"caunoi/ratelimit"
	"caunoi/repository"
)

// Config is what the HTTP layer needs from the program's configuration.
type Config struct {
	PublicURL      string
	Location       *time.Location
	RateLimit      bool
	TrustedProxies []string
	Now            func() time.Time // the clock; time.Now when nil
	Issuer         *auth.Issuer     // signs and checks staff access tokens

	Channels  *channels.Registry // the platforms: their webhooks, /webhooks/{platform}
	SecretKey string             // CAUNOI_SECRET_KEY: encrypts channel tokens at rest

	Metrics *Metrics // the registry shared with the job runner; a new one when nil
}

// Core holds the HTTP layer's dependencies.
type Core struct {
	Cfg         Config
	Store       *repository.Store
	Log         *slog.Logger
	IntakeLimit *ratelimit.Limiter
	LookupLimit *ratelimit.Limiter
	Issuer      *auth.Issuer
	Throttle    *auth.Throttle // failed sign-ins per account at an address
	// AddrThrottle: failed sign-ins per address, whatever the account; it
	// allows more (a commune office signs in from one address).
	AddrThrottle *auth.Throttle
	Sessions     *sessionCache
}

// The address throttle: how many failed sign-ins an address makes, over
// all accounts, before it waits, and its longest wait. An office or a
// mobile carrier signs many people in from one address: its waits stay
// short, while guessing at many accounts from it stays slow.
const (
	addrFreeFailures = 20
	addrMaxWait      = time.Minute
)

// NewCore returns a Server; Handler builds its router.
func NewCore(cfg Config, store *repository.Store, log *slog.Logger) *Core {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Location == nil {
		cfg.Location = time.FixedZone("ICT", 7*3600)
	}
	s := &Core{Cfg: cfg, Store: store, Log: log, Issuer: cfg.Issuer,
		Throttle: auth.NewThrottle(auth.ThrottleOptions{}), AddrThrottle: auth.NewThrottle(auth.ThrottleOptions{Free: addrFreeFailures, Max: addrMaxWait}),
		Sessions: NewSessionCache()}
	s.IntakeLimit, s.LookupLimit = NewLimiters(cfg.RateLimit)
	return s
}
