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
	srv := wengaohttp.NewServer()
	srv.Documents, srv.Search, srv.Browse = db, db, db
	srv.Users, srv.Sessions, srv.Ledger, srv.Favorites = db, db, db, db
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
	if me.Username != "李科员" || me.Role != wengao.RoleReader || me.Points != wengao.DefaultSettings().SignupBonus {
		t.Fatalf("register: %+v", me)
	}
	// The session cookie is HttpOnly and SameSite=Lax.
	req, _ := http.NewRequest("POST", ts.URL+"/api/v1/auth/login", strings.NewReader(`{"username":"李科员","password":"correct horse battery"}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	sc := resp.Header.Get("Set-Cookie")
	if resp.StatusCode != 200 || !strings.Contains(sc, "wengao_session=") || !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") {
		t.Fatalf("login: %d %q", resp.StatusCode, sc)
	}
	if st := call(t, c, "GET", ts.URL+"/api/v1/me", "", &me); st != 200 || me.Username != "李科员" {
		t.Fatalf("me: %d %+v", st, me)
	}
	var ledger struct {
		Total   int
		Entries []wengao.LedgerEntry
	}
	if st := call(t, c, "GET", ts.URL+"/api/v1/me/ledger", "", &ledger); st != 200 || ledger.Total != 1 || ledger.Entries[0].Kind != wengao.KindSignup {
		t.Fatalf("ledger: %d %+v", st, ledger)
	}
	// Favourites.
	var fav struct {
		Favorite bool
		Count    int
	}
	if st := call(t, c, "POST", ts.URL+"/api/v1/documents/gov-1/favorite", "", &fav); st != 200 || !fav.Favorite || fav.Count != 1 {
		t.Fatalf("favorite: %d %+v", st, fav)
	}
	var favs struct {
		Total     int
		Favorites []wengao.Favorite
	}
	if st := call(t, c, "GET", ts.URL+"/api/v1/me/favorites", "", &favs); st != 200 || favs.Total != 1 || favs.Favorites[0].Title == "" {
		t.Fatalf("favorites: %d %+v", st, favs)
	}
	if st := call(t, c, "DELETE", ts.URL+"/api/v1/documents/gov-1/favorite", "", &fav); st != 200 || fav.Count != 0 {
		t.Fatalf("unfavorite: %d %+v", st, fav)
	}
	var e apiError
	if st := call(t, c, "POST", ts.URL+"/api/v1/documents/nope/favorite", "", &e); st != 404 || e.Error.Code != wengao.ENOTFOUND {
		t.Fatalf("favorite of a missing document: %d %+v", st, e)
	}
	// After logout the session no longer works.
	if st := call(t, c, "POST", ts.URL+"/api/v1/auth/logout", "", nil); st != 200 {
		t.Fatalf("logout: %d", st)
	}
	if st := call(t, c, "GET", ts.URL+"/api/v1/me", "", &e); st != 401 || e.Error.Code != wengao.EUNAUTHORIZED {
		t.Fatalf("me after logout: %d %+v", st, e)
	}
	// A taken name is refused.
	if st := call(t, jarClient(t), "POST", ts.URL+"/api/v1/auth/register", `{"username":"李科员","password":"another password"}`, &e); st != 409 {
		t.Fatalf("duplicate register: %d %+v", st, e)
	}
	// Malformed bodies get a clear error.
	if st := call(t, c, "POST", ts.URL+"/api/v1/auth/login", `{"username":`, &e); st != 400 || e.Error.Message == "" {
		t.Fatalf("malformed login: %d %+v", st, e)
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
	if codes[401] == 0 || codes[429] == 0 {
		t.Fatalf("brute force not throttled: %v", codes)
	}
	// Even the right password waits while throttled.
	if st := call(t, c, "POST", ts.URL+"/api/v1/auth/login", `{"username":"wang","password":"correct horse battery"}`, &e); st != 429 || e.Error.Message == "" {
		t.Fatalf("throttled login: %d %+v", st, e)
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
