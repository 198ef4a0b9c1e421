package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/auth"
	"caunoi/internal/httpx"
	"caunoi/repository"
	"caunoi/server"
)

func cmdServe(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	migrate := fs.Bool("migrate", false, "apply pending migrations before serving")
	noJobs := fs.Bool("no-jobs", false, "do not run the background jobs on this server")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	log := newLogger(cfg, stderr)

	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	if *migrate {
		ms, err := migrations(cfg)
		if err != nil {
			return err
		}
		applied, err := repository.Migrate(ctx, db, ms)
		if err != nil {
			return err
		}
		if len(applied) > 0 {
			log.Info("migrated", slog.Any("versions", applied))
		}
	}
	if err := checkSchema(ctx, db); err != nil {
		return err
	}

	served := platforms(cfg) // once: the store, the webhooks and the outbox share it
	store, err := newStore(db, cfg, served)
	if err != nil {
		return err
	}
	if cfg.SecretKey == "" {
		log.Warn("CAUNOI_SECRET_KEY is not set: denunciations that name their denouncer are refused (503) and channel tokens cannot be stored; set it to at least 32 random characters")
	}
	if err := store.PrepareIntake(ctx); err != nil { // a broken query fails at boot, not at the first citizen
		return fmt.Errorf("prepare the intake statement: %w", err)
	}
	if err := store.PrepareInbound(ctx); err != nil { // and the webhooks' statements
		return fmt.Errorf("prepare the webhook statements: %w", err)
	}
	keys, err := auth.KeysFromSecret(cfg.JWTSecret, cfg.JWTPreviousSecret)
	if err != nil {
		return fmt.Errorf("configuration: CAUNOI_JWT_SECRET: %w", err)
	}
	metrics := httpx.NewMetrics(store, nil, log)
	gin.SetMode(gin.ReleaseMode)
	srv := server.New(httpx.Config{
		Metrics:        metrics,
		Issuer:         &auth.Issuer{Keys: *keys},
		PublicURL:      cfg.PublicURL,
		Location:       cfg.Location,
		RateLimit:      cfg.RateLimit,
		TrustedProxies: cfg.TrustedProxies,
		Channels:       served,
		SecretKey:      cfg.SecretKey,
	}, store, log)

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute, // a province's PDF or CSV takes a while
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if cfg.DebugAddr != "" {
		stopDebug, err := serveDebug(cfg.DebugAddr, log)
		if err != nil {
			ln.Close()
			return err
		}
		defer stopDebug()
	}

	log.Info("listening", slog.String("addr", ln.Addr().String()), slog.String("public_url", cfg.PublicURL),
		slog.String("version", version))
	fmt.Fprintf(stdout, "caunoi %s listening on %s\n", version, ln.Addr())

	jobsCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	waitJobs := func() {}
	if !*noJobs {
		waitJobs = startJobs(jobsCtx, jobDeps{cfg: cfg, store: store, platforms: served, log: log, now: time.Now,
			observe: observeJobs(metrics)})
	}
	defer func() { stopJobs(); waitJobs() }()

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stopJobs() // no new job runs; running ones finish while requests drain
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// newLogger returns the program's structured logger.
func newLogger(cfg Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
