package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/wengao/wengao/docx"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

// chromiumNames are the commands that may start Chromium, looked up in
// PATH: Debian's package installs chromium.
var chromiumNames = []string{"chromium", "chromium-browser"}

// findChromium returns the path of Chromium found in PATH, or "".
func findChromium() string {
	for _, name := range chromiumNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// The browsers of the two visitors: an ordinary desktop Chrome (a
// headless one would be taken for a crawler and not counted) and another.
const (
	visitorUA      = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"
	otherVisitorUA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// attackRecords are documents whose title and text try to run script,
// break out of attributes and reorder text; they share words, so that each
// is the other's related reading.
var attackRecords = []map[string]any{
	{
		"id": "xss-attack-1", "date": "2024-02-02", "category": "公文/通知", "source": `javascript:alert(7) "><script>alert(8)</script>`,
		"title": `<script>alert("title")</script>攻击测试"><img src=x onerror=alert(1)>` + "\u202e倒序\u200b零宽",
		"body":  "<script>alert(\"body\")</script>\n\"><img src=x onerror=alert(2)>攻击测试正文\n一、\u202e标题<svg onload=alert(3)>\n攻击测试的第二段，\u200b零宽字符。</p><script>alert(4)</script>",
	},
	{
		"id": "xss-attack-2", "date": "2024-02-03", "category": "公文/通知",
		"title": `攻击测试之二"><img src=x onerror=alert(5)>`,
		"body":  "攻击测试正文<script>alert(6)</script>\n攻击测试的第二段。",
	},
}

// e2eSite is wengao serving in process, with the sample library seeded
// on first start and the attack documents imported.
type e2eSite struct {
	URL    string
	data   string
	cancel context.CancelFunc
	done   chan error
	logs   *syncBuffer
}

func startSite(t *testing.T) *e2eSite {
	t.Helper()
	dir := t.TempDir()
	s := &e2eSite{data: filepath.Join(dir, "data"), done: make(chan error, 1), logs: &syncBuffer{}}
	var ctx context.Context
	ctx, s.cancel = context.WithCancel(context.Background())
	out := &syncBuffer{}
	go func() {
		s.done <- run(ctx, []string{"serve", "--data", s.data, "--addr", "127.0.0.1:0"}, out, s.logs)
	}()
	deadline := time.Now().Add(2 * time.Minute)
	for s.URL == "" {
		if time.Now().After(deadline) {
			t.Fatalf("wengao serve did not start:\n%s", s.logs)
		}
		select {
		case err := <-s.done:
			t.Fatalf("wengao serve stopped: %v\n%s", err, s.logs)
		case <-time.After(50 * time.Millisecond):
		}
		if _, rest, ok := strings.Cut(out.String(), "wengao is serving at "); ok {
			s.URL = strings.TrimSpace(rest)
		}
	}
	t.Cleanup(func() { s.stop(t) })

	// The attack documents, imported while the site runs.
	var jsonl bytes.Buffer
	for _, rec := range attackRecords {
		b, _ := json.Marshal(rec)
		jsonl.Write(append(b, '\n'))
	}
	file := filepath.Join(dir, "attack.jsonl")
	if err := os.WriteFile(file, jsonl.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runCLI(t, "import", "--data", s.data, "--quiet", file); err != nil {
		t.Fatalf("import attack documents: %v\n%s", err, out)
	}
	return s
}

// stop stops the site as a signal would, and waits for it.
func (s *e2eSite) stop(t *testing.T) {
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.cancel = nil
	select {
	case err := <-s.done:
		if err != nil {
			t.Errorf("wengao serve: %v\n%s", err, s.logs)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("wengao serve did not stop")
	}
}

// requireChromium returns when Chromium can run the test; without it the
// test is skipped, except in CI, where it fails.
func requireChromium(t *testing.T) {
	t.Helper()
	if findChromium() == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI needs Chromium (%s in PATH) for the end-to-end test: run scripts/test.sh as root, which installs chromium and fonts-wqy-microhei", strings.Join(chromiumNames, " or "))
		}
		t.Skipf("no Chromium (%s) in PATH: skipping the end-to-end test (apt-get install chromium fonts-wqy-microhei)", strings.Join(chromiumNames, " or "))
	}
	if testing.Short() {
		t.Skip("the end-to-end test starts a browser")
	}
}

// newBrowser starts headless Chromium with a fresh profile.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(findChromium()),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root in CI
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.UserAgent(visitorUA),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancel()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// do runs browser actions with a time limit, failing the test on error.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(tctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(tctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// clickAndWait clicks the first element matching sel, which must lead to
// another page, and waits until that page has loaded.
func clickAndWait(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	before := eval[string](t, ctx, `location.href`)
	do(t, ctx, "click "+sel, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
	// The page's JavaScript context goes away with the navigation, so ask
	// again until the new page answers.
	deadline := time.Now().Add(20 * time.Second)
	for {
		tctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		loaded, err := chromedp.Run(tctx, chromedp.Evaluate[bool](fmt.Sprintf(`location.href !== %q && document.readyState === "complete"`, before)))
		cancel()
		if err == nil && loaded {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("click %s: no new page loaded (%v)", sel, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitFor evaluates expr until it is true, through navigations, for up to
// 30 s.
func waitFor(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		tctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		ok, err := chromedp.Run(tctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: %v", expr, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var readsText = regexp.MustCompile(`^\d+$`)

// shownReads returns the read count the document page shows.
func shownReads(t *testing.T, ctx context.Context) string {
	t.Helper()
	n := eval[string](t, ctx, `document.querySelector("[data-reads]").textContent`)
	if !readsText.MatchString(n) {
		t.Fatalf("read count %q", n)
	}
	text := eval[string](t, ctx, `document.querySelector(".doc-meta .reads").textContent`)
	if text != "阅读 : "+n {
		t.Errorf("read count shown as %q", text)
	}
	return n
}

// screenshot saves the page as dir/name.png, width px wide and up to 2400
// px of it, from the top or, when from is given, from the element it
// selects.
func screenshot(t *testing.T, ctx context.Context, dir, name string, width int64, mobile bool, from ...string) {
	t.Helper()
	opts := []chromedp.EmulateViewportOption{}
	if mobile {
		opts = append(opts, chromedp.EmulateMobile)
	}
	height := int64(2400)
	if len(from) > 0 {
		height = 1200
	}
	do(t, ctx, "viewport", chromedp.EmulateViewport(width, height, opts...))
	if len(from) > 0 {
		eval[chromedp.Void](t, ctx, fmt.Sprintf(`document.querySelector(%q).scrollIntoView()`, from[0]))
	}
	tctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(tctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSiteInChromium drives the reading site in a real browser: search from
// the home page, a result, related reading, the outline; read counting by
// visitor; the phone layout; inert attack content; screenshots.
func TestSiteInChromium(t *testing.T) {
	requireChromium(t)
	site := startSite(t)
	ctx := newBrowser(t)

	// Record every JavaScript dialog: none may ever open.
	var dialogs atomic.Int32
	watchDialogs := func(ctx context.Context) {
		events := chromedp.Events(ctx, page.JavascriptDialogOpening)
		go func() {
			for ev, err := range events {
				if err != nil {
					return
				}
				dialogs.Add(1)
				t.Errorf("a dialog opened: %q", ev.Message)
				chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			}
		}()
	}
	watchDialogs(ctx)

	shots := os.Getenv("WENGAO_SCREENSHOTS")
	if shots == "" {
		var err error
		if shots, err = os.MkdirTemp("", "wengao-e2e-screenshots-"); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(shots, 0o755)
	t.Logf("screenshots in %s", shots)

	var docPath, docReads string
	t.Run("search from the home page and open a result", func(t *testing.T) {
		do(t, ctx, "home",
			chromedp.EmulateViewport(1280, 900),
			chromedp.Navigate(site.URL+"/"),
			chromedp.WaitVisible(chromedp.CSS(".hero-search input[name=q]")),
		)
		screenshot(t, ctx, shots, "home-desktop", 1280, false)
		do(t, ctx, "type a query",
			chromedp.EmulateViewport(1280, 900),
			chromedp.SendKeys(chromedp.CSS(".hero-search input[name=q]"), "安全生产"),
			chromedp.Submit(chromedp.CSS(".hero-search input[name=q]")),
			chromedp.WaitVisible(chromedp.CSS(".hits .hit h3 a")),
		)
		if loc := eval[string](t, ctx, `location.pathname + location.search`); loc != "/search?q="+url.QueryEscape("安全生产") {
			t.Errorf("search URL %s", loc)
		}
		if q := eval[string](t, ctx, `document.querySelector(".page-search input[name=q]").value`); q != "安全生产" {
			t.Errorf("the query box holds %q", q)
		}
		count := eval[string](t, ctx, `document.querySelector(".result-count").textContent`)
		if !regexp.MustCompile(`找到 \d+ 篇相关文稿`).MatchString(count) {
			t.Errorf("result count %q", count)
		}
		if n := eval[int](t, ctx, `document.querySelectorAll(".hits mark").length`); n == 0 {
			t.Error("no matched words marked")
		}
		screenshot(t, ctx, shots, "search-desktop", 1280, false)
		do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
		title := eval[string](t, ctx, `document.querySelector(".hits .hit h3 a").textContent`)
		clickAndWait(t, ctx, ".hits .hit h3 a")
		if got := eval[string](t, ctx, `document.querySelector("h1.doc-title").textContent`); got != title {
			t.Errorf("opened %q, clicked %q", got, title)
		}
		docPath = eval[string](t, ctx, `location.pathname`)
		docReads = shownReads(t, ctx)
	})
	if docPath == "" {
		t.FailNow()
	}

	t.Run("a second visit does not count, a new visitor does", func(t *testing.T) {
		do(t, ctx, "revisit", chromedp.Navigate(site.URL+docPath), chromedp.WaitVisible(chromedp.CSS("h1.doc-title")))
		if got := shownReads(t, ctx); got != docReads {
			t.Errorf("second visit shows %s reads, first showed %s", got, docReads)
		}
		other, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
		defer cancel()
		watchDialogs(other)
		tctx, tcancel := context.WithTimeout(other, 30*time.Second)
		defer tcancel()
		if _, err := chromedp.Call(tctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: otherVisitorUA}); err != nil {
			t.Fatal(err)
		}
		do(t, other, "new visitor", chromedp.Navigate(site.URL+docPath), chromedp.WaitVisible(chromedp.CSS("h1.doc-title")))
		want := fmt.Sprint(mustAtoi(t, docReads) + 1)
		if got := shownReads(t, other); got != want {
			t.Errorf("a new visitor sees %s reads, want %s", got, want)
		}
		do(t, ctx, "first visitor again", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("h1.doc-title")))
		if got := shownReads(t, ctx); got != want {
			t.Errorf("the first visitor now sees %s reads, want %s", got, want)
		}
		docReads = want
	})

	t.Run("follow related reading", func(t *testing.T) {
		do(t, ctx, "document", chromedp.Navigate(site.URL+docPath), chromedp.WaitVisible(chromedp.CSS(".related-list a")))
		if n := eval[int](t, ctx, `document.querySelectorAll(".related-list li").length`); n < 5 {
			t.Errorf("%d related documents, want at least 5", n)
		}
		title := eval[string](t, ctx, `document.querySelector(".related-list a").textContent`)
		clickAndWait(t, ctx, ".related-list a")
		if got := eval[string](t, ctx, `document.querySelector("h1.doc-title").textContent`); got != title {
			t.Errorf("opened %q from related link %q", got, title)
		}
		if eval[string](t, ctx, `location.pathname`) == docPath {
			t.Error("the related link leads to the same document")
		}
	})

	// A document with a long outline: the State Council's work plan.
	const outlined = "/doc/gov-4840e2ef5ea7"

	t.Run("register, read in full, favourite, download, see the ledger", func(t *testing.T) {
		do(t, ctx, "preview", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(site.URL+outlined), chromedp.WaitVisible(chromedp.CSS(".read-more")))
		shown := eval[int](t, ctx, `document.querySelectorAll(".doc-body > *").length`)
		screenshot(t, ctx, shots, "article-preview-desktop", 1280, false, ".read-more")
		do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
		clickAndWait(t, ctx, `.read-more a[href^="/register"]`)
		do(t, ctx, "fill the form",
			chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "浏览器读者"),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "e2e password"),
			chromedp.SendKeys(chromedp.CSS(`input[name=password2]`), "e2e password"),
		)
		clickAndWait(t, ctx, `form.form button[type=submit]`)
		if got := eval[string](t, ctx, `location.pathname`); got != outlined {
			t.Fatalf("after registering the browser is at %s, want %s", got, outlined)
		}
		if eval[bool](t, ctx, `document.querySelector(".read-more") !== null`) {
			t.Error("a logged-in reader still sees the preview")
		}
		if all := eval[int](t, ctx, `document.querySelectorAll(".doc-body > *").length`); all <= shown {
			t.Errorf("logged in: %d paragraphs, the preview had %d", all, shown)
		}
		{
			name := eval[string](t, ctx, `document.querySelector(".account-nav .account-name").textContent`)
			if !strings.Contains(name, "浏览器读者") {
				t.Errorf("account links: %q (want strings.Contains(name, \"浏览器读者\"))", name)
			}
			if !strings.Contains(name, "20 积分") {
				t.Errorf("account links: %q (want strings.Contains(name, \"20 积分\"))", name)
			}
		}

		clickAndWait(t, ctx, `.doc-actions form[data-fav] button`)
		{
			fav := eval[string](t, ctx, `document.querySelector(".doc-actions form[data-fav] button").textContent`)
			if !strings.Contains(fav, "已收藏") {
				t.Errorf("favourite button after clicking: %q (want strings.Contains(fav, \"已收藏\"))", fav)
			}
			if !strings.Contains(fav, "1") {
				t.Errorf("favourite button after clicking: %q (want strings.Contains(fav, \"1\"))", fav)
			}
		}

		downloads := t.TempDir()
		tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err := chromedp.CallBrowser(tctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
		cancel()
		if err != nil {
			t.Fatalf("allow downloads: %v", err)
		}
		clickAndWait(t, ctx, `.doc-actions a.download`)
		if text := eval[string](t, ctx, `document.querySelector(".download-confirm").textContent`); !strings.Contains(text, "支付 5 积分并下载") {
			t.Fatalf("confirmation page: %q", text)
		}
		do(t, ctx, "pay", chromedp.Click(chromedp.CSS(`.download-confirm form button`), chromedp.NodeVisible))
		var file string
		for deadline := time.Now().Add(30 * time.Second); file == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			names, _ := filepath.Glob(filepath.Join(downloads, "*.docx"))
			if len(names) > 0 {
				file = names[0]
			}
		}
		if file == "" {
			t.Fatal("no .docx downloaded")
		}
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("downloaded file %s: %v", file, err)
		}
		if !bytes.HasPrefix(data, []byte("PK")) {
			t.Fatalf("downloaded file %s: %v (want bytes.HasPrefix(data, []byte(\"PK\")))", file, err)
		}

		do(t, ctx, "ledger", chromedp.Navigate(site.URL+"/me/ledger"), chromedp.WaitVisible(chromedp.CSS("table.ledger")))
		ledger := eval[string](t, ctx, `document.querySelector("table.ledger").textContent`)
		for _, want := range []string{"下载文档", "-5", "注册奖励", "+20"} {
			if !strings.Contains(ledger, want) {
				t.Errorf("ledger lacks %q: %s", want, ledger)
			}
		}
		screenshot(t, ctx, shots, "ledger-desktop", 1280, false)
		do(t, ctx, "favourites", chromedp.Navigate(site.URL+"/me/favorites"), chromedp.WaitVisible(chromedp.CSS(".me")))
		if n := eval[int](t, ctx, `document.querySelectorAll('.me a[href="`+outlined+`"]').length`); n != 1 {
			t.Errorf("the favourite is listed %d times", n)
		}
		// Log out and back in through the forms.
		do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
		clickAndWait(t, ctx, `.account-nav form button`)
		if eval[bool](t, ctx, `document.querySelector(".account-nav .account-name") !== null`) {
			t.Error("still logged in after logging out")
		}
		do(t, ctx, "login page", chromedp.Navigate(site.URL+"/login?next="+url.QueryEscape(outlined)), chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "浏览器读者"),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "e2e password"))
		clickAndWait(t, ctx, `form.form button[type=submit]`)
		if eval[bool](t, ctx, `document.querySelector(".read-more") !== null`) || eval[string](t, ctx, `location.pathname`) != outlined {
			t.Error("logging in again does not lead back to the full text")
		}
	})
	jump := func(t *testing.T, link string) {
		t.Helper()
		href := eval[string](t, ctx, `document.querySelector(`+fmt.Sprintf("%q", link)+`).getAttribute("href")`)
		do(t, ctx, "click outline", chromedp.Click(chromedp.CSS(link), chromedp.NodeVisible),
			chromedp.Poll[chromedp.Void](fmt.Sprintf(`location.hash === %q`, href), chromedp.WithPollingTimeout(10*time.Second)))
		top := eval[float64](t, ctx, fmt.Sprintf(`document.querySelector(%q).getBoundingClientRect().top`, href))
		if top < -2 {
			t.Errorf("after jumping to %s its heading is at %.0f px (want not top < -2)", href, top)
		}
		if top > 120 {
			t.Errorf("after jumping to %s its heading is at %.0f px (want not top > 120)", href, top)
		}
		if eval[float64](t, ctx, `window.scrollY`) <= 0 {
			t.Errorf("after jumping to %s its heading is at %.0f px (want not eval[float64](t, ctx, `window.scrollY`) <= 0)", href, top)
		}
		if text := eval[string](t, ctx, fmt.Sprintf(`document.querySelector(%q).textContent`, href)); text == "" {
			t.Errorf("outline target %s is empty", href)
		}
	}
	t.Run("upload a .docx, confirm its metadata; a moderator approves it", func(t *testing.T) {
		dir := t.TempDir()
		var doc bytes.Buffer
		if err := docx.Write(&doc, docx.Document{
			Title: "江西省人民政府办公厅关于进一步加强浏览器测试工作的通知",
			Paragraphs: []string{
				"赣府厅字〔2024〕88号",
				"各市、县（区）人民政府，省政府各部门：",
				"为进一步加强浏览器端到端测试工作，经省政府同意，现就有关事项通知如下。",
				"一、提高认识",
				"端到端测试是检验上传审核流程的重要手段，各地各部门要高度重视。",
				"二、压实责任",
				"各级审核员要及时审核上传文稿，确保质量。",
				"江西省人民政府办公厅",
				"2024年3月15日",
			},
		}); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "浏览器测试通知.docx")
		if err := os.WriteFile(path, doc.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		do(t, ctx, "upload page", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(site.URL+"/upload"), chromedp.WaitVisible(chromedp.CSS("#upload-form")))
		before := eval[string](t, ctx, `location.href`)
		do(t, ctx, "choose and send the file",
			chromedp.SetUploadFiles(chromedp.CSS(`#upload-form input[type=file]`), []string{path}),
			chromedp.Click(chromedp.CSS(`#upload-form button[type=submit]`), chromedp.NodeVisible),
		)
		// The page's script uploads with a progress bar, then opens the draft.
		waitFor(t, ctx, fmt.Sprintf(`location.href !== %q && document.readyState === "complete" && document.querySelector("#meta-form") !== null`, before))
		for field, want := range map[string]string{"title": "江西省人民政府办公厅关于进一步加强浏览器测试工作的通知", "doc_number": "赣府厅字〔2024〕88号", "issuer": "江西省人民政府办公厅", "date": "2024-03-15", "genre": "通知"} {
			if got := eval[string](t, ctx, fmt.Sprintf(`document.querySelector("#meta-form [name=%s]").value`, field)); got != want {
				t.Errorf("detected %s = %q, want %q", field, got, want)
			}
		}
		screenshot(t, ctx, shots, "upload-confirm-desktop", 1280, false)
		do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
		do(t, ctx, "category", chromedp.SetValue(chromedp.CSS(`#meta-form [name=category]`), "公文/通知"))
		clickAndWait(t, ctx, `#meta-form button[type=submit]`)
		if st := eval[string](t, ctx, `document.querySelector("[data-status]").dataset.status`); st != "pending" {
			t.Fatalf("after submitting the upload is %q", st)
		}

		// A moderator, in another browser, approves it.
		stdin = strings.NewReader("moderator password\n")
		if out, err := runCLI(t, "user", "add", "--data", site.data, "--moderator", "--password-stdin", "审核员"); err != nil {
			t.Fatalf("add moderator: %v\n%s", err, out)
		}
		mod, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
		defer cancel()
		watchDialogs(mod)
		do(t, mod, "moderator logs in", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(site.URL+"/login?next=/admin/uploads"), chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "审核员"),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "moderator password"))
		clickAndWait(t, mod, `form.form button[type=submit]`)
		if n := eval[int](t, mod, `document.querySelectorAll(".uploads-table tbody tr").length`); n != 1 {
			t.Fatalf("%d pending uploads listed", n)
		}
		clickAndWait(t, mod, `.uploads-table tbody tr a`)
		screenshot(t, mod, shots, "moderate-desktop", 1280, false)
		do(t, mod, "viewport", chromedp.EmulateViewport(1280, 900))
		clickAndWait(t, mod, `#approve-form button`)
		if notice := eval[string](t, mod, `document.querySelector(".notice").textContent`); !strings.Contains(notice, "已通过") {
			t.Errorf("after approving: %q", notice)
		}

		// The document is found, and the uploader's points rose.
		do(t, ctx, "search", chromedp.Navigate(site.URL+"/search?q="+url.QueryEscape(`"浏览器端到端测试"`)), chromedp.WaitVisible(chromedp.CSS(".hits .hit h3 a")))
		if title := eval[string](t, ctx, `document.querySelector(".hits .hit h3 a").textContent`); title != "江西省人民政府办公厅关于进一步加强浏览器测试工作的通知" {
			t.Errorf("search finds %q", title)
		}
		// 20 at sign-up, 5 for the download, 10 for the approved upload.
		if name := eval[string](t, ctx, `document.querySelector(".account-nav .account-name").textContent`); !strings.Contains(name, "25 积分") {
			t.Errorf("points after the approval: %q", name)
		}
		do(t, ctx, "my uploads", chromedp.Navigate(site.URL+"/me/uploads"), chromedp.WaitVisible(chromedp.CSS(".uploads-table")))
		if st := eval[string](t, ctx, `document.querySelector(".uploads-table [data-status]").dataset.status`); st != "approved" {
			t.Errorf("my upload is %q", st)
		}
	})

	t.Run("an anonymous complaint waits in the queue, a moderator hides and publishes; masking changes the page, not search", func(t *testing.T) {
		stdin = strings.NewReader("admin password\n")
		if out, err := runCLI(t, "user", "add", "--data", site.data, "--admin", "--password-stdin", "管理员"); err != nil {
			t.Fatalf("add admin: %v\n%s", err, out)
		}
		admin, cancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
		defer cancel()
		watchDialogs(admin)
		do(t, admin, "admin logs in", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(site.URL+"/login?next=/admin"), chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "管理员"),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "admin password"))
		clickAndWait(t, admin, `form.form button[type=submit]`)

		// A visitor, not logged in, files a copyright complaint.
		visitor, vcancel := chromedp.NewContext(ctx, chromedp.WithNewBrowserContext())
		defer vcancel()
		watchDialogs(visitor)
		const target = "/doc/gov-238a8c0abbd7"
		status := func(c context.Context, path string) int {
			t.Helper()
			tctx, cancel := context.WithTimeout(c, 30*time.Second)
			defer cancel()
			n, err := chromedp.Run(tctx, chromedp.Evaluate[int](fmt.Sprintf(`fetch(%q, {cache: "no-store"}).then(r => r.status)`, path), chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatalf("fetch %s: %v", path, err)
			}
			return n
		}
		do(t, visitor, "article", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(site.URL+target), chromedp.WaitVisible(chromedp.CSS("a.report")))
		clickAndWait(t, visitor, "a.report")
		do(t, visitor, "complaint form",
			chromedp.SendKeys(chromedp.CSS(`#complaint-form textarea[name=reason]`), "本文为我单位内部资料，未经授权转载。"),
			chromedp.SendKeys(chromedp.CSS(`#complaint-form input[name=contact]`), "legal@example.org"))
		clickAndWait(t, visitor, `#complaint-form button[type=submit]`)
		if id := eval[string](t, visitor, `document.querySelector("[data-complaint-id]").textContent`); id == "" {
			t.Fatal("no complaint number shown")
		}
		// Anonymous: it waits in the queue, the article stays (issue 11).
		if st := status(visitor, target); st != 200 {
			t.Errorf("the article answers %d after an anonymous complaint, want 200", st)
		}

		// The moderator rejects it: the article is back.
		do(t, admin, "complaints", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(site.URL+"/admin/complaints"), chromedp.WaitVisible(chromedp.CSS(".complaints-table")))
		clickAndWait(t, admin, `.complaints-table tbody tr a`)
		do(t, admin, "note", chromedp.SendKeys(chromedp.CSS(`#reject-form input[name=note]`), "该文为公开发布的政府文件，投诉不成立。"))
		clickAndWait(t, admin, `#reject-form button`)
		if st := status(visitor, target); st != 200 {
			t.Errorf("the article answers %d after the complaint was rejected", st)
		}
		// A moderator can also hide it by hand, and publish it again.
		do(t, admin, "document console", chromedp.Navigate(site.URL+"/admin/documents"+strings.TrimPrefix(target, "/doc")), chromedp.WaitVisible(chromedp.CSS("#hide-form")),
			chromedp.SendKeys(chromedp.CSS(`#hide-form input[name=reason]`), "核实内容"))
		clickAndWait(t, admin, `#hide-form button`)
		if st := status(visitor, target); st != 451 && st != 404 {
			t.Errorf("a hidden article answers %d", st)
		}
		do(t, visitor, "hidden article", chromedp.Navigate(site.URL+target), chromedp.WaitVisible(chromedp.CSS("h1")))
		screenshot(t, visitor, shots, "article-hidden-desktop", 1280, false)
		clickAndWait(t, admin, `#publish-form button`)
		if st := status(visitor, target); st != 200 {
			t.Errorf("a published article answers %d", st)
		}

		// Masking: the page shows D委, search finds the same documents.
		searchCount := func() string {
			do(t, visitor, "search", chromedp.Navigate(site.URL+"/search?q="+url.QueryEscape("党委")), chromedp.WaitVisible(chromedp.CSS(".result-count")))
			return eval[string](t, visitor, `document.querySelector(".result-count strong").textContent + " " + [...document.querySelectorAll(".hits .hit h3 a")].map(a => a.getAttribute("href")).join(",")`)
		}
		before := searchCount()
		first := eval[string](t, visitor, `document.querySelector(".hits .hit h3 a").getAttribute("href")`)
		// The admin is logged in and reads the whole text.
		do(t, admin, "article", chromedp.Navigate(site.URL+first), chromedp.WaitVisible(chromedp.CSS(".doc-body")))
		if !strings.Contains(eval[string](t, admin, `document.body.textContent`), "党委") {
			t.Fatalf("%s does not show 党委", first)
		}
		do(t, admin, "masks", chromedp.Navigate(site.URL+"/admin/masks"), chromedp.WaitVisible(chromedp.CSS("#mask-form")),
			chromedp.SendKeys(chromedp.CSS(`#mask-form input[name=word]`), "党委"),
			chromedp.SendKeys(chromedp.CSS(`#mask-form input[name=shown]`), "D委"))
		clickAndWait(t, admin, `#mask-form button`)
		do(t, admin, "article again", chromedp.Navigate(site.URL+first), chromedp.WaitVisible(chromedp.CSS(".doc-body")))
		text := eval[string](t, admin, `document.body.textContent`)
		if strings.Contains(text, "党委") {
			t.Errorf("after the rule the page shows 党委: %v, D委: %v (want not strings.Contains(text, \"党委\"))", strings.Contains(text, "党委"), strings.Contains(text, "D委"))
		}
		if !strings.Contains(text, "D委") {
			t.Errorf("after the rule the page shows 党委: %v, D委: %v (want strings.Contains(text, \"D委\"))", strings.Contains(text, "党委"), strings.Contains(text, "D委"))
		}
		if after := searchCount(); after != before {
			t.Errorf("search for 党委: %q before the rule, %q after", before, after)
		}
	})

	t.Run("jump through the outline on a desktop", func(t *testing.T) {
		do(t, ctx, "document", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(site.URL+outlined), chromedp.WaitVisible(chromedp.CSS(".toc-side .outline a")))
		if n := eval[int](t, ctx, `document.querySelectorAll(".toc-side .outline a").length`); n < 10 {
			t.Fatalf("outline has %d entries", n)
		}
		jump(t, ".toc-side .outline li:nth-child(8) a")
		jump(t, ".toc-side .outline li:nth-child(3) a")
		do(t, ctx, "top", chromedp.Navigate(site.URL+outlined), chromedp.WaitVisible(chromedp.CSS("h1.doc-title")))
		screenshot(t, ctx, shots, "article-desktop", 1280, false)
		screenshot(t, ctx, shots, "article-end-desktop", 1280, false, ".disclaimer")
	})

	t.Run("phone layout", func(t *testing.T) {
		for _, p := range []struct{ name, path string }{
			{"home", "/"}, {"search", "/search?q=" + url.QueryEscape("安全生产")}, {"article", outlined},
			{"category", "/category/" + url.PathEscape("法律法规")}, {"rank", "/rank"}, {"about", "/about"}, {"missing", "/doc/missing"},
		} {
			do(t, ctx, p.name, chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile), chromedp.Navigate(site.URL+p.path), chromedp.WaitReady(chromedp.CSS("footer")))
			if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 375 {
				wide := eval[string](t, ctx, `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > 376).slice(0, 3).map(e => e.tagName + "." + e.className).join(", ")`)
				t.Errorf("%s at 375 px scrolls sideways: %d px wide (%s)", p.name, w, wide)
			}
			if p.name == "home" || p.name == "search" || p.name == "article" {
				screenshot(t, ctx, shots, p.name+"-phone", 375, true)
			}
			if p.name == "article" {
				screenshot(t, ctx, shots, "article-end-phone", 375, true, ".disclaimer")
			}
		}
		// The outline is folded on a phone; opened, it jumps.
		do(t, ctx, "article", chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile), chromedp.Navigate(site.URL+outlined), chromedp.WaitVisible(chromedp.CSS(".toc-inline summary")))
		if eval[bool](t, ctx, `document.querySelector(".toc-inline .outline a").checkVisibility()`) {
			t.Error("the outline is open on a phone before it is asked for")
		}
		do(t, ctx, "open outline", chromedp.Click(chromedp.CSS(".toc-inline summary")), chromedp.WaitVisible(chromedp.CSS(".toc-inline .outline a")))
		jump(t, ".toc-inline .outline li:nth-child(5) a")
	})

	t.Run("attack content is inert", func(t *testing.T) {
		do(t, ctx, "viewport", chromedp.EmulateViewport(1280, 900))
		for _, path := range []string{
			"/doc/xss-attack-1", "/doc/xss-attack-2", "/search?q=" + url.QueryEscape("攻击测试"),
			"/search?q=" + url.QueryEscape(`"><img src=x onerror=alert(9)>`), "/", "/category/" + url.PathEscape("公文") + "/" + url.PathEscape("通知"),
			"/feed.xml", "/sitemap.xml",
		} {
			do(t, ctx, path, chromedp.Navigate(site.URL+path), chromedp.WaitReady(chromedp.CSS("body")))
			if n := eval[int](t, ctx, `document.querySelectorAll("script, img[src=x], svg[onload], [onerror]").length`); n > 0 {
				t.Errorf("%s: %d live elements from the attack documents", path, n)
			}
		}
		do(t, ctx, "attack document", chromedp.Navigate(site.URL+"/doc/xss-attack-1"), chromedp.WaitVisible(chromedp.CSS("h1.doc-title")))
		title := eval[string](t, ctx, `document.querySelector("h1.doc-title").textContent`)
		if !strings.HasPrefix(title, `<script>alert("title")</script>攻击测试"><img src=x onerror=alert(1)>`) {
			t.Errorf("the title is not shown as text: %q", title)
		}
		related := eval[string](t, ctx, `document.querySelector(".related-list").textContent`)
		if !strings.Contains(related, `攻击测试之二"><img src=x onerror=alert(5)>`) {
			t.Errorf("related list: %q", related)
		}
		do(t, ctx, "search", chromedp.Navigate(site.URL+"/search?q="+url.QueryEscape("攻击测试")), chromedp.WaitVisible(chromedp.CSS(".hits")))
		hits := eval[string](t, ctx, `document.querySelector(".hits").textContent`)
		if !strings.Contains(hits, `<script>alert("title")</script>`) {
			t.Errorf("search hits: %q", hits)
		}
		if dialogs.Load() > 0 {
			t.Errorf("%d dialogs opened", dialogs.Load())
		}
	})

	// A graceful stop writes every read counted.
	site.stop(t)
	db := sqlitetest.OpenDir(t, site.data)
	defer db.Close()
	doc, err := db.FindDocumentByID(context.Background(), strings.TrimPrefix(docPath, "/doc/"))
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(doc.Reads) != docReads {
		t.Errorf("after the stop the store holds %d reads of %s, the page showed %s", doc.Reads, docPath, docReads)
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}
