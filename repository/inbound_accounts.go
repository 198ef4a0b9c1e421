package repository

import (
	"bytes"
	"sync"
	"time"

	"caunoi/domain"
)

// accountCache keeps the channel accounts the webhooks look up, by platform
// and page or OA id, each for checkEvery after it was read: every delivery
// names its account, and a query for it cost, in round trips and database
// time, as much as the rest of the delivery's storing. As with the
// catalogs, a change made through this Store is seen at once (it drops the
// cache), one made on another server within checkEvery. Only active
// accounts are kept; an unknown one is asked for each time.
type accountCache struct {
	mu     sync.Mutex
	byKey  map[string]cachedAccount
	gen    uint64 // drops so far: a read begun before a drop is not kept
	maxAge time.Duration
}

type cachedAccount struct {
	acc    domain.ChannelAccount
	readAt time.Time
}

func newAccountCache() *accountCache {
	return &accountCache{byKey: map[string]cachedAccount{}, maxAge: checkEvery}
}

func accountKey(platform domain.Platform, accountID string) string {
	return string(platform) + "\x00" + accountID
}

// get returns the account read less than maxAge ago, its tokens copied;
// otherwise false and the generation to give put with what is read now.
func (c *accountCache) get(platform domain.Platform, accountID string) (domain.ChannelAccount, uint64, bool) {
	c.mu.Lock()
	e, ok := c.byKey[accountKey(platform, accountID)]
	gen := c.gen
	c.mu.Unlock()
	if !ok || time.Since(e.readAt) >= c.maxAge {
		return domain.ChannelAccount{}, gen, false
	}
	return withOwnTokens(e.acc), gen, true
}

// put keeps acc, read from readAt on, unless the cache was dropped since
// generation gen.
func (c *accountCache) put(platform domain.Platform, accountID string, acc domain.ChannelAccount, readAt time.Time, gen uint64) {
	acc = withOwnTokens(acc)
	c.mu.Lock()
	if c.gen == gen {
		c.byKey[accountKey(platform, accountID)] = cachedAccount{acc: acc, readAt: readAt}
	}
	c.mu.Unlock()
}

// drop forgets every account (after a change of accounts or units here).
func (c *accountCache) drop() {
	c.mu.Lock()
	clear(c.byKey)
	c.gen++
	c.mu.Unlock()
}

// withOwnTokens returns acc with copies of its sealed tokens, so that
// neither the cache nor a caller shares them.
func withOwnTokens(acc domain.ChannelAccount) domain.ChannelAccount {
	acc.SecretKeyEnc, acc.AccessTokenEnc = bytes.Clone(acc.SecretKeyEnc), bytes.Clone(acc.AccessTokenEnc)
	return acc
}
