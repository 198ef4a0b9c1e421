package channels

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"caunoi/domain"
)

// Adapter is one platform, as the rest of Cầu Nối sees it: the webhook
// (server/webhook) hands it each delivery to verify and parse, the outbox
// worker (jobs) asks it for the senders of its outbox kinds, and the store
// asks it, through the Registry, which outbox kind answers a ticket of one
// of its channels. See doc.go for adding one.
type Adapter interface {
	// Platform names the platform: its channel accounts' platform and its
	// webhook's path, /webhooks/{platform}.
	Platform() domain.Platform
	// Deadline is how long a delivery may take to be stored before the
	// webhook answers 503: within what the platform waits for its 200.
	Deadline() time.Duration
	// Receive verifies a delivery (wrapping ErrSignature when it does not,
	// ErrUnknownAccount when it names an account no unit owns) and parses
	// it (wrapping ErrMalformed) into its citizens' messages, each naming
	// its account in AccountID. accounts finds the accounts whose own
	// secret signs a delivery.
	Receive(ctx context.Context, d Delivery, accounts Accounts) ([]domain.Inbound, error)
	// Senders returns, by outbox kind, how the platform sends one reply.
	Senders() map[string]SendFunc
	// ReplyRoute returns the outbox kind that answers a ticket of channel ch
	// and the platform's reply window (0: none); ok is false when ch is not
	// one of the platform's channels.
	ReplyRoute(ch domain.Channel) (kind string, window time.Duration, ok bool)
}

// Handshaker is an Adapter whose platform checks the webhook with a GET
// before it delivers (Facebook's subscription handshake): Handshake returns
// the text to answer, ok false to refuse.
type Handshaker interface {
	Handshake(query url.Values) (answer string, ok bool)
}

// Delivery is one webhook request as the platform sent it.
type Delivery struct {
	Body   []byte
	Header http.Header
}

// Accounts is what an adapter may ask of the channel accounts while it
// verifies a delivery.
type Accounts interface {
	// Account returns the active account of the platform with the id it has
	// there (a page id, an OA id); a domain not_found error when none.
	Account(ctx context.Context, accountID string) (domain.ChannelAccount, error)
	// Secret opens the account's sealed secret (its field "secret_key").
	Secret(acc domain.ChannelAccount) (string, error)
}

// ErrUnknownAccount is wrapped by Receive when a delivery names an account
// no unit owns: the webhook acknowledges it and stores nothing.
var ErrUnknownAccount = errors.New("the delivery's account belongs to no unit")

// SendFunc sends one reply and returns the platform's id of its first
// message; a text longer than MaxText goes out in parts (SendParts). Its
// errors are *Error.
type SendFunc func(ctx context.Context, r Reply) (string, error)

// Reply is what a SendFunc sends: with the account's access token, to
// recipient (a comment id, a PSID, a Zalo user id), the text, and when the
// citizen last wrote (for the platforms whose rules depend on it), at Now.
type Reply struct {
	Token, Recipient, Text string
	LastCitizenAt, Now     time.Time
}

// Registry is the platforms the program serves, registered once at start
// (cmd/caunoi), in order.
type Registry struct {
	adapters []Adapter
}

// NewRegistry returns a registry of the adapters; it panics when two share
// a platform or an outbox kind (a wiring mistake, found at start).
func NewRegistry(adapters ...Adapter) *Registry {
	platforms, kinds := map[domain.Platform]bool{}, map[string]bool{}
	for _, a := range adapters {
		if platforms[a.Platform()] {
			panic("channels: platform " + string(a.Platform()) + " registered twice")
		}
		platforms[a.Platform()] = true
		for k := range a.Senders() {
			if kinds[k] {
				panic("channels: outbox kind " + k + " registered twice")
			}
			kinds[k] = true
		}
	}
	return &Registry{adapters: adapters}
}

// Adapters returns the registered adapters, in order.
func (r *Registry) Adapters() []Adapter {
	if r == nil {
		return nil
	}
	return r.adapters
}

// Adapter returns the adapter of platform p.
func (r *Registry) Adapter(p domain.Platform) (Adapter, bool) {
	for _, a := range r.Adapters() {
		if a.Platform() == p {
			return a, true
		}
	}
	return nil, false
}

// ReplyRoute returns the outbox kind that answers a ticket of channel ch on
// its platform ("" for channels no platform answers: the tracking page
// shows the reply) and the platform's reply window (0: none).
func (r *Registry) ReplyRoute(ch domain.Channel) (kind string, window time.Duration) {
	for _, a := range r.Adapters() {
		if kind, window, ok := a.ReplyRoute(ch); ok {
			return kind, window
		}
	}
	return "", 0
}
