package http_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/wengao/wengao"
	wengaohttp "github.com/wengao/wengao/http"
	"github.com/wengao/wengao/http/web"
	"github.com/wengao/wengao/sqlite"
)

// statsEnv serves a small library with statistics, a search log, a
// reader and a moderator.
type statsEnv struct {
	ts        *httptest.Server
	srv       *wengaohttp.Server
	db        *sqlite.DB
	reader    string // session tokens
	moderator string
}

func newStatsEnv(t *testing.T) *statsEnv {
	t.Helper()
	db := newSiteEnv(t).db
	svc := wengaohttp.AllServices(t, db)
	svc.Reads = db
	srv := wengaohttp.MustNewServer(t, svc)
	srv.SearchLog = web.NewSearchLog(db)
	srv.Logger = discardLogger
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	e := &statsEnv{ts: ts, srv: srv, db: db}
	ctx := context.Background()
	for _, u := range []struct {
		name, role string
		token      *string
	}{{"读者", wengao.RoleReader, &e.reader}, {"审核员", wengao.RoleModerator, &e.moderator}} {
		user, err := db.CreateUser(ctx, wengao.NewUser{Username: u.name, Password: "correct horse", Role: u.role})
		if err != nil {
			t.Fatal(err)
		}
		sess, err := db.CreateSession(ctx, user.ID)
		if err != nil {
			t.Fatal(err)
		}
		*u.token = sess.Token
	}
	return e
}

// get requests path with a browser's User-Agent (or ua) and the session
// token, without following redirects.
func (e *statsEnv) get(t *testing.T, path, token, ua string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", e.ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ua == "" {
		ua = browserUA
	}
	req.Header.Set("User-Agent", ua)
	if token != "" {
		req.AddCookie(&http.Cookie{Name: web.SessionCookie, Value: token})
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func (e *statsEnv) mustGet(t *testing.T, path, token string) []byte {
	t.Helper()
	resp, body := e.get(t, path, token, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d\n%s", path, resp.StatusCode, body)
	}
	return body
}

// readCSV checks that body is a CSV download with a byte order mark and
// returns its records.
func readCSV(t *testing.T, resp *http.Response, body []byte) [][]string {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	{
		cd := resp.Header.Get("Content-Disposition")
		if !strings.HasPrefix(cd, "attachment; filename=") {
			t.Errorf("Content-Disposition %q (want strings.HasPrefix(cd, \"attachment; filename=\"))", cd)
		}
		if !strings.HasSuffix(cd, `.csv"`) {
			t.Errorf("Content-Disposition %q (want strings.HasSuffix(cd, `.csv\"`))", cd)
		}
	}
	rest, ok := bytes.CutPrefix(body, []byte("\ufeff"))
	if !ok {
		t.Fatalf("no byte order mark: %q", body[:min(len(body), 20)])
	}
	records, err := csv.NewReader(bytes.NewReader(rest)).ReadAll()
	if err != nil {
		t.Fatalf("CSV: %v\n%s", err, rest)
	}
	return records
}

func TestStatsAccess(t *testing.T) {
	e := newStatsEnv(t)
	for _, path := range []string{"/admin/stats", "/admin/stats?days=7", "/admin/stats/reads.csv?days=7", "/admin/stats/top_queries.csv"} {
		resp, _ := e.get(t, path, "", "")
		if got := resp.StatusCode; got != http.StatusSeeOther {
			t.Errorf("anonymous %s: resp.StatusCode = %v, want %v", path, got, http.StatusSeeOther)
		}
		if !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
			t.Errorf("anonymous %s: %d %q, want a redirect to log in (want strings.HasPrefix(resp.Header.Get(\"Location\"), \"/login?next=\"))", path, resp.StatusCode, resp.Header.Get("Location"))
		}
		resp, body := e.get(t, path, e.reader, "")
		if got := resp.StatusCode; got != http.StatusForbidden {
			t.Errorf("reader %s: resp.StatusCode = %v, want %v", path, got, http.StatusForbidden)
		}
		if strings.Contains(string(body), "每日阅读") {
			t.Errorf("reader %s: %d, want 403 (want not strings.Contains(string(body), \"每日阅读\"))", path, resp.StatusCode)
		}
		if resp, _ := e.get(t, path, e.moderator, ""); resp.StatusCode != http.StatusOK {
			t.Errorf("moderator %s: %d", path, resp.StatusCode)
		}
	}
	for token, want := range map[string]int{"": http.StatusUnauthorized, e.reader: http.StatusForbidden, e.moderator: http.StatusOK} {
		if resp, body := e.get(t, "/api/v1/admin/stats", token, ""); resp.StatusCode != want {
			t.Errorf("API as %q: %d, want %d\n%s", token, resp.StatusCode, want, body)
		}
	}
	for _, path := range []string{"/admin/stats/likes.csv", "/admin/stats/reads", "/admin/stats/reads.json"} {
		if resp, _ := e.get(t, path, e.moderator, ""); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, resp.StatusCode)
		}
	}

	// Built without a statistics service, the pages and the API say so,
	// to moderators only.
	svc := wengaohttp.AllServices(t, e.db)
	svc.Stats = nil
	off := httptest.NewServer(wengaohttp.MustNewServer(t, svc))
	t.Cleanup(off.Close)
	e.ts = off
	for _, c := range []struct {
		path, token string
		want        int
	}{
		{"/admin/stats", e.moderator, http.StatusServiceUnavailable},
		{"/admin/stats/reads.csv", e.moderator, http.StatusServiceUnavailable},
		{"/api/v1/admin/stats", e.moderator, http.StatusServiceUnavailable},
		{"/admin/stats", e.reader, http.StatusForbidden},
		{"/api/v1/admin/stats", e.reader, http.StatusForbidden},
		{"/api/v1/admin/stats", "", http.StatusUnauthorized},
	} {
		if resp, _ := e.get(t, c.path, c.token, ""); resp.StatusCode != c.want {
			t.Errorf("without statistics, %s as %q: %d, want %d", c.path, c.token, resp.StatusCode, c.want)
		}
	}
}

