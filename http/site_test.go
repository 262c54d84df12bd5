package http_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wengao/wengao"
	wengaohttp "github.com/wengao/wengao/http"
	"github.com/wengao/wengao/http/web"
	"github.com/wengao/wengao/sqlite"
)

// attackTitle and attackBody try to break out of every place a document's
// text is shown.
const (
	attackTitle = `<script>alert("title")</script>安全生产"><img src=x onerror=alert(1)>` + "\u202e倒序\u200b零宽\u200d"
	attackID    = `evil"><img src=x onerror=alert(5)>`
)

var attackBody = []string{
	`<script>alert("body")</script>`,
	`"><img src=x onerror=alert(1)>安全生产检查`,
	"一、\u202eRTL标题<svg onload=alert(4)>",
	"加强安全生产监管，\u200b落实责任。</p><script>alert(6)</script>",
}

// dangerous matches markup that the attack documents must never produce.
var dangerous = regexp.MustCompile(`(?i)<script>alert|<img src=x|<svg onload|onerror=alert\(1\)>`)

type siteEnv struct {
	ts  *httptest.Server
	srv *wengaohttp.Server
	db  *sqlite.DB
}

func newSiteEnv(t testing.TB) *siteEnv {
	t.Helper()
	db, err := sqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	docs := []*wengao.Document{
		{ID: "gov-1", Title: "国务院办公厅关于加强安全生产工作的意见", Date: "2024-01-02", Category: "公文/国务院文件", Source: "ZhouYNF/platform-1:db/x.sql@2197df5 https://www.gov.cn/x.htm",
			Body: []string{"国务院办公厅关于加强安全生产工作的意见", "各省、自治区、直辖市人民政府：", "一、总体要求", "（一）指导思想。坚持安全第一、预防为主。", "（二）基本原则。", "坚持人民至上。", "二、重点任务", "加强安全生产监管，压实企业主体责任。", "三、保障措施", "加强组织领导。"}},
		{ID: "gov-2", Title: "关于做好安全生产检查的通知", Date: "2023-05-06", Category: "公文/通知", Body: []string{"各单位要做好安全生产检查。", "一、检查范围", "全部生产经营单位。"}},
		{ID: "law-3", Title: "中华人民共和国安全生产法", Date: "2021-06-10", Category: "法律法规/法律", Body: []string{"第一章 总则", "第一条 为了加强安全生产工作，防止和减少生产安全事故，制定本法。", "第二章 生产经营单位的安全生产保障", "第二十条 生产经营单位应当具备安全生产条件。"}},
		{ID: "rep-4", Title: "2024年政府工作报告", Date: "2024-03-05", Category: "报告/政府工作报告", Body: []string{"各位代表：", "过去一年，安全生产形势稳定好转。", "一、2023年工作回顾", "经济回升向好。"}},
		{ID: "xss-1", Title: attackTitle, Date: "2024-02-02", Category: `公文/<b>通知</b>`, Source: `javascript:alert(1) "><script>alert(2)</script>`, Body: attackBody},
		{ID: attackID, Title: "另一篇" + attackTitle, Date: "2024-02-03", Category: "公文/通知", Body: append([]string{"安全生产。"}, attackBody...)},
	}
	if _, err := db.SaveDocuments(context.Background(), docs); err != nil {
		t.Fatal(err)
	}
	svc := wengaohttp.AllServices(t, db)
	svc.Reads = db
	srv := wengaohttp.MustNewServer(t, svc)
	srv.Counter = web.NewReadCounter(db)
	srv.Attribution = "# Sample library\n\nFrom [Laws](https://github.com/LawRefBook/Laws) at `2f4c5c2`.\n\n| part | source |\n| --- | --- |\n| laws | <script>x</script> |\n"
	srv.BaseURL = "https://wengao.example.org"
	// These tests look at whole texts: the preview shows everything.
	// Gating has tests of its own.
	srv.Settings.PreviewRule = wengao.PreviewRule{Percent: 100, MaxChars: 1 << 20}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &siteEnv{ts: ts, srv: srv, db: db}
}

// client makes requests as one browser: it keeps cookies, and sends a
// browser's User-Agent unless told otherwise.
type client struct {
	t    *testing.T
	ua   string
	jar  map[string]string
	base string
}

