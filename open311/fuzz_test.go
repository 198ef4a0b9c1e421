package open311

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"caunoi/domain"
	"caunoi/internal/httpx"
)

// fuzzO311Catalog is a unit with two categories, and fuzzO311Service the
// service of one of them with a required list attribute and a number.
var (
	fuzzO311Catalog = &domain.Catalog{Unit: domain.Unit{ID: 1, Code: "xuan-lung"}, Categories: []domain.Category{
		{ID: 1, Code: "chieu-sang", Name: "Điện, chiếu sáng công cộng", Active: true},
		{ID: 2, Code: "moi-truong", Name: "Môi trường, rác thải", Active: true},
	}}
	fuzzO311Service = domain.Open311Service{Code: "chieu-sang", Name: "Điện, chiếu sáng công cộng",
		Attributes: []domain.ServiceAttribute{
			{Variable: true, Code: "loai-den", Datatype: "singlevaluelist", Required: true, Order: 1,
				Values: []domain.AttributeValue{{Key: "den-duong", Name: "Đèn đường"}, {Key: "cot-dien", Name: "Cột điện"}}},
			{Variable: true, Code: "so-bong", Datatype: "number", Order: 2},
			{Variable: true, Code: "nhieu", Datatype: "multivaluelist", Order: 3,
				Values: []domain.AttributeValue{{Key: "a", Name: "A"}, {Key: "b", Name: "B"}}},
		}}
)

// fuzzContext returns a gin context over a POST of body with the media type,
// its body capped as the server caps every request.
func fuzzContext(body []byte, ctype string) *gin.Context {
	gin.SetMode(gin.ReleaseMode)
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	req := httptest.NewRequest(http.MethodPost, "/open311/v2/requests.json", bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Body = http.MaxBytesReader(rec, req.Body, httpx.MaxBodyBytes)
	c.Request = req
	return c
}

// FuzzOpen311Form feeds the Open311 POST form decoder (readForm, the
// location, the attributes and newRequest's validation and mapping) hostile
// bodies: no panic; a refusal is an error that maps to 400 or 413; an
// accepted request is a valid feedback of the open311 channel with a
// location and the required attribute answered.
func FuzzOpen311Form(f *testing.F) {
	f.Add([]byte("api_key=k&jurisdiction_id=xuan-lung&service_code=chieu-sang&lat=21.32&long=105.4&description=%C4%90%C3%A8n+h%E1%BB%8Fng&attribute%5Bloai-den%5D=den-duong&attribute%5Bso-bong%5D=3&first_name=An&last_name=Nguy%E1%BB%85n&phone=0912345678&email=an%40example.vn&account_id=42&media_url=https%3A%2F%2Fexample.vn%2Fa.jpg"), false)
	f.Add([]byte("service_code=chieu-sang&address_string=45+L%C3%AA+L%E1%BB%A3i&attribute[loai-den]=cot-dien&attribute[nhieu][]=a&attribute[nhieu][]=b"), false)
	f.Add([]byte("service_code=chieu-sang&address_id=XL-T3-12&attribute[loai-den]=nope&lat=91"), false)
	f.Add([]byte("lat=NaN&long=Inf&address_id=%FF%FE&description="+strings.Repeat("x", 4001)), false)
	f.Add([]byte("--XX\r\nContent-Disposition: form-data; name=\"address_string\"\r\n\r\nThôn 3\r\n--XX\r\nContent-Disposition: form-data; name=\"attribute[loai-den]\"\r\n\r\nden-duong\r\n--XX--\r\n"), true)
	f.Add([]byte("a=%zz&b&&=&attribute[]=x&attribute[=y&media_url=javascript:alert(1)"), false)
	h := &handler{s: &httpx.Core{Cfg: httpx.Config{Location: domain.VietnamLocation()}}}
	f.Fuzz(func(t *testing.T, body []byte, multipart bool) {
		ctype := "application/x-www-form-urlencoded"
		if multipart {
			ctype = "multipart/form-data; boundary=XX"
		}
		c := fuzzContext(body, ctype)
		form, err := readForm(c)
		if err == nil {
			var nt domain.NewTicket
			nt, _, err = h.newRequest(form, fuzzO311Catalog, fuzzO311Service)
			if err == nil {
				in := nt.Input
				if nt.Channel != domain.ChannelOpen311 || in.Channel != domain.ChannelOpen311 || in.Category != "chieu-sang" {
					t.Fatalf("accepted as %q/%q/%q", nt.Channel, in.Channel, in.Category)
				}
				if !utf8.ValidString(in.Body) || strings.TrimSpace(in.Body) == "" {
					t.Fatalf("accepted body %q", in.Body)
				}
				hasLoc := in.Location.Lat != nil && in.Location.Lng != nil ||
					strings.TrimSpace(in.Location.Address) != "" || strings.TrimSpace(form.Get("address_id")) != ""
				if !hasLoc {
					t.Fatalf("accepted without a location: %v", form)
				}
				if len(form["attribute[loai-den]"]) == 0 && len(form["attribute[loai-den][]"]) == 0 {
					t.Fatalf("accepted without the required attribute: %v", form)
				}
				return
			}
		}
		de := httpx.ToDomain(err)
		if st := httpx.StatusOf[de.Code]; st != http.StatusBadRequest && st != http.StatusRequestEntityTooLarge {
			t.Fatalf("refusal %#v maps to %d", err, st)
		}
		if de.Message == "" || de.MessageEN == "" {
			t.Fatalf("refusal without a message: %#v", err)
		}
	})
}
