package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// route is one pattern of the server's mux.
type route struct{ method, pattern string }

// stateChangingRoutes reads the patterns the front ends register (every
// non-test Go file under http/) and returns those of methods that change
// state. Routes added later, by any file, are enumerated too.
func stateChangingRoutes(t *testing.T) []route {
	t.Helper()
	literal := regexp.MustCompile(`"(POST|PUT|PATCH|DELETE) (/[^"]*)"`)
	concat := regexp.MustCompile(`"(POST|PUT|PATCH|DELETE) "\s*\+\s*l\.path`)
	pairPath := regexp.MustCompile(`pairList\{path: "(/[^"]+)"`)
	seen := map[route]bool{}
	var concatMethods, pairPaths []string
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			seen[route{m[1], m[2]}] = true
		}
		for _, m := range concat.FindAllStringSubmatch(string(src), -1) {
			concatMethods = append(concatMethods, m[1])
		}
		for _, m := range pairPath.FindAllStringSubmatch(string(src), -1) {
			pairPaths = append(pairPaths, m[1])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The console's pair lists register one pattern per list.
	for _, m := range concatMethods {
		for _, p := range pairPaths {
			seen[route{m, p}] = true
		}
	}
	var out []route
	for r := range seen {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].pattern+out[i].method < out[j].pattern+out[j].method })
	return out
}

// fillPattern turns a mux pattern into a path, with the wildcards set to
// values that exist.
func fillPattern(p string, ids map[string]string) string {
	return regexp.MustCompile(`\{(\w+)(\.\.\.)?\}`).ReplaceAllStringFunc(strings.TrimSuffix(p, "{$}"), func(w string) string {
		name := strings.Trim(w, "{}.")
		if v, ok := ids[name]; ok {
			return v
		}
		return "1"
	})
}

// TestSecurityCSRF sends every state-changing route of the mux, with the
// admin's session cookie, as a browser would on a page of another site:
// each is refused before it reaches its handler. The same requests from
// this site's pages get through. There are no CSRF tokens: the site
// relies on Fetch metadata and Origin (net/http's CrossOriginProtection),
// on Referer when a browser sends neither, and on SameSite=Lax cookies.
func TestSecurityCSRF(t *testing.T) {
	e := newSecEnv(t)
	routes := stateChangingRoutes(t)
	if len(routes) < 38 {
		t.Fatalf("found %d state-changing routes, want the 38 or more the front ends register: %v", len(routes), routes)
	}
	ids := map[string]string{"id": mustFirstID(t, e.uploadEnv), "action": "approve", "tab": "favorites", "file": "searches.csv"}
	refused := []struct {
		attack string
		header map[string]string
	}{
		{"form posted from another site (Sec-Fetch-Site cross-site, no token)", map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}},
		{"request from a sibling subdomain (Sec-Fetch-Site same-site)", map[string]string{"Sec-Fetch-Site": "same-site", "Origin": "https://x.127.0.0.1:8080"}},
		{"cross-site Origin, no Fetch metadata (older browser)", map[string]string{"Origin": "https://evil.example"}},
		{"Origin null (sandboxed frame, data: URL)", map[string]string{"Origin": "null"}},
		{"Origin of the same host on another port", map[string]string{"Origin": "http://127.0.0.1:9999"}},
		{"no Origin, cross-site Referer (browser that omits Origin)", map[string]string{"Referer": "https://evil.example/attack.html"}},
		{"no Origin, Referer whose host only starts like ours", map[string]string{"Referer": "http://127.0.0.1:8080.evil.example/"}},
	}
	accepted := []struct {
		attack string
		header map[string]string
	}{
		{"same-origin browser request", map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://127.0.0.1:8080", "Referer": "http://127.0.0.1:8080/me"}},
		{"same-origin Origin, no Fetch metadata", map[string]string{"Origin": "http://127.0.0.1:8080"}},
		{"same-origin Referer only", map[string]string{"Referer": "http://127.0.0.1:8080/doc/x"}},
		{"typed into the address bar or a program (Sec-Fetch-Site none)", map[string]string{"Sec-Fetch-Site": "none"}},
	}
	cases := 0
	for _, rt := range routes {
		path := fillPattern(rt.pattern, ids)
		for _, c := range refused {
			r := e.do(t, actAdmin, rt.method, path, `{}`, c.header)
			cases++
			if r.StatusCode != http.StatusForbidden || !strings.Contains(r.body, web.MsgCrossSite) {
				t.Errorf("%s %s, %s: %d %.80q, want 403 %q", rt.method, path, c.attack, r.StatusCode, r.body, web.MsgCrossSite)
			}
			if strings.HasPrefix(path, "/api/") && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				t.Errorf("%s %s, %s: refused with %q, want JSON", rt.method, path, c.attack, r.Header.Get("Content-Type"))
			}
		}
		for _, c := range accepted {
			// Only whether the guard let it through is looked at: the
			// handler may still refuse the request for its own reasons.
			r := e.do(t, actAdmin, rt.method, path, `{}`, c.header)
			cases++
			if strings.Contains(r.body, web.MsgCrossSite) {
				t.Errorf("%s %s, %s: refused as cross-site", rt.method, path, c.attack)
			}
		}
	}
	// A refused request changes nothing: the password, the favourites.
	id := ids["id"]
	e.do(t, actReader, "POST", "/api/v1/auth/password", `{"current_password":"correct horse","new_password":"attacker chose this"}`, refused[0].header)
	if _, err := e.db.Authenticate(context.Background(), "reader", "correct horse"); err != nil {
		t.Errorf("cross-site password change took effect: %v", err)
	}
	body, h := form("action", "add")
	h["Referer"] = "https://evil.example/"
	e.do(t, actOther, "POST", "/doc/"+url.PathEscape(id)+"/favorite", body, h)
	if fav, _ := e.db.IsFavorite(context.Background(), e.users[actOther].ID, id); fav {
		t.Error("a favourite posted from another site (Referer only) was added")
	}
	t.Logf("%d routes × %d attacks and %d accepted forms: %d requests", len(routes), len(refused), len(accepted), cases)
}

