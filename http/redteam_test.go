package http_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

// sendAs sends a request through srv as if from the peer address, with
// the headers given, and returns the response.
func sendAs(t *testing.T, h http.Handler, method, path, peer, body string, header map[string]string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, "http://127.0.0.1"+path, strings.NewReader(body))
	req.RemoteAddr = peer + ":40000"
	req.Host = "127.0.0.1:8080"
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if body != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

// TestTrustedProxyLogin (issue 11, item 5): behind a trusted proxy, the
// client's address comes from X-Forwarded-For, so 20 failed logins with
// random names from one client lock nobody else out; the owner of an
// account someone guesses at is slowed down, never locked out; the
// session cookie is Secure when the proxy says the client used HTTPS.
func TestTrustedProxyLogin(t *testing.T) {
	e := newUploadEnv(t)
	e.srv.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	proxy := "10.1.2.3"
	if resp := sendAs(t, e.srv, "POST", "/api/v1/auth/register", proxy, `{"username":"wang","password":"correct horse battery"}`,
		map[string]string{"X-Forwarded-For": "198.51.100.7"}); resp.StatusCode != 201 {
		t.Fatalf("register: %d", resp.StatusCode)
	}
	for i := range 20 {
		resp := sendAs(t, e.srv, "POST", "/api/v1/auth/login", proxy, fmt.Sprintf(`{"username":"guess%d","password":"wrong password"}`, i),
			map[string]string{"X-Forwarded-For": "203.0.113.5"})
		if resp.StatusCode != 401 && resp.StatusCode != 429 {
			t.Fatalf("guess %d: %d", i, resp.StatusCode)
		}
	}
	// A spoofed X-Forwarded-For left of the proxy's own entry is not
	// believed: the right-most untrusted address is the client.
	resp := sendAs(t, e.srv, "POST", "/api/v1/auth/login", proxy, `{"username":"wang","password":"correct horse battery"}`,
		map[string]string{"X-Forwarded-For": "203.0.113.5, 198.51.100.7", "X-Forwarded-Proto": "https"})
	if resp.StatusCode != 200 {
		t.Fatalf("the owner behind the same proxy after 20 guesses by another client: %d, want 200", resp.StatusCode)
	}
	var secure bool
	for _, c := range resp.Cookies() {
		if c.Name == "wengao_session" {
			secure = c.Secure
		}
	}
	if !secure {
		t.Error("session cookie over HTTPS through a trusted proxy is not Secure")
	}
	// From an untrusted peer, X-Forwarded-Proto is not believed.
	resp = sendAs(t, e.srv, "POST", "/api/v1/auth/login", "192.0.2.50", `{"username":"wang","password":"correct horse battery"}`,
		map[string]string{"X-Forwarded-Proto": "https"})
	for _, c := range resp.Cookies() {
		if c.Name == "wengao_session" && c.Secure {
			t.Error("X-Forwarded-Proto from an untrusted peer believed")
		}
	}
	// Guesses at wang's password from many addresses slow wang down but
	// do not lock wang out: after a short wait the right password works.
	for i := range 8 {
		sendAs(t, e.srv, "POST", "/api/v1/auth/login", "192.0.2."+fmt.Sprint(100+i), `{"username":"wang","password":"wrong password"}`, nil)
	}
	resp = sendAs(t, e.srv, "POST", "/api/v1/auth/login", "198.51.100.9", `{"username":"wang","password":"correct horse battery"}`, nil)
	if resp.StatusCode == 429 {
		if ra := resp.Header.Get("Retry-After"); ra == "" || len(ra) > 2 {
			t.Errorf("owner throttled with Retry-After %q, want a few seconds", ra)
		}
	}
}

