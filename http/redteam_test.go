package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/blob"
	"github.com/wengao/wengao/docx"
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
		{
			ra := resp.Header.Get("Retry-After")
			if ra == "" {
				t.Errorf("owner throttled with Retry-After %q, want a few seconds (want not ra == \"\")", ra)
			}
			if len(ra) > 2 {
				t.Errorf("owner throttled with Retry-After %q, want a few seconds (want not len(ra) > 2)", ra)
			}
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
	if got := resp.StatusCode; got != 429 {
		t.Fatalf("sixth anonymous API search: resp.StatusCode = %v, want %v", got, 429)
	}
	if !strings.Contains(string(body), `"too_many_requests"`) {
		t.Fatalf("sixth anonymous API search: %d %s, want 429 with a JSON error (want strings.Contains(string(body), `\"too_many_requests\"`))", resp.StatusCode, body)
	}
	if resp.Header.Get("Retry-After") == "" {
		t.Fatalf("sixth anonymous API search: %d %s, want 429 with a JSON error (want not resp.Header.Get(\"Retry-After\") == \"\")", resp.StatusCode, body)
	}
	resp = sendAs(t, e.srv, "GET", "/search?q=K%2Bc", "192.0.2.9", "", nil)
	body, _ = io.ReadAll(resp.Body)
	if got := resp.StatusCode; got != 429 {
		t.Fatalf("anonymous site search over the limit: resp.StatusCode = %v, want %v", got, 429)
	}
	if !strings.Contains(string(body), "搜索过于频繁") {
		t.Fatalf("anonymous site search over the limit: %d, want 429 with a Chinese page (want strings.Contains(string(body), \"搜索过于频繁\"))", resp.StatusCode)
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
	if got := codes[201]; got != 3 {
		t.Errorf("6 registrations from one address: codes[201] = %v, want %v", got, 3)
	}
	if got := codes[429]; got != 3 {
		t.Errorf("6 registrations from one address: codes[429] = %v, want %v", got, 3)
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

// multipartBody returns a multipart body of fields and one file "file"
// (none when name is ""), and its content type.
func multipartBody(fields map[string]string, name string, data []byte) (string, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if name != "" {
		w, _ := mw.CreateFormFile("file", name)
		w.Write(data)
	}
	mw.Close()
	return b.String(), mw.FormDataContentType()
}

// publishedUpload has the reader upload a notice and the moderator
// approve it, and returns the approved upload.
func publishedUpload(t *testing.T, e *uploadEnv, phrase string) wengao.Upload {
	t.Helper()
	st, a := e.upload(t, e.reader, "", file{"通知.docx", noticeDocx(t, phrase)})
	if got := st; got != 201 {
		t.Fatalf("upload: st = %v, want %v", got, 201)
	}
	if got := len(a.Uploads); got != 1 {
		t.Fatalf("upload: len(a.Uploads) = %v, want %v", got, 1)
	}
	var sub, approved wengao.Upload
	if st := call(t, e.reader, "POST", fmt.Sprintf("%s/api/v1/uploads/%d/submit", e.ts.URL, a.Uploads[0].ID), `{"category":"公文/意见"}`, &sub); st != 200 {
		t.Fatalf("submit: %d", st)
	}
	if st := call(t, e.moderator, "POST", fmt.Sprintf("%s/api/v1/admin/uploads/%d/approve", e.ts.URL, sub.ID), "", &approved); st != 200 {
		t.Fatalf("approve: %d", st)
	}
	return approved
}

// TestTakedownNeedsQualifiedNotice (issue 11, item 1): an anonymous
// copyright complaint, or one without what a notice needs, or of another
// kind, or over the daily limit, or under the review policy, waits in
// the queue; a notice with 权利人名称, 联系方式, 权属证明 and the work, from
// an account in good standing, hides the document at once.
func TestTakedownNeedsQualifiedNotice(t *testing.T) {
	e, _ := consoleEnv(t)
	e.srv.Settings.TakedownAccountDays = 0
	e.srv.Settings.TakedownsPerDay = 1
	ctx := context.Background()
	ids, _ := e.db.DocumentIDs(ctx)
	shown := func(id string) bool {
		code, _ := serve(e.srv, "/api/v1/documents/"+id, nil)
		return code == 200
	}
	notice := func(id, kind string) map[string]string {
		return map[string]string{"document_id": id, "kind": kind, "reason": "未经授权转载本社作品", "contact": "legal@example.org",
			"rights_holder": "某某出版社", "work": "《城市管理文集》"}
	}
	send := func(c *http.Client, fields map[string]string, withFile bool) (int, wengao.Complaint) {
		name := ""
		if withFile {
			name = "授权证明.pdf"
		}
		body, ct := multipartBody(fields, name, []byte("%PDF-1.4 著作权登记证书"))
		resp, raw := post(t, c, e.ts.URL+"/api/v1/complaints", body, map[string]string{"Content-Type": ct})
		var out wengao.Complaint
		json.Unmarshal(raw, &out)
		return resp.StatusCode, out
	}
	// 20 anonymous JSON complaints hide nothing.
	for i := range 20 {
		id := ids[i%len(ids)]
		if st := call(t, e.anonymous, "POST", e.ts.URL+"/api/v1/complaints", `{"document_id":"`+id+`","kind":"copyright","reason":"侵权","contact":"x@example.org"}`, nil); st != 201 {
			t.Fatalf("anonymous complaint: %d", st)
		}
	}
	for _, id := range ids[:20] {
		if !shown(id) {
			t.Fatalf("%s hidden by an anonymous complaint", id)
		}
	}
	// The anonymous site form, even with every field and a file.
	body, ct := multipartBody(notice(ids[0], "copyright"), "证明.pdf", []byte("%PDF-1.4"))
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if resp, raw := post(t, noRedirect, e.ts.URL+"/doc/"+ids[0]+"/complaint", body, map[string]string{"Content-Type": ct}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("anonymous form: %d %s", resp.StatusCode, raw)
	}
	if !shown(ids[0]) {
		t.Error("hidden by an anonymous form")
	}
	// A logged-in reader without the proof file, or of another kind.
	{
		st, _ := send(e.reader, notice(ids[1], "copyright"), false)
		if got := st; got != 201 {
			t.Errorf("notice without 权属证明: st = %v, want %v", got, 201)
		}
		if !shown(ids[1]) {
			t.Errorf("notice without 权属证明: %d, shown %v (want shown(ids[1]))", st, shown(ids[1]))
		}
	}
	{
		st, _ := send(e.reader, notice(ids[1], "other"), true)
		if got := st; got != 201 {
			t.Errorf("complaint of another kind: st = %v, want %v", got, 201)
		}
		if !shown(ids[1]) {
			t.Errorf("complaint of another kind: %d, shown %v (want shown(ids[1]))", st, shown(ids[1]))
		}
	}
	// A qualified notice from an account in good standing hides at once.
	st, c := send(e.reader, notice(ids[2], "copyright"), true)
	if got := st; got != 201 {
		t.Fatalf("qualified notice: st = %v, want %v", got, 201)
	}
	if got := c.RightsHolder; got != "某某出版社" {
		t.Fatalf("qualified notice: c.RightsHolder = %v, want %v", got, "某某出版社")
	}
	if got := c.Work; got != "《城市管理文集》" {
		t.Fatalf("qualified notice: c.Work = %v, want %v", got, "《城市管理文集》")
	}
	if c.EvidenceFile == nil {
		t.Fatalf("qualified notice: c.EvidenceFile is nil")
	}
	if code, _ := serve(e.srv, "/doc/"+ids[2], nil); code != http.StatusUnavailableForLegalReasons {
		t.Errorf("qualified notice: document answers %d, want 451", code)
	}
	// Over the daily limit: queued, not hidden.
	{
		st, _ := send(e.reader, notice(ids[3], "copyright"), true)
		if got := st; got != 201 {
			t.Errorf("notice over the daily limit: st = %v, want %v", got, 201)
		}
		if !shown(ids[3]) {
			t.Errorf("notice over the daily limit: %d, shown %v (want shown(ids[3]))", st, shown(ids[3]))
		}
	}
	// Under the review policy, nothing hides at once.
	e.srv.Settings.TakedownsPerDay = 100
	e.srv.Settings.TakedownPolicy = wengao.TakedownReview
	{
		st, _ := send(e.moderator, notice(ids[4], "copyright"), true)
		if got := st; got != 201 {
			t.Errorf("notice under the review policy: st = %v, want %v", got, 201)
		}
		if !shown(ids[4]) {
			t.Errorf("notice under the review policy: %d, shown %v (want shown(ids[4]))", st, shown(ids[4]))
		}
	}
	// An account too young is not in good standing.
	e.srv.Settings.TakedownPolicy = wengao.TakedownHide
	e.srv.Settings.TakedownAccountDays = 30
	{
		st, _ := send(e.moderator, notice(ids[5], "copyright"), true)
		if got := st; got != 201 {
			t.Errorf("notice from a new account: st = %v, want %v", got, 201)
		}
		if !shown(ids[5]) {
			t.Errorf("notice from a new account: %d, shown %v (want shown(ids[5]))", st, shown(ids[5]))
		}
	}
}

// TestAccusedSeesNoComplainant (issue 11, item 6): the uploader of a
// document complained about sees what the account page shows, not the
// complainant's contact, account or evidence.
func TestAccusedSeesNoComplainant(t *testing.T) {
	e, _ := consoleEnv(t)
	up := publishedUpload(t, e, "被投诉的独特短语。")
	if st := call(t, e.moderator, "POST", e.ts.URL+"/api/v1/complaints", `{"document_id":"`+up.DocumentID+`","kind":"copyright","reason":"侵权理由机密","contact":"secret-contact@example.org","evidence":"证据机密"}`, nil); st != 201 {
		t.Fatalf("complaint: %d", st)
	}
	resp, err := e.reader.Get(e.ts.URL + "/api/v1/me/complaints?about=uploads")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if got := resp.StatusCode; got != 200 {
		t.Fatalf("about uploads: resp.StatusCode = %v, want %v", got, 200)
	}
	if !strings.Contains(string(raw), up.DocumentID) {
		t.Fatalf("about uploads: %d %s (want strings.Contains(string(raw), up.DocumentID))", resp.StatusCode, raw)
	}
	for _, secret := range []string{"secret-contact@example.org", `"user_id"`, "证据机密", `"contact"`, `"evidence`} {
		if strings.Contains(string(raw), secret) {
			t.Errorf("the accused sees %s: %s", secret, raw)
		}
	}
}

// TestFailedUploadsLeaveNoFiles (issue 11, item 4): a file that fails
// conversion is removed from the store; a file another upload holds is
// kept; the daily count and the storage quota hold.
func TestFailedUploadsLeaveNoFiles(t *testing.T) {
	e := newUploadEnv(t)
	store := e.srv.Files.(*blob.Local)
	count := func() int {
		n := 0
		store.Walk(context.Background(), func(string, int64) error { n++; return nil })
		return n
	}
	for i := range 5 {
		junk := append([]byte("PK\x03\x04"), bytes.Repeat([]byte{byte(i)}, 64<<10)...)
		if st, _ := e.upload(t, e.reader, "", file{fmt.Sprintf("junk%d.docx", i), junk}); st != 400 {
			t.Fatalf("junk upload %d: %d", i, st)
		}
	}
	if n := count(); n != 0 {
		t.Errorf("%d files left by 5 failed uploads, want 0", n)
	}
	data := noticeDocx(t, "配额测试短语。")
	if st, _ := e.upload(t, e.reader, "", file{"a.docx", data}); st != 201 {
		t.Fatalf("upload: %d", st)
	}
	// The same file again fails, but its file stays: the first holds it.
	if st, _ := e.upload(t, e.reader, "", file{"b.docx", data}); st != 409 {
		t.Fatalf("same file: %d", st)
	}
	if n := count(); n != 1 {
		t.Errorf("%d files after a duplicate upload, want 1", n)
	}
	e.srv.Settings.UploadsPerDay = 1
	{
		st, a := e.upload(t, e.reader, "", file{"c.txt", []byte("另一份文件的内容。")})
		if got := st; got != 429 {
			t.Errorf("over the daily count: st = %v, want %v", got, 429)
		}
		if !strings.Contains(a.Failed[0].Error.Message, "每天") {
			t.Errorf("over the daily count: %d %+v (want strings.Contains(a.Failed[0].Error.Message, \"每天\"))", st, a)
		}
	}
	e.srv.Settings.UploadsPerDay = 0
	e.srv.Settings.UploadQuotaBytes = int64(len(data)) + 10
	{
		st, a := e.upload(t, e.reader, "", file{"d.txt", []byte("再一份文件的内容，超出配额。")})
		if got := st; got != 413 {
			t.Errorf("over the quota: st = %v, want %v", got, 413)
		}
		if !strings.Contains(a.Failed[0].Error.Message, "空间") {
			t.Errorf("over the quota: %d %+v (want strings.Contains(a.Failed[0].Error.Message, \"空间\"))", st, a)
		}
	}
	if n := count(); n != 1 {
		t.Errorf("%d files after refused uploads, want 1", n)
	}
}

// TestRolesHold (issue 11, item 2): a moderator may not bring a deleted
// document back (site publish or API status published), ban an admin or
// another moderator, approve their own upload, or resolve a complaint
// about their own upload; an admin may ban a moderator.
func TestRolesHold(t *testing.T) {
	e, admin := consoleEnv(t)
	ctx := context.Background()
	ids, _ := e.db.DocumentIDs(ctx)
	id := ids[0]
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	if resp, body := post(t, admin, e.ts.URL+"/admin/documents/"+id+"/delete", "reason=test", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("admin delete: %d %s", resp.StatusCode, body)
	}
	if resp, _ := post(t, e.moderator, e.ts.URL+"/admin/documents/"+id+"/publish", "reason=back", form); resp.StatusCode != 403 {
		t.Errorf("moderator publishes a deleted document on the site: %d, want 403", resp.StatusCode)
	}
	var apiErr apiError
	if st := call(t, e.moderator, "POST", e.ts.URL+"/api/v1/admin/documents/"+id+"/status", `{"status":"published"}`, &apiErr); st != 403 {
		t.Errorf("moderator publishes a deleted document through the API: %d, want 403", st)
	}
	if st := call(t, e.moderator, "POST", e.ts.URL+"/api/v1/admin/documents/"+id+"/status", `{"status":"hidden"}`, &apiErr); st != 403 {
		t.Errorf("moderator hides a deleted document: %d, want 403", st)
	}
	if code, _ := serve(e.srv, "/doc/"+id, nil); code != 404 {
		t.Errorf("deleted document answers %d after the moderator's tries", code)
	}
	// Moderators hide and publish a published document.
	if st := call(t, e.moderator, "POST", e.ts.URL+"/api/v1/admin/documents/"+ids[1]+"/status", `{"status":"hidden"}`, &apiErr); st != 200 {
		t.Errorf("moderator hides: %d", st)
	}
	if st := call(t, e.moderator, "POST", e.ts.URL+"/api/v1/admin/documents/"+ids[1]+"/status", `{"status":"published"}`, &apiErr); st != 200 {
		t.Errorf("moderator publishes a hidden document: %d", st)
	}
	// Bans: nobody acts on an equal or higher role.
	adminUser, _ := e.db.FindUserByName(ctx, "管理员")
	modUser, _ := e.db.FindUserByName(ctx, "审核员")
	until := time.Now().AddDate(0, 0, 3).Format(wengao.DayLayout)
	ban := url.Values{"comment_until": {until}}.Encode()
	if resp, _ := post(t, e.moderator, fmt.Sprintf("%s/admin/users/%d/bans", e.ts.URL, adminUser.ID), ban, form); resp.StatusCode != 403 {
		t.Errorf("moderator bans an admin: %d, want 403", resp.StatusCode)
	}
	if au, _ := e.db.FindAdminUser(ctx, adminUser.ID); !au.Bans.CommentUntil.IsZero() {
		t.Errorf("the admin was banned by a moderator")
	}
	if resp, _ := post(t, e.moderator, fmt.Sprintf("%s/admin/users/%d/bans", e.ts.URL, e.uploader.ID), ban, form); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("moderator bans a reader: %d", resp.StatusCode)
	}
	if resp, _ := post(t, admin, fmt.Sprintf("%s/admin/users/%d/bans", e.ts.URL, modUser.ID), ban, form); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("admin bans a moderator: %d", resp.StatusCode)
	}
	if resp, _ := post(t, admin, fmt.Sprintf("%s/admin/users/%d/bans", e.ts.URL, modUser.ID), url.Values{}.Encode(), form); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("admin lifts the moderator's ban: %d", resp.StatusCode)
	}
	// A moderator's own upload.
	before, _ := e.db.Balance(ctx, modUser.ID)
	st, a := e.upload(t, e.moderator, "", file{"自己的.docx", noticeDocx(t, "审核员自己上传的短语。")})
	if st != 201 {
		t.Fatalf("moderator upload: %d %+v", st, a)
	}
	var sub wengao.Upload
	call(t, e.moderator, "POST", fmt.Sprintf("%s/api/v1/uploads/%d/submit", e.ts.URL, a.Uploads[0].ID), `{"category":"公文/意见"}`, &sub)
	if st := call(t, e.moderator, "POST", fmt.Sprintf("%s/api/v1/admin/uploads/%d/approve", e.ts.URL, sub.ID), "", &apiErr); st != 403 {
		t.Errorf("moderator approves their own upload: %d, want 403", st)
	}
	if resp, _ := post(t, e.moderator, fmt.Sprintf("%s/admin/uploads/%d/approve", e.ts.URL, sub.ID), "", form); resp.StatusCode != 403 {
		t.Errorf("moderator approves their own upload on the site: %d, want 403", resp.StatusCode)
	}
	if after, _ := e.db.Balance(ctx, modUser.ID); after != before {
		t.Errorf("balance %d → %d", before, after)
	}
	var approved wengao.Upload
	if st := call(t, admin, "POST", fmt.Sprintf("%s/api/v1/admin/uploads/%d/approve", e.ts.URL, sub.ID), "", &approved); st != 200 {
		t.Fatalf("admin approves: %d", st)
	}
	// A complaint about the moderator's upload, and one the moderator made.
	var c, own wengao.Complaint
	call(t, e.anonymous, "POST", e.ts.URL+"/api/v1/complaints", `{"document_id":"`+approved.DocumentID+`","kind":"copyright","reason":"侵权","contact":"x@example.org"}`, &c)
	if st := call(t, e.moderator, "POST", fmt.Sprintf("%s/api/v1/admin/complaints/%d/reject", e.ts.URL, c.ID), `{"note":"不成立"}`, &apiErr); st != 403 {
		t.Errorf("moderator rejects a complaint about their own upload: %d, want 403", st)
	}
	call(t, e.moderator, "POST", e.ts.URL+"/api/v1/complaints", `{"document_id":"`+ids[2]+`","kind":"other","reason":"错字","contact":"m@example.org"}`, &own)
	if st := call(t, e.moderator, "POST", fmt.Sprintf("%s/api/v1/admin/complaints/%d/uphold", e.ts.URL, own.ID), `{}`, &apiErr); st != 403 {
		t.Errorf("moderator upholds their own complaint: %d, want 403", st)
	}
	if st := call(t, admin, "POST", fmt.Sprintf("%s/api/v1/admin/complaints/%d/uphold", e.ts.URL, own.ID), `{}`, nil); st != 200 {
		t.Errorf("admin upholds it: %d", st)
	}
}

