package httpx

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"caunoi/domain"
)

// ctxMetrics holds the request's *Metrics; ctxCreated the channels of the
// tickets the request created (a handler may add them with CountCreated).
const (
	ctxMetrics = "caunoi.metrics"
	ctxCreated = "caunoi.tickets_created"
)

// scrapeTimeout bounds the database reads of one scrape.
const scrapeTimeout = 2 * time.Second

// MetricsStore is what /metrics reads from the data layer on each scrape;
// *repository.Store satisfies it.
type MetricsStore interface {
	// OutboxStats returns how many outbox rows wait (pending) and how many
	// ended as failed.
	OutboxStats(ctx context.Context) (pending, failed int, err error)
	// OverdueByUnit returns the overdue tickets at now per unit code.
	OverdueByUnit(ctx context.Context, now time.Time) (map[string]int, error)
}

// Metrics is the program's Prometheus registry (its own, never the global
// one) and its instruments:
//
//	caunoi_http_requests_total{method,route,status}     counter
//	caunoi_http_request_duration_seconds{method,route}  histogram
//	caunoi_tickets_created_total{channel}               counter
//	caunoi_outbox_pending, caunoi_outbox_failed         gauges, read on scrape
//	caunoi_tickets_overdue{unit}                        gauge, read on scrape
//	caunoi_job_runs_total{job,outcome}                  counter (ok, skipped, error)
//	caunoi_job_duration_seconds{job}                    histogram
//	caunoi_metrics_scrape_errors_total{source}          counter
//
// with the Go runtime's and the process's collectors. Routes are gin's
// patterns (/api/v1/tickets/:id), never raw paths; unmatched paths are
// "unmatched". Build one with NewMetrics and share it between the server
// (Config.Metrics) and the job runner (ObserveJob).
type Metrics struct {
	reg          *prometheus.Registry
	requests     *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	created      *prometheus.CounterVec
	jobRuns      *prometheus.CounterVec
	jobDuration  *prometheus.HistogramVec
	scrapeErrors *prometheus.CounterVec
	handler      http.Handler
}

// NewMetrics returns a registry with every instrument; store (nil: none)
// is read on each scrape, with a short timeout, at now() (time.Now when
// nil); log (slog.Default when nil) hears of failed reads.
func NewMetrics(store MetricsStore, now func() time.Time, log *slog.Logger) *Metrics {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "caunoi_http_requests_total", Help: "HTTP requests answered, by route pattern and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "caunoi_http_request_duration_seconds", Help: "Time to answer HTTP requests, by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"method", "route"}),
		created: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "caunoi_tickets_created_total", Help: "Tickets created through this server, by channel.",
		}, []string{"channel"}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "caunoi_job_runs_total", Help: "Background job runs, by job and outcome (ok, skipped, error).",
		}, []string{"job", "outcome"}),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "caunoi_job_duration_seconds", Help: "Duration of background job runs.",
			Buckets: []float64{.005, .01, .05, .1, .5, 1, 5, 10, 30, 60, 300},
		}, []string{"job"}),
		scrapeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "caunoi_metrics_scrape_errors_total", Help: "Database reads of a scrape that failed, by source.",
		}, []string{"source"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.created, m.jobRuns, m.jobDuration, m.scrapeErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if store != nil {
		m.reg.MustRegister(&dbCollector{store: store, now: now, log: log, errs: m.scrapeErrors})
	}
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	return m
}

// Registry returns the registry, for collectors of other packages.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in Prometheus's text format.
func (m *Metrics) Handler() http.Handler { return m.handler }

// ObserveJob records one run of a background job that took d, its outcome
// "ok", "skipped" (another server held the lock) or "error". cmd/caunoi
// adapts it to jobs.Runner.Observe, which passes the run's error.
func (m *Metrics) ObserveJob(job string, d time.Duration, outcome string) {
	m.jobRuns.WithLabelValues(job, outcome).Inc()
	if outcome != "skipped" {
		m.jobDuration.WithLabelValues(job).Observe(d.Seconds())
	}
}

