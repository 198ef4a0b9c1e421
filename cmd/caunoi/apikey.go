package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"

	"caunoi/repository"
)

const apikeyUsage = "usage: caunoi apikey add --name N [--unit U] | apikey list | apikey revoke ID"

// cmdAPIKey manages Open311 API keys: add prints a new key once (only its
// SHA-256 is stored), list shows every key without the secret, revoke
// refuses a key from then on.
func cmdAPIKey(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%s", apikeyUsage)
	}
	switch args[0] {
	case "add":
		fs := flag.NewFlagSet("apikey add", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		name := fs.String("name", "", "who the key is for")
		unit := fs.String("unit", "", "the only unit (code) the key may post to; any unit when empty")
		if err := fs.Parse(args[1:]); err != nil {
			return fmt.Errorf("apikey add: %w", err)
		}
		if fs.NArg() > 0 {
			return fmt.Errorf("apikey add: unexpected argument %q; %s", fs.Arg(0), apikeyUsage)
		}
		return withAPIKeyStore(ctx, cfg, func(store *repository.Store) error {
			k, secret, err := store.CreateAPIKey(ctx, nil, *name, *unit)
			if err != nil {
				return fmt.Errorf("apikey add: %w", err)
			}
			scope := "every unit"
			if k.UnitCode != "" {
				scope = "unit " + k.UnitCode
			}
			fmt.Fprintln(stdout, secret)
			fmt.Fprintf(stdout, "API key %d (%s) added for %s; it is shown only this once: store it now.\n",
				k.ID, k.Name, scope)
			return nil
		})
	case "list":
		return withAPIKeyStore(ctx, cfg, func(store *repository.Store) error {
			keys, err := store.ListAllAPIKeys(ctx)
			if err != nil {
				return fmt.Errorf("apikey list: %w", err)
			}
			for _, k := range keys {
				unit, state := k.UnitCode, "active"
				if unit == "" {
					unit = "*"
				}
				if k.RevokedAt != nil {
					state = "revoked " + k.RevokedAt.Format("2006-01-02")
				}
				fmt.Fprintf(stdout, "%d\t%s…\t%s\t%s\t%s\n", k.ID, k.Prefix, unit, state, k.Name)
			}
			return nil
		})
	case "revoke":
		if len(args) != 2 {
			return fmt.Errorf("%s", apikeyUsage)
		}
		id, err := strconv.ParseInt(args[1], 10, 64)
		if err != nil {
			return fmt.Errorf("apikey revoke: %q is not a key id", args[1])
		}
		return withAPIKeyStore(ctx, cfg, func(store *repository.Store) error {
			if err := store.RevokeAPIKey(ctx, nil, id); err != nil {
				return fmt.Errorf("apikey revoke: %w", err)
			}
			fmt.Fprintf(stdout, "API key %d revoked\n", id)
			return nil
		})
	}
	return fmt.Errorf("%s", apikeyUsage)
}

// withAPIKeyStore opens the database, checks its schema and runs fn on a store.
func withAPIKeyStore(ctx context.Context, cfg Config, fn func(*repository.Store) error) error {
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
	return fn(store)
}
