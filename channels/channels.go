package channels

import (
	"errors"
	"time"
)

// MaxText is the longest text, in characters (runes), that one Facebook or
// Zalo message may carry; longer texts are sent as several messages.
const MaxText = 2000

// ErrSignature is wrapped by every verification failure: a missing or
// malformed signature header, a signature that does not match, no secret
// configured, or a body the signature inputs cannot be read from. A webhook
// handler answers 401 to it and stores nothing.
var ErrSignature = errors.New("invalid webhook signature")

// ErrMalformed is wrapped by every parse failure: the body is not the JSON the
// platform sends, or a message lacks the ids it cannot be stored without.
var ErrMalformed = errors.New("malformed webhook payload")

// DefaultTimeout bounds one outbound request of a client built without an
// *http.Client of its own.
const DefaultTimeout = 15 * time.Second