// TicketCreated counts one ticket created on channel ch.
func (m *Metrics) TicketCreated(ch domain.Channel) {
	m.created.WithLabelValues(string(ch)).Inc()
}

// dbCollector reads the outbox and the overdue tickets on each scrape.
type dbCollector struct {
	store MetricsStore
	now   func() time.Time
	log   *slog.Logger
	errs  *prometheus.CounterVec
}

var (
	descOutboxPending = prometheus.NewDesc("caunoi_outbox_pending",
		"Outbox rows waiting to be sent (due or not).", nil, nil)
	descOutboxFailed = prometheus.NewDesc("caunoi_outbox_failed",
		"Outbox rows given up as failed.", nil, nil)
	descOverdue = prometheus.NewDesc("caunoi_tickets_overdue",
		"Open tickets past their due time (not waiting for the citizen), by unit code.", []string{"unit"}, nil)
)

func (d *dbCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descOutboxPending
	ch <- descOutboxFailed
	ch <- descOverdue
}

func (d *dbCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if pending, failed, err := d.store.OutboxStats(ctx); err != nil {
		d.errs.WithLabelValues("outbox").Inc()
		d.log.Warn("metrics: outbox stats", slog.String("error", err.Error()))
	} else {
		ch <- prometheus.MustNewConstMetric(descOutboxPending, prometheus.GaugeValue, float64(pending))
		ch <- prometheus.MustNewConstMetric(descOutboxFailed, prometheus.GaugeValue, float64(failed))
	}
	overdue, err := d.store.OverdueByUnit(ctx, d.now())
	if err != nil {
		d.errs.WithLabelValues("overdue").Inc()
		d.log.Warn("metrics: overdue tickets", slog.String("error", err.Error()))
		return
	}
	for unit, n := range overdue {
		ch <- prometheus.MustNewConstMetric(descOverdue, prometheus.GaugeValue, float64(n), unit)
	}
}

// Metrics returns the server's registry: Config.Metrics, shared with the
// job runner, else a new one reading the store.
func (s *Core) Metrics() *Metrics {
	if s.Cfg.Metrics != nil {
		return s.Cfg.Metrics
	}
	return NewMetrics(s.Store, s.Cfg.Now, s.Log)
}

// Observe records each request's route, status and latency for /metrics,
// and the tickets the handlers counted with CountCreated.
func (s *Core) Observe() gin.HandlerFunc {
	m := s.Metrics()
	return func(c *gin.Context) {
		c.Set(ctxMetrics, m)
		start := time.Now()
		route := c.FullPath()
		method := c.Request.Method
		c.Next()
		if route == "" {
			route = "unmatched"
		}
		status := c.Writer.Status()
		m.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
		m.latency.WithLabelValues(method, route).Observe(time.Since(start).Seconds())
		if v, ok := c.Get(ctxCreated); ok {
			chs, _ := v.([]domain.Channel)
			for _, ch := range chs {
				m.TicketCreated(ch)
			}
		}
	}
}

// CountCreated records that the request created a ticket on channel ch
// (one call per ticket, after it is committed).
func CountCreated(c *gin.Context, ch domain.Channel) {
	var chs []domain.Channel
	if v, ok := c.Get(ctxCreated); ok {
		chs, _ = v.([]domain.Channel)
	}
	c.Set(ctxCreated, append(chs, ch))
}

// MetricsRoutes registers /metrics: the registry of the request's observe
// middleware, in Prometheus's text format.
func (s *Core) MetricsRoutes(r *gin.Engine) {
	r.GET("/metrics", func(c *gin.Context) {
		v, ok := c.Get(ctxMetrics)
		m, _ := v.(*Metrics)
		if !ok || m == nil {
			WriteError(c, domain.Unavailable(errors.New("metrics: the observe middleware is not installed")))
			return
		}
		m.Handler().ServeHTTP(c.Writer, c.Request)
	})
}
