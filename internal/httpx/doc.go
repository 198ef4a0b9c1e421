// Package httpx is what Cầu Nối's HTTP rooms (api, ui, open311, webhook)
// share: their dependencies (Core: configuration, the store, the log, the
// sign-in throttles and limits), the one place errors become HTTP answers
// (WriteError, the shared error shape), decoding, the middleware, /metrics,
// staff sign-in and sessions, and the few request-level actions that both the
// JSON API and the pages perform (Intake, the report PDF, the rule test, the
// ticket filter, sealing a channel's secrets).
package httpx