func (e *siteEnv) client(t *testing.T, ua string) *client {
	return &client{t: t, ua: ua, jar: map[string]string{}, base: e.ts.URL}
}

const browserUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"

func (c *client) do(path string, header map[string]string) (*http.Response, string) {
	c.t.Helper()
	req, err := http.NewRequest("GET", c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.ua != "" {
		req.Header.Set("User-Agent", c.ua)
	} else {
		req.Header.Set("User-Agent", "")
	}
	for k, v := range c.jar {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	tr := &http.Transport{DisableCompression: true}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, ck := range resp.Cookies() {
		c.jar[ck.Name] = ck.Value
	}
	return resp, string(body)
}

func (c *client) get(path string, status int) string {
	c.t.Helper()
	resp, body := c.do(path, nil)
	if resp.StatusCode != status {
		c.t.Fatalf("GET %s: status %d, want %d\n%s", path, resp.StatusCode, status, body)
	}
	return body
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

var readsPattern = regexp.MustCompile(`阅读 : <span data-reads>(\d+)</span>`)

func shownReads(t *testing.T, body string) string {
	t.Helper()
	m := readsPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("page shows no read count")
	}
	return m[1]
}

func TestHomePage(t *testing.T) {
	e := newSiteEnv(t)
	c := e.client(t, browserUA)
	body := c.get("/", 200)
	mustContain(t, "home", body,
		`<form class="hero-search" action="/search"`, "最新文稿", "文稿分类", "文章排行", "今日", "7日", "总榜",
		`href="/doc/rep-4"`, `href="/category/%E5%85%AC%E6%96%87"`, `<link rel="canonical" href="https://wengao.example.org/">`,
		`<html lang="zh-CN">`)
	if dangerous.MatchString(body) {
		t.Errorf("home page holds live markup from a document:\n%s", dangerous.FindString(body))
	}
}

func TestSearchPage(t *testing.T) {
	e := newSiteEnv(t)
	c := e.client(t, browserUA)
	body := c.get("/search?q="+url.QueryEscape("安全生产"), 200)
	mustContain(t, "search", body,
		`value="安全生产"`, "找到 <strong>", "相关文稿", "<mark>安全生产</mark>", "相关度", "最新", "最热",
		`<meta name="robots" content="noindex, follow">`, "分类", "年份", `href="/search?category=`)
	if dangerous.MatchString(body) {
		t.Errorf("search page holds live markup: %s", dangerous.FindString(body))
	}
	// Facets filter; the query stays in the box without the filter.
	body = c.get("/search?q="+url.QueryEscape("安全生产")+"&year=2021", 200)
	mustContain(t, "search by year", body, "年份：2021", `value="安全生产"`, `href="/doc/law-3"`)
	if strings.Contains(body, `href="/doc/gov-1"`) {
		t.Error("the year filter let a 2024 document through")
	}
	// Sorting by date, and pagination links keep the parameters.
	body = c.get("/search?q="+url.QueryEscape("安全生产")+"&sort=date", 200)
	{
		i, j := strings.Index(body, `/doc/gov-1"`), strings.Index(body, `/doc/law-3"`)
		if i < 0 {
			t.Errorf("sort=date: newest first expected (want not i < 0)")
		}
		if j < 0 {
			t.Errorf("sort=date: newest first expected (want not j < 0)")
		}
		if i > j {
			t.Errorf("sort=date: newest first expected (want not i > j)")
		}
	}
	// Nothing found: suggestions.
	body = c.get("/search?q="+url.QueryEscape(`"安全生产火星" 月球`)+"&category="+url.QueryEscape("公文")+"&strict=1", 200)
	mustContain(t, "zero results", body, "没有找到", "不限分类和年份", "不加引号搜索", "只搜“月球”", "检索建议")
	// Without strict, the titles nearest to it come first, the same
	// suggestions after them.
	body = c.get("/search?q="+url.QueryEscape(`"安全生产火星" 月球`)+"&category="+url.QueryEscape("公文"), 200)
	mustContain(t, "approximate", body, "没有完全匹配的结果", "不限分类和年份", "不加引号搜索", "只搜“月球”")
	// An empty query lists everything, newest first.
	body = c.get("/search", 200)
	mustContain(t, "empty query", body, "全部文稿 <strong>6</strong>")
	// Out of range pagination is the user's error, in Chinese.
	body = c.get("/search?q=x&page=5000", 400)
	mustContain(t, "bad page", body, "页码超出范围")
}

func TestDocumentPage(t *testing.T) {
	e := newSiteEnv(t)
	c := e.client(t, browserUA)
	body := c.get("/doc/gov-1", 200)
	mustContain(t, "document", body,
		`<h1 class="doc-title">国务院办公厅关于加强安全生产工作的意见</h1>`,
		`<time datetime="2024-01-02">2024-01-02</time>`, "阅读 : ", "☆ 收藏", "登录后收藏", "下载源文档",
		"以上文章来源于互联网或公开渠道，仅供学习参考，请勿照搬抄袭。如有疑问，请", `<a href="/contact">联系本站客服</a>`,
		"推荐阅读", "文章排行", `<link rel="canonical" href="https://wengao.example.org/doc/gov-1">`,
		`<meta property="og:type" content="article">`, `<meta property="og:title" content="国务院办公厅关于加强安全生产工作的意见">`,
		`<meta name="description" content="各省、自治区、直辖市人民政府： 一、总体要求`,
		`href="https://www.gov.cn/x.htm"`, `/qr.svg?path=%2Fdoc%2Fgov-1`,
		`<a href="/category/%E5%85%AC%E6%96%87/%E5%9B%BD%E5%8A%A1%E9%99%A2%E6%96%87%E4%BB%B6">`)
	// Every outline link points at an element of the body.
	links := regexp.MustCompile(`<li class="lv\d"><a href="#(p\d+)">`).FindAllStringSubmatch(body, -1)
	if len(links) < 4 {
		t.Fatalf("outline has %d links", len(links))
	}
	for _, l := range links {
		if !strings.Contains(body, `id="`+l[1]+`"`) {
			t.Errorf("outline link #%s has no target", l[1])
		}
	}
	mustContain(t, "headings", body, `<h2 id="p2" class="hd hd1">一、总体要求</h2>`, `<p id="p3" class="runin"><strong>（一）指导思想。</strong>坚持安全第一、预防为主。</p>`)

	c.get("/doc/missing", 404)
	if body := c.get("/doc/missing", 404); !strings.Contains(body, "文档不存在") {
		t.Errorf("404 document page: %s", body)
	}
}

func TestAttackContentIsInert(t *testing.T) {
	e := newSiteEnv(t)
	c := e.client(t, browserUA)
	for _, path := range []string{
		"/doc/xss-1", "/doc/" + url.PathEscape(attackID), "/doc/gov-1", "/",
		"/search?q=" + url.QueryEscape("安全生产"), "/search?q=" + url.QueryEscape(`<script>alert(1)</script>`),
		"/search?q=" + url.QueryEscape(`"><img src=x onerror=alert(1)>`),
		"/category/" + url.PathEscape("公文"), "/category/", "/rank?period=all", "/feed.xml", "/sitemap.xml", "/about",
	} {
		body := c.get(path, 200)
		if m := dangerous.FindString(body); m != "" {
			t.Errorf("%s: live markup %q", path, m)
		}
	}
	// Related lists show the attack document's title as text.
	body := c.get("/doc/"+url.PathEscape(attackID), 200)
	mustContain(t, "attack page", body, "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;", "&lt;img src=x onerror=alert(1)&gt;", "\u202e倒序\u200b零宽")
	if !strings.Contains(body, `href="/doc/xss-1"`) {
		t.Errorf("the attack documents should relate to each other")
	}
	// A query typed into the box comes back as text in the box.
	body = c.get("/search?q="+url.QueryEscape(`"><img src=x onerror=alert(1)>`), 200)
	mustContain(t, "attack query", body, `value="&#34;&gt;&lt;img src=x onerror=alert(1)&gt;"`)
	// The feed and the sitemap are well-formed XML holding the text.
	for _, path := range []string{"/feed.xml", "/sitemap.xml"} {
		body := c.get(path, 200)
		dec := xml.NewDecoder(strings.NewReader(body))
		for {
			_, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed: %v", path, err)
			}
		}
	}
	mustContain(t, "feed", c.get("/feed.xml", 200), "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;")
	mustContain(t, "sitemap", c.get("/sitemap.xml", 200), "/doc/evil%22%3E%3Cimg%20src=x%20onerror=alert%285%29%3E")
	// The attribution's Markdown is escaped too.
	mustContain(t, "about", c.get("/about", 200), "&lt;script&gt;x&lt;/script&gt;", `<a href="https://github.com/LawRefBook/Laws" rel="nofollow noopener">Laws</a>`, "<code>2f4c5c2</code>")
}

func TestReadCounting(t *testing.T) {
	e := newSiteEnv(t)
	a := e.client(t, browserUA)
	if got := shownReads(t, a.get("/doc/gov-2", 200)); got != "1" {
		t.Fatalf("first visit shows %s reads, want 1", got)
	}
	if a.jar["wg_vid"] == "" {
		t.Fatal("no visitor cookie set")
	}
	if got := shownReads(t, a.get("/doc/gov-2", 200)); got != "1" {
		t.Errorf("second visit by the same visitor shows %s, want 1", got)
	}
	// Without its cookie, the same browser at the same address is known by
	// its address and User-Agent.
	a2 := e.client(t, browserUA)
	if got := shownReads(t, a2.get("/doc/gov-2", 200)); got != "1" {
		t.Errorf("same address and browser without cookie shows %s, want 1", got)
	}
	b := e.client(t, browserUA+" Edg/130.0")
	if got := shownReads(t, b.get("/doc/gov-2", 200)); got != "2" {
		t.Errorf("a new visitor shows %s, want 2", got)
	}
	// Crawlers, tools and prefetches do not count.
	for _, ua := range []string{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Mozilla/5.0 (compatible; Baiduspider/2.0)", "curl/8.5.0", ""} {
		cr := e.client(t, ua)
		if got := shownReads(t, cr.get("/doc/gov-2", 200)); got != "2" {
			t.Errorf("%q counted: %s", ua, got)
		}
		if cr.jar["wg_vid"] != "" {
			t.Errorf("%q got a visitor cookie", ua)
		}
	}
	p := e.client(t, "Mozilla/5.0 Prefetcher")
	resp, body := p.do("/doc/gov-2", map[string]string{"Sec-Purpose": "prefetch"})
	if got := resp.StatusCode; got != 200 {
		t.Errorf("a prefetch counted: resp.StatusCode = %v, want %v", got, 200)
	}
	if got := shownReads(t, body); got != "2" {
		t.Errorf("a prefetch counted: shownReads(t, body) = %v, want %v", got, "2")
	}
	// The API reports the reads, buffered or written.
	var doc struct{ Reads int64 }
	getJSON(t, e.ts.URL+"/api/v1/documents/gov-2", 200, &doc)
	if doc.Reads != 2 {
		t.Errorf("API reads before flush = %d", doc.Reads)
	}
	if err := e.srv.Counter.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	getJSON(t, e.ts.URL+"/api/v1/documents/gov-2", 200, &doc)
	if doc.Reads != 2 {
		t.Errorf("API reads after flush = %d", doc.Reads)
	}
	if got := shownReads(t, a.get("/doc/gov-2", 200)); got != "2" {
		t.Errorf("after flush the page shows %s, want 2", got)
	}
	today := e.srv.Counter.Today()
	top, err := e.db.TopDocuments(context.Background(), wengao.RankFilter{Since: wengao.PeriodToday.Since(today), Limit: 5})
	if err != nil {
		t.Fatalf("today's ranking: %v", err)
	}
	if got := len(top); got != 1 {
		t.Fatalf("today's ranking: len(top) = %v, want %v", got, 1)
	}
	if got := top[0].ID; got != "gov-2" {
		t.Fatalf("today's ranking: top[0].ID = %v, want %v", got, "gov-2")
	}
	if got := top[0].Reads; got != 2 {
		t.Fatalf("today's ranking: top[0].Reads = %v, want %v", got, 2)
	}
	// The rank page lists it (rankings are cached briefly, so use a
	// period not asked for before).
	mustContain(t, "rank", a.get("/rank?period=today", 200), `href="/doc/gov-2"`, "阅读 2")
}

func TestReadsFlushedOnClose(t *testing.T) {
	e := newSiteEnv(t)
	svc := wengaohttp.AllServices(t, e.db)
	svc.Reads = e.db
	srv := wengaohttp.MustNewServer(t, svc)
	srv.Addr = "127.0.0.1:0"
	srv.Counter = web.NewReadCounter(e.db)
	srv.Counter.Interval = time.Hour
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, ua: browserUA, jar: map[string]string{}, base: srv.URL()}
	c.get("/doc/law-3", 200)
	c2 := &client{t: t, ua: browserUA + " Firefox", jar: map[string]string{}, base: srv.URL()}
	c2.get("/doc/law-3", 200)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Close(ctx); err != nil {
		t.Fatal(err)
	}
	doc, err := e.db.FindDocumentByID(context.Background(), "law-3")
	if err != nil {
		t.Fatal(err)
	}
	if doc.Reads != 2 {
		t.Errorf("after a graceful stop the store has %d reads, want 2", doc.Reads)
	}
}

