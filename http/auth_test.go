package http_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wengao/wengao"
	wengaohttp "github.com/wengao/wengao/http"
	"github.com/wengao/wengao/sqlite"
)

func newAccountServer(t *testing.T) *httptest.Server {
	t.Helper()
	db, err := sqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.SaveDocuments(context.Background(), []*wengao.Document{
		{ID: "gov-1", Title: "关于加强安全生产工作的意见", Date: "2024-01-02", Category: "公文/意见", Body: []string{"加强安全生产监管。"}},
	}); err != nil {
		t.Fatal(err)
	}
	srv := wengaohttp.MustNewServer(t, wengaohttp.AllServices(t, db))
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts
}

// client is a browser-like client with a cookie jar.
func jarClient(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

// call sends a JSON request and decodes the JSON answer into v.
func call(t *testing.T, c *http.Client, method, url, body string, v any) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf, _ := io.ReadAll(resp.Body)
	if v != nil {
		if err := json.Unmarshal(buf, v); err != nil {
			t.Fatalf("%s %s: %v: %s", method, url, err, buf)
		}
	}
	return resp.StatusCode
}

type apiError struct {
	Error struct{ Code, Message string }
}

func TestAccountAPI(t *testing.T) {
	ts := newAccountServer(t)
	c := jarClient(t)
	var me struct {
		Username string
		Role     string
		Points   int64
	}
	if st := call(t, c, "POST", ts.URL+"/api/v1/auth/register", `{"username":"李科员","password":"correct horse battery"}`, &me); st != 201 {
		t.Fatalf("register: %d %+v", st, me)
	}
	if got := me.Username; got != "李科员" {
		t.Fatalf("register: me.Username = %v, want %v", got, "李科员")
	}
	if got := me.Role; got != wengao.RoleReader {
		t.Fatalf("register: me.Role = %v, want %v", got, wengao.RoleReader)
	}
	if got := me.Points; got != wengao.DefaultSettings().SignupBonus {
		t.Fatalf("register: me.Points = %v, want %v", got, wengao.DefaultSettings().SignupBonus)
	}
	// The session cookie is HttpOnly and SameSite=Lax.
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/auth/login", strings.NewReader(`{"username":"李科员","password":"correct horse battery"}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sc := resp.Header.Get("Set-Cookie")
	if got := resp.StatusCode; got != 200 {
		t.Fatalf("login: resp.StatusCode = %v, want %v", got, 200)
	}
	if !strings.Contains(sc, "wengao_session=") {
		t.Fatalf("login: %d %q (want strings.Contains(sc, \"wengao_session=\"))", resp.StatusCode, sc)
	}
	if !strings.Contains(sc, "HttpOnly") {
		t.Fatalf("login: %d %q (want strings.Contains(sc, \"HttpOnly\"))", resp.StatusCode, sc)
	}
	if !strings.Contains(sc, "SameSite=Lax") {
		t.Fatalf("login: %d %q (want strings.Contains(sc, \"SameSite=Lax\"))", resp.StatusCode, sc)
	}
	{
		st := call(t, c, "GET", ts.URL+"/api/v1/me", "", &me)
		if got := st; got != 200 {
			t.Fatalf("me: st = %v, want %v", got, 200)
		}
		if got := me.Username; got != "李科员" {
			t.Fatalf("me: me.Username = %v, want %v", got, "李科员")
		}
	}
	var ledger struct {
		Total   int
		Entries []wengao.LedgerEntry
	}
	{
		st := call(t, c, "GET", ts.URL+"/api/v1/me/ledger", "", &ledger)
		if got := st; got != 200 {
			t.Fatalf("ledger: st = %v, want %v", got, 200)
		}
		if got := ledger.Total; got != 1 {
			t.Fatalf("ledger: ledger.Total = %v, want %v", got, 1)
		}
		if got := ledger.Entries[0].Kind; got != wengao.KindSignup {
			t.Fatalf("ledger: ledger.Entries[0].Kind = %v, want %v", got, wengao.KindSignup)
		}
	}
	// Favourites.
	var fav struct {
		Favorite bool
		Count    int
	}
	{
		st := call(t, c, "POST", ts.URL+"/api/v1/documents/gov-1/favorite", "", &fav)
		if got := st; got != 200 {
			t.Fatalf("favorite: st = %v, want %v", got, 200)
		}
		if !fav.Favorite {
			t.Fatalf("favorite: %d %+v (want fav.Favorite)", st, fav)
		}
		if got := fav.Count; got != 1 {
			t.Fatalf("favorite: fav.Count = %v, want %v", got, 1)
		}
	}
	var favs struct {
		Total     int
		Favorites []wengao.Favorite
	}
	{
		st := call(t, c, "GET", ts.URL+"/api/v1/me/favorites", "", &favs)
		if got := st; got != 200 {
			t.Fatalf("favorites: st = %v, want %v", got, 200)
		}
		if got := favs.Total; got != 1 {
			t.Fatalf("favorites: favs.Total = %v, want %v", got, 1)
		}
		if favs.Favorites[0].Title == "" {
			t.Fatalf("favorites: %d %+v (want not favs.Favorites[0].Title == \"\")", st, favs)
		}
	}
	{
		st := call(t, c, "DELETE", ts.URL+"/api/v1/documents/gov-1/favorite", "", &fav)
		if got := st; got != 200 {
			t.Fatalf("unfavorite: st = %v, want %v", got, 200)
		}
		if got := fav.Count; got != 0 {
			t.Fatalf("unfavorite: fav.Count = %v, want %v", got, 0)
		}
	}
	var e apiError
	{
		st := call(t, c, "POST", ts.URL+"/api/v1/documents/nope/favorite", "", &e)
		if got := st; got != 404 {
			t.Fatalf("favorite of a missing document: st = %v, want %v", got, 404)
		}
		if got := e.Error.Code; got != wengao.ENOTFOUND {
			t.Fatalf("favorite of a missing document: e.Error.Code = %v, want %v", got, wengao.ENOTFOUND)
		}
	}
	// After logout the session no longer works.
	if st := call(t, c, "POST", ts.URL+"/api/v1/auth/logout", "", nil); st != 200 {
		t.Fatalf("logout: %d", st)
	}
	{
		st := call(t, c, "GET", ts.URL+"/api/v1/me", "", &e)
		if got := st; got != 401 {
			t.Fatalf("me after logout: st = %v, want %v", got, 401)
		}
		if got := e.Error.Code; got != wengao.EUNAUTHORIZED {
			t.Fatalf("me after logout: e.Error.Code = %v, want %v", got, wengao.EUNAUTHORIZED)
		}
	}
	// A taken name is refused.
	if st := call(t, jarClient(t), "POST", ts.URL+"/api/v1/auth/register", `{"username":"李科员","password":"another password"}`, &e); st != 409 {
		t.Fatalf("duplicate register: %d %+v", st, e)
	}
	// Malformed bodies get a clear error.
	{
		st := call(t, c, "POST", ts.URL+"/api/v1/auth/login", `{"username":`, &e)
		if got := st; got != 400 {
			t.Fatalf("malformed login: st = %v, want %v", got, 400)
		}
		if e.Error.Message == "" {
			t.Fatalf("malformed login: %d %+v (want not e.Error.Message == \"\")", st, e)
		}
	}
}