// TestInputLimits (issue 11, item 8): a name that folds to a taken one
// is taken; weak passwords are refused; grants are bounded, so the
// statistics survive an attempt at 2⁶³−1; a huge page answers 400.
func TestInputLimits(t *testing.T) {
	e, admin := consoleEnv(t)
	e.srv.Settings.RegistrationsPerHour = 0
	var apiErr apiError
	c := jarClient(t)
	if st := call(t, c, "POST", e.ts.URL+"/api/v1/auth/register", `{"username":"\uF90A数","password":"correct horse battery"}`, &apiErr); st != 201 {
		t.Fatalf("register with a compatibility ideograph: %d %+v", st, apiErr)
	}
	if st := call(t, jarClient(t), "POST", e.ts.URL+"/api/v1/auth/register", `{"username":"\u91D1数","password":"correct horse battery"}`, &apiErr); st != 409 {
		t.Errorf("a name that folds to a taken one: %d, want 409", st)
	}
	// Either spelling logs in to the one account.
	if st := call(t, jarClient(t), "POST", e.ts.URL+"/api/v1/auth/login", `{"username":"\u91D1数","password":"correct horse battery"}`, &apiErr); st != 200 {
		t.Errorf("login with the unified ideograph: %d", st)
	}
	for _, pw := range []string{"123456789", "          ", "1234567890", "QwertyUIOP", "password123", "aaaaaaaaaaaa"} {
		if st := call(t, jarClient(t), "POST", e.ts.URL+"/api/v1/auth/register", `{"username":"weak`+fmt.Sprint(len(pw))+`","password":"`+pw+`"}`, &apiErr); st != 400 {
			t.Errorf("password %q: %d, want 400", pw, st)
		}
	}
	form := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
	for _, n := range []string{"9223372036854775807", "1000000001", "-1000000001"} {
		if resp, _ := post(t, admin, fmt.Sprintf("%s/admin/users/%d/points", e.ts.URL, e.uploader.ID), url.Values{"amount": {n}, "reason": {"测试"}}.Encode(), form); resp.StatusCode != 400 {
			t.Errorf("grant of %s: %d, want 400", n, resp.StatusCode)
		}
	}
	if resp, _ := post(t, admin, fmt.Sprintf("%s/admin/users/%d/points", e.ts.URL, e.uploader.ID), url.Values{"amount": {"1000000000"}, "reason": {"测试"}}.Encode(), form); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("grant of 10⁹: %d", resp.StatusCode)
	}
	resp, err := admin.Get(e.ts.URL + "/admin/stats")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("statistics after the grants: %d", resp.StatusCode)
	}
	if resp, _ := post(t, admin, e.ts.URL+"/admin/documents/"+mustFirstID(t, e)+"/price", url.Values{"price": {"9223372036854775807"}}.Encode(), form); resp.StatusCode != 400 {
		t.Errorf("price of 2⁶³−1: %d, want 400", resp.StatusCode)
	}
	for _, path := range []string{"/api/v1/me/ledger", "/api/v1/me/favorites", "/api/v1/me/downloads"} {
		if st := call(t, e.reader, "GET", e.ts.URL+path+"?page=9223372036854775807", "", &apiErr); st != 400 {
			t.Errorf("%s with a huge page: %d, want 400", path, st)
		}
	}
}