func TestCrawlers(t *testing.T) {
	for ua, want := range map[string]bool{
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)":                          true,
		"Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)":               true,
		"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)":                           true,
		"Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)":                           true,
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/91.0 Safari/537.36; 360Spider": true,
		"YisouSpider": true,
		"Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)": true,
		"curl/8.5.0":           true,
		"Wget/1.21":            true,
		"python-requests/2.31": true,
		"Go-http-client/1.1":   true,
		"Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/130.0.0.0": true,
		"":        true,
		browserUA: false,
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.40": false,
	} {
		if got := web.IsCrawler(ua); got != want {
			t.Errorf("IsCrawler(%q) = %v, want %v", ua, got, want)
		}
	}
}

func TestHTTPBehaviour(t *testing.T) {
	e := newSiteEnv(t)
	c := e.client(t, browserUA)

	// Security headers on every response.
	resp, body := c.do("/doc/gov-1", nil)
	h := resp.Header
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("CSP: %q (want strings.Contains(csp, \"script-src 'self'\"))", csp)
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP: %q (want not strings.Contains(csp, \"unsafe-inline\"))", csp)
	}
	if !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP: %q (want strings.Contains(csp, \"default-src 'self'\"))", csp)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("headers: h.Get(\"X-Content-Type-Options\") = %v, want %v", got, "nosniff")
	}
	if h.Get("Referrer-Policy") == "" {
		t.Errorf("headers: %v (want not h.Get(\"Referrer-Policy\") == \"\")", h)
	}
	if h.Get("X-Request-Id") == "" {
		t.Errorf("headers: %v (want not h.Get(\"X-Request-Id\") == \"\")", h)
	}
	if strings.Contains(body, "<script") {
		t.Errorf("a page holds inline script or style (want not strings.Contains(body, \"<script\"))")
	}
	if strings.Contains(body, " style=") {
		t.Errorf("a page holds inline script or style (want not strings.Contains(body, \" style=\"))")
	}
	if strings.Contains(body, "<style") {
		t.Errorf("a page holds inline script or style (want not strings.Contains(body, \"<style\"))")
	}

	// Conditional requests.
	etag := h.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	resp, _ = c.do("/doc/gov-1", map[string]string{"If-None-Match": etag})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match: status %d", resp.StatusCode)
	}

	// Compression.
	resp, zbody := c.do("/doc/gov-1", map[string]string{"Accept-Encoding": "gzip, deflate, br"})
	if got := resp.Header.Get("Content-Encoding"); got != "gzip" {
		t.Fatalf("not gzipped: resp.Header.Get(\"Content-Encoding\") = %v, want %v", got, "gzip")
	}
	if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
		t.Fatalf("not gzipped: %v (want strings.Contains(resp.Header.Get(\"Vary\"), \"Accept-Encoding\"))", resp.Header)
	}
	zr, err := gzip.NewReader(strings.NewReader(zbody))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !bytes.Contains(plain, []byte("推荐阅读")) {
		t.Errorf("gzipped body: %.200s", plain)
	}
	resp, _ = c.do("/doc/gov-1", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": resp.Header.Get("ETag")})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with gzip: %d", resp.StatusCode)
	}
	resp, _ = c.do("/doc/gov-1", map[string]string{"Accept-Encoding": "gzip;q=0"})
	if resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 got gzip")
	}

	// Static files under hashed names, cached for a year.
	css := regexp.MustCompile(`href="(/static/site\.[0-9a-f]+\.css)"`).FindStringSubmatch(body)
	if css == nil {
		t.Fatal("no stylesheet link")
	}
	resp, cssBody := c.do(css[1], nil)
	if got := resp.StatusCode; got != 200 {
		t.Errorf("static: resp.StatusCode = %v, want %v", got, 200)
	}
	if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("static: resp.Header.Get(\"Cache-Control\") = %v, want %v", got, "public, max-age=31536000, immutable")
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("static: %d %v (want strings.HasPrefix(resp.Header.Get(\"Content-Type\"), \"text/css\"))", resp.StatusCode, resp.Header)
	}
	if !strings.Contains(cssBody, "--accent") {
		t.Errorf("static: %d %v (want strings.Contains(cssBody, \"--accent\"))", resp.StatusCode, resp.Header)
	}
	resp, _ = c.do(css[1], map[string]string{"If-None-Match": resp.Header.Get("ETag")})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("static If-None-Match: %d", resp.StatusCode)
	}
	resp, _ = c.do(css[1], map[string]string{"If-Modified-Since": time.Now().UTC().Add(time.Hour).Format(http.TimeFormat)})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("static If-Modified-Since: %d", resp.StatusCode)
	}
	c.get("/static/site.0000000000.css", 404)

	// 404 in Chinese.
	resp, body = c.do("/no/such/page", nil)
	if got := resp.StatusCode; got != 404 {
		t.Errorf("404 page: resp.StatusCode = %v, want %v", got, 404)
	}
	if !strings.Contains(body, "页面不存在") {
		t.Errorf("404 page: %d %s (want strings.Contains(body, \"页面不存在\"))", resp.StatusCode, body)
	}
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("404 page: %d %s (want strings.HasPrefix(resp.Header.Get(\"Content-Type\"), \"text/html\"))", resp.StatusCode, body)
	}
	// Category pages.
	mustContain(t, "category", c.get("/category/"+url.PathEscape("公文"), 200), "国务院文件", `href="/doc/gov-1"`, "最新", "最热")
	mustContain(t, "sub-category", c.get("/category/"+url.PathEscape("公文")+"/"+url.PathEscape("通知"), 200), `href="/doc/gov-2"`)
	c.get("/category/"+url.PathEscape("不存在"), 404)
	mustContain(t, "categories", c.get("/category/", 200), "全部分类", "法律法规")
	mustContain(t, "contact", c.get("/contact", 200), "联系我们")
	mustContain(t, "robots", c.get("/robots.txt", 200), "Sitemap: https://wengao.example.org/sitemap.xml", "Disallow: /api/")
}

