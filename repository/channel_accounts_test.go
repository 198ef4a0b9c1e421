package repository_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"caunoi/domain"
	"caunoi/internal/pgtest"
	"caunoi/repository"
)

func TestChannelAccountLookupAndReplyProgress(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	store := repository.NewStore(db, nil)
	ticket := outboxTicket(t, db)
	acc, err := store.CreateChannelAccount(ctx, nil, domain.ChannelAccountInput{Unit: "xa-hoa-binh",
		Platform: domain.PlatformFacebook, AccountID: " 104857600123456 ", AccessTokenEnc: []byte{1, 2, 3}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := store.ChannelAccountByExternal(ctx, domain.PlatformFacebook, "104857600123456")
	if err != nil || got.ID != acc.ID || string(got.AccessTokenEnc) != "\x01\x02\x03" || got.UnitCode != "xa-hoa-binh" {
		t.Fatalf("lookup %+v %v", got, err)
	}
	if _, err := store.ChannelAccountByExternal(ctx, domain.PlatformZalo, "104857600123456"); !domain.IsNotFound(err) {
		t.Errorf("other platform: %v", err)
	}
	if _, err := store.CreateChannelAccount(ctx, nil, domain.ChannelAccountInput{Unit: "xa-hoa-binh",
		Platform: domain.PlatformFacebook, AccountID: "104857600123456"}); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("mapped twice: %v", err)
	}
	off := false
	if _, err := store.UpdateChannelAccount(ctx, nil, acc.ID, domain.ChannelAccountUpdate{Active: &off}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ChannelAccountByExternal(ctx, domain.PlatformFacebook, "104857600123456"); !domain.IsNotFound(err) {
		t.Errorf("deactivated: %v", err)
	}

	id := enqueue(t, db, domain.OutboxMessage{Kind: domain.OutboxFacebookMessage, TicketID: &ticket,
		Payload: domain.ReplyPayload{TicketID: ticket, ChannelAccountID: acc.ID, Recipient: "7012", Text: "x"}})
	items, err := store.ClaimOutbox(ctx, time.Now().Add(time.Minute), 1, time.Minute)
	if err != nil || len(items) != 1 {
		t.Fatalf("claim %v %v", items, err)
	}
	if err := store.SaveReplyProgress(ctx, id, items[0].Attempt, 2); err != nil {
		t.Fatal(err)
	}
	if err := store.SaveReplyProgress(ctx, id, items[0].Attempt+1, 3); domain.ErrorCode(err) != domain.ECONFLICT {
		t.Errorf("another attempt's progress: %v", err)
	}
	var payload []byte
	pgtest.MustGet(t, db, &payload, `SELECT payload FROM outbox WHERE id = $1`, id)
	var p struct {
		Recipient string `json:"recipient"`
		Sent      int    `json:"sent"`
	}
	if json.Unmarshal(payload, &p); p.Sent != 2 || p.Recipient != "7012" {
		t.Errorf("payload %s", payload)
	}

	// deleted when no ticket came in through it, else deactivated
	if _, err := db.Exec(`UPDATE tickets SET channel_account_id = $1`, acc.ID); err != nil {
		t.Fatal(err)
	}
	deleted, now, err := store.DeleteChannelAccount(ctx, nil, acc.ID)
	if err != nil || deleted || now.Active {
		t.Errorf("delete with a ticket: %v %+v %v", deleted, now, err)
	}
}

// One inbound message stored from 8 goroutines at once makes one ticket.
func TestStoreInboundConcurrently(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	store := repository.NewStore(db, nil)
	outboxTicket(t, db) // a unit and its department
	acc, err := store.CreateChannelAccount(ctx, nil, domain.ChannelAccountInput{Unit: "xa-hoa-binh",
		Platform: domain.PlatformZalo, AccountID: "388", AppID: "348", SecretKeyEnc: []byte{9}})
	if err != nil {
		t.Fatal(err)
	}
	results := make(chan domain.InboundResult, 16)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			in := domain.Inbound{Channel: domain.ChannelZalo, AccountID: "388", ExternalID: fmt.Sprintf("msg-%d", i%2),
				ThreadID: "u1", SenderID: "u1", Text: fmt.Sprintf("Tin nhắn %d, sđt 0912 345 678", i%2)}
			res, err := store.StoreInbound(ctx, acc, in)
			if err != nil {
				t.Error(err)
			}
			results <- res
		})
	}
	wg.Wait()
	close(results)
	outcomes := map[domain.InboundOutcome]int{}
	tickets := map[int64]bool{}
	for r := range results {
		outcomes[r.Outcome]++
		tickets[r.TicketID] = true
	}
	if outcomes[domain.InboundCreated] != 1 || outcomes[domain.InboundJoined] != 1 || outcomes[domain.InboundDuplicate] != 14 || len(tickets) != 1 {
		t.Fatalf("outcomes %v over %d tickets", outcomes, len(tickets))
	}
	var phone string
	pgtest.MustGet(t, db, &phone, `SELECT citizen_phone FROM tickets WHERE channel = 'zalo'`)
	if phone != "0912345678" {
		t.Errorf("phone %q", phone)
	}
}
