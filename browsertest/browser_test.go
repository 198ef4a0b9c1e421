package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"caunoi/demo"
	"caunoi/internal/apitest"
)

// chromium returns the browser to drive: $CAUNOI_CHROMIUM, else Debian's.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CAUNOI_CHROMIUM"), "/usr/bin/chromium", "chromium", "chromium-browser"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is not installed; .ci/run installs it (apt-get install chromium)")
	}
	t.Skip("Chromium is not installed: browser tests skipped")
	return ""
}

// artifacts returns the directory that screenshots go to.
func artifacts(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CAUNOI_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "caunoi-artifacts")
	}
	dir = filepath.Join(dir, "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser starts headless Chromium with a fresh profile; the returned
// context is bounded by limit and stops the browser when the test ends.
func browser(t *testing.T, limit time.Duration) context.Context {
	t.Helper()
	exe := chromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	t.Cleanup(cancel)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("lang", "vi-VN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return bctx
}

// actor is one person in the browser: a tab in its own browser context
// (cookies of its own).
type actor struct {
	t    *testing.T
	ctx  context.Context
	base string
	dir  string
	name string
}

func newActor(t *testing.T, bctx context.Context, base, dir, name string, w, h int64, phone bool) *actor {
	t.Helper()
	ctx, cancel := chromedp.NewContext(bctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	a := &actor{t: t, ctx: ctx, base: base, dir: dir, name: name}
	if err := chromedp.Do(ctx); err != nil { // opens the tab, unbounded by a step's timeout
		t.Fatalf("%s: open a tab: %v", name, err)
	}
	if phone {
		a.do(chromedp.EmulateViewport(w, h, chromedp.EmulateScale(2), chromedp.EmulateMobile))
	} else {
		a.do(chromedp.EmulateViewport(w, h))
	}
	return a
}

// stepTimeout bounds one step, so that a missing element fails fast.
const stepTimeout = 20 * time.Second

func (a *actor) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(a.ctx, stepTimeout)
}

func (a *actor) do(steps ...chromedp.Action[chromedp.Void]) {
	a.t.Helper()
	ctx, cancel := a.step()
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		a.t.Fatalf("%s: %v", a.name, err)
	}
}

// submit clicks a button that sends a form and waits for the next page.
func (a *actor) submit(sel string) {
	a.t.Helper()
	ctx, cancel := a.step()
	defer cancel()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		a.t.Fatalf("%s: submit %s: %v", a.name, sel, err)
	}
}

func (a *actor) open(path string) {
	a.t.Helper()
	a.do(chromedp.Navigate(a.base + path))
}

func (a *actor) text(sel string) string {
	a.t.Helper()
	ctx, cancel := a.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		a.t.Fatalf("%s: text of %s: %v", a.name, sel, err)
	}
	return strings.TrimSpace(s)
}

func (a *actor) location() string {
	a.t.Helper()
	s, err := chromedp.Run(a.ctx, chromedp.Location())
	if err != nil {
		a.t.Fatal(err)
	}
	return strings.TrimPrefix(s, a.base)
}

// shot saves a screenshot of the whole page.
func (a *actor) shot(name string) {
	a.t.Helper()
	a.t.Logf("%s: %s", time.Now().Format("15:04:05.000"), name)
	png, err := chromedp.Run(a.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		a.t.Fatalf("%s: screenshot %s: %v", a.name, name, err)
	}
	if err := os.WriteFile(filepath.Join(a.dir, name+".png"), png, 0o644); err != nil {
		a.t.Fatal(err)
	}
}

var trackRE = regexp.MustCompile(`^/track/([0-9A-Z]{4}-[0-9A-Z]{5})\?new=1$`)

