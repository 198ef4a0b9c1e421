package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"caunoi/domain"
	"caunoi/reports"
	"caunoi/repository"
)

const reportUsage = "usage: caunoi report --unit U --from YYYY-MM-DD --to YYYY-MM-DD [--format pdf|json|csv] [--header ubnd|dang-uy] -o FILE"

// cmdReport writes a unit's summary report for a period, offline: the PDF
// (default), the summary JSON or the CSV of the period's tickets, to the
// file -o names ("-" for standard output). The file appears whole or not
// at all.
func cmdReport(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	unit := fs.String("unit", "", "unit code")
	from := fs.String("from", "", "first day, YYYY-MM-DD")
	to := fs.String("to", "", "last day (included), YYYY-MM-DD")
	format := fs.String("format", "pdf", "pdf, json or csv")
	header := fs.String("header", reports.HeaderUBND, "ubnd or dang-uy")
	out := fs.String("o", "", "output file, - for standard output")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("report: %v; %s", err, reportUsage)
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("report: unexpected argument %q; %s", fs.Arg(0), reportUsage)
	case *unit == "":
		return fmt.Errorf("report: --unit is required; %s", reportUsage)
	case *out == "":
		return fmt.Errorf("report: -o FILE is required; %s", reportUsage)
	case *format != "pdf" && *format != "json" && *format != "csv":
		return fmt.Errorf("report: --format must be pdf, json or csv, not %q", *format)
	case *header != reports.HeaderUBND && *header != reports.HeaderDangUy:
		return fmt.Errorf("report: --header must be ubnd or dang-uy, not %q", *header)
	}
	loc := domain.VietnamLocation()
	f, t, err := domain.ParseReportPeriod(*from, *to, time.Now(), loc)
	if err != nil {
		return fmt.Errorf("report: %s", periodError(err))
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
	u, err := store.UnitByCode(ctx, *unit)
	if err != nil {
		if domain.IsNotFound(err) {
			return fmt.Errorf("report: there is no unit %q", *unit)
		}
		return fmt.Errorf("report: %w", err)
	}
	sc := unitScope(u.ID)
	req := domain.ReportRequest{Unit: u.Code, From: f, To: t, Appendix: *format == "pdf"}
	return writeOutput(*out, stdout, func(w io.Writer) error {
		switch *format {
		case "json":
			sum, err := store.ReportSummary(ctx, sc, req)
			if err != nil {
				return err
			}
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(sum)
		case "csv":
			cw, err := reports.NewCSVWriter(w)
			if err != nil {
				return err
			}
			ex := domain.TicketExport{From: &f, To: &t}
			if err := store.ExportTickets(ctx, sc, ex, cw.Write); err != nil {
				return err
			}
			return cw.Flush()
		}
		_, pdf, err := buildReport(ctx, store, sc, req, reports.PDFOptions{Header: *header})
		if err != nil {
			return err
		}
		_, err = w.Write(pdf)
		return err
	})
}

// periodError is the one-line text of a bad period, naming the field.
func periodError(err error) string {
	var fields []string
	if de, ok := err.(*domain.Error); ok {
		for k, v := range de.Fields {
			fields = append(fields, "--"+k+": "+v)
		}
		return de.MessageEN + " (" + strings.Join(fields, ", ") + ")"
	}
	return err.Error()
}

// unitScope is the scope of the system itself over one unit and below:
// offline reports and scheduled jobs.
func unitScope(unitID int64) domain.Scope {
	return domain.Scope{Role: domain.RoleAdmin, UnitID: unitID}
}

// buildReport computes the summary and renders its PDF.
func buildReport(ctx context.Context, store *repository.Store, sc domain.Scope, req domain.ReportRequest, opt reports.PDFOptions) (*domain.Summary, []byte, error) {
	sum, err := store.ReportSummary(ctx, sc, req)
	if err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	if opt.Loc == nil {
		opt.Loc = domain.VietnamLocation()
	}
	if err := reports.WritePDF(&buf, sum, opt); err != nil {
		return nil, nil, err
	}
	return sum, buf.Bytes(), nil
}

// writeOutput runs fn on standard output ("-") or on a temporary file that
// is renamed to path only when fn succeeds.
func writeOutput(path string, stdout io.Writer, fn func(io.Writer) error) error {
	if path == "-" {
		bw := bufio.NewWriter(stdout)
		if err := fn(bw); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		return bw.Flush()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".caunoi-report-*")
	if err != nil {
		return fmt.Errorf("report: cannot write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) //nolint:errcheck // gone after the rename
	bw := bufio.NewWriter(tmp)
	err = fn(bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("report: cannot write %s: %w", path, err)
	}
	return nil
}
