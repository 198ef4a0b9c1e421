package api

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/reports"
)

// ReportStore is what the reports ask of the data layer. Every method takes
// the caller's scope and applies it in its queries.
type ReportStore interface {
	// ReportSummary returns the figures of a unit over a period (not_found
	// for a unit outside the scope).
	ReportSummary(ctx context.Context, sc domain.Scope, req domain.ReportRequest) (*domain.Summary, error)
	// ExportTickets calls fn with each selected ticket as it is read.
	ExportTickets(ctx context.Context, sc domain.Scope, ex domain.TicketExport, fn func(domain.TicketLine) error) error
	// ListReports returns a page of the archive and the next page's cursor.
	ListReports(ctx context.Context, sc domain.Scope, f domain.ArchiveFilter) ([]domain.ArchivedReport, *domain.ArchiveCursor, error)
	// ReportPDF returns a stored report and its PDF.
	ReportPDF(ctx context.Context, sc domain.Scope, id int64) (domain.ArchivedReport, []byte, error)
}

// maxSectionIV bounds the leader's text of section IV, in runes.
const maxSectionIV = 20000

// reportRoutes registers the reports and the CSV export on the staff group:
// leaders and admins for their unit and below, heads for their department;
// staff are refused (403).
func (s *Server) reportRoutes(g *gin.RouterGroup) {
	r := g.Group("", requireRole(domain.RoleAdmin, domain.RoleLeader, domain.RoleHead))
	r.GET("/reports/summary", s.reportSummary)
	r.GET("/reports/summary.pdf", s.reportSummaryPDF)
	r.POST("/reports/summary.pdf", s.reportSummaryPDF)
	r.GET("/tickets/export.csv", s.exportTicketsCSV)
	r.GET("/reports", s.listReports)
	r.GET("/reports/:file", s.archivedReportPDF)
}

// reportParams are what a summary is asked with (query string, or the JSON
// body of POST summary.pdf).
type reportParams struct {
	Unit       string   `json:"unit"`
	From       string   `json:"from"`
	To         string   `json:"to"`
	Header     string   `json:"header"`
	SectionIV  string   `json:"section4"`
	Number     string   `json:"number"`
	SignerName string   `json:"signer_name"`
	Recipients []string `json:"recipients"`
}

func queryReportParams(c *gin.Context) reportParams {
	q := c.Request.URL.Query()
	return reportParams{Unit: q.Get("unit"), From: q.Get("from"), To: q.Get("to"), Header: q.Get("header"),
		SectionIV: q.Get("section4"), Number: q.Get("number"), SignerName: q.Get("signer_name")}
}

// request validates p into a report request.
func (s *Server) reportRequest(p reportParams) (domain.ReportRequest, error) {
	from, to, err := domain.ParseReportPeriod(strings.TrimSpace(p.From), strings.TrimSpace(p.To), s.cfg.Now(), s.cfg.Location)
	if err != nil {
		return domain.ReportRequest{}, err
	}
	return domain.ReportRequest{Unit: strings.TrimSpace(p.Unit), From: from, To: to}, nil
}

// summaryOut is the summary JSON; a head's summary names its department.
type summaryOut struct {
	*domain.Summary
	Department *namedRef `json:"department,omitempty"`
}

// reportSummary handles GET /api/v1/reports/summary.
func (s *Server) reportSummary(c *gin.Context) {
	sc := scopeOf(c)
	req, err := s.reportRequest(queryReportParams(c))
	if err != nil {
		writeError(c, err)
		return
	}
	sum, err := s.store.ReportSummary(c.Request.Context(), sc, req)
	if err != nil {
		writeError(c, err)
		return
	}
	s.localTimes(sum)
	c.JSON(http.StatusOK, summaryOut{Summary: sum, Department: s.scopeDepartment(c, sc)})
}

// scopeDepartment names a department scope's department (nil otherwise).
func (s *Server) scopeDepartment(c *gin.Context, sc domain.Scope) *namedRef {
	if sc.Role.UnitWide() || sc.DepartmentID == nil {
		return nil
	}
	cat, err := s.store.Catalog(c.Request.Context(), sc.UnitID)
	if err != nil {
		return nil
	}
	if d, ok := cat.Department(*sc.DepartmentID); ok {
		return &namedRef{Code: d.Code, Name: d.Name}
	}
	return nil
}

// localTimes shows the summary's times in the server's time zone.
func (s *Server) localTimes(sum *domain.Summary) {
	loc := s.cfg.Location
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
	p := queryReportParams(c)
	if c.Request.Method == http.MethodPost {
		p = reportParams{}
		if err := decodeJSON(c, &p); err != nil {
			writeError(c, err)
			return
		}
	}
	pdf, name, err := s.summaryPDF(c, p)
	if err != nil {
		writeError(c, err)
		return
	}
	c.Header("Content-Disposition", `inline; filename="`+name+`"`)
	c.Data(http.StatusOK, "application/pdf", pdf)
}

