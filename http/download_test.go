package http_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/convert"
)

// post sends a POST with the given header and cookie and returns the
// response with its body read.
func post(t *testing.T, c *http.Client, u, body string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// TestConcurrentPurchases runs 200 download purchases at once, each of
// another document, by a reader whose points pay for 10.
func TestConcurrentPurchases(t *testing.T) {
	srv, db, _ := sampleServer(t)
	srv.Settings.DownloadPrice = 1
	ctx := context.Background()
	u, err := db.CreateUser(ctx, wengao.NewUser{Username: "buyer", Password: "correct horse", Bonus: 10})
	if err != nil {
		t.Fatal(err)
	}
	sess, err := db.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	ids, err := db.DocumentIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("POST", ts.URL+"/api/v1/documents/"+url.PathEscape(ids[i])+"/download", nil)
			req.AddCookie(&http.Cookie{Name: "wengao_session", Value: sess.Token})
			req.Header.Set("Idempotency-Key", fmt.Sprintf("buy-%d", i))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 && !bytes.HasPrefix(body, []byte("PK")) {
				t.Errorf("download %d is not a .docx", i)
			}
			mu.Lock()
			codes[resp.StatusCode]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if got := codes[200]; got != 10 {
		t.Fatalf("statuses: codes[200] = %v, want %v", got, 10)
	}
	if got := codes[402]; got != n-10 {
		t.Fatalf("statuses: codes[402] = %v, want %v", got, n-10)
	}
	{
		b, err := db.Balance(ctx, u.ID)
		if err != nil {
			t.Fatalf("balance: %v", err)
		}
		if got := b; got != 0 {
			t.Fatalf("balance: b = %v, want %v", got, 0)
		}
	}
	{
		m, err := db.CheckLedger(ctx)
		if err != nil {
			t.Fatalf("ledger check: %v", err)
		}
		if got := len(m); got != 0 {
			t.Fatalf("ledger check: len(m) = %v, want %v", got, 0)
		}
	}
	_, total, err := db.ListPurchases(ctx, u.ID, 1, 100)
	if err != nil {
		t.Fatalf("%v", err)
	}
	if got := total; got != 10 {
		t.Fatalf("total = %v, want %v", got, 10)
	}
}

// TestDownloadFlow: the API charges once per idempotency key and once per
// validity period; the site's GET never charges, and its form buys once
// however often it is sent.
func TestDownloadFlow(t *testing.T) {
	srv, db, cookie := sampleServer(t)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	ctx := context.Background()
	ids, _ := db.DocumentIDs(ctx)
	reader, err := db.FindUserByName(ctx, "reader")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Grant(ctx, &wengao.LedgerEntry{UserID: reader.ID, Kind: wengao.KindAdjust, Amount: 20, Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	base, _ := url.Parse(ts.URL)
	jar.SetCookies(base, []*http.Cookie{cookie})
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	balance := func() int64 {
		b, err := db.Balance(ctx, reader.ID)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	start := balance()

	// The API: a replayed request is charged once.
	doc, _ := db.FindDocumentByID(ctx, ids[0])
	for i := range 3 {
		resp, body := post(t, c, ts.URL+"/api/v1/documents/"+ids[0]+"/download", "", map[string]string{"Idempotency-Key": "k-1"})
		if resp.StatusCode != 200 {
			t.Fatalf("download %d: %d %s", i, resp.StatusCode, body)
		}
		want := "0"
		if i == 0 {
			want = "5"
		}
		if got := resp.Header.Get("X-Points-Charged"); got != want {
			t.Errorf("request %d charged %s, want %s", i, got, want)
		}
		{
			cd := resp.Header.Get("Content-Disposition")
			if !strings.Contains(cd, "attachment") {
				t.Errorf("Content-Disposition %q (want strings.Contains(cd, \"attachment\"))", cd)
			}
			if !strings.Contains(cd, "filename*=UTF-8''") {
				t.Errorf("Content-Disposition %q (want strings.Contains(cd, \"filename*=UTF-8''\"))", cd)
			}
		}
		if i == 0 {
			checkGeneratedDocx(t, body, doc)
		}
	}
	if got := balance(); got != start-5 {
		t.Fatalf("balance %d after a replayed purchase, want %d", got, start-5)
	}

	// The site: GET shows the price and charges nothing.
	resp, err := c.Get(ts.URL + "/doc/" + ids[1] + "/download")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := resp.StatusCode; got != 200 {
		t.Fatalf("confirmation page: resp.StatusCode = %v, want %v", got, 200)
	}
	if !strings.Contains(string(page), "支付 5 积分并下载") {
		t.Fatalf("confirmation page: %d, balance %d (want strings.Contains(string(page), \"支付 5 积分并下载\"))", resp.StatusCode, balance())
	}
	if got := balance(); got != start-5 {
		t.Fatalf("confirmation page: balance() = %v, want %v", got, start-5)
	}
	key := between(string(page), `name="key" value="`, `"`)
	if key == "" {
		t.Fatal("no idempotency key in the form")
	}
	form := url.Values{"key": {key}}.Encode()
	hdr := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	for range 2 { // a double submit
		resp, _ := post(t, c, ts.URL+"/doc/"+ids[1]+"/download", form, hdr)
		if got := resp.StatusCode; got != http.StatusSeeOther {
			t.Fatalf("purchase form: resp.StatusCode = %v, want %v", got, http.StatusSeeOther)
		}
		if got := resp.Header.Get("Location"); got != "/doc/"+ids[1]+"/download" {
			t.Fatalf("purchase form: resp.Header.Get(\"Location\") = %v, want %v", got, "/doc/"+ids[1]+"/download")
		}
	}
	if got := balance(); got != start-10 {
		t.Fatalf("balance %d after a double submit, want %d", got, start-10)
	}
	resp, err = c.Get(ts.URL + "/doc/" + ids[1] + "/download")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := resp.StatusCode; got != 200 {
		t.Fatalf("download after purchase: resp.StatusCode = %v, want %v", got, 200)
	}
	if !bytes.HasPrefix(body, []byte("PK")) {
		t.Fatalf("download after purchase: %d (want bytes.HasPrefix(body, []byte(\"PK\")))", resp.StatusCode)
	}
	// The downloads are listed, newest first.
	var list struct {
		Total     int
		Downloads []wengao.Purchase
	}
	{
		st := call(t, c, "GET", ts.URL+"/api/v1/me/downloads", "", &list)
		if got := st; got != 200 {
			t.Fatalf("downloads: st = %v, want %v", got, 200)
		}
		if got := list.Total; got != 2 {
			t.Fatalf("downloads: list.Total = %v, want %v", got, 2)
		}
		if got := list.Downloads[0].DocumentID; got != ids[1] {
			t.Fatalf("downloads: list.Downloads[0].DocumentID = %v, want %v", got, ids[1])
		}
		if list.Downloads[0].Title == "" {
			t.Fatalf("downloads: %d %+v (want not list.Downloads[0].Title == \"\")", st, list)
		}
	}
	// Without enough points: a clear error, nothing charged.
	srv.Settings.DownloadPrice = 1000
	resp, body = post(t, c, ts.URL+"/api/v1/documents/"+ids[2]+"/download", "", nil)
	if got := resp.StatusCode; got != http.StatusPaymentRequired {
		t.Fatalf("poor purchase: resp.StatusCode = %v, want %v", got, http.StatusPaymentRequired)
	}
	if !strings.Contains(string(body), "积分不足") {
		t.Fatalf("poor purchase: %d %s (want strings.Contains(string(body), \"积分不足\"))", resp.StatusCode, body)
	}
	// Anonymous visitors are sent to log in.
	resp, err = (&http.Client{CheckRedirect: c.CheckRedirect}).Get(ts.URL + "/doc/" + ids[1] + "/download")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.StatusCode; got != http.StatusSeeOther {
		t.Fatalf("anonymous download: resp.StatusCode = %v, want %v", got, http.StatusSeeOther)
	}
	if !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Fatalf("anonymous download: %d %s (want strings.HasPrefix(resp.Header.Get(\"Location\"), \"/login?next=\"))", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = post(t, http.DefaultClient, ts.URL+"/api/v1/documents/"+ids[1]+"/download", "", nil)
	if resp.StatusCode != 401 {
		t.Fatalf("anonymous API download: %d %s", resp.StatusCode, body)
	}
	if got := balance(); got != start-10 {
		t.Fatalf("balance %d, want %d", got, start-10)
	}
	{
		m, err := db.CheckLedger(ctx)
		if err != nil {
			t.Fatalf("ledger check: %v", err)
		}
		if got := len(m); got != 0 {
			t.Fatalf("ledger check: len(m) = %v, want %v", got, 0)
		}
	}
}

// checkGeneratedDocx reads a generated .docx back and checks its text
// and its 公文 fonts.
func checkGeneratedDocx(t *testing.T, data []byte, doc *wengao.Document) {
	t.Helper()
	res, err := convert.Convert(context.Background(), "x.docx", bytes.NewReader(data), convert.Limits{})
	if err != nil {
		t.Fatalf("generated docx: %v", err)
	}
	text := strings.Join(res.Paragraphs, "\n")
	if !strings.Contains(text, doc.Title) {
		t.Errorf("generated docx lacks the title")
	}
	last := strings.TrimSpace(doc.Body[len(doc.Body)-1])
	if !strings.Contains(text, last) {
		t.Errorf("generated docx lacks the last paragraph %q", last)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == "word/styles.xml" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			for _, font := range []string{"方正小标宋", "仿宋_GB2312"} {
				if !bytes.Contains(b, []byte(font)) {
					t.Errorf("styles lack %s", font)
				}
			}
			return
		}
	}
	t.Errorf("no styles in the generated docx")
}

// between returns the text of s between the first before and the next
// after.
func between(s, before, after string) string {
	_, rest, ok := strings.Cut(s, before)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, after)
	return v
}

// TestAccountPages drives the site's forms: register, favourite, sign in
// daily, change the password (which ends other sessions), log out.
func TestAccountPages(t *testing.T) {
	srv, db, _ := sampleServer(t)
	ts := httptest.NewServer(srv)
	defer ts.Close()
	ctx := context.Background()
	ids, _ := db.DocumentIDs(ctx)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	get := func(c *http.Client, path string) (int, string) {
		resp, err := c.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	{
		code, body := get(c, "/register")
		if got := code; got != 200 {
			t.Fatalf("register page: code = %v, want %v", got, 200)
		}
		if !strings.Contains(body, "注册即送") {
			t.Fatalf("register page: %d (want strings.Contains(body, \"注册即送\"))", code)
		}
	}
	// Mismatched passwords and a malicious next are handled.
	resp, body := post(t, c, ts.URL+"/register", url.Values{"username": {"张科长"}, "password": {"secret pass 1"}, "password2": {"secret pass 2"}}.Encode(), form)
	if got := resp.StatusCode; got != 400 {
		t.Fatalf("mismatch: resp.StatusCode = %v, want %v", got, 400)
	}
	if !strings.Contains(string(body), "两次输入的密码不一致") {
		t.Fatalf("mismatch: %d (want strings.Contains(string(body), \"两次输入的密码不一致\"))", resp.StatusCode)
	}
	resp, _ = post(t, c, ts.URL+"/register", url.Values{"username": {"张科长"}, "password": {"secret pass 1"}, "password2": {"secret pass 1"}, "next": {"//evil.example/x"}}.Encode(), form)
	if got := resp.StatusCode; got != http.StatusSeeOther {
		t.Fatalf("register: resp.StatusCode = %v, want %v", got, http.StatusSeeOther)
	}
	if got := resp.Header.Get("Location"); got != "/" {
		t.Fatalf("register: resp.Header.Get(\"Location\") = %v, want %v", got, "/")
	}
	// The header shows the account on every page, cached or not.
	{
		_, body := get(c, "/doc/"+ids[0])
		if !strings.Contains(body, "张科长") {
			t.Fatalf("document page does not show the account (want strings.Contains(body, \"张科长\"))")
		}
		if strings.Contains(body, "wg-slot") {
			t.Fatalf("document page does not show the account (want not strings.Contains(body, \"wg-slot\"))")
		}
	}
	{
		_, body := get(http.DefaultClient, "/doc/"+ids[0])
		if strings.Contains(body, "张科长") {
			t.Fatalf("anonymous page shows another visitor's account (want not strings.Contains(body, \"张科长\"))")
		}
		if !strings.Contains(body, `href="/login?next=`) {
			t.Fatalf("anonymous page shows another visitor's account (want strings.Contains(body, `href=\"/login?next=`))")
		}
	}
	// Favourite from the article page.
	resp, _ = post(t, c, ts.URL+"/doc/"+ids[0]+"/favorite", "action=add", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("favourite: %d", resp.StatusCode)
	}
	{
		_, body := get(c, "/doc/"+ids[0])
		if !strings.Contains(body, "★ 已收藏") {
			t.Fatalf("favourite not shown (want strings.Contains(body, \"★ 已收藏\"))")
		}
		if !strings.Contains(body, `data-fav-count>1<`) {
			t.Fatalf("favourite not shown (want strings.Contains(body, `data-fav-count>1<`))")
		}
	}
	if _, body := get(c, "/me/favorites"); !strings.Contains(body, "/doc/"+ids[0]) {
		t.Fatalf("favourite not listed")
	}
	// Daily sign-in, once a day.
	resp, _ = post(t, c, ts.URL+"/me/signin", "", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", resp.StatusCode)
	}
	resp, body = post(t, c, ts.URL+"/me/signin", "", form)
	if got := resp.StatusCode; got != http.StatusConflict {
		t.Fatalf("second sign-in: resp.StatusCode = %v, want %v", got, http.StatusConflict)
	}
	if !strings.Contains(string(body), "今天已经签到过了") {
		t.Fatalf("second sign-in: %d (want strings.Contains(string(body), \"今天已经签到过了\"))", resp.StatusCode)
	}
	{
		_, body := get(c, "/me/ledger")
		if !strings.Contains(body, "每日签到") {
			t.Fatalf("ledger page lacks entries (want strings.Contains(body, \"每日签到\"))")
		}
		if !strings.Contains(body, "注册奖励") {
			t.Fatalf("ledger page lacks entries (want strings.Contains(body, \"注册奖励\"))")
		}
	}
	// A form posted from another site is refused.
	resp, _ = post(t, c, ts.URL+"/me/signin", "", map[string]string{"Origin": "https://evil.example", "Content-Type": "application/x-www-form-urlencoded"})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site form: %d", resp.StatusCode)
	}
	// A second browser logs in; changing the password in the first ends
	// the second's session but keeps the first logged in.
	jar2, _ := cookiejar.New(nil)
	c2 := &http.Client{Jar: jar2, CheckRedirect: c.CheckRedirect}
	resp, _ = post(t, c2, ts.URL+"/login", url.Values{"username": {"张科长"}, "password": {"secret pass 1"}, "next": {"/me"}}.Encode(), form)
	if got := resp.StatusCode; got != http.StatusSeeOther {
		t.Fatalf("login: resp.StatusCode = %v, want %v", got, http.StatusSeeOther)
	}
	if got := resp.Header.Get("Location"); got != "/me" {
		t.Fatalf("login: resp.Header.Get(\"Location\") = %v, want %v", got, "/me")
	}
	resp, _ = post(t, c, ts.URL+"/me/password", url.Values{"current": {"secret pass 1"}, "new": {"secret pass 2"}, "new2": {"secret pass 2"}}.Encode(), form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("password change: %d", resp.StatusCode)
	}
	if code, _ := get(c, "/me"); code != 200 {
		t.Fatalf("first browser after the change: %d", code)
	}
	if code, _ := get(c2, "/me"); code != http.StatusSeeOther {
		t.Fatalf("second browser after the change: %d", code)
	}
	// Logging out ends the session.
	resp, _ = post(t, c, ts.URL+"/logout", "", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	if code, _ := get(c, "/me"); code != http.StatusSeeOther {
		t.Fatalf("after logout: %d", code)
	}
	// Wrong passwords get the same message as unknown users.
	resp, body = post(t, c, ts.URL+"/login", url.Values{"username": {"张科长"}, "password": {"secret pass 1"}}.Encode(), form)
	if got := resp.StatusCode; got != 401 {
		t.Fatalf("old password: resp.StatusCode = %v, want %v", got, 401)
	}
	if !strings.Contains(string(body), "用户名或密码错误") {
		t.Fatalf("old password: %d (want strings.Contains(string(body), \"用户名或密码错误\"))", resp.StatusCode)
	}
}