func TestSearchesRecordedAndShown(t *testing.T) {
	e := newStatsEnv(t)
	q := url.QueryEscape
	for _, path := range []string{
		"/search?q=" + q("安全生产"),
		"/search?q=" + q("安全生产"), // from the page cache
		"/search?q=" + q(" 安全生产 "),
		"/search?q=" + q("安全生产") + "&page=2", // paging: not a new search
		"/search?q=" + q("火星殖民计划"),
		"/search?q=" + q("火星殖民计划"),
		"/search?q=" + q("ＸＹＺ　火星殖民"), // normalised: "xyz 火星殖民"
		"/search?q=" + q("xyz 火星殖民"),
		"/search?q=" + q("=cmd|' /C calc'!A0"),
		"/search",                       // no query
		"/api/v1/search?q=" + q("安全生产"), // the API counts too
		"/api/v1/search?q=" + q("安全生产") + "&page=3",
	} {
		e.mustGet(t, path, "")
	}
	// Crawlers and scripts are not counted.
	for _, ua := range []string{"Mozilla/5.0 (compatible; Baiduspider/2.0)", "curl/8.5.0"} {
		e.get(t, "/search?q="+q("爬虫搜索"), "", ua)
		e.get(t, "/api/v1/search?q="+q("爬虫搜索"), "", ua)
	}
	if err := e.srv.SearchLog.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}

	resp, body := e.get(t, "/admin/stats/top_queries.csv?days=7", e.moderator, "")
	got := readCSV(t, resp, body)
	want := [][]string{
		{"排名", "搜索词", "搜索次数", "无结果次数"},
		{"1", "安全生产", "4", "0"},
		{"2", "xyz 火星殖民", "2", "2"},
		{"3", "火星殖民计划", "2", "2"},
		{"4", "'=cmd|' /c calc'!a0", "1", "1"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("top queries CSV:\n%q\nwant\n%q", got, want)
	}
	resp, body = e.get(t, "/admin/stats/zero_queries.csv?days=7", e.moderator, "")
	{
		got := readCSV(t, resp, body)
		if got := len(got); got != 4 {
			t.Fatalf("zero-result queries CSV: len(got) = %v, want %v", got, 4)
		}
		if got := got[1][1]; got != "xyz 火星殖民" {
			t.Errorf("zero-result queries CSV: got[1][1] = %v, want %v", got, "xyz 火星殖民")
		}
	}
	resp, body = e.get(t, "/admin/stats/searches.csv?days=7", e.moderator, "")
	got = readCSV(t, resp, body)
	today := time.Now().In(web.ChinaTime).Format(wengao.DayLayout)
	if got := len(got); got != 8 {
		t.Fatalf("searches CSV: len(got) = %v, want %v", got, 8)
	}
	if got := fmt.Sprint(got[0]); got != "[日期 搜索次数 无结果搜索次数]" {
		t.Errorf("searches CSV: fmt.Sprint(got[0]) = %v, want %v", got, "[日期 搜索次数 无结果搜索次数]")
	}
	if got := fmt.Sprint(got[7]); got != fmt.Sprint([]string{today, "9", "5"}) {
		t.Errorf("searches CSV: fmt.Sprint(got[7]) = %v, want %v", got, fmt.Sprint([]string{today, "9", "5"}))
	}

	page := string(e.mustGet(t, "/admin/stats?days=7", e.moderator))
	mustContain(t, "stats page", page,
		`<a href="/search?q=%e5%ae%89%e5%85%a8%e7%94%9f%e4%ba%a7">安全生产</a>`,
		`<a href="/search?q=xyz%20%e7%81%ab%e6%98%9f%e6%ae%96%e6%b0%91">xyz 火星殖民</a>`,
		`href="/admin/stats/searches.csv?days=7"`, `href="/admin/stats/zero_queries.csv?days=7"`,
		`aria-current="page">近 7 天`, "热门搜索", "无结果搜索", "占 55.6%")

	var api struct {
		Days        int
		Summary     wengao.StatsSummary
		Series      map[string][]wengao.DayValue
		ZeroQueries []wengao.QueryCount `json:"zero_queries"`
	}
	if err := json.Unmarshal(e.mustGet(t, "/api/v1/admin/stats?days=7", e.moderator), &api); err != nil {
		t.Fatal(err)
	}
	if got := api.Days; got != 7 {
		t.Errorf("API: api.Days = %v, want %v", got, 7)
	}
	if got := api.Summary.Searches; got != 9 {
		t.Errorf("API: api.Summary.Searches = %v, want %v", got, 9)
	}
	if got := api.Summary.ZeroSearches; got != 5 {
		t.Errorf("API: api.Summary.ZeroSearches = %v, want %v", got, 5)
	}
	if got := len(api.Series[wengao.MetricSearches]); got != 7 {
		t.Fatalf("API: len(api.Series[wengao.MetricSearches]) = %v, want %v", got, 7)
	}
	if got := len(api.ZeroQueries); got != 3 {
		t.Errorf("API: len(api.ZeroQueries) = %v, want %v", got, 3)
	}
}