func TestLoginThrottled(t *testing.T) {
	ts := newAccountServer(t)
	c := jarClient(t)
	if st := call(t, c, "POST", ts.URL+"/api/v1/auth/register", `{"username":"wang","password":"correct horse battery"}`, nil); st != 201 {
		t.Fatalf("register: %d", st)
	}
	var e apiError
	var unknown apiError
	call(t, c, "POST", ts.URL+"/api/v1/auth/login", `{"username":"nobody","password":"whatever pass"}`, &unknown)
	codes := map[int]int{}
	for i := 0; i < 8; i++ {
		st := call(t, c, "POST", ts.URL+"/api/v1/auth/login", `{"username":"wang","password":"wrong password"}`, &e)
		codes[st]++
		if i == 0 && e.Error.Message != unknown.Error.Message {
			t.Errorf("wrong password %q and unknown user %q answer differently", e.Error.Message, unknown.Error.Message)
		}
	}
	if codes[401] == 0 {
		t.Fatalf("brute force not throttled: %v (want not codes[401] == 0)", codes)
	}
	if codes[429] == 0 {
		t.Fatalf("brute force not throttled: %v (want not codes[429] == 0)", codes)
	}
	// Even the right password waits while throttled.
	{
		st := call(t, c, "POST", ts.URL+"/api/v1/auth/login", `{"username":"wang","password":"correct horse battery"}`, &e)
		if got := st; got != 429 {
			t.Fatalf("throttled login: st = %v, want %v", got, 429)
		}
		if e.Error.Message == "" {
			t.Fatalf("throttled login: %d %+v (want not e.Error.Message == \"\")", st, e)
		}
	}
}

func TestCrossSiteRequestRefused(t *testing.T) {
	ts := newAccountServer(t)
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/auth/register", strings.NewReader(`{"username":"zhao","password":"correct horse battery"}`))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d", resp.StatusCode)
	}
	req, _ = http.NewRequest("POST", ts.URL+"/api/v1/auth/logout", nil)
	req.Header.Set("Origin", "https://evil.example")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin POST: %d", resp.StatusCode)
	}
}