// summaryPDF checks the report's parameters and renders the summary of the
// caller's scope as the leaders' PDF; the API and the leader's page share it.
func (s *Server) summaryPDF(c *gin.Context, in reportParams) ([]byte, string, error) {
	bad := map[string]string{}
	switch in.Header {
	case "", reports.HeaderUBND, reports.HeaderDangUy:
	default:
		bad["header"] = domain.FieldInvalid
	}
	if utf8.RuneCountInString(in.SectionIV) > maxSectionIV {
		bad["section4"] = domain.FieldTooLong
	}
	if utf8.RuneCountInString(in.Number) > 100 {
		bad["number"] = domain.FieldTooLong
	}
	if utf8.RuneCountInString(in.SignerName) > 200 {
		bad["signer_name"] = domain.FieldTooLong
	}
	if len(in.Recipients) > 30 {
		bad["recipients"] = "too_many"
	}
	if len(bad) > 0 {
		return nil, "", domain.Invalid("Tham số báo cáo không hợp lệ.", "Invalid report parameters.", bad)
	}
	req, err := s.reportRequest(in)
	if err != nil {
		return nil, "", err
	}
	req.Appendix = true
	sum, err := s.store.ReportSummary(c.Request.Context(), scopeOf(c), req)
	if err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	opt := reports.PDFOptions{Header: in.Header, SectionIV: in.SectionIV, Number: in.Number,
		SignerName: in.SignerName, Recipients: in.Recipients, Loc: s.cfg.Location}
	if err := reports.WritePDF(&buf, sum, opt); err != nil {
		return nil, "", domain.Internal(err)
	}
	return buf.Bytes(), fmt.Sprintf("bao-cao-%s-%s-%s.pdf", sum.Unit, sum.From, sum.To), nil
}

// exportTicketsCSV handles GET /api/v1/tickets/export.csv: the tickets the
// queue's filters select (every status unless status= is given), optionally
// received from..to, streamed as CSV as they are read.
func (s *Server) exportTicketsCSV(c *gin.Context) {
	sc := scopeOf(c)
	f, err := ticketFilter(c, sc)
	if err != nil {
		writeError(c, err)
		return
	}
	ex := domain.TicketExport{Filter: f}
	q := c.Request.URL.Query()
	if q.Get("from") != "" || q.Get("to") != "" {
		from, to, err := domain.ParseReportPeriod(q.Get("from"), q.Get("to"), s.cfg.Now(), s.cfg.Location)
		if err != nil {
			writeError(c, err)
			return
		}
		ex.From, ex.To = &from, &to
	}
	var w *reports.CSVWriter
	start := func() error {
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="phan-anh-%s.csv"`,
			s.cfg.Now().In(s.cfg.Location).Format("2006-01-02")))
		c.Header("Cache-Control", "no-store")
		c.Status(http.StatusOK)
		var err error
		w, err = reports.NewCSVWriter(c.Writer)
		return err
	}
	err = s.store.ExportTickets(c.Request.Context(), sc, ex, func(l domain.TicketLine) error {
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
			writeError(c, err)
			return
		}
		// Rows have gone out: cut the connection so the client sees a
		// truncated download, not a complete-looking file.
		logFrom(c).Error("csv export interrupted", "error", err)
		panic(http.ErrAbortHandler)
	}
}

// listReports handles GET /api/v1/reports: the archive within the scope.
func (s *Server) listReports(c *gin.Context) {
	sc := scopeOf(c)
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
		writeError(c, domain.Invalid("Bộ lọc không hợp lệ.", "Invalid filter.", bad))
		return
	}
	items, next, err := s.store.ListReports(c.Request.Context(), sc, f)
	if err != nil {
		writeError(c, err)
		return
	}
	type item struct {
		domain.ArchivedReport
		PDF string `json:"pdf"`
	}
	out := make([]item, len(items))
	for i, r := range items {
		r.CreatedAt = r.CreatedAt.In(s.cfg.Location)
		out[i] = item{ArchivedReport: r, PDF: fmt.Sprintf("/api/v1/reports/%d.pdf", r.ID)}
	}
	var nextCur *string
	if next != nil {
		v := encodeCursor(&domain.Cursor{DueAt: archiveCursorTime(next.PeriodFrom), ID: next.ID})
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
	c, err := decodeCursor(s)
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
		writeError(c, domain.NotFound("báo cáo", "report"))
		return
	}
	r, pdf, err := s.store.ReportPDF(c.Request.Context(), scopeOf(c), id)
	if err != nil {
		writeError(c, err)
		return
	}
	name := fmt.Sprintf("bao-cao-%s-%s-%s.pdf", r.Unit, r.From, r.To)
	c.Header("Content-Disposition", `inline; filename="`+name+`"`)
	c.Data(http.StatusOK, "application/pdf", pdf)
}
