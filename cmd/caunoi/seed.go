package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"caunoi/demo"
)

func cmdSeed(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	demoFlag := fs.Bool("demo", false, "the demo data of API.md (idempotent)")
	synthetic := fs.Int("synthetic", 0, "N realistic tickets")
	unit := fs.String("unit", "", "with --synthetic: only this unit")
	days := fs.Int("days", 365, "with --synthetic: spread over D days")
	units := fs.Int("units", 0, "with --synthetic: first make sure the demo province has K communes and wards")
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
	store, err := newStore(db, cfg, platforms(cfg))
	if err != nil {
		return err
	}
	if *demoFlag {
		made, err := demo.Seed(ctx, db, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "demo data ready: province %s, %d units, %d accounts (password %s); %d new demo tickets\n",
			demo.ProvinceCode, len(demo.Units()), len(demo.Accounts()), demo.Password, made)
	}
	if *synthetic > 0 {
		return seedSynthetic(ctx, store, *synthetic, *unit, *days, *units, stdout)
	}
	return nil
}
