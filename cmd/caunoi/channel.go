package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"caunoi/domain"
	"caunoi/repository"
	"caunoi/secretbox"
)

const channelUsage = `usage: caunoi channel add facebook --unit U --page-id P [--page-token-file F] [--name N]
       caunoi channel add zalo --unit U --oa-id O --app-id A --secret-key-file F [--access-token-file F] [--name N]
       caunoi channel list`

// cmdChannel maps fanpages and Zalo OAs to units. Tokens are read from
// files (never from the command line, where other users could see them) and
// stored encrypted with CAUNOI_SECRET_KEY. Adding a page or OA that is
// mapped already updates it: its unit, the tokens given, and it is active
// again.
func cmdChannel(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New(channelUsage)
	}
	switch args[0] {
	case "add":
		if len(args) < 2 {
			return errors.New(channelUsage)
		}
		in, tokens, err := channelFlags(args[1], args[2:])
		if err != nil {
			return err
		}
		if err := sealTokens(cfg, &in, tokens); err != nil {
			return fmt.Errorf("channel add: %w", err)
		}
		return withAPIKeyStore(ctx, cfg, func(store *repository.Store) error {
			acc, verb, err := saveChannel(ctx, store, in)
			if err != nil {
				return fmt.Errorf("channel add: %w", err)
			}
			token := "not set"
			if len(acc.AccessTokenEnc) > 0 {
				token = "stored encrypted"
			}
			fmt.Fprintf(stdout, "%s %s %s for unit %s (id %d; access token %s)\n", verb, acc.Platform,
				acc.AccountID, acc.UnitCode, acc.ID, token)
			return nil
		})
	case "list":
		return withAPIKeyStore(ctx, cfg, func(store *repository.Store) error {
			accs, err := store.ListChannelAccounts(ctx, nil)
			if err != nil {
				return fmt.Errorf("channel list: %w", err)
			}
			for _, a := range accs {
				state := "active"
				if !a.Active {
					state = "inactive"
				}
				fmt.Fprintf(stdout, "%d\t%s\t%s\t%s\t%s\t%d tickets\t%s\n", a.ID, a.Platform, a.AccountID, a.UnitCode,
					state, a.Tickets, a.Name)
			}
			return nil
		})
	}
	return errors.New(channelUsage)
}

// channelTokens are the plain tokens read from files.
type channelTokens struct{ accessToken, secretKey string }

// channelFlags reads the flags of `channel add PLATFORM` and the token files.
func channelFlags(platform string, args []string) (domain.ChannelAccountInput, channelTokens, error) {
	in := domain.ChannelAccountInput{Platform: domain.Platform(platform)}
	var tk channelTokens
	fs := flag.NewFlagSet("channel add "+platform, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&in.Unit, "unit", "", "unit code")
	fs.StringVar(&in.Name, "name", "", "display name")
	var tokenFile, secretFile string
	switch in.Platform {
	case domain.PlatformFacebook:
		fs.StringVar(&in.AccountID, "page-id", "", "the fanpage's id")
		fs.StringVar(&tokenFile, "page-token-file", "", "file holding the page access token")
	case domain.PlatformZalo:
		fs.StringVar(&in.AccountID, "oa-id", "", "the Official Account's id")
		fs.StringVar(&in.AppID, "app-id", "", "the Zalo app id that signs the OA's webhooks")
		fs.StringVar(&secretFile, "secret-key-file", "", "file holding the OA secret key")
		fs.StringVar(&tokenFile, "access-token-file", "", "file holding the OA access token")
	default:
		return in, tk, fmt.Errorf("channel add: unknown platform %q (facebook or zalo)\n%s", platform, channelUsage)
	}
	if err := fs.Parse(args); err != nil {
		return in, tk, fmt.Errorf("channel add %s: %w", platform, err)
	}
	if fs.NArg() > 0 {
		return in, tk, fmt.Errorf("channel add %s: unexpected argument %q", platform, fs.Arg(0))
	}
	var missing []string
	if in.Unit == "" {
		missing = append(missing, "--unit")
	}
	if in.AccountID == "" {
		missing = append(missing, map[domain.Platform]string{domain.PlatformFacebook: "--page-id", domain.PlatformZalo: "--oa-id"}[in.Platform])
	}
	if in.Platform == domain.PlatformZalo {
		if in.AppID == "" {
			missing = append(missing, "--app-id")
		}
		if secretFile == "" {
			missing = append(missing, "--secret-key-file")
		}
	}
	if len(missing) > 0 {
		return in, tk, fmt.Errorf("channel add %s: %s required", platform, strings.Join(missing, ", "))
	}
	var err error
	if tk.accessToken, err = readToken(tokenFile); err != nil {
		return in, tk, fmt.Errorf("channel add %s: %w", platform, err)
	}
	if tk.secretKey, err = readToken(secretFile); err != nil {
		return in, tk, fmt.Errorf("channel add %s: %w", platform, err)
	}
	return in, tk, nil
}

