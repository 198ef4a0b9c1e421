package apitest

import (
	"context"
	"testing"

	"caunoi/channels"
	"caunoi/channels/facebook"
	"caunoi/channels/zalo"
	"caunoi/internal/httpx"

	"caunoi/domain"
	"caunoi/secretbox"
)

// SecretKey is a CAUNOI_SECRET_KEY for tests: AddChannel seals with it.
const SecretKey = "apitest-channel-secret-key-0123456789abcdef"

// WithFacebook sets the Facebook app secret (CAUNOI_FACEBOOK_APP_SECRET)
// and the subscription handshake's verify token.
func WithFacebook(appSecret, verifyToken string) Option {
	return func(c *httpx.Config) { c.Channels = Platforms(appSecret, verifyToken) }
}

// WithPlatforms serves the platforms of r (a test's own, say).
func WithPlatforms(r *channels.Registry) Option {
	return func(c *httpx.Config) { c.Channels = r }
}

// Platforms is the program's platforms as cmd/caunoi registers them, with
// the Facebook app secret and verify token, their clients on the real
// platforms' addresses (a test of replies builds its own, on a fake).
func Platforms(appSecret, verifyToken string) *channels.Registry {
	return channels.NewRegistry(facebook.NewAdapter(facebook.NewClient("", nil), appSecret, verifyToken),
		zalo.NewAdapter(zalo.NewClient("", nil)))
}

// IdentitySealer is the key that seals denouncers' identities for key, or
// for SecretKey when key is "" (a test server always stores denunciations;
// a test of the missing key builds its own store).
func IdentitySealer(t testing.TB, key string) *secretbox.Box {
	t.Helper()
	if key == "" {
		key = SecretKey
	}
	b, err := secretbox.NewFor(key, secretbox.PurposeIdentities)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// WithSecretKey sets CAUNOI_SECRET_KEY ("" leaves it unset).
func WithSecretKey(key string) Option {
	return func(c *httpx.Config) { c.SecretKey = key }
}

// Channel is a fanpage or OA to map to a unit with AddChannel.
type Channel struct {
	Platform    domain.Platform
	Unit        string // unit code
	AccountID   string // page id or OA id
	AppID       string
	AccessToken string // plain; sealed with SecretKey
	SecretKey   string // plain; sealed with SecretKey
}

// AddChannel maps a page or OA to a unit through the store, its tokens
// sealed with SecretKey (so start the server WithSecretKey(SecretKey)), and
// returns its id; it fails the test on error.
func (e *Env) AddChannel(ch Channel) int64 {
	e.T.Helper()
	box, err := secretbox.New(SecretKey)
	if err != nil {
		e.T.Fatal(err)
	}
	in := domain.ChannelAccountInput{Unit: ch.Unit, Platform: ch.Platform, AccountID: ch.AccountID, AppID: ch.AppID}
	if in.AccessTokenEnc, err = box.Seal(ch.AccessToken, secretbox.AAD(string(ch.Platform), ch.AccountID, "access_token")); err != nil {
		e.T.Fatal(err)
	}
	if in.SecretKeyEnc, err = box.Seal(ch.SecretKey, secretbox.AAD(string(ch.Platform), ch.AccountID, "secret_key")); err != nil {
		e.T.Fatal(err)
	}
	acc, err := e.Store.CreateChannelAccount(context.Background(), nil, in)
	if err != nil {
		e.T.Fatalf("add channel: %v", err)
	}
	return acc.ID
}