// TestCitizenAndStaffInTheBrowser: a citizen on a phone sends feedback and
// reaches the tracking page; a staff member signs in, finds it by a search
// without diacritics, replies and resolves it; the citizen sees the reply
// and rates it.
func TestCitizenAndStaffInTheBrowser(t *testing.T) {
	bctx := browser(t, 3*time.Minute)
	e := apitest.New(t)
	dir := artifacts(t)

	// The citizen, on a phone.
	cit := newActor(t, bctx, e.Server.URL, dir, "citizen", 390, 844, true)
	cit.open("/")
	cit.shot("01-home-phone")
	cit.do(chromedp.Click(chromedp.CSS(`a[href="/u/xuan-lung"]`)), chromedp.WaitVisible(chromedp.ID("f-body")))
	cit.shot("02-form-phone")
	// Sent empty: the errors show next to the fields.
	e.Clock.Advance(10 * time.Second)
	cit.submit("form.feedback button.primary")
	if msg := cit.text("#e-body"); msg != "Nội dung phản ánh không được để trống." {
		t.Fatalf("error next to the body: %q", msg)
	}
	cit.shot("03-form-errors-phone")
	cit.do(
		chromedp.SetValue(chromedp.ID("f-category"), "chieu-sang"),
		chromedp.SendKeys(chromedp.ID("f-title"), "Đèn đường hỏng trước nhà văn hóa thôn 3"),
		chromedp.SendKeys(chromedp.ID("f-body"), "Ba bóng đèn đường trước nhà văn hóa thôn 3 không sáng từ thứ Hai, buổi tối rất tối."),
		chromedp.SendKeys(chromedp.ID("f-name"), "Nguyễn Thị Hoa"),
		chromedp.SendKeys(chromedp.ID("f-phone"), "0987654321"),
		chromedp.SendKeys(chromedp.ID("f-village"), "Thôn 3"),
		chromedp.Click(chromedp.ID("f-public")),
	)
	e.Clock.Advance(30 * time.Second)
	cit.submit("form.feedback button.primary")
	m := trackRE.FindStringSubmatch(cit.location())
	if m == nil {
		t.Fatalf("after sending: at %q", cit.location())
	}
	code := m[1]
	if got := cit.text("#tracking-code"); got != code {
		t.Fatalf("tracking code shown %q, want %q", got, code)
	}
	cit.shot("04-received-phone")

	// The staff member, at a desk.
	st := newActor(t, bctx, e.Server.URL, dir, "staff", 1280, 900, false)
	st.open("/staff")
	if !strings.HasPrefix(st.location(), "/staff/login") {
		t.Fatalf("staff without a session at %q", st.location())
	}
	st.do(chromedp.SendKeys(chromedp.ID("f-email"), apitest.StaffKT),
		chromedp.SendKeys(chromedp.ID("f-password"), demo.Password))
	st.shot("05-staff-login")
	st.submit("form button.primary")
	if st.location() != "/staff" {
		t.Fatalf("after sign-in at %q", st.location())
	}
	st.do(chromedp.SendKeys(chromedp.ID("f-q"), "den duong thon 3"))
	st.submit("form.filters button.primary")
	if got := st.text("td.mono a"); got != code {
		t.Fatalf("search without diacritics found %q, want %q", got, code)
	}
	st.shot("06-queue-search")
	st.submit("td.mono a")
	st.do(chromedp.SendKeys(chromedp.ID("f-reply"), "Chào chị Hoa, Phòng Kinh tế đã cử điện lực thay ba bóng đèn chiều nay. Cảm ơn chị đã phản ánh."))
	st.submit("#reply button.primary")
	if got := st.text(".notice"); got != "Đã gửi trả lời." {
		t.Fatalf("after the reply: %q", got)
	}
	// The first reply put the ticket in progress: "resolved" is offered now,
	// with the result the citizen reads.
	st.do(chromedp.SendKeys(chromedp.ID("f-status-result"), "Phòng Kinh tế đã cử điện lực thay ba bóng đèn; đèn đã sáng lại."))
	st.submit(`button[name="status"][value="resolved"]`)
	if got := st.text("#status"); got != "Đã giải quyết" {
		t.Fatalf("status %q", got)
	}
	st.shot("07-ticket-resolved")

	// The citizen sees the answer and rates it.
	cit.open("/track/" + code)
	if got := cit.text(".reply .text"); !strings.Contains(got, "đã cử điện lực thay ba bóng đèn") {
		t.Fatalf("reply shown to the citizen: %q", got)
	}
	cit.shot("08-track-reply-phone")
	cit.do(chromedp.Click(chromedp.CSS(`input[name="score"][value="5"]`)),
		chromedp.SendKeys(chromedp.ID("f-comment"), "Xử lý nhanh, cảm ơn."))
	cit.submit(`form[action$="/rating"] button`)
	if got := cit.text(".stars"); got != "★★★★★" {
		t.Fatalf("rating shown %q", got)
	}
	cit.shot("09-track-rated-phone")
	var rating int
	if err := e.DB.Get(&rating, "SELECT rating FROM tickets WHERE tracking_code = $1", code); err != nil || rating != 5 {
		t.Fatalf("stored rating %d, %v", rating, err)
	}

	// The English switch, on the phone.
	cit.do(chromedp.Click(chromedp.CSS("a.lang")), chromedp.WaitVisible(chromedp.CSS(`html[lang="en"]`)))
	cit.shot("10-track-english-phone")
	t.Logf("screenshots in %s", dir)
}
