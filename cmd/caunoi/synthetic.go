package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"caunoi/internal/synthetic"

	"caunoi/demo"
	"caunoi/domain"
	"caunoi/repository"
)

// seedSynthetic loads n synthetic tickets over the last days across the
// commune-level units (or only unit), after making sure, when units > 0,
// that the demo province has that many communes and wards.
func seedSynthetic(ctx context.Context, store *repository.Store, n int, unit string, days, units int, stdout io.Writer) error {
	if days <= 0 {
		return fmt.Errorf("seed --synthetic: --days must be positive")
	}
	now := time.Now()
	if units > 0 {
		made, err := ensureUnits(ctx, store, units, now)
		if err != nil {
			return fmt.Errorf("seed --synthetic: %w", err)
		}
		if made > 0 {
			fmt.Fprintf(stdout, "created %d synthetic communes and wards under %s\n", made, demo.ProvinceCode)
		}
	}
	ids, err := syntheticUnits(ctx, store, unit)
	if err != nil {
		return fmt.Errorf("seed --synthetic: %w", err)
	}
	res, err := synthetic.Load(ctx, store, synthetic.Spec{N: n, Days: days, Now: now, Units: ids,
		Messages: demo.SyntheticMessages(), Seed: uint64(now.UnixNano())})
	if err != nil {
		return fmt.Errorf("seed --synthetic: %w", err)
	}
	// The rate counts the VACUUM: the load leaves the merge of the search
	// indexes' pending entries to it.
	fmt.Fprintf(stdout, "synthetic: %d tickets and %d events over %d days across %d units in %.1f s: %.0f tickets/s "+
		"(load %.1f s + VACUUM (ANALYZE) %.1f s; COPY, %d routing decisions)\n",
		res.Tickets, res.Events, days, len(ids), (res.Elapsed + res.Vacuum).Seconds(), res.Rate(),
		res.Elapsed.Seconds(), res.Vacuum.Seconds(), res.Routes)
	var parts []string
	for _, s := range domain.Statuses {
		if c := res.Statuses[s]; c > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", s, c))
		}
	}
	fmt.Fprintf(stdout, "synthetic: statuses: %s\n", strings.Join(parts, ", "))
	return nil
}

// syntheticUnits returns the ids of the active commune-level units, or of
// the one named.
func syntheticUnits(ctx context.Context, store *repository.Store, code string) ([]int64, error) {
	if code != "" {
		u, err := store.UnitByCode(ctx, code)
		if err != nil {
			return nil, err
		}
		if u.Level == domain.LevelProvince {
			return nil, fmt.Errorf("unit %s is a province; name a commune or ward", code)
		}
		return []int64{u.ID}, nil
	}
	ids, err := store.LocalUnitIDs(ctx)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("no commune or ward: run `caunoi seed --demo` first, or add --units K")
	}
	return ids, nil
}

// ensureUnits makes sure the demo province has k communes and wards,
// creating synthetic ones (xa-tong-hop-001, ...) with the demo's
// departments and categories, and the demo's holidays and legal clocks when
// they are missing. It returns how many units it created.
func ensureUnits(ctx context.Context, store *repository.Store, k int, now time.Time) (int, error) {
	all, err := store.ListUnits(ctx)
	if err != nil {
		return 0, err
	}
	have, taken := 0, map[string]bool{}
	for _, u := range all {
		taken[u.Code] = true
		if u.ParentCode == demo.ProvinceCode && u.Level != domain.LevelProvince {
			have++
		}
	}
	set := demo.Set("", now) // the province, the demo units, holidays, kind rules
	set.Accounts = nil
	var cats []repository.SeedCategory
	for _, c := range demo.Categories() {
		cats = append(cats, repository.SeedCategory{Code: c.Code, Name: c.Name, Department: c.Department,
			Deadline: c.Deadline, Keywords: c.Keywords})
	}
	if !taken[demo.ProvinceCode] {
		have = 0 // the set creates the demo units too
		for _, u := range set.Units {
			if u.Parent == demo.ProvinceCode {
				have++
			}
		}
	}
	made := 0
	for i := 1; have+made < k && i < 1000; i++ {
		code := fmt.Sprintf("xa-tong-hop-%03d", i)
		if taken[code] {
			continue
		}
		level, name := domain.LevelCommune, "Xã "+syntheticPlaceName(i)
		if i%3 == 0 {
			level, name = domain.LevelWard, "Phường "+syntheticPlaceName(i)
		}
		su := repository.SeedUnit{Code: code, Name: name, Level: level, Parent: demo.ProvinceCode, Categories: cats}
		for _, d := range demo.Departments(level) {
			su.Departments = append(su.Departments, repository.SeedDepartment{Code: d.Code, Name: d.Name, Triage: d.Triage})
		}
		set.Units = append(set.Units, su)
		made++
	}
	if err := store.Seed(ctx, set); err != nil {
		return 0, err
	}
	return made, nil
}

var placeWords = []string{"An", "Bình", "Hòa", "Phú", "Tân", "Thịnh", "Hưng", "Lạc", "Phúc", "Sơn", "Xuân",
	"Minh", "Đông", "Trung", "Quang", "Vĩnh", "Thạch", "Long", "Thanh", "Định"}

// syntheticPlaceName returns the i-th two-word place name ("Bình Phú").
func syntheticPlaceName(i int) string {
	n := len(placeWords)
	a := (i - 1) % n
	b := (a + 1 + (i-1)/n) % n
	if a == b {
		b = (b + 1) % n
	}
	name := placeWords[a] + " " + placeWords[b]
	if i > n*(n-1) {
		name += fmt.Sprintf(" %d", i)
	}
	return name
}