func mustFirstID(t *testing.T, e *uploadEnv) string {
	ids, err := e.db.DocumentIDs(context.Background())
	if err != nil || len(ids) == 0 {
		t.Fatal(err)
	}
	return ids[0]
}

// TestRewardsHold (issue 11, item 7): the same text with its paragraphs
// merged and 。 written as "." earns nothing again, nor does a
// near-duplicate of a published document; deleting an upload takes its
// reward back in full, below zero, and a negative balance blocks
// downloads while the ledger check still holds.
func TestRewardsHold(t *testing.T) {
	e, admin := consoleEnv(t)
	ctx := context.Background()
	paras := []string{
		"国办发〔2015〕9号",
		"各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
		"为推进奖励规则测试工作，经国务院同意，现就有关事项通知如下。",
		"一、明确测试目标。各地区各部门要把重复上传的识别放在突出位置，确保同一文稿只获得一次奖励。",
		"二、完善识别机制。对段落合并、拆分、调换顺序和标点改写的文稿，应当识别为同一文稿。",
		"三、加强组织实施。各有关部门要按照职责分工，抓紧制定配套措施，认真抓好落实。",
		"国务院办公厅",
		"2015年2月3日",
	}
	write := func(title string, ps []string) []byte {
		var buf bytes.Buffer
		if err := docx.Write(&buf, docx.Document{Title: title, Paragraphs: ps}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	approve := func(data []byte, name string) wengao.Upload {
		t.Helper()
		st, a := e.upload(t, e.reader, "", file{name, data})
		if got := st; got != 201 {
			t.Fatalf("upload %s: st = %v, want %v", name, got, 201)
		}
		if got := len(a.Uploads); got != 1 {
			t.Fatalf("upload %s: len(a.Uploads) = %v, want %v", name, got, 1)
		}
		var sub, approved wengao.Upload
		if st := call(t, e.reader, "POST", fmt.Sprintf("%s/api/v1/uploads/%d/submit", e.ts.URL, a.Uploads[0].ID), `{"category":"公文/通知"}`, &sub); st != 200 {
			t.Fatalf("submit %s: %d", name, st)
		}
		var apiErr apiError
		if st := call(t, admin, "POST", fmt.Sprintf("%s/api/v1/admin/uploads/%d/approve", e.ts.URL, sub.ID), "", &approved); st != 200 {
			call(t, admin, "POST", fmt.Sprintf("%s/api/v1/admin/uploads/%d/approve", e.ts.URL, sub.ID), "", &apiErr)
			t.Fatalf("approve %s: %d %+v", name, st, apiErr)
		}
		return approved
	}
	first := approve(write("国务院办公厅关于奖励规则测试工作的通知", paras), "a.docx")
	if first.Reward != e.srv.Settings.UploadReward {
		t.Fatalf("first upload earned %d", first.Reward)
	}
	// Paragraphs merged and reordered, 。 written as ".".
	merged := []string{paras[0], paras[1], strings.ReplaceAll(paras[4]+paras[3], "。", "."), paras[2], paras[5], paras[6], paras[7]}
	if again := approve(write("国务院办公厅关于奖励规则测试工作的通知", merged), "b.docx"); again.Reward != 0 {
		t.Errorf("the same text with merged paragraphs earned %d, want 0", again.Reward)
	}
	// A near-duplicate: one clause changed.
	near := append([]string(nil), paras...)
	near[5] = "三、加强组织领导。各有关部门要按照职责分工，抓紧制定配套措施，认真抓好落实。"
	if n := approve(write("国务院办公厅关于奖励规则测试工作的通知（修订）", near), "c.docx"); n.Reward != 0 {
		t.Errorf("a near-duplicate earned %d, want 0", n.Reward)
	}
	// Spend everything, then lose the upload: the reward goes back in full.
	bal, _ := e.db.Balance(ctx, e.uploader.ID)
	if err := e.db.Grant(ctx, &wengao.LedgerEntry{UserID: e.uploader.ID, Kind: wengao.KindAdjust, Amount: -bal, Reason: "测试：花光积分"}); err != nil {
		t.Fatal(err)
	}
	var apiErr apiError
	if st := call(t, e.moderator, "DELETE", fmt.Sprintf("%s/api/v1/admin/uploads/%d", e.ts.URL, first.ID), "", &apiErr); st != 200 {
		t.Fatalf("delete upload: %d %+v", st, apiErr)
	}
	var me struct{ Points int64 }
	call(t, e.reader, "GET", e.ts.URL+"/api/v1/me", "", &me)
	if me.Points != -first.Reward {
		t.Errorf("balance after the take-back: %d, want %d", me.Points, -first.Reward)
	}
	ids, _ := e.db.DocumentIDs(ctx)
	if resp, body := post(t, e.reader, e.ts.URL+"/api/v1/documents/"+ids[0]+"/download", "", nil); resp.StatusCode != http.StatusPaymentRequired {
		t.Errorf("download with a negative balance: %d %s", resp.StatusCode, body)
	}
	{
		bad, err := e.db.CheckLedger(ctx)
		if err != nil {
			t.Fatalf("ledger check: %v", err)
		}
		if got := len(bad); got != 0 {
			t.Errorf("ledger check: len(bad) = %v, want %v", got, 0)
		}
	}
}
