// Package channels holds what the platforms' adapters (channels/facebook,
// channels/zalo) share: the Adapter interface and the Registry of the
// platforms the program serves, the limit, splitting and sending of
// outbound texts in parts, the error type that tells an outbox worker
// whether a failed send is worth retrying, and the sentinel errors of
// webhook verification and parsing.
//
// The adapters import only the standard library, domain and this package.
// Nothing else names a platform: the webhook (webhook) serves
// /webhooks/{platform} for every registered adapter, the outbox worker
// (jobs.ChannelSenders) sends each outbox kind with its adapter's sender,
// and the store (repository.WithReplyRoutes) asks the Registry which kind
// answers a ticket.
//
// Adding a platform (e-mail intake, say) touches:
//
//   - a new package channels/<platform> with a type that implements Adapter
//     (and Handshaker when the platform checks its webhook with a GET);
//   - one registration line in cmd/caunoi/platforms.go (and in
//     internal/apitest's registry for the tests);
//   - when its tickets need a channel of their own, that channel in
//     domain.Channels and a migration widening the tickets' channel check
//     (e-mail has one: domain.ChannelEmail).
//
// The channel accounts take any registered platform (migration 0008); the
// administration offers and accepts the registered ones; the command line's
// `channel add` knows the flags of Facebook and Zalo only.
//
// webhook/platform_test.go's fake platform holds that list: it is
// registered from a test package and a delivery and a reply go through it.
package channels
