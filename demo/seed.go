package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jmoiron/sqlx"

	"caunoi/auth"
	"caunoi/domain"
	"caunoi/repository"
)

// Set returns the reference data of API.md's demo: every account with
// passwordHash, the national holidays from last year to two years ahead.
func Set(passwordHash string, now time.Time) repository.SeedSet {
	var cats []repository.SeedCategory
	for _, c := range Categories() {
		cats = append(cats, repository.SeedCategory{Code: c.Code, Name: c.Name, Department: c.Department,
			Deadline: c.Deadline, Keywords: c.Keywords})
	}
	p := Province()
	set := repository.SeedSet{
		Units:     []repository.SeedUnit{{Code: p.Code, Name: p.Name, Level: p.Level}},
		KindRules: domain.DefaultKindRules(),
	}
	for _, u := range Units() {
		su := repository.SeedUnit{Code: u.Code, Name: u.Name, Level: u.Level, Parent: u.Parent, Categories: cats}
		for _, d := range Departments(u.Level) {
			su.Departments = append(su.Departments, repository.SeedDepartment{Code: d.Code, Name: d.Name, Triage: d.Triage})
		}
		set.Units = append(set.Units, su)
	}
	for _, a := range Accounts() {
		set.Accounts = append(set.Accounts, repository.SeedAccount{Email: a.Email, Name: a.Name, Role: a.Role,
			Unit: a.Unit, Department: a.Department, PasswordHash: passwordHash})
	}
	for y := now.Year() - 1; y <= now.Year()+2; y++ {
		set.Holidays = append(set.Holidays, domain.VietnamHolidays(y)...)
	}
	return set
}

// demoTicketsPerUnit is how many demo tickets each unit gets over 90 days.
const demoTicketsPerUnit = 80

// SeedReference loads the demo's units, departments, categories, accounts,
// holidays and legal clocks. It is idempotent.
func SeedReference(ctx context.Context, store *repository.Store, now time.Time) error {
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return err
	}
	return store.Seed(ctx, Set(hash, now))
}

// Seed loads the demo: SeedReference and then the demo tickets of every
// unit. It is idempotent and returns how many tickets it created.
func Seed(ctx context.Context, db *sqlx.DB, now time.Time) (int, error) {
	clock := &demoClock{t: now}
	store := repository.NewStore(db, clock.Now)
	if err := SeedReference(ctx, store, now); err != nil {
		return 0, err
	}
	admin, _, err := store.UserByEmail(ctx, Accounts()[0].Email)
	if err != nil {
		return 0, fmt.Errorf("demo admin: %w", err)
	}
	w := &worker{store: store, clock: clock, now: now, admin: domain.ScopeOf(admin)}
	made := 0
	for ui, u := range Units() {
		cat, err := store.CatalogByCode(ctx, u.Code)
		if err != nil {
			return made, err
		}
		n, err := seedTickets(ctx, w, cat, uint64(ui))
		if err != nil {
			return made, fmt.Errorf("demo tickets of %s: %w", u.Code, err)
		}
		made += n
	}
	return made, nil
}

// seedTickets creates the unit's demo tickets through the real intake
// path (routing, deadlines), spread over the last 90 days. Each has a stable
// external id, so seeding again makes nothing new.
func seedTickets(ctx context.Context, w *worker, cat *domain.Catalog, seed uint64) (int, error) {
	store, now := w.store, w.now
	rng := rand.New(rand.NewPCG(seed, 2026))
	msgs := SampleMessages()
	channels := []domain.Channel{domain.ChannelWeb, domain.ChannelWeb, domain.ChannelFacebookComment,
		domain.ChannelFacebookMessage, domain.ChannelZalo, domain.ChannelHotline, domain.ChannelWalkIn}
	villages := []string{"Thôn 1", "Thôn 2", "Thôn 3", "Xóm Đồng", "Tổ dân phố 4", "Khu Tân Lập"}
	made := 0
	for i := 0; i < demoTicketsPerUnit; i++ {
		m := msgs[rng.IntN(len(msgs))]
		in := domain.FeedbackInput{Unit: cat.Unit.Code, Kind: string(domain.KindFeedback), Title: m.Title, Body: m.Body,
			Location: domain.Location{Village: villages[rng.IntN(len(villages))]}}
		switch rng.IntN(20) {
		case 0:
			in.Kind = string(domain.KindPetition)
		case 1:
			in.Kind = string(domain.KindInquiry)
		}
		if rng.IntN(2) == 0 {
			in.Citizen = domain.Citizen{Name: "Nguyễn Văn " + string(rune('A'+rng.IntN(20))),
				Phone: "09" + strconv.Itoa(10000000+rng.IntN(89999999))}
		}
		valid, err := domain.ValidateFeedback(in, cat.ActiveCategories())
		if err != nil {
			return made, fmt.Errorf("sample message %q: %w", m.Title, err)
		}
		created := now.Add(-time.Duration(rng.IntN(90*24*60)) * time.Minute)
		w.clock.Set(created)
		c, err := store.CreateTicket(ctx, cat.Unit.ID, domain.NewTicket{
			Input: valid, Channel: channels[rng.IntN(len(channels))],
			ExternalID: fmt.Sprintf("demo-%s-%03d", cat.Unit.Code, i), CreatedAt: created,
		})
		if err != nil {
			return made, err
		}
		if c.Existing {
			continue
		}
		made++
		// its own generator, so the main sequence is the same whether or
		// not the ticket existed: seeding again draws the same tickets
		if err := w.progress(ctx, c, rand.New(rand.NewPCG(seed, uint64(i)))); err != nil {
			return made, fmt.Errorf("demo ticket %s: %w", c.TrackingCode, err)
		}
	}
	return made, nil
}

