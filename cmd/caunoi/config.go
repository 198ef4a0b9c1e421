package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Config is the program's configuration, read once from the environment
// (API.md, "Configuration") and validated before anything starts.
type Config struct {
	DatabaseURL         string
	Addr                string
	PublicURL           string
	JWTSecret           string
	JWTPreviousSecret   string // still accepted while its tokens live: rotation without signing everyone out
	SecretKey           string
	FacebookAppSecret   string
	FacebookVerifyToken string
	FacebookGraphURL    string
	ZaloAPIURL          string
	Timezone            string
	Location            *time.Location
	RateLimit           bool
	TrustedProxies      []string
	SMTPURL             string
	LogFormat           string // json (default) or text
	DebugAddr           string // a loopback host:port serving net/http/pprof; empty: none
}

// DefaultDatabaseURL is used when DATABASE_URL is unset.
const DefaultDatabaseURL = "postgres://postgres@127.0.0.1:5432/caunoi?sslmode=disable"

// LoadConfig reads the configuration with its defaults; it does not validate.
func LoadConfig(getenv func(string) string) Config {
	get := func(k, def string) string {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		DatabaseURL:         get("DATABASE_URL", DefaultDatabaseURL),
		Addr:                get("CAUNOI_ADDR", ":8080"),
		PublicURL:           strings.TrimRight(get("CAUNOI_PUBLIC_URL", "http://localhost:8080"), "/"),
		JWTSecret:           getenv("CAUNOI_JWT_SECRET"),
		JWTPreviousSecret:   getenv("CAUNOI_JWT_PREVIOUS_SECRET"),
		SecretKey:           getenv("CAUNOI_SECRET_KEY"),
		FacebookAppSecret:   getenv("CAUNOI_FACEBOOK_APP_SECRET"),
		FacebookVerifyToken: getenv("CAUNOI_FACEBOOK_VERIFY_TOKEN"),
		FacebookGraphURL:    strings.TrimRight(get("CAUNOI_FACEBOOK_GRAPH_URL", "https://graph.facebook.com/v21.0"), "/"),
		ZaloAPIURL:          strings.TrimRight(get("CAUNOI_ZALO_API_URL", "https://openapi.zalo.me"), "/"),
		Timezone:            get("CAUNOI_TIMEZONE", "Asia/Ho_Chi_Minh"),
		RateLimit:           !strings.EqualFold(get("CAUNOI_RATE_LIMIT", "on"), "off"),
		SMTPURL:             getenv("CAUNOI_SMTP_URL"),
		LogFormat:           get("CAUNOI_LOG_FORMAT", "json"),
		DebugAddr:           getenv("CAUNOI_DEBUG_ADDR"),
	}
	for _, p := range strings.Split(getenv("CAUNOI_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	return c
}

// ValidateDatabase checks what every subcommand needs: a usable DATABASE_URL.
func (c *Config) ValidateDatabase() error {
	return validateDatabaseURL(c.DatabaseURL)
}

// Validate checks what the server needs; the error is one line that names
// the variable and the fix.
func (c *Config) Validate() error {
	var errs []string
	if err := validateDatabaseURL(c.DatabaseURL); err != nil {
		errs = append(errs, err.Error())
	}
	switch {
	case c.JWTSecret == "":
		errs = append(errs, "CAUNOI_JWT_SECRET is required (at least 32 bytes; e.g. `openssl rand -hex 32`)")
	case len(c.JWTSecret) < 32:
		errs = append(errs, fmt.Sprintf("CAUNOI_JWT_SECRET is %d bytes; it must be at least 32", len(c.JWTSecret)))
	}
	if c.JWTPreviousSecret != "" && len(c.JWTPreviousSecret) < 32 {
		errs = append(errs, "CAUNOI_JWT_PREVIOUS_SECRET must be at least 32 bytes")
	}
	if c.SecretKey != "" && len(c.SecretKey) < 32 {
		errs = append(errs, fmt.Sprintf("CAUNOI_SECRET_KEY is %d characters; it must be at least 32", len(c.SecretKey)))
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		errs = append(errs, fmt.Sprintf("CAUNOI_ADDR %q is not host:port (e.g. :8080)", c.Addr))
	}
	for name, v := range map[string]string{"CAUNOI_PUBLIC_URL": c.PublicURL,
		"CAUNOI_FACEBOOK_GRAPH_URL": c.FacebookGraphURL, "CAUNOI_ZALO_API_URL": c.ZaloAPIURL} {
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Sprintf("%s %q is not an http(s) URL", name, v))
		}
	}
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Host == "" {
			errs = append(errs, "CAUNOI_SMTP_URL must look like smtp://user:pass@host:587?from=noreply@example.vn")
		}
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		if c.Timezone == "Asia/Ho_Chi_Minh" {
			loc = time.FixedZone("ICT", 7*3600) // no tz database on this machine: Vietnam has no DST
		} else {
			errs = append(errs, fmt.Sprintf("CAUNOI_TIMEZONE %q is not a known time zone", c.Timezone))
		}
	}
	c.Location = loc
	for _, p := range c.TrustedProxies {
		if net.ParseIP(p) == nil {
			if _, _, err := net.ParseCIDR(p); err != nil {
				errs = append(errs, fmt.Sprintf("CAUNOI_TRUSTED_PROXIES: %q is not an address or CIDR", p))
			}
		}
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, "CAUNOI_LOG_FORMAT must be json or text")
	}
	if c.DebugAddr != "" && !loopback(c.DebugAddr) {
		errs = append(errs, fmt.Sprintf("CAUNOI_DEBUG_ADDR %q must be a loopback host:port such as 127.0.0.1:6060 "+
			"(profiles show request data: never serve them to the network)", c.DebugAddr))
	}
	if len(errs) > 0 {
		return errors.New("configuration: " + strings.Join(errs, "; "))
	}
	return nil
}

// loopback reports whether addr is host:port with a loopback address or
// localhost as its host.
func loopback(addr string) bool {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func validateDatabaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		return fmt.Errorf("DATABASE_URL is not a PostgreSQL URL (postgres://user@host:5432/dbname)")
	}
	return nil
}

// redactURL hides the password of a database URL for messages and logs.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}