func TestStatsCSVRows(t *testing.T) {
	e := newStatsEnv(t)
	ctx := context.Background()
	now := time.Now().In(web.ChinaTime)
	today, twoDaysAgo := now.Format(wengao.DayLayout), now.AddDate(0, 0, -2).Format(wengao.DayLayout)
	if err := e.db.RecordReads(ctx, []wengao.Read{
		{DocumentID: "gov-1", Day: today, Count: 5},
		{DocumentID: "gov-2", Day: today, Count: 2},
		{DocumentID: "law-3", Day: twoDaysAgo, Count: 4},
		{DocumentID: "law-3", Day: now.AddDate(0, 0, -40).Format(wengao.DayLayout), Count: 100},
	}); err != nil {
		t.Fatal(err)
	}
	resp, body := e.get(t, "/admin/stats/reads.csv?days=7", e.moderator, "")
	got := readCSV(t, resp, body)
	if len(got) != 8 {
		t.Fatalf("%d rows, want a header and 7 days: %q", len(got), got)
	}
	if got := fmt.Sprint(got[0]); got != "[日期 阅读次数]" {
		t.Errorf("reads CSV: fmt.Sprint(got[0]) = %v, want %v", got, "[日期 阅读次数]")
	}
	if got := fmt.Sprint(got[7]); got != fmt.Sprint([]string{today, "7"}) {
		t.Errorf("reads CSV: fmt.Sprint(got[7]) = %v, want %v", got, fmt.Sprint([]string{today, "7"}))
	}
	if got := fmt.Sprint(got[5]); got != fmt.Sprint([]string{twoDaysAgo, "4"}) {
		t.Errorf("reads CSV: fmt.Sprint(got[5]) = %v, want %v", got, fmt.Sprint([]string{twoDaysAgo, "4"}))
	}
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="wengao-reads-`+now.AddDate(0, 0, -6).Format(wengao.DayLayout)+"-"+today+`.csv"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	// Other periods, and a bad one falling back to 30 days.
	for days, rows := range map[string]int{"90": 91, "365": 366, "0": 31, "x": 31, "100000": 31} {
		resp, body := e.get(t, "/admin/stats/downloads.csv?days="+days, e.moderator, "")
		if got := readCSV(t, resp, body); len(got) != rows {
			t.Errorf("days=%s: %d rows, want %d", days, len(got), rows)
		}
	}
	for name, header := range map[string]string{
		"uploads": "[日期 上传文件数 通过审核数]", "downloads": "[日期 下载次数]", "points": "[日期 获得积分 消耗积分]",
	} {
		resp, body := e.get(t, "/admin/stats/"+name+".csv", e.moderator, "")
		if got := readCSV(t, resp, body); fmt.Sprint(got[0]) != header {
			t.Errorf("%s header %q, want %s", name, got[0], header)
		}
	}
}