// readToken returns the token in file (trimmed), "" when no file is named.
func readToken(file string) (string, error) {
	if file == "" {
		return "", nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("read token file: %w", err)
	}
	tok := strings.TrimSpace(string(b))
	switch {
	case tok == "":
		return "", fmt.Errorf("token file %s is empty", file)
	case len(tok) > domain.MaxTokenLen || strings.ContainsAny(tok, " \t\r\n"):
		return "", fmt.Errorf("token file %s does not hold one token on one line", file)
	}
	return tok, nil
}

// sealTokens encrypts the tokens given into in; it needs CAUNOI_SECRET_KEY
// when there is one to store.
func sealTokens(cfg Config, in *domain.ChannelAccountInput, tk channelTokens) error {
	if tk.accessToken == "" && tk.secretKey == "" {
		return nil
	}
	box, err := secretbox.New(cfg.SecretKey)
	if err != nil {
		return err
	}
	accountID := strings.TrimSpace(in.AccountID)
	if in.AccessTokenEnc, err = box.Seal(tk.accessToken, secretbox.AAD(string(in.Platform), accountID, "access_token")); err != nil {
		return err
	}
	in.SecretKeyEnc, err = box.Seal(tk.secretKey, secretbox.AAD(string(in.Platform), accountID, "secret_key"))
	return err
}

// saveChannel creates the account, or updates the one mapped already.
func saveChannel(ctx context.Context, store *repository.Store, in domain.ChannelAccountInput) (domain.ChannelAccount, string, error) {
	acc, err := store.CreateChannelAccount(ctx, nil, in)
	if domain.ErrorCode(err) != domain.ECONFLICT {
		return acc, "added", err
	}
	cur, err := store.ChannelAccountByExternal(ctx, in.Platform, strings.TrimSpace(in.AccountID))
	if domain.IsNotFound(err) { // mapped, but inactive: find it among all
		accs, lerr := store.ListChannelAccounts(ctx, nil)
		if lerr != nil {
			return acc, "", lerr
		}
		for _, a := range accs {
			if a.Platform == in.Platform && a.AccountID == strings.TrimSpace(in.AccountID) {
				cur, err = a, nil
			}
		}
	}
	if err != nil {
		return acc, "", err
	}
	active := true
	u := domain.ChannelAccountUpdate{Unit: &in.Unit, Active: &active}
	if in.Name != "" {
		u.Name = &in.Name
	}
	if in.AppID != "" {
		u.AppID = &in.AppID
	}
	if len(in.AccessTokenEnc) > 0 {
		u.AccessTokenEnc = &in.AccessTokenEnc
	}
	if len(in.SecretKeyEnc) > 0 {
		u.SecretKeyEnc = &in.SecretKeyEnc
	}
	acc, err = store.UpdateChannelAccount(ctx, nil, cur.ID, u)
	return acc, "updated", err
}
