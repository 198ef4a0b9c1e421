// Command caunoi is Cầu Nối: the HTTP server and its background jobs, the
// schema migrations, demo and synthetic data, and the administration tools.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // Asia/Ho_Chi_Minh even where the system has no time zone database
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "caunoi: "+oneLine(err.Error()))
		os.Exit(1)
	}
}

const usage = `usage: caunoi SUBCOMMAND [flags]

  serve [--migrate] [--no-jobs]    the HTTP server and its background jobs
  migrate                          apply schema.sql and pending migrations
  seed --demo                      demo data (idempotent)
  seed --synthetic N [--unit U] [--days D] [--units K]   (K: make sure K communes exist first)
  user add --email E --name N --role R [--unit U] [--department D]   (password on stdin)
  channel add facebook|zalo ...    map a fanpage or a Zalo OA to a unit
  apikey add --name N [--unit U]   a new Open311 API key, printed once
  report --unit U --from D --to D [--format pdf|json|csv] -o FILE
  version`

// run is the whole program; main only wires the process to it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return fmt.Errorf("no subcommand given")
	}
	cfg := LoadConfig(getenv)
	switch args[0] {
	case "serve":
		return cmdServe(ctx, cfg, args[1:], stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, cfg, args[1:], stdout)
	case "seed":
		return cmdSeed(ctx, cfg, args[1:], stdout)
	case "user":
		return cmdUser(ctx, cfg, args[1:], stdin, stdout)
	case "apikey":
		return cmdAPIKey(ctx, cfg, args[1:], stdout)
	case "channel":
		return cmdChannel(ctx, cfg, args[1:], stdout)
	case "report":
		return cmdReport(ctx, cfg, args[1:], stdout)
	case "healthcheck":
		return cmdHealthcheck(ctx, cfg)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "caunoi "+version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return fmt.Errorf("unknown subcommand %q", args[0])
}

// oneLine folds a message onto one line for the terminal.
func oneLine(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '\n' || r == '\r' {
			r = ' '
		}
		out = append(out, r)
	}
	return string(out)
}