var svgPattern = regexp.MustCompile(`(?s)<svg\b.*?</svg>`)

func TestStatsPageCharts(t *testing.T) {
	e := newStatsEnv(t)
	e.srv.SearchLog.Record(`<script>alert(1)</script>`, 0)
	if err := e.srv.SearchLog.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, days := range []string{"7", "30", "90", "365"} {
		resp, body := e.get(t, "/admin/stats?days="+days, e.moderator, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if !strings.Contains(resp.Header.Get("Content-Security-Policy"), "style-src 'self'") {
			t.Errorf("CSP %q", resp.Header.Get("Content-Security-Policy"))
		}
		page := string(body)
		if strings.Contains(strings.ToLower(page), "<script") {
			t.Error("the page has a <script")
		}
		if regexp.MustCompile(`\sstyle=`).MatchString(page) {
			t.Error("the page has style attributes, which the CSP refuses")
		}
		charts := svgPattern.FindAllString(page, -1)
		if len(charts) != 5 {
			t.Fatalf("%d charts, want 5", len(charts))
		}
		for _, c := range charts {
			d := xml.NewDecoder(strings.NewReader(c))
			for {
				_, err := d.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("chart is not well-formed XML: %v\n%s", err, c)
				}
			}
			if !strings.Contains(c, `role="img"`) {
				t.Errorf("chart without role or title: %.200s (want strings.Contains(c, `role=\"img\"`))", c)
			}
			if !strings.Contains(c, "<title") {
				t.Errorf("chart without role or title: %.200s (want strings.Contains(c, \"<title\"))", c)
			}
		}
	}
}

// failingSearchLog refuses writes while fail is set.
type failingSearchLog struct {
	got  []wengao.SearchCount
	fail error
}

func (f *failingSearchLog) RecordSearches(_ context.Context, c []wengao.SearchCount) error {
	if f.fail != nil {
		return f.fail
	}
	f.got = append(f.got, c...)
	return nil
}

func (f *failingSearchLog) counts() map[string]string {
	out := map[string]string{}
	for _, c := range f.got {
		out[c.Day+" "+c.Query] = fmt.Sprintf("%d/%d", c.Count, c.Zero)
	}
	return out
}

