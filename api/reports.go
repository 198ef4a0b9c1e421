package api

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
	"caunoi/reports"
)

// reportRoutes registers the reports and the CSV export on the staff group:
// leaders and admins for their unit and below, heads for their department;
// staff are refused (403).
func (s *Server) reportRoutes(g *gin.RouterGroup) {
	r := g.Group("", httpx.RequireRole(domain.RoleAdmin, domain.RoleLeader, domain.RoleHead))
	r.GET("/reports/summary", s.reportSummary)
	r.GET("/reports/summary.pdf", s.reportSummaryPDF)
	r.POST("/reports/summary.pdf", s.reportSummaryPDF)
	r.GET("/tickets/export.csv", s.exportTicketsCSV)
	r.GET("/reports", s.listReports)
	r.GET("/reports/:file", s.archivedReportPDF)
}

// summaryOut is the summary JSON; a head's summary names its department.
type summaryOut struct {
	*domain.Summary
	Department *httpx.NamedRef `json:"department,omitempty"`
}

// reportSummary handles GET /api/v1/reports/summary.
func (s *Server) reportSummary(c *gin.Context) {
	sc := httpx.ScopeOf(c)
	req, err := s.ReportRequest(httpx.QueryReportParams(c))
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	sum, err := s.Store.ReportSummary(c.Request.Context(), sc, req)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	s.localTimes(sum)
	c.JSON(http.StatusOK, summaryOut{Summary: sum, Department: s.ScopeDepartment(c, sc)})
}

// localTimes shows the summary's times in the server's time zone.
func (s *Server) localTimes(sum *domain.Summary) {
	loc := s.Cfg.Location
	sum.GeneratedAt = sum.GeneratedAt.In(loc)
	for i := range sum.OverdueList {
		l := &sum.OverdueList[i]
		l.CreatedAt = l.CreatedAt.In(loc)
		if l.DueAt != nil {
			t := l.DueAt.In(loc)
			l.DueAt = &t
		}
		if l.ResolvedAt != nil {
			t := l.ResolvedAt.In(loc)
			l.ResolvedAt = &t
		}
	}
}

// reportSummaryPDF handles GET and POST /api/v1/reports/summary.pdf: the
// summary as the administrative PDF. POST takes the same parameters as a
// JSON body, for a long section IV.
func (s *Server) reportSummaryPDF(c *gin.Context) {
	p := httpx.QueryReportParams(c)
	if c.Request.Method == http.MethodPost {
		p = httpx.ReportParams{}
		if err := httpx.DecodeJSON(c, &p); err != nil {
			httpx.WriteError(c, err)
			return
		}
	}
	pdf, name, err := s.SummaryPDF(c, p)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	c.Header("Content-Disposition", `inline; filename="`+name+`"`)
	c.Data(http.StatusOK, "application/pdf", pdf)
}

