package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

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
func Seed(ctx context.Context, store *repository.Store, now time.Time) (int, error) {
	if err := SeedReference(ctx, store, now); err != nil {
		return 0, err
	}
	made := 0
	for ui, u := range Units() {
		cat, err := store.CatalogByCode(ctx, u.Code)
		if err != nil {
			return made, err
		}
		n, err := seedTickets(ctx, store, cat, now, uint64(ui))
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
func seedTickets(ctx context.Context, store *repository.Store, cat *domain.Catalog, now time.Time, seed uint64) (int, error) {
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
		c, err := store.CreateTicket(ctx, cat.Unit.ID, domain.NewTicket{
			Input: valid, Channel: channels[rng.IntN(len(channels))],
			ExternalID: fmt.Sprintf("demo-%s-%03d", cat.Unit.Code, i), CreatedAt: created,
		})
		if err != nil {
			return made, err
		}
		if !c.Existing {
			made++
		}
	}
	return made, nil
}
