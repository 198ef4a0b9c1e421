// Command caunoi-bench is `make bench`: it builds and starts `caunoi serve`
// against a fresh database seeded with synthetic tickets, measures the
// machine's own ceilings (a raw INSERT with pgbench, a constant HTTP
// handler) and the product's figures with the same load generator, prints
// one table and writes bench/results.json. Everything runs on 127.0.0.1;
// every loop is bounded in time and count; the database is dropped at the
// end.
//
//	go run ./cmd/caunoi-bench [--quick] [--out bench/results.json]
//	    [--only queue,search] [--template DATABASE] [--profile DIR]
//
// --only runs the measurements whose names contain one of the words;
// --template copies an already seeded database instead of seeding one, to
// repeat a few measurements quickly while working on them (the full run is
// what the README reports); --profile writes a CPU profile of the server
// (CAUNOI_DEBUG_ADDR) during each measurement.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"
	"unicode"
)

// Params is the size of a run.
type Params struct {
	Tickets    int           // synthetic tickets seeded
	Units      int           // communes and wards they spread over
	Days       int           // over this many days
	Clients    int           // concurrent clients of the load generator
	Duration   time.Duration // of each load measurement
	Template   string        `json:",omitempty"` // a seeded database copied instead of seeding
	ProfileDir string        `json:",omitempty"` // where CPU profiles of the server go (--profile)
}

func params(quick bool) Params {
	if quick {
		return Params{Tickets: 100_000, Units: 30, Days: 365, Clients: 8, Duration: 5 * time.Second}
	}
	return Params{Tickets: 1_000_000, Units: 148, Days: 365, Clients: 8, Duration: 20 * time.Second}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "caunoi-bench: "+err.Error())
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("caunoi-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	quick := fs.Bool("quick", false, "a smaller run (100,000 tickets, 30 units, 5 s per measurement)")
	out := fs.String("out", filepath.Join("bench", "results.json"), "where to write the results")
	only := fs.String("only", "", "comma-separated words: run only the measurements whose names contain one")
	template := fs.String("template", "", "copy this seeded database instead of seeding a fresh one")
	profileDir := fs.String("profile", "", "write a CPU profile of the server during each load measurement into this directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	p := params(*quick)
	p.Template = *template
	p.ProfileDir = *profileDir
	if p.ProfileDir != "" {
		if err := os.MkdirAll(p.ProfileDir, 0o755); err != nil {
			return err
		}
	}
	// The whole run is bounded: 10 minutes, 2 in quick mode (the build and
	// the seed included).
	limit := 10 * time.Minute
	if *quick {
		limit = 3 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()

	res := Results{Quick: *quick, Params: p, Started: time.Now().UTC()}
	b, err := newBench(ctx, p, stderr)
	if err != nil {
		return err
	}
	defer b.close()
	res.Machine = machine(ctx, b.db)
	if err := b.prepare(ctx, &res); err != nil {
		return err
	}
	wrote := false
	for _, m := range selected(measurements, *only) {
		if wrote && !m.Writes {
			if err := settle(ctx, b); err != nil {
				return err
			}
		}
		wrote = m.Writes
		b.logf("measuring %s", m.Name)
		wait := b.profile(ctx, slug(m.Name), b.p.Duration)
		f, err := m.Run(ctx, b)
		wait()
		if err != nil {
			f = Figure{Name: m.Name, Skipped: "failed: " + err.Error()}
			b.logf("%s: %v", m.Name, err)
		}
		if f.Name == "" {
			f.Name = m.Name
		}
		res.Figures = append(res.Figures, f)
	}
	res.finish(b)
	res.Elapsed = time.Since(res.Started).Round(time.Second).String()
	printTable(stdout, res)
	if err := writeJSON(*out, res); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\nwritten %s\n", *out)
	return nil
}

// slug is a measurement's name as a file name: "staff queue, page of 50"
// → "staff-queue-page-of-50".
func slug(name string) string {
	var out []rune
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) && r < 128 || unicode.IsDigit(r) {
			out = append(out, r)
			dash = false
		} else if !dash && len(out) > 0 {
			out = append(out, '-')
			dash = true
		}
	}
	return strings.TrimRight(string(out), "-")
}

func writeJSON(path string, res Results) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
