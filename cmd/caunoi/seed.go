package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"time"

	"caunoi/auth"
	"caunoi/demo"
	"caunoi/domain"
	"caunoi/repository"
)

func cmdSeed(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	demoFlag := fs.Bool("demo", false, "the demo data of API.md (idempotent)")
	synthetic := fs.Int("synthetic", 0, "N realistic tickets")
	unit := fs.String("unit", "", "with --synthetic: only this unit")
	days := fs.Int("days", 365, "with --synthetic: spread over D days")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("seed: %w (use --demo or --synthetic N)", err)
	}
	if !*demoFlag && *synthetic <= 0 {
		return fmt.Errorf("seed: say --demo or --synthetic N")
	}
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := checkSchema(ctx, db); err != nil {
		return err
	}
	store := repository.NewStore(db, nil)
	if *demoFlag {
		if err := seedDemo(ctx, store, time.Now(), stdout); err != nil {
			return err
		}
	}
	if *synthetic > 0 {
		return seedSynthetic(ctx, store, *synthetic, *unit, *days, stdout)
	}
	return nil
}

// demoSet returns the reference data of API.md's demo.
func demoSet(passwordHash string, now time.Time) repository.SeedSet {
	var cats []repository.SeedCategory
	for _, c := range demo.Categories() {
		cats = append(cats, repository.SeedCategory{Code: c.Code, Name: c.Name, Department: c.Department,
			Deadline: c.Deadline, Keywords: c.Keywords})
	}
	p := demo.Province()
	set := repository.SeedSet{
		Units:     []repository.SeedUnit{{Code: p.Code, Name: p.Name, Level: p.Level}},
		KindRules: domain.DefaultKindRules(),
	}
	for _, u := range demo.Units() {
		su := repository.SeedUnit{Code: u.Code, Name: u.Name, Level: u.Level, Parent: u.Parent, Categories: cats}
		for _, d := range demo.Departments(u.Level) {
			su.Departments = append(su.Departments, repository.SeedDepartment{Code: d.Code, Name: d.Name, Triage: d.Triage})
		}
		set.Units = append(set.Units, su)
	}
	for _, a := range demo.Accounts() {
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

func seedDemo(ctx context.Context, store *repository.Store, now time.Time, stdout io.Writer) error {
	hash, err := auth.HashPassword(demo.Password)
	if err != nil {
		return err
	}
	if err := store.Seed(ctx, demoSet(hash, now)); err != nil {
		return err
	}
	made := 0
	for ui, u := range demo.Units() {
		cat, err := store.CatalogByCode(ctx, u.Code)
		if err != nil {
			return err
		}
		n, err := seedDemoTickets(ctx, store, cat, now, uint64(ui))
		if err != nil {
			return fmt.Errorf("demo tickets of %s: %w", u.Code, err)
		}
		made += n
	}
	fmt.Fprintf(stdout, "demo data ready: province %s, %d units, %d accounts (password %s); %d new demo tickets\n",
		demo.ProvinceCode, len(demo.Units()), len(demo.Accounts()), demo.Password, made)
	return nil
}

// seedDemoTickets creates the unit's demo tickets through the real intake
// path (routing, deadlines), spread over the last 90 days. Each has a stable
// external id, so seeding again makes nothing new.
func seedDemoTickets(ctx context.Context, store *repository.Store, cat *domain.Catalog, now time.Time, seed uint64) (int, error) {
	rng := rand.New(rand.NewPCG(seed, 2026))
	msgs := demo.SampleMessages()
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

func seedSynthetic(ctx context.Context, store *repository.Store, n int, unit string, days int, stdout io.Writer) error {
	return fmt.Errorf("seed --synthetic: not available yet")
}
