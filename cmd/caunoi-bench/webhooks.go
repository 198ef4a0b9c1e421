package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"caunoi/channels/facebook"
	"caunoi/demo"
)

// The fanpage the webhook measurement delivers to (the id of the channels'
// test fixture), mapped to the demo commune with `caunoi channel add`.
const (
	benchPageID = "104857600123456"
	benchPageTo = "xuan-lung"
)

// measureWebhooks measures signed Facebook feed-comment deliveries
// (POST /webhooks/facebook, X-Hub-Signature-256 with the app secret the
// server was started with) with the intake's load: 8 clients, closed loop.
// Every delivery is one new top-level comment by a sender of its own, with
// its own comment id, so that each makes one new ticket (none is a
// redelivery and none threads onto an open ticket of its sender); the
// count of new facebook_comment tickets stored must equal the count of 200s.
func measureWebhooks(ctx context.Context, b *bench) (Figure, error) {
	if f, err := notYet(ctx, b, http.MethodPost, "/webhooks/facebook"); f != nil || err != nil {
		return deref(f), err
	}
	if _, err := b.caunoi(ctx, "channel", "add", "facebook", "--unit", benchPageTo, "--page-id", benchPageID,
		"--name", "Trang bench"); err != nil {
		return Figure{}, err
	}
	var before int64
	if err := b.db.GetContext(ctx, &before, "SELECT coalesce(max(id), 0) FROM tickets"); err != nil {
		return Figure{}, err
	}
	d := newDeliveries(b.fbAppSecret, time.Now())
	url := b.baseURL + "/webhooks/facebook"
	res := runLoad(ctx, b.p.Clients, b.p.Duration, func(c, i int) request {
		body, sig := d.next(c, i)
		return request{method: http.MethodPost, url: url, contentType: "application/json",
			header: map[string]string{facebook.SignatureHeader: sig}, body: body}
	})
	var stored int
	if err := b.db.GetContext(ctx, &stored, `SELECT count(*) FROM tickets WHERE id > $1 AND channel = 'facebook_comment'
		AND unit_id = (SELECT id FROM units WHERE code = $2)`, before, benchPageTo); err != nil {
		return Figure{}, err
	}
	f := figureOf(res, http.StatusOK, "deliveries")
	ok := res.ByStatus[http.StatusOK]
	f.Extra = map[string]any{"answered_200": ok, "tickets_stored": stored, "by_status": res.ByStatus,
		"page_id": benchPageID, "unit": benchPageTo, "payload": "channels/testdata/fb_feed_comment.json, one comment each"}
	f.Note = fmt.Sprintf("%d answered 200, %d tickets stored", ok, stored)
	if stored != ok {
		f.Note += " — MISMATCH"
		f.Errors += abs(stored - ok)
	}
	return f, nil
}

// deliveries makes the signed feed-comment payloads, shaped like
// channels/testdata/fb_feed_comment.json, with the demo's Vietnamese
// messages.
type deliveries struct {
	secret string
	nonce  string // this run's, so that no id repeats one of an earlier run
	now    int64
	msgs   []string
}

func newDeliveries(secret string, now time.Time) *deliveries {
	d := &deliveries{secret: secret, nonce: strconv.FormatInt(now.UnixNano()%1_000_000, 10), now: now.Unix()}
	for _, m := range demo.SampleMessages() {
		d.msgs = append(d.msgs, m.Body)
	}
	return d
}

// fbComment is the value of a feed change.
type fbComment struct {
	From        fbParty `json:"from"`
	Item        string  `json:"item"`
	CommentID   string  `json:"comment_id"`
	PostID      string  `json:"post_id"`
	ParentID    string  `json:"parent_id"`
	Verb        string  `json:"verb"`
	CreatedTime int64   `json:"created_time"`
	Message     string  `json:"message"`
}

type fbParty struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

var senderNames = []string{"Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Hoàng Văn Em",
	"Vũ Thị Giang", "Đặng Minh Hải", "Bùi Thị Lan"}

// next returns the i-th delivery of client c and its signature: a new
// comment (its own comment id) by a sender of its own on the page's post.
func (d *deliveries) next(c, i int) ([]byte, string) {
	seq := strconv.Itoa(c) + fmt.Sprintf("%08d", i)
	post := benchPageID + "_912345678901234"
	v := fbComment{
		From:        fbParty{ID: "65" + d.nonce + seq, Name: senderNames[(c+i)%len(senderNames)]},
		Item:        "comment",
		CommentID:   "912345678901234_" + d.nonce + seq,
		PostID:      post,
		ParentID:    post,
		Verb:        "add",
		CreatedTime: d.now,
		Message:     d.msgs[(c*7919+i)%len(d.msgs)],
	}
	raw, _ := json.Marshal(v)
	body, _ := json.Marshal(map[string]any{"object": "page", "entry": []any{map[string]any{
		"id": benchPageID, "time": d.now,
		"changes": []any{map[string]any{"field": "feed", "value": json.RawMessage(raw)}},
	}}})
	return body, facebook.Sign(body, d.secret)
}

func deref(f *Figure) Figure {
	if f == nil {
		return Figure{}
	}
	return *f
}