// exportTicketsCSV handles GET /api/v1/tickets/export.csv: the tickets the
// queue's filters select (every status unless status= is given), optionally
// received from..to, streamed as CSV as they are read.
func (s *Server) exportTicketsCSV(c *gin.Context) {
	sc := httpx.ScopeOf(c)
	f, err := httpx.TicketFilterOf(c, sc)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	ex := domain.TicketExport{Filter: f}
	q := c.Request.URL.Query()
	if q.Get("from") != "" || q.Get("to") != "" {
		from, to, err := domain.ParseReportPeriod(q.Get("from"), q.Get("to"), s.Cfg.Now(), s.Cfg.Location)
		if err != nil {
			httpx.WriteError(c, err)
			return
		}
		ex.From, ex.To = &from, &to
	}
	var w *reports.CSVWriter
	start := func() error {
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="phan-anh-%s.csv"`,
			s.Cfg.Now().In(s.Cfg.Location).Format("2006-01-02")))
		c.Header("Cache-Control", "no-store")
		c.Status(http.StatusOK)
		var err error
		w, err = reports.NewCSVWriter(c.Writer)
		return err
	}
	err = s.Store.ExportTickets(c.Request.Context(), sc, ex, func(l domain.TicketLine) error {
		if w == nil {
			if err := start(); err != nil {
				return err
			}
		}
		return w.Write(l)
	})
	if err == nil && w == nil {
		err = start() // no rows: the header alone
	}
	if err == nil {
		err = w.Flush()
	}
	if err != nil {
		if w == nil {
			httpx.WriteError(c, err)
			return
		}
		// Rows have gone out: cut the connection so the client sees a
		// truncated download, not a complete-looking file.
		httpx.LogFrom(c).Error("csv export interrupted", "error", err)
		panic(http.ErrAbortHandler)
	}
}

// listReports handles GET /api/v1/reports: the archive within the scope.
func (s *Server) listReports(c *gin.Context) {
	sc := httpx.ScopeOf(c)
	q := c.Request.URL.Query()
	f := domain.ArchiveFilter{Unit: q.Get("unit"), Period: q.Get("period")}
	bad := map[string]string{}
	switch f.Period {
	case "", domain.PeriodWeek, domain.PeriodMonth, domain.PeriodQuarter, domain.PeriodCustom:
	default:
		bad["period"] = "invalid"
	}
	if l := q.Get("limit"); l != "" {
		var n int
		if _, err := fmt.Sscan(l, &n); err != nil || n < 1 || n > 100 {
			bad["limit"] = "invalid"
		}
		f.Limit = n
	}
	if cur := q.Get("cursor"); cur != "" {
		after, err := decodeArchiveCursor(cur)
		if err != nil {
			bad["cursor"] = "invalid"
		}
		f.After = after
	}
	if len(bad) > 0 {
		httpx.WriteError(c, domain.Invalid("Bộ lọc không hợp lệ.", "Invalid filter.", bad))
		return
	}
	items, next, err := s.Store.ListReports(c.Request.Context(), sc, f)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	type item struct {
		domain.ArchivedReport
		PDF string `json:"pdf"`
	}
	out := make([]item, len(items))
	for i, r := range items {
		r.CreatedAt = r.CreatedAt.In(s.Cfg.Location)
		out[i] = item{ArchivedReport: r, PDF: fmt.Sprintf("/api/v1/reports/%d.pdf", r.ID)}
	}
	var nextCur *string
	if next != nil {
		v := httpx.EncodeCursor(&domain.Cursor{DueAt: archiveCursorTime(next.PeriodFrom), ID: next.ID})
		nextCur = v
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "next_cursor": nextCur})
}

// archiveCursorTime carries an archive position's date in the queue's
// cursor format (a time and an id).
func archiveCursorTime(day string) time.Time {
	t, _ := time.Parse("2006-01-02", day)
	return t
}

func decodeArchiveCursor(s string) (*domain.ArchiveCursor, error) {
	c, err := httpx.DecodeCursor(s)
	if err != nil {
		return nil, err
	}
	return &domain.ArchiveCursor{PeriodFrom: c.DueAt.UTC().Format("2006-01-02"), ID: c.ID}, nil
}

// archivedReportPDF handles GET /api/v1/reports/{id}.pdf.
func (s *Server) archivedReportPDF(c *gin.Context) {
	idText, ok := strings.CutSuffix(c.Param("file"), ".pdf")
	var id int64
	if _, err := fmt.Sscan(idText, &id); !ok || err != nil || id <= 0 || fmt.Sprint(id) != idText {
		httpx.WriteError(c, domain.NotFound("báo cáo", "report"))
		return
	}
	r, pdf, err := s.Store.ReportPDF(c.Request.Context(), httpx.ScopeOf(c), id)
	if err != nil {
		httpx.WriteError(c, err)
		return
	}
	name := fmt.Sprintf("bao-cao-%s-%s-%s.pdf", r.Unit, r.From, r.To)
	c.Header("Content-Disposition", `inline; filename="`+name+`"`)
	c.Data(http.StatusOK, "application/pdf", pdf)
}
