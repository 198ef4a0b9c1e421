package main

import (
	"caunoi/channels"
	"caunoi/channels/facebook"
	"caunoi/channels/zalo"
)

// platforms is the one place the platforms the program serves are
// registered (see channels/doc.go): their webhooks, their replies and the
// routing of replies to them.
func platforms(cfg Config) *channels.Registry {
	return channels.NewRegistry(
		facebook.NewAdapter(facebook.NewClient(cfg.FacebookGraphURL, nil), cfg.FacebookAppSecret, cfg.FacebookVerifyToken),
		zalo.NewAdapter(zalo.NewClient(cfg.ZaloAPIURL, nil)),
	)
}