func TestSearchLogBuffer(t *testing.T) {
	store := &failingSearchLog{}
	l := web.NewSearchLog(store)
	l.MaxQueries = 2
	now := time.Date(2024, 5, 1, 23, 59, 0, 0, web.ChinaTime)
	l.Now = func() time.Time { return now }

	l.Record("安全生产", 3)
	l.Record("  安全生产\t", 0)
	l.Record("", 0)
	l.Record("   ", 0)
	l.Record("國務院", 1)  // normalised to 国务院 when written
	l.Record("第三个词", 0) // no room: counted in the day's totals only

	store.fail = errors.New("disk full")
	if err := l.Flush(context.Background()); err == nil {
		t.Fatal("a failed flush reports its error")
	}
	store.fail = nil
	if err := l.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"2024-05-01 安全生产": "2/1",
		"2024-05-01 国务院":  "1/0",
		"2024-05-01 ":     "1/1",
	}
	if got := store.counts(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("written %v\nwant    %v", got, want)
	}

	store.got = nil
	now = now.Add(2 * time.Minute).UTC() // midnight in China
	l.Record("安全生产", 1)
	l.Record(strings.Repeat("长", 150), 0)
	if err := l.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	want = map[string]string{
		"2024-05-02 安全生产": "1/0",
		"2024-05-02 " + strings.Repeat("长", wengao.SearchQueryMaxRunes): "1/1",
	}
	if got := store.counts(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("written %v\nwant    %v", got, want)
	}

	// Nothing is written twice; an invalid batch is dropped, not retried.
	store.got = nil
	{
		err := l.Flush(context.Background())
		if err != nil {
			t.Fatalf("second flush: %v", err)
		}
		if got := len(store.got); got != 0 {
			t.Errorf("second flush: len(store.got) = %v, want %v", got, 0)
		}
	}
	l.Record("x", 1)
	store.fail = wengao.Errorf(wengao.EINVALID, "bad")
	l.Flush(context.Background())
	store.fail = nil
	{
		err := l.Flush(context.Background())
		if err != nil {
			t.Fatalf("after an invalid batch: %v", err)
		}
		if got := len(store.got); got != 0 {
			t.Errorf("after an invalid batch: len(store.got) = %v, want %v", got, 0)
		}
	}
}

func TestSearchLogFlushedOnClose(t *testing.T) {
	e := newStatsEnv(t)
	srv := wengaohttp.MustNewServer(t, wengaohttp.AllServices(t, e.db))
	srv.Addr = "127.0.0.1:0"
	srv.SearchLog = web.NewSearchLog(e.db)
	srv.SearchLog.Interval = time.Hour
	srv.Logger = discardLogger
	if err := srv.Open(); err != nil {
		t.Fatal(err)
	}
	c := &client{t: t, ua: browserUA, jar: map[string]string{}, base: srv.URL()}
	c.get("/search?q="+url.QueryEscape("安全生产"), 200)
	c.get("/api/v1/search?q="+url.QueryEscape("不存在的东西"), 200)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Close(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(web.ChinaTime)
	sum, err := e.db.Summary(context.Background(), now, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := sum.Searches; got != 2 {
		t.Errorf("after a graceful stop the store has: sum.Searches = %v, want %v", got, 2)
	}
	if got := sum.ZeroSearches; got != 1 {
		t.Errorf("after a graceful stop the store has: sum.ZeroSearches = %v, want %v", got, 1)
	}
}

// BenchmarkSearchLogRecord measures logging a search, which every search
// request does: it must not allocate once a query is buffered.
func BenchmarkSearchLogRecord(b *testing.B) {
	l := web.NewSearchLog(&failingSearchLog{})
	queries := make([]string, 1000)
	for i := range queries {
		queries[i] = fmt.Sprintf("关于加强安全生产工作的意见 %d", i)
	}
	for _, q := range queries {
		l.Record(q, 1)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		l.Record(queries[i%len(queries)], i%3)
	}
}

// BenchmarkSearchLogRecordParallel is the same under contention.
func BenchmarkSearchLogRecordParallel(b *testing.B) {
	l := web.NewSearchLog(&failingSearchLog{})
	queries := make([]string, 1000)
	for i := range queries {
		queries[i] = fmt.Sprintf("关于加强安全生产工作的意见 %d", i)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			l.Record(queries[i%len(queries)], i%3)
			i++
		}
	})
}
