package httpx

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/reports"
)

// ReportParams are what a summary is asked with (query string, or the JSON
// body of POST summary.pdf).
type ReportParams struct {
	Unit       string   `json:"unit"`
	From       string   `json:"from"`
	To         string   `json:"to"`
	Header     string   `json:"header"`
	SectionIV  string   `json:"section4"`
	Number     string   `json:"number"`
	SignerName string   `json:"signer_name"`
	Signer     string   `json:"signer"` // "tm" (default: on behalf of the committee) or "kt" (a deputy signs)
	Recipients []string `json:"recipients"`
}

// QueryReportParams reads the report's parameters from the query string
// (recipients repeated, one per parameter).
func QueryReportParams(c *gin.Context) ReportParams {
	q := c.Request.URL.Query()
	return ReportParams{Unit: q.Get("unit"), From: q.Get("from"), To: q.Get("to"), Header: q.Get("header"),
		SectionIV: q.Get("section4"), Number: q.Get("number"), SignerName: q.Get("signer_name"),
		Signer: q.Get("signer"), Recipients: q["recipients"]}
}

// Recipients splits the report form's "Nơi nhận" text, one recipient a
// line, blank lines left out.
func Recipients(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// request validates p into a report request.
func (s *Core) ReportRequest(p ReportParams) (domain.ReportRequest, error) {
	from, to, err := domain.ParseReportPeriod(strings.TrimSpace(p.From), strings.TrimSpace(p.To), s.Cfg.Now(), s.Cfg.Location)
	if err != nil {
		return domain.ReportRequest{}, err
	}
	return domain.ReportRequest{Unit: strings.TrimSpace(p.Unit), From: from, To: to}, nil
}

// ScopeDepartment names a department scope's department (nil otherwise).
func (s *Core) ScopeDepartment(c *gin.Context, sc domain.Scope) *NamedRef {
	if sc.Role.UnitWide() || sc.DepartmentID == nil {
		return nil
	}
	cat, err := s.Store.Catalog(c.Request.Context(), sc.UnitID)
	if err != nil {
		return nil
	}
	if d, ok := cat.Department(*sc.DepartmentID); ok {
		return &NamedRef{Code: d.Code, Name: d.Name}
	}
	return nil
}

// SummaryPDF checks the report's parameters and renders the summary of the
// caller's scope as the leaders' PDF; the API and the leader's page share it.
func (s *Core) SummaryPDF(c *gin.Context, in ReportParams) ([]byte, string, error) {
	bad := map[string]string{}
	switch in.Header {
	case "", reports.HeaderUBND, reports.HeaderDangUy:
	default:
		bad["header"] = domain.FieldInvalid
	}
	if utf8.RuneCountInString(in.SectionIV) > MaxSectionIV {
		bad["section4"] = domain.FieldTooLong
	}
	if utf8.RuneCountInString(in.Number) > 100 {
		bad["number"] = domain.FieldTooLong
	}
	if utf8.RuneCountInString(in.SignerName) > 200 {
		bad["signer_name"] = domain.FieldTooLong
	}
	switch in.Signer {
	case "", "tm", "kt":
	default:
		bad["signer"] = domain.FieldInvalid
	}
	if len(in.Recipients) > 30 {
		bad["recipients"] = "too_many"
	}
	for _, r := range in.Recipients {
		if utf8.RuneCountInString(r) > 200 {
			bad["recipients"] = domain.FieldTooLong
		}
	}
	if len(bad) > 0 {
		return nil, "", domain.Invalid("Tham số báo cáo không hợp lệ.", "Invalid report parameters.", bad)
	}
	req, err := s.ReportRequest(in)
	if err != nil {
		return nil, "", err
	}
	req.Appendix = true
	sc := ScopeOf(c)
	sum, err := s.Store.ReportSummary(c.Request.Context(), sc, req)
	if err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	opt := reports.PDFOptions{Header: in.Header, SectionIV: in.SectionIV, Number: in.Number,
		SignerName: in.SignerName, Deputy: in.Signer == "kt", Recipients: in.Recipients, Loc: s.Cfg.Location}
	if err := reports.WritePDF(&buf, sum, opt); err != nil {
		return nil, "", domain.Internal(err)
	}
	if in.Number != "" && sc.Role.UnitWide() {
		if err := s.archive(c, sum, in.Header, buf.Bytes(), sc); err != nil {
			return nil, "", err
		}
	}
	return buf.Bytes(), fmt.Sprintf("bao-cao-%s-%s-%s.pdf", sum.Unit, sum.From, sum.To), nil
}

// archive keeps a numbered report, an official document once it has its
// number, in the unit's report archive as the leader made it.
func (s *Core) archive(c *gin.Context, sum *domain.Summary, header string, pdf []byte, sc domain.Scope) error {
	cat, err := s.Store.CatalogByCode(c.Request.Context(), sum.Unit)
	if err != nil {
		return err
	}
	_, _, err = s.Store.SaveReport(c.Request.Context(), domain.NewArchivedReport{UnitID: cat.Unit.ID,
		Period: domain.PeriodCustom, Header: header, Summary: sum, PDF: pdf, By: &sc.UserID})
	return err
}

// MaxSectionIV bounds the leader's text of section IV, in runes.
const MaxSectionIV = 20000