// TestSecurityIDOR: user B asks for, and tries to change, user A's
// uploads, favourites, downloads, ledger, complaints and session by
// their ids and through B's own lists; B gets nothing of A's.
func TestSecurityIDOR(t *testing.T) {
	e := newSecEnv(t)
	ctx := context.Background()
	h := e.plantHostile(t) // A (reader) has an upload, favourites, a complaint
	// A draft of A's, still editable.
	st, a := e.upload(t, e.reader, "", file{"草稿.txt", []byte("关于草稿的通知\n各单位：\n请认真落实。\n")})
	if st != 201 || len(a.Uploads) != 1 {
		t.Fatalf("draft upload: %d", st)
	}
	draft := a.Uploads[0].ID
	aID := e.users[actReader].ID
	for _, c := range []struct {
		attack        string
		method, path  string
		body          string
		form          bool
		wantNotStatus int
	}{
		{"read A's upload through the API", "GET", fmt.Sprintf("/api/v1/uploads/%d", h.uploadID), "", false, 200},
		{"read A's draft through the API", "GET", fmt.Sprintf("/api/v1/uploads/%d", draft), "", false, 200},
		{"submit A's draft with B's metadata", "POST", fmt.Sprintf("/api/v1/uploads/%d/submit", draft), `{"title":"被B改了","category":"公文/通知"}`, false, 200},
		{"read A's upload page", "GET", fmt.Sprintf("/me/uploads/%d", h.uploadID), "", false, 200},
		{"read A's draft page", "GET", fmt.Sprintf("/me/uploads/%d", draft), "", false, 200},
		{"submit A's draft through the site", "POST", fmt.Sprintf("/me/uploads/%d", draft), "title=被B改了&category=公文/通知", true, 303},
		{"moderate A's upload as a reader", "POST", fmt.Sprintf("/api/v1/admin/uploads/%d/reject", draft), `{"reason":"x"}`, false, 200},
		{"read A's complaint in the console as a reader", "GET", fmt.Sprintf("/admin/complaints/%d", h.complaint), "", false, 200},
		{"read A's account in the console as a reader", "GET", fmt.Sprintf("/admin/users/%d", aID), "", false, 200},
		{"read A's uploads in the console list as a reader", "GET", fmt.Sprintf("/api/v1/admin/uploads?user=%d", aID), "", false, 200},
	} {
		var hd map[string]string
		if c.form {
			hd = map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
		}
		r := e.do(t, actOther, c.method, c.path, c.body, hd)
		if r.StatusCode == c.wantNotStatus || r.StatusCode < 300 {
			t.Errorf("B: %s (%s %s): %d, want refused", c.attack, c.method, c.path, r.StatusCode)
		}
		if strings.Contains(r.body, "草稿") || strings.Contains(r.body, "xss7") {
			t.Errorf("B: %s: the answer shows A's content", c.attack)
		}
	}
	up, err := e.db.FindUpload(ctx, draft)
	if err != nil {
		t.Fatal(err)
	}
	if up.Status != wengao.UploadDraft || up.Meta.Title == "被B改了" {
		t.Errorf("A's draft after B's attempts: status %q, title %q; want draft, unchanged", up.Status, up.Meta.Title)
	}
	// B's own lists hold none of A's things, whatever B puts in the
	// query.
	for _, path := range []string{"/api/v1/me/favorites", "/api/v1/me/uploads", "/api/v1/me/complaints", "/api/v1/me/ledger",
		fmt.Sprintf("/api/v1/me/uploads?user=%d&user_id=%d", aID, aID), fmt.Sprintf("/api/v1/me/favorites?user=%d", aID),
		"/me/favorites", "/me/uploads", "/me/complaints", fmt.Sprintf("/me/ledger?user=%d", aID)} {
		r := e.do(t, actOther, "GET", path, "", nil)
		if r.StatusCode != 200 {
			t.Errorf("B %s: %d", path, r.StatusCode)
		}
		for _, leak := range []string{"草稿", "理由", `"user_id":` + fmt.Sprint(aID) + `,`} {
			if strings.Contains(r.body, leak) {
				t.Errorf("B %s shows A's %q", path, leak)
			}
		}
	}
	// B removing a favourite removes only B's.
	e.do(t, actOther, "DELETE", "/api/v1/documents/"+url.PathEscape(h.docID)+"/favorite", "", nil)
	if fav, _ := e.db.IsFavorite(ctx, aID, h.docID); !fav {
		t.Error("B's unfavourite removed A's favourite")
	}
	// B's purchases are B's: each list names its own user only.
	for actor, uid := range map[string]int64{actReader: aID, actOther: e.users[actOther].ID} {
		r := e.do(t, actor, "GET", "/api/v1/me/downloads", "", nil)
		var list struct{ Downloads []wengao.Purchase }
		if err := json.Unmarshal([]byte(r.body), &list); err != nil {
			t.Fatalf("%s downloads: %v: %s", actor, err, r.body)
		}
		for _, p := range list.Downloads {
			if p.UserID != uid {
				t.Errorf("%s's downloads list a purchase of user %d", actor, p.UserID)
			}
		}
		if actor == actOther && len(list.Downloads) != 2 {
			t.Errorf("B's downloads: %d, want the 2 B bought", len(list.Downloads))
		}
	}
	// B logging out ends B's session only.
	e.do(t, actOther, "POST", "/api/v1/auth/logout", "", nil)
	if r := e.do(t, actReader, "GET", "/api/v1/me", "", nil); r.StatusCode != 200 {
		t.Errorf("A's session after B logged out: %d", r.StatusCode)
	}
}

