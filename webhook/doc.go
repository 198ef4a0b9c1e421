// Package webhook receives the platforms' deliveries: POST /webhooks/facebook
// and /webhooks/zalo verify the signature with the account's secret, parse
// the delivery with the platform's package under channels, and store it as a
// ticket or a message on one; the answer is 200 only once it is committed.
package webhook

import "caunoi/internal/httpx"

// handler is the webhooks' handlers over the shared dependencies.
type handler struct{ *httpx.Core }