// TestSearchRateLimit (issue 11, item 3): anonymous searches are limited
// per address, with 429 and a friendly page on the site and a JSON error
// on the API; a logged-in reader is not held by that limit; so are
// registrations per address.
func TestSearchRateLimit(t *testing.T) {
	e := newUploadEnv(t)
	e.srv.Settings.SearchPerMinute = 5
	e.srv.Settings.RegistrationsPerHour = 3
	for i := range 5 {
		if resp := sendAs(t, e.srv, "GET", fmt.Sprintf("/api/v1/search?q=%%E9%%80%%9A%%E7%%9F%%A5%d", i), "192.0.2.9", "", nil); resp.StatusCode != 200 {
			t.Fatalf("search %d: %d", i, resp.StatusCode)
		}
	}
	resp := sendAs(t, e.srv, "GET", "/api/v1/search?q=K%2Bc", "192.0.2.9", "", nil)
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 429 || !strings.Contains(string(body), `"too_many_requests"`) || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("sixth anonymous API search: %d %s, want 429 with a JSON error", resp.StatusCode, body)
	}
	resp = sendAs(t, e.srv, "GET", "/search?q=K%2Bc", "192.0.2.9", "", nil)
	body, _ = io.ReadAll(resp.Body)
	if resp.StatusCode != 429 || !strings.Contains(string(body), "搜索过于频繁") {
		t.Fatalf("anonymous site search over the limit: %d, want 429 with a Chinese page", resp.StatusCode)
	}
	// Another address is not held.
	if resp := sendAs(t, e.srv, "GET", "/search?q=K%2Bc", "192.0.2.10", "", nil); resp.StatusCode != 200 {
		t.Errorf("another address: %d", resp.StatusCode)
	}
	// A logged-in reader is not held by the anonymous limit.
	for i := range 8 {
		req, _ := http.NewRequest("GET", e.ts.URL+fmt.Sprintf("/api/v1/search?q=%%E6%%84%%8F%%E8%%A7%%81%d", i), nil)
		resp, err := e.reader.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("reader's search %d: %d", i, resp.StatusCode)
		}
	}
	// Registrations from one address.
	codes := map[int]int{}
	for i := range 6 {
		resp := sendAs(t, e.srv, "POST", "/api/v1/auth/register", "192.0.2.77", fmt.Sprintf(`{"username":"mint%d","password":"correct horse battery"}`, i), nil)
		codes[resp.StatusCode]++
	}
	if codes[201] != 3 || codes[429] != 3 {
		t.Errorf("6 registrations from one address: %v, want 3 created and 3 refused", codes)
	}
	if resp := sendAs(t, e.srv, "POST", "/api/v1/auth/register", "192.0.2.78", `{"username":"other1","password":"correct horse battery"}`, nil); resp.StatusCode != 201 {
		t.Errorf("registration from another address: %d", resp.StatusCode)
	}
}

// TestHostHeaderNotBelieved (issue 11, item 9): with no base_url, a Host
// that is not a loopback address or an allowed host does not reach the
// sitemap, robots.txt or canonical links.
func TestHostHeaderNotBelieved(t *testing.T) {
	e := newUploadEnv(t)
	get := func(path, host string) string {
		req, _ := http.NewRequest("GET", "http://x"+path, nil)
		req.Host = host
		req.RemoteAddr = "192.0.2.1:1234"
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		return rec.Body.String()
	}
	for _, path := range []string{"/robots.txt", "/sitemap.xml", "/"} {
		if body := get(path, "evil.example"); strings.Contains(body, "evil.example") {
			t.Errorf("%s with Host evil.example names it", path)
		}
	}
	if body := get("/robots.txt", "127.0.0.1:8080"); !strings.Contains(body, "http://127.0.0.1:8080/sitemap.xml") {
		t.Errorf("loopback Host not used: %s", body)
	}
	e.srv.AllowedHosts = []string{"wengao.example.org"}
	if body := get("/robots.txt", "wengao.example.org"); !strings.Contains(body, "http://wengao.example.org/sitemap.xml") {
		t.Errorf("allowed Host not used: %s", body)
	}
}