// demoClock lets the demo's tickets be handled at times in the past.
type demoClock struct{ t time.Time }

func (c *demoClock) Now() time.Time  { return c.t }
func (c *demoClock) Set(t time.Time) { c.t = t }

// worker moves demo tickets along the real workflow, as the admin, at
// plausible times between their creation and now.
type worker struct {
	store *repository.Store
	clock *demoClock
	now   time.Time
	admin domain.Scope
}

var demoReplies = []string{
	"Cảm ơn ông/bà đã phản ánh. Xã đã cử cán bộ kiểm tra thực tế và sẽ xử lý trong thời hạn quy định.",
	"UBND xã đã tiếp nhận và giao phòng chuyên môn phối hợp với thôn xử lý. Kết quả sẽ được thông báo tới ông/bà.",
	"Nội dung phản ánh đã được xử lý xong. Trân trọng cảm ơn ông/bà đã đồng hành cùng chính quyền địa phương.",
}

// progress gives a new demo ticket a history fitting its age: the oldest
// are mostly resolved or closed (some late, some rated), recent ones in
// progress or waiting for the citizen, the newest still new.
func (w *worker) progress(ctx context.Context, c domain.Created, rng *rand.Rand) error {
	age := w.now.Sub(c.CreatedAt)
	at := func(d time.Duration) bool { // moves the clock to d after creation, if that is in the past
		t := c.CreatedAt.Add(d)
		if !t.Before(w.now) {
			return false
		}
		w.clock.Set(t)
		return true
	}
	r := rng.IntN(100)
	switch {
	case age < 6*time.Hour || r < 5:
		return nil // still new
	case r < 9:
		if at(3 * time.Hour) {
			_, err := w.store.ChangeStatus(ctx, w.admin, c.ID, domain.StatusRejected, "Nội dung không thuộc thẩm quyền giải quyết của xã.")
			return err
		}
		return nil
	}
	if !at(2 * time.Hour) {
		return nil
	}
	if _, err := w.store.AddReply(ctx, w.admin, c.ID, demoReplies[rng.IntN(2)]); err != nil {
		return err
	}
	switch {
	case age < 3*24*time.Hour || r < 15:
		return nil // in progress
	case r < 22:
		if at(26 * time.Hour) {
			_, err := w.store.ChangeStatus(ctx, w.admin, c.ID, domain.StatusWaitingCitizen, "Đề nghị người dân cung cấp thêm hình ảnh.")
			return err
		}
		return nil
	}
	// resolved: mostly in time, some after the due time
	took := time.Duration(1+rng.IntN(6*24)) * time.Hour
	if r > 90 {
		took += 10 * 24 * time.Hour
	}
	if !at(2*time.Hour + took) {
		return nil
	}
	if _, err := w.store.AddReply(ctx, w.admin, c.ID, demoReplies[2]); err != nil {
		return err
	}
	if _, err := w.store.ChangeStatus(ctx, w.admin, c.ID, domain.StatusResolved, "Đã xử lý xong."); err != nil {
		return err
	}
	if rng.IntN(100) < 45 && at(3*time.Hour+took) {
		comments := []string{"Xử lý nhanh, cảm ơn xã.", "Đã sửa nhưng hơi chậm.", "", "Rất hài lòng."}
		if err := w.store.RateTicket(ctx, c.TrackingCode, 3+rng.IntN(3), comments[rng.IntN(len(comments))]); err != nil {
			return err
		}
	}
	if age > 30*24*time.Hour && r < 80 && at(took+9*24*time.Hour) {
		_, err := w.store.ChangeStatus(ctx, w.admin, c.ID, domain.StatusClosed, "")
		return err
	}
	return nil
}