// failingDocs fails every call with an internal error.
type failingDocs struct{ wengao.DocumentService }

func (failingDocs) FindDocumentByID(context.Context, string) (*wengao.Document, error) {
	return nil, errors.New("disk on fire: /var/secret/path")
}

func TestInternalErrorPage(t *testing.T) {
	e := newSiteEnv(t)
	e.srv.Documents = failingDocs{e.db}
	c := e.client(t, browserUA)
	body := c.get("/doc/gov-1", 500)
	mustContain(t, "500", body, "服务器出错了", "服务器内部错误，请稍后再试。")
	if strings.Contains(body, "disk on fire") {
		t.Error("the 500 page leaks the error's detail")
	}
}

func TestSitemapAndFeed(t *testing.T) {
	e := newSiteEnv(t)
	c := e.client(t, browserUA)
	var set struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	body := c.get("/sitemap.xml", 200)
	if err := xml.Unmarshal([]byte(body), &set); err != nil {
		t.Fatal(err)
	}
	docs := 0
	for _, u := range set.URLs {
		if strings.HasPrefix(u.Loc, "https://wengao.example.org/doc/") {
			docs++
		}
	}
	if got := docs; got != 6 {
		t.Errorf("sitemap: docs = %v, want %v", got, 6)
	}
	if len(set.URLs) < 10 {
		t.Errorf("sitemap: %d documents of %d URLs (want not len(set.URLs) < 10)", docs, len(set.URLs))
	}

	// Past the limit of one sitemap: an index.
	e.srv.SetSitemapMax(4)
	var idx struct {
		XMLName  xml.Name
		Sitemaps []struct {
			Loc string `xml:"loc"`
		} `xml:"sitemap"`
	}
	if err := xml.Unmarshal([]byte(c.get("/sitemap.xml", 200)), &idx); err != nil {
		t.Fatal(err)
	}
	if got := idx.XMLName.Local; got != "sitemapindex" {
		t.Fatalf("sitemap index: idx.XMLName.Local = %v, want %v", got, "sitemapindex")
	}
	if got := len(idx.Sitemaps); got != 3 {
		t.Fatalf("sitemap index: len(idx.Sitemaps) = %v, want %v", got, 3)
	}
	seen := map[string]bool{}
	for _, sm := range idx.Sitemaps {
		path := strings.TrimPrefix(sm.Loc, "https://wengao.example.org")
		set.URLs = nil
		if err := xml.Unmarshal([]byte(c.get(path, 200)), &set); err != nil {
			t.Fatal(err)
		}
		for _, u := range set.URLs {
			if seen[u.Loc] {
				t.Errorf("%s listed twice", u.Loc)
			}
			seen[u.Loc] = true
		}
	}
	docs = 0
	for loc := range seen {
		if strings.HasPrefix(loc, "https://wengao.example.org/doc/") {
			docs++
		}
	}
	if docs != 6 {
		t.Errorf("the sitemaps of the index list %d documents, want 6", docs)
	}
	c.get("/sitemap/docs-9.xml", 404)
	c.get("/sitemap/other.xml", 404)

	var feed struct {
		XMLName xml.Name
		Title   string `xml:"title"`
		Entries []struct {
			Title   string `xml:"title"`
			ID      string `xml:"id"`
			Summary string `xml:"summary"`
		} `xml:"entry"`
	}
	resp, body := c.do("/feed.xml", nil)
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/atom+xml") {
		t.Errorf("feed headers: %v (want strings.HasPrefix(resp.Header.Get(\"Content-Type\"), \"application/atom+xml\"))", resp.Header)
	}
	if resp.Header.Get("Last-Modified") == "" {
		t.Errorf("feed headers: %v (want not resp.Header.Get(\"Last-Modified\") == \"\")", resp.Header)
	}
	if err := xml.Unmarshal([]byte(body), &feed); err != nil {
		t.Fatal(err)
	}
	if got := feed.XMLName.Space; got != "http://www.w3.org/2005/Atom" {
		t.Errorf("feed: feed.XMLName.Space = %v, want %v", got, "http://www.w3.org/2005/Atom")
	}
	if got := len(feed.Entries); got != 6 {
		t.Fatalf("feed: len(feed.Entries) = %v, want %v", got, 6)
	}
	if feed.Entries[0].Summary == "" {
		t.Errorf("feed: %+v (want not feed.Entries[0].Summary == \"\")", feed)
	}
	resp, _ = c.do("/feed.xml", map[string]string{"If-Modified-Since": resp.Header.Get("Last-Modified")})
	if resp.StatusCode != http.StatusNotModified {
		t.Errorf("feed If-Modified-Since: %d", resp.StatusCode)
	}

	// QR codes of the site's own pages only.
	resp, body = c.do("/qr.svg?path="+url.QueryEscape("/doc/gov-1"), nil)
	if got := resp.StatusCode; got != 200 {
		t.Errorf("qr: resp.StatusCode = %v, want %v", got, 200)
	}
	if got := resp.Header.Get("Content-Type"); got != "image/svg+xml" {
		t.Errorf("qr: resp.Header.Get(\"Content-Type\") = %v, want %v", got, "image/svg+xml")
	}
	if !strings.HasPrefix(body, "<svg") {
		t.Errorf("qr: %d %.100s (want strings.HasPrefix(body, \"<svg\"))", resp.StatusCode, body)
	}
	if !strings.Contains(body, "<path") {
		t.Errorf("qr: %d %.100s (want strings.Contains(body, \"<path\"))", resp.StatusCode, body)
	}
	for _, bad := range []string{"https://evil.example", "//evil.example/x", "", "/x\ny"} {
		c.get("/qr.svg?path="+url.QueryEscape(bad), 400)
	}
}