// sessionCookie returns the session cookie a response sets, or nil.
func sessionCookie(r secResponse) *http.Cookie {
	for _, c := range r.Cookies() {
		if c.Name == web.SessionCookie {
			return c
		}
	}
	return nil
}

// TestSecuritySession: a session id planted before login is not kept;
// the id rotates on login and on a password change, and the old one no
// longer works; logout ends the session on the server; the cookie is
// HttpOnly, SameSite and, over TLS or behind a trusted proxy saying
// HTTPS, Secure.
func TestSecuritySession(t *testing.T) {
	e := newSecEnv(t)
	ctx := context.Background()
	password := "correct horse"
	login := func(t *testing.T, front string, planted string, header map[string]string) secResponse {
		t.Helper()
		e.cookies["tmp"] = nil
		if planted != "" {
			e.cookies["tmp"] = &http.Cookie{Name: web.SessionCookie, Value: planted}
		}
		if front == "site" {
			body, h := form("username", "reader", "password", password, "next", "/me")
			for k, v := range header {
				h[k] = v
			}
			return e.do(t, "tmp", "POST", "/login", body, h)
		}
		return e.do(t, "tmp", "POST", "/api/v1/auth/login", `{"username":"reader","password":"`+password+`"}`, header)
	}
	for _, front := range []string{"site", "api"} {
		// Fixation: an id the attacker made up, and a real session of the
		// attacker's own account, planted in the victim's browser.
		attackerSess, err := e.db.CreateSession(ctx, e.users[actOther].ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, planted := range []string{"attacker-chosen-session-id", attackerSess.Token} {
			r := login(t, front, planted, nil)
			c := sessionCookie(r)
			if c == nil || c.Value == "" || c.Value == planted {
				t.Fatalf("%s login with a planted id: cookie %v, want a new id", front, c)
			}
			if c.Value == planted {
				t.Errorf("%s login kept the planted id", front)
			}
		}
		if _, err := e.db.FindSession(ctx, attackerSess.Token); err == nil {
			t.Errorf("%s: the session held before login still works after it", front)
		}
		// Rotation on login: logging in again replaces the id, and the
		// old one ends.
		first := sessionCookie(login(t, front, "", nil))
		second := sessionCookie(login(t, front, first.Value, nil))
		if second.Value == first.Value {
			t.Errorf("%s: the session id did not rotate on login", front)
		}
		if _, err := e.db.FindSession(ctx, first.Value); err == nil {
			t.Errorf("%s: the id before the second login still works", front)
		}
		// Cookie flags.
		if !second.HttpOnly {
			t.Errorf("%s: session cookie not HttpOnly", front)
		}
		if second.SameSite != http.SameSiteLaxMode && second.SameSite != http.SameSiteStrictMode {
			t.Errorf("%s: session cookie SameSite = %v, want Lax or Strict", front, second.SameSite)
		}
		if second.Secure {
			t.Errorf("%s: session cookie Secure over plain HTTP (it would be lost)", front)
		}
		if second.Path != "/" {
			t.Errorf("%s: session cookie Path = %q, want /", front, second.Path)
		}
		// Logout ends the session on the server, not only the cookie.
		e.cookies["tmp"] = second
		if front == "site" {
			e.do(t, "tmp", "POST", "/logout", "", map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
		} else {
			e.do(t, "tmp", "POST", "/api/v1/auth/logout", "", nil)
		}
		if _, err := e.db.FindSession(ctx, second.Value); err == nil {
			t.Errorf("%s: the session still works on the server after logout", front)
		}
		if r := e.do(t, "tmp", "GET", "/api/v1/me", "", nil); r.StatusCode != 401 {
			t.Errorf("%s: the old cookie after logout: %d, want 401", front, r.StatusCode)
		}
	}
	// A password change rotates this browser's id and ends every other
	// session of the account.
	other := sessionCookie(login(t, "api", "", nil))
	mine := sessionCookie(login(t, "api", "", nil))
	e.cookies["tmp"] = mine
	r := e.do(t, "tmp", "POST", "/api/v1/auth/password", `{"current_password":"correct horse","new_password":"a much longer secret"}`, nil)
	if r.StatusCode != 200 {
		t.Fatalf("password change: %d %s", r.StatusCode, r.body)
	}
	password = "a much longer secret"
	next := sessionCookie(r)
	if next == nil || next.Value == mine.Value {
		t.Errorf("password change: cookie %v, want a new id", next)
	}
	for what, c := range map[string]*http.Cookie{"this browser's old id": mine, "another device's session": other} {
		if _, err := e.db.FindSession(ctx, c.Value); err == nil {
			t.Errorf("after a password change, %s still works", what)
		}
	}
	// Over TLS, or through a trusted proxy that says HTTPS, the cookie is
	// Secure; an untrusted peer saying HTTPS is not believed.
	e.srv.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("192.0.2.1/32")}
	if c := sessionCookie(login(t, "api", "", map[string]string{"X-Forwarded-Proto": "https"})); c == nil || !c.Secure {
		t.Errorf("through a trusted proxy over HTTPS: cookie %v, want Secure", c)
	}
	e.srv.TrustedProxies = nil
	if c := sessionCookie(login(t, "api", "", map[string]string{"X-Forwarded-Proto": "https"})); c == nil || c.Secure {
		t.Errorf("X-Forwarded-Proto from an untrusted peer: cookie %v, want not Secure", c)
	}
}

// TestSecurityOpenRedirect: every next= a login, registration or
// login-required page takes leads to this site only.
func TestSecurityOpenRedirect(t *testing.T) {
	e := newSecEnv(t)
	targets := []string{
		"//evil.example", "//evil.example/me", `/\evil.example`, `\\evil.example`, "https:evil.example", "https://evil.example",
		"http:/evil.example", "javascript:alert(1)", "/%2F%2Fevil.example", "%2F%2Fevil.example", "/%5Cevil.example",
		"/\t/evil.example", "/\r\nLocation: https://evil.example", " //evil.example", "///evil.example", "/.//evil.example",
		"/..//evil.example", "/x/..//evil.example", "／／evil.example", "//evil.example@127.0.0.1", "/@evil.example",
		"data:text/html,<script>alert(1)</script>", "HTTPS://EVIL.EXAMPLE", "\u3000//evil.example",
	}
	// offsite reports whether a Location would take a browser off the
	// site: browsers treat \ as / and drop tabs and newlines.
	offsite := func(loc string) bool {
		l := strings.Map(func(r rune) rune {
			switch r {
			case '\\':
				return '/'
			case '\t', '\r', '\n':
				return -1
			}
			return r
		}, strings.TrimSpace(loc))
		u, err := url.Parse(l)
		if err != nil {
			return true
		}
		return u.Scheme != "" || u.Host != "" || strings.HasPrefix(l, "//") || !strings.HasPrefix(l, "/")
	}
	cases := 0
	for _, target := range targets {
		q := url.QueryEscape(target)
		// The logged-in visitor is sent to next at once.
		for _, path := range []string{"/login?next=" + q, "/register?next=" + q} {
			r := e.do(t, actReader, "GET", path, "", nil)
			cases++
			if loc := r.Header.Get("Location"); loc != "" && offsite(loc) {
				t.Errorf("GET %s: Location %q leaves the site", path, loc)
			}
		}
		// The forms carry next through the login.
		body, h := form("username", "reader", "password", "correct horse", "next", target)
		e.cookies["tmp"] = nil
		r := e.do(t, "tmp", "POST", "/login", body, h)
		cases++
		if r.StatusCode != http.StatusSeeOther {
			t.Errorf("POST /login next=%q: %d, want 303", target, r.StatusCode)
		}
		if loc := r.Header.Get("Location"); offsite(loc) {
			t.Errorf("POST /login next=%q: Location %q leaves the site", target, loc)
		}
		// The anonymous form page puts next in a hidden field and links.
		r = e.do(t, actAnon, "GET", "/login?next="+q, "", nil)
		cases++
		for _, m := range regexp.MustCompile(`(?:name="next" value|href)="([^"]*)"`).FindAllStringSubmatch(r.body, -1) {
			if v := strings.ReplaceAll(m[1], "&amp;", "&"); !strings.HasPrefix(v, "#") && offsite(v) {
				t.Errorf("GET /login?next=%q: the page holds %q", target, v)
			}
		}
	}
	// Pages that need a login send the visitor to log in and come back
	// to the same page only.
	for _, path := range []string{"/me", "/upload", "/doc/x/download", "//evil.example/me", "/me/..%2F..%2F%2Fevil.example"} {
		r := e.do(t, actAnon, "GET", path, "", nil)
		cases++
		if loc := r.Header.Get("Location"); loc != "" {
			u, _ := url.Parse(loc)
			if next := u.Query().Get("next"); offsite(loc) || next != "" && offsite(next) {
				t.Errorf("GET %s: Location %q", path, loc)
			}
		}
	}
	t.Logf("%d targets, %d requests", len(targets), cases)
}

// TestSecurityDownloads: traversal through every path that names a file,
// gated files for anonymous and unpaid users, hostile file names and
// content types.
func TestSecurityDownloads(t *testing.T) {
	e := newSecEnv(t)
	ctx := context.Background()
	h := e.plantHostile(t)
	for _, path := range []string{
		"/doc/..%2F..%2F..%2Fetc%2Fpasswd/download", "/doc/../../etc/passwd/download", "/doc/%2e%2e%2f%2e%2e%2fetc%2fpasswd/download",
		"/doc/%252e%252e%252fetc%252fpasswd/download", "/doc/..%5C..%5Cwindows%5Cwin.ini/download", "/doc/%2Fetc%2Fpasswd/download",
		"/static/..%2F..%2Fgo.mod", "/static/../../go.mod", "/static/%2e%2e/server.go", "/static/%2Fetc%2Fpasswd",
		"/sitemap/..%2F..%2Fgo.mod", "/sitemap/%2Fetc%2Fpasswd", "/admin/stats/..%2F..%2Fgo.mod", "/admin/stats/%2Fetc%2Fpasswd",
		"/api/v1/documents/..%2F..%2Fgo.mod", "/qr.svg?path=..%2F..%2Fetc%2Fpasswd", "/doc/..%00/download",
	} {
		for _, actor := range []string{actAnon, actAdmin} {
			for _, method := range []string{"GET", "POST"} {
				r := e.do(t, actor, method, path, "", nil)
				if r.StatusCode >= 500 {
					t.Errorf("%s %s %s: %d", actor, method, path, r.StatusCode)
				}
				for _, leak := range []string{"root:", "module github.com/wengao", "package ", "[fonts]"} {
					if strings.Contains(r.body, leak) {
						t.Errorf("%s %s %s: a file outside the library was served (%q)", actor, method, path, leak)
					}
				}
			}
		}
	}
	// The blob store takes only its own keys.
	for _, key := range []string{"../../../../etc/passwd", "/etc/passwd", "..", "", "aa/../../x", strings.Repeat("a", 64) + "/../x"} {
		if f, _, err := e.srv.Files.Open(ctx, key); err == nil {
			f.Close()
			t.Errorf("Files.Open(%q) opened a file", key)
		}
	}
	// Gated: nobody downloads without logging in, nobody without points
	// is given the file, a free GET never charges.
	id := h.uploadDoc
	for _, c := range []struct {
		attack, actor, method string
		want                  int
	}{
		{"anonymous API download", actAnon, "POST", 401},
		{"anonymous site download", actAnon, "GET", 303},
	} {
		path := "/doc/" + url.PathEscape(id) + "/download"
		if c.method == "POST" {
			path = "/api/v1/documents/" + url.PathEscape(id) + "/download"
		}
		r := e.do(t, c.actor, c.method, path, "", nil)
		if r.StatusCode != c.want {
			t.Errorf("%s: %d, want %d", c.attack, r.StatusCode, c.want)
		}
		if r.Header.Get("Content-Disposition") != "" {
			t.Errorf("%s: a file was sent", c.attack)
		}
	}
	poor, err := e.db.CreateUser(ctx, wengao.NewUser{Username: "穷读者", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	sess, _ := e.db.CreateSession(ctx, poor.ID)
	e.cookies["poor"] = &http.Cookie{Name: web.SessionCookie, Value: sess.Token}
	if r := e.do(t, "poor", "POST", "/api/v1/documents/"+url.PathEscape(h.docID)+"/download", "", nil); r.StatusCode != 402 || r.Header.Get("Content-Disposition") != "" {
		t.Errorf("download without points: %d, Content-Disposition %q; want 402 and no file", r.StatusCode, r.Header.Get("Content-Disposition"))
	}
	if r := e.do(t, "poor", "GET", "/doc/"+url.PathEscape(h.docID)+"/download", "", nil); r.StatusCode != 200 || r.Header.Get("Content-Disposition") != "" {
		t.Errorf("GET of an unpaid download: %d, Content-Disposition %q; want the price page and no file", r.StatusCode, r.Header.Get("Content-Disposition"))
	}
	// A hidden document is downloadable by nobody, even one who paid.
	if r := e.do(t, actMod, "POST", "/api/v1/admin/documents/"+url.PathEscape(h.docID)+"/status", `{"status":"hidden","reason":"x"}`, nil); r.StatusCode != 200 {
		t.Fatalf("hide: %d %s", r.StatusCode, r.body)
	}
	if r := e.do(t, actOther, "POST", "/api/v1/documents/"+url.PathEscape(h.docID)+"/download", "", nil); r.StatusCode == 200 {
		t.Errorf("download of a hidden document by a buyer: %d", r.StatusCode)
	}
}

// TestSecurityActiveUpload: a file that a browser would run (HTML) is
// uploaded, approved and downloaded: it comes as an attachment of a type
// the browser neither renders nor sniffs, under a sandboxing CSP.
func TestSecurityActiveUpload(t *testing.T) {
	e := newSecEnv(t)
	page := `<!doctype html><html><head><title>关于加强xss7检查的通知</title></head><body><h1>关于加强xss7检查的通知</h1>` +
		`<p>各单位：</p><p>请认真落实安全检查工作。<script>alert('xss7')</script></p><p>特此通知。</p></body></html>`
	st, a := e.upload(t, e.reader, "", file{"通知.html", []byte(page)})
	if st != 201 || len(a.Uploads) != 1 {
		t.Fatalf("HTML upload: %d %+v", st, a)
	}
	if r := e.do(t, actReader, "POST", fmt.Sprintf("/api/v1/uploads/%d/submit", a.Uploads[0].ID), `{"category":"公文/通知"}`, nil); r.StatusCode != 200 {
		t.Fatalf("submit: %d %s", r.StatusCode, r.body)
	}
	r := e.do(t, actMod, "POST", fmt.Sprintf("/api/v1/admin/uploads/%d/approve", a.Uploads[0].ID), "", nil)
	var approved wengao.Upload
	if err := json.Unmarshal([]byte(r.body), &approved); err != nil || approved.DocumentID == "" {
		t.Fatalf("approve: %d %s", r.StatusCode, r.body)
	}
	for _, c := range []struct{ what, method, path string }{
		{"API download", "POST", "/api/v1/documents/" + url.PathEscape(approved.DocumentID) + "/download"},
		{"site download", "GET", "/doc/" + url.PathEscape(approved.DocumentID) + "/download"},
	} {
		r := e.do(t, actOther, c.method, c.path, "", nil)
		if r.StatusCode != 200 || !strings.Contains(r.body, "<script>") {
			t.Fatalf("%s: %d, want the original file", c.what, r.StatusCode)
		}
		checkDisposition(t, c.what, r.Header.Get("Content-Disposition"))
		if ct := r.Header.Get("Content-Type"); strings.Contains(ct, "html") || strings.Contains(ct, "xml") || strings.Contains(ct, "svg") {
			t.Errorf("%s: Content-Type %q: a browser would render the uploaded page", c.what, ct)
		}
		if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", c.what, got)
		}
		if csp := r.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox") {
			t.Errorf("%s: Content-Security-Policy %q", c.what, csp)
		}
	}
}

// TestSecurityQuerySyntax: FTS5 syntax, quotes, column filters and
// operators in a search never fail and never reach what readers may not:
// a hidden and a deleted document with their own words.
func TestSecurityQuerySyntax(t *testing.T) {
	e := newSecEnv(t)
	ctx := context.Background()
	secret := []*wengao.Document{
		{ID: "secret-hidden", Title: "绝密甲乙丙丁方案", Date: "2024-01-01", Category: "公文/通知", Body: []string{"绝密甲乙丙丁方案正文。"}},
		{ID: "secret-deleted", Title: "绝密戊己庚辛方案", Date: "2024-01-01", Category: "公文/通知", Body: []string{"绝密戊己庚辛方案正文。"}},
	}
	if _, err := e.db.SaveDocuments(ctx, secret); err != nil {
		t.Fatal(err)
	}
	for id, status := range map[string]string{"secret-hidden": "hidden", "secret-deleted": "deleted"} {
		if r := e.do(t, actAdmin, "POST", "/api/v1/admin/documents/"+id+"/status", `{"status":"`+status+`","reason":"测试"}`, nil); r.StatusCode != 200 {
			t.Fatalf("%s %s: %d %s", status, id, r.StatusCode, r.body)
		}
	}
	queries := []string{
		`绝密`, `"绝密`, `绝密"`, `"""`, `*`, `绝密*`, `* OR *`, `NOT 安全`, `安全 NOT 绝密`, `AND`, `OR`, `NEAR(`, `NEAR(绝密 方案, 5)`,
		`title:绝密`, `body:绝密`, `status:hidden`, `{title body}:绝密`, `- 绝密`, `-`, `--`, `(`, `)`, `((绝密)`, `绝密)`, `^绝密`,
		`"绝密" OR "方案"`, `绝密 OR 方案 OR 通知`, `category:`, `category:公文 OR 1=1`, `year:2024 绝密`, `from:0000-00-00 to:9999-99-99`,
		`year:-1`, `year:99999999999999999999`, `'; DROP TABLE documents; --`, `%`, `_`, `\`, "\x00", "绝密\x00方案", `:`, `::`,
		`id:secret-hidden`, `secret-hidden`, `secret-deleted`, `"绝密甲乙丙丁方案"`, `绝密甲乙丙丁`, `戊己庚辛`, `rowid:1`, `MATCH`, `"a" "b"`,
		strings.Repeat("(", 200), strings.Repeat(`"`, 301), strings.Repeat("绝密 OR ", 300), strings.Repeat("安", 2000),
	}
	cases := 0
	for _, q := range queries {
		for _, base := range []string{"/search?q=", "/api/v1/search?q=", "/search?strict=1&q=", "/api/v1/search?strict=1&q=",
			"/api/v1/search?sort=date&category=" + url.QueryEscape("公文") + "&q=", "/admin/documents?q="} {
			actor := actAnon
			if strings.HasPrefix(base, "/admin") {
				actor = actReader // not staff: refused, but must not fail
			}
			path := base + url.QueryEscape(q)
			r := e.do(t, actor, "GET", path, "", nil)
			cases++
			if r.StatusCode >= 500 {
				t.Errorf("%s: %d", path, r.StatusCode)
			}
			// The query comes back in the search box; what else the
			// answer holds may not name the documents.
			shown := r.body
			for _, echo := range []string{q, html.EscapeString(q), strings.Trim(mustJSON(q), `"`), strings.ReplaceAll(q, `"`, "")} {
				if echo != "" {
					shown = strings.ReplaceAll(shown, echo, "")
				}
			}
			for _, s := range secret {
				for _, leak := range []string{"/doc/" + s.ID, `"id":"` + s.ID, s.Title} {
					if strings.Contains(shown, leak) {
						t.Errorf("%s shows the %s document (%q)", path, s.ID, leak)
					}
				}
			}
		}
	}
	// The queries still work for what is published.
	r := e.do(t, actAnon, "GET", "/api/v1/search?q="+url.QueryEscape(`"中华人民共和国"`), "", nil)
	var res wengao.SearchResult
	if err := json.Unmarshal([]byte(r.body), &res); err != nil || res.Total == 0 {
		t.Errorf("a plain phrase after the hostile ones: %d hits, %v", res.Total, err)
	}
	t.Logf("%d queries, %d requests", len(queries), cases)
}

// TestSecurityRateLimits: logins, registrations, searches and downloads
// over their limits get 429 with Retry-After; X-Forwarded-For does not
// dodge a limit unless the peer is a proxy the settings name.
func TestSecurityRateLimits(t *testing.T) {
	e := newSecEnv(t)
	e.srv.Settings.SearchPerMinute = 5
	e.srv.Settings.RegistrationsPerHour = 2
	e.srv.Settings.DownloadsPerMinute = 3
	spoof := func(i int) map[string]string {
		return map[string]string{"X-Forwarded-For": fmt.Sprintf("203.0.113.%d", i), "X-Real-Ip": fmt.Sprintf("198.51.100.%d", i), "Forwarded": fmt.Sprintf("for=198.51.100.%d", i)}
	}
	first429 := func(t *testing.T, what string, n int, send func(i int) secResponse) {
		t.Helper()
		for i := range n {
			r := send(i)
			if r.StatusCode == 429 {
				if r.Header.Get("Retry-After") == "" {
					t.Errorf("%s: 429 without Retry-After", what)
				}
				return
			}
		}
		t.Errorf("%s: no 429 in %d requests", what, n)
	}
	// Each attacker spoofs a new X-Forwarded-For on every request; the
	// peer is not a trusted proxy, so the header is ignored.
	first429(t, "searches with spoofed X-Forwarded-For", 10, func(i int) secResponse {
		return e.do(t, actAnon, "GET", fmt.Sprintf("/api/v1/search?q=%%E9%%80%%9A%%E7%%9F%%A5%d", i), "", spoof(i))
	})
	first429(t, "site searches with spoofed X-Forwarded-For", 10, func(i int) secResponse {
		return e.do(t, actAnon, "GET", fmt.Sprintf("/search?q=%%E6%%84%%8F%%E8%%A7%%81%d", i), "", spoof(i))
	})
	first429(t, "registrations with spoofed X-Forwarded-For", 5, func(i int) secResponse {
		return e.do(t, actAnon, "POST", "/api/v1/auth/register", fmt.Sprintf(`{"username":"spoof%d","password":"correct horse battery"}`, i), spoof(i))
	})
	first429(t, "site registrations", 5, func(i int) secResponse {
		body, h := form("username", fmt.Sprintf("form%d", i), "password", "correct horse battery", "password2", "correct horse battery")
		for k, v := range spoof(i) {
			h[k] = v
		}
		return e.do(t, actAnon, "POST", "/register", body, h)
	})
	first429(t, "password guesses with spoofed X-Forwarded-For", 30, func(i int) secResponse {
		return e.do(t, actAnon, "POST", "/api/v1/auth/login", `{"username":"reader","password":"wrong guess"}`, spoof(i))
	})
	first429(t, "site password guesses", 30, func(i int) secResponse {
		body, h := form("username", "审核员", "password", "wrong guess")
		for k, v := range spoof(i) {
			h[k] = v
		}
		return e.do(t, actAnon, "POST", "/login", body, h)
	})
	// Spraying one password over many accounts from one address.
	e.peer = "192.0.2.44"
	first429(t, "one password tried on many accounts", 30, func(i int) secResponse {
		return e.do(t, actAnon, "POST", "/api/v1/auth/login", fmt.Sprintf(`{"username":"victim%d","password":"Summer2024!!"}`, i), nil)
	})
	// An IPv6 client rotating through the addresses of its /64.
	e.srv.Settings.SearchPerMinute = 3
	first429(t, "searches from the addresses of one IPv6 /64", 6, func(i int) secResponse {
		e.peer = fmt.Sprintf("2001:db8:1:2::%x", i+1)
		return e.do(t, actAnon, "GET", fmt.Sprintf("/api/v1/search?q=v6%d", i), "", nil)
	})
	e.peer = ""
	id := mustFirstID(t, e.uploadEnv)
	first429(t, "API downloads", 6, func(i int) secResponse {
		return e.do(t, actOther, "POST", "/api/v1/documents/"+url.PathEscape(id)+"/download", "", nil)
	})
	first429(t, "site downloads", 6, func(i int) secResponse {
		return e.do(t, actAdmin, "GET", "/doc/"+url.PathEscape(id)+"/download", "", nil)
	})
	// Behind a proxy the settings name, X-Forwarded-For is the client:
	// another client behind the same proxy is not held.
	e.srv.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("192.0.2.1/32")}
	e.srv.Settings.SearchPerMinute = 2
	for i := range 3 {
		e.do(t, actAnon, "GET", fmt.Sprintf("/api/v1/search?q=proxy%d", i), "", map[string]string{"X-Forwarded-For": "198.51.100.20"})
	}
	if r := e.do(t, actAnon, "GET", "/api/v1/search?q=proxy9", "", map[string]string{"X-Forwarded-For": "198.51.100.21"}); r.StatusCode != 200 {
		t.Errorf("another client behind the trusted proxy: %d, want 200", r.StatusCode)
	}
	// A client behind the proxy cannot dodge its own limit by writing an
	// address left of the proxy's.
	if r := e.do(t, actAnon, "GET", "/api/v1/search?q=proxy8", "", map[string]string{"X-Forwarded-For": "10.9.9.9, 198.51.100.20"}); r.StatusCode != 429 {
		t.Errorf("a spoofed hop left of the proxy's entry dodged the limit: %d", r.StatusCode)
	}
}

// mustJSON returns v as JSON.
func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