func TestConcurrentFirstViews(t *testing.T) {
	e := newSiteEnv(t)
	paths := []string{"/doc/gov-1", "/doc/law-3", "/search?q=" + url.QueryEscape("安全生产"), "/"}
	bodies := make([][]string, len(paths))
	var wg sync.WaitGroup
	var mu sync.Mutex
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := e.client(t, browserUA+strconv.Itoa(i))
			p := i % len(paths)
			resp, body := c.do(paths[p], nil)
			if resp.StatusCode != 200 {
				t.Errorf("%s: %d", paths[p], resp.StatusCode)
			}
			body = readsPattern.ReplaceAllString(body, "")
			mu.Lock()
			bodies[p] = append(bodies[p], body)
			mu.Unlock()
		}()
	}
	wg.Wait()
	for i, bs := range bodies {
		for _, b := range bs[1:] {
			if b != bs[0] {
				t.Errorf("%s: concurrent first views differ", paths[i])
				break
			}
		}
	}
	// Ten visitors each read gov-1 once.
	c := e.client(t, browserUA)
	if got := shownReads(t, c.get("/doc/gov-1", 200)); got != "11" {
		t.Errorf("after 10 concurrent visitors and one more the page shows %s reads", got)
	}
	// HEAD answers with headers only.
	req, _ := http.NewRequest("HEAD", e.ts.URL+"/doc/gov-1", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := resp.StatusCode; got != 200 {
		t.Errorf("HEAD: resp.StatusCode = %v, want %v", got, 200)
	}
	if got := len(body); got != 0 {
		t.Fatalf("HEAD: len(body) = %v, want %v", got, 0)
	}
	if resp.Header.Get("ETag") == "" {
		t.Errorf("HEAD: %d, %d bytes, %v (want not resp.Header.Get(\"ETag\") == \"\")", resp.StatusCode, len(body), resp.Header)
	}
}

var discardLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// TestSearchApproximateAndArticles: a remembered title that matches
// nothing exactly lists the near titles under a notice, with a link to
// the strict search (which lists none); a query naming an article links
// to that article's paragraph; the API takes strict too.
func TestSearchApproximateAndArticles(t *testing.T) {
	e := newSiteEnv(t)
	law := &wengao.Document{ID: "law-labour", Title: "中华人民共和国劳动法", Date: "2018-12-29", Category: "法律法规/法律",
		Body: []string{"中华人民共和国劳动法", "第一章　总则", "第一条　为了保护劳动者的合法权益，制定本法。", "第三十六条　国家实行劳动者每日工作时间不超过八小时的工时制度。", "第三十七条　对实行计件工作的劳动者，用人单位应当合理确定其劳动定额。"}}
	if _, err := e.db.SaveDocuments(context.Background(), []*wengao.Document{law}); err != nil {
		t.Fatal(err)
	}
	c := e.client(t, browserUA)

	q := "国务院关于进一步加强安全生产工作的意见"
	body := c.get("/search?q="+url.QueryEscape(q), 200)
	mustContain(t, "approximate", body, "没有完全匹配的结果，以下是相近的文稿", `href="/doc/gov-1"`, `strict=1`)
	strict := c.get("/search?q="+url.QueryEscape(q)+"&strict=1", 200)
	mustContain(t, "strict", strict, "没有找到")
	if strings.Contains(strict, "以下是相近的文稿") || strings.Contains(strict, `href="/doc/gov-1"`) {
		t.Error("the strict search lists approximate hits")
	}

	body = c.get("/search?q="+url.QueryEscape("劳动法 第36条"), 200)
	anchor := wengao.ParagraphAnchor(3)
	mustContain(t, "article", body, `href="/doc/law-labour#`+anchor+`"`, "工作时间不超过八小时")
	doc := c.get("/doc/law-labour", 200)
	mustContain(t, "article anchor on the page", doc, `id="`+anchor+`"`)

	var res wengao.SearchResult
	if err := json.Unmarshal([]byte(c.get("/api/v1/search?q="+url.QueryEscape(q), 200)), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.ApproximateHits) == 0 || res.ApproximateHits[0].ID != "gov-1" {
		t.Errorf("API approximate hits: %+v, want gov-1 first", res.ApproximateHits)
	}
	res = wengao.SearchResult{}
	if err := json.Unmarshal([]byte(c.get("/api/v1/search?strict=1&q="+url.QueryEscape(q), 200)), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.ApproximateHits) != 0 {
		t.Errorf("API strict: %d approximate hits, want none", len(res.ApproximateHits))
	}
}
