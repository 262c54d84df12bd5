package http_test

// The security suite (issue 16): each attack class an attacker would try
// on the site, through the real server. Run it with
//
//	go test -race -run Security ./http/
//
// This file holds the environment, the hostile payloads and the XSS
// checks; security_requests_test.go the attacks on requests (CSRF, IDOR,
// sessions, redirects, downloads, query syntax, limits, proxies);
// security_crawl_test.go the anonymous crawl for gated text.

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
)

// xssMarker is in every payload, so that a live payload is recognised
// wherever it lands.
const xssMarker = "xss7"

// xssPayloads break out of HTML text, attributes, URLs, script and
// comment contexts, line separators that end a JavaScript string, and
// template syntax.
var xssPayloads = []string{
	`<script>alert('xss7')</script>`,
	`"><img src=x onerror=alert('xss7')>`,
	`'><svg onload=alert('xss7')>`,
	`javascript:alert('xss7')`,
	`</script><script>alert('xss7')</script><!--`,
	"行\u2028分\u2029隔xss7",
	`{{.}}{{template "layout"}}xss7`,
	`</title></textarea><a href="javascript:alert('xss7')">xss7</a>`,
}

// hostile joins the payloads into one value, with a prefix that keeps it
// apart from other fields.
func hostile(prefix string) string {
	return prefix + strings.Join(xssPayloads, "")
}

// secEnv is the sample library with accounts, served in process, and
// each actor's session cookie.
type secEnv struct {
	*uploadEnv
	cookies map[string]*http.Cookie
	users   map[string]*wengao.User
	// peer is the address requests come from, 192.0.2.1 when "".
	peer string
}

// Actors of the security suite.
const (
	actAnon   = "anonymous"
	actReader = "reader"
	actOther  = "other"
	actMod    = "moderator"
	actAdmin  = "admin"
)

func newSecEnv(t *testing.T) *secEnv {
	t.Helper()
	e := &secEnv{uploadEnv: newUploadEnv(t), cookies: map[string]*http.Cookie{}, users: map[string]*wengao.User{}}
	ctx := context.Background()
	other, err := e.db.CreateUser(ctx, wengao.NewUser{Username: "旁人", Password: "correct horse battery", Bonus: 100})
	if err != nil {
		t.Fatal(err)
	}
	e.users[actOther] = other
	for actor, name := range map[string]string{actReader: "reader", actMod: "审核员", actAdmin: "管理员"} {
		u, err := e.db.FindUserByName(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		e.users[actor] = u
	}
	for actor, u := range e.users {
		sess, err := e.db.CreateSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		e.cookies[actor] = &http.Cookie{Name: web.SessionCookie, Value: sess.Token}
	}
	e.srv.Settings.UploadsPerDay = 0
	return e
}

// secResponse is an answer of the server in process.
type secResponse struct {
	*http.Response
	body string
}

// do sends one request as actor through the server in process, from the
// peer 192.0.2.1 (or e.peer) and as a same-origin browser request unless header
// says otherwise. body is sent as JSON, unless header sets a Content-Type.
func (e *secEnv) do(t *testing.T, actor, method, path, body string, header map[string]string) secResponse {
	t.Helper()
	req := httptest.NewRequest(method, "http://127.0.0.1:8080"+path, strings.NewReader(body))
	req.Host = "127.0.0.1:8080"
	req.RemoteAddr = "192.0.2.1:40000"
	if e.peer != "" {
		req.RemoteAddr = net.JoinHostPort(e.peer, "40000")
	}
	req.Header.Set("User-Agent", browserUA)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header.Set(k, v)
	}
	if c := e.cookies[actor]; c != nil {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	resp := rec.Result()
	raw, _ := io.ReadAll(resp.Body)
	return secResponse{Response: resp, body: string(raw)}
}

// form returns a url-encoded form body and its header.
func form(kv ...string) (string, map[string]string) {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v.Encode(), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
}

// hostileSetup stores hostile text in every field a user or an import
// controls: an imported document (id, title, category, source, body), an
// upload (file name, text, every metadata field) approved into a
// document, a complaint about it, a favourite and a download of it.
type hostileSetup struct {
	docID     string // the imported document
	uploadDoc string // the document the upload became
	uploadID  int64
	complaint int64
}

func (e *secEnv) plantHostile(t *testing.T) hostileSetup {
	t.Helper()
	ctx := context.Background()
	var h hostileSetup
	h.docID = `xss7"><img src=x onerror=alert('xss7')>`
	doc := &wengao.Document{ID: h.docID, Title: hostile("标题"), Date: "2024-02-02", Category: hostile("公文/") + "/通知",
		Source: hostile("javascript:alert('xss7') "), Author: hostile("机关"), Tags: []string{hostile("标签")},
		Body: append([]string{hostile("一、"), "安全生产检查工作。"}, xssPayloads...)}
	if _, err := e.db.SaveDocuments(ctx, []*wengao.Document{doc}); err != nil {
		t.Fatal(err)
	}
	// An upload with a hostile file name and text, submitted with hostile
	// metadata and approved.
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	w, _ := mw.CreateFormFile("file", `"><img src=x onerror=alert('xss7')>`+"\r\n"+`报告.txt`)
	w.Write([]byte(hostile("关于xss7的报告") + "\n各单位：\n" + strings.Join(xssPayloads, "\n") + "\n特此通知。\n"))
	mw.Close()
	r := e.do(t, actReader, "POST", "/api/v1/uploads", b.String(), map[string]string{"Content-Type": mw.FormDataContentType()})
	var up struct{ Uploads []wengao.Upload }
	if err := json.Unmarshal([]byte(r.body), &up); err != nil || len(up.Uploads) != 1 {
		t.Fatalf("hostile upload: %d %s", r.StatusCode, r.body)
	}
	h.uploadID = up.Uploads[0].ID
	meta, _ := json.Marshal(wengao.UploadMeta{Title: "题" + xssPayloads[0] + xssPayloads[1] + xssPayloads[4] + xssPayloads[5], Issuer: `"><svg onload=alert('xss7')>`, DocNumber: `<script>xss7</script>`,
		Genre: `'><b>xss7`, Date: "2024-03-01", Category: "公文/通知"})
	if r := e.do(t, actReader, "POST", fmt.Sprintf("/api/v1/uploads/%d/submit", h.uploadID), string(meta), nil); r.StatusCode != 200 {
		t.Fatalf("submit hostile upload: %d %s", r.StatusCode, r.body)
	}
	r = e.do(t, actMod, "POST", fmt.Sprintf("/api/v1/admin/uploads/%d/approve", h.uploadID), "", nil)
	var approved wengao.Upload
	if err := json.Unmarshal([]byte(r.body), &approved); err != nil || approved.DocumentID == "" {
		t.Fatalf("approve hostile upload: %d %s", r.StatusCode, r.body)
	}
	h.uploadDoc = approved.DocumentID
	// A complaint with hostile text in every field.
	c, _ := json.Marshal(map[string]string{"document_id": h.docID, "kind": wengao.ComplaintOther, "reason": hostile("理由"),
		"contact": `"><img src=x onerror=alert('xss7')>@example.org`, "evidence": hostile("证明"), "rights_holder": "权利人" + xssPayloads[0] + xssPayloads[1], "work": "作品" + xssPayloads[4] + xssPayloads[7]})
	r = e.do(t, actReader, "POST", "/api/v1/complaints", string(c), nil)
	var made wengao.Complaint
	if err := json.Unmarshal([]byte(r.body), &made); err != nil || made.ID == 0 {
		t.Fatalf("hostile complaint: %d %s", r.StatusCode, r.body)
	}
	h.complaint = made.ID
	for _, id := range []string{h.docID, h.uploadDoc} {
		if r := e.do(t, actReader, "POST", "/api/v1/documents/"+url.PathEscape(id)+"/favorite", "", nil); r.StatusCode != 200 {
			t.Fatalf("favourite %q: %d %s", id, r.StatusCode, r.body)
		}
		if r := e.do(t, actOther, "POST", "/api/v1/documents/"+url.PathEscape(id)+"/download", "", nil); r.StatusCode != 200 {
			t.Fatalf("download %q: %d %s", id, r.StatusCode, r.body)
		}
	}
	return h
}

// liveMarkup returns what in an HTML page would run a payload: script
// elements other than the site's own, event-handler attributes, and
// javascript: URLs; and elements a payload would have made.
func liveMarkup(page string) []string {
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return []string{"unparsable: " + err.Error()}
	}
	var found []string
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script":
				src := attr(n, "src")
				if !strings.HasPrefix(src, "/static/") || n.FirstChild != nil {
					found = append(found, "<script src="+strconv.Quote(src)+">")
				}
			case "img", "iframe", "object", "embed", "svg":
				// The site's own images come from the site.
				for _, a := range n.Attr {
					if (a.Key == "src" || a.Key == "data") && !strings.HasPrefix(a.Val, "/") && !strings.HasPrefix(a.Val, "data:image/") {
						found = append(found, "<"+n.Data+" "+a.Key+"="+strconv.Quote(a.Val)+">")
					}
				}
				if n.Data != "img" && n.Data != "svg" {
					found = append(found, "<"+n.Data+">")
				}
			case "b":
				if n.FirstChild != nil && n.FirstChild.Type == html.TextNode && strings.Contains(n.FirstChild.Data, xssMarker) {
					found = append(found, "<b>"+n.FirstChild.Data)
				}
			}
			for _, a := range n.Attr {
				if strings.HasPrefix(strings.ToLower(a.Key), "on") {
					found = append(found, "<"+n.Data+" "+a.Key+"=…>")
				}
				switch strings.ToLower(a.Key) {
				case "href", "src", "action", "formaction", "xlink:href":
					v := strings.ToLower(strings.Map(func(r rune) rune {
						if r <= ' ' {
							return -1
						}
						return r
					}, a.Val))
					if strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:text") {
						found = append(found, "<"+n.Data+" "+a.Key+"="+strconv.Quote(a.Val)+">")
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return found
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// checkInert fails t when the response to path could run a payload: live
// markup in HTML, invalid or HTML-unescaped JSON, ill-formed XML, a
// response without nosniff.
func checkInert(t *testing.T, who, path string, r secResponse) {
	t.Helper()
	if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s %s: X-Content-Type-Options = %q, want nosniff", who, path, got)
	}
	ct := r.Header.Get("Content-Type")
	switch {
	case strings.HasPrefix(ct, "text/html"):
		for _, m := range liveMarkup(r.body) {
			t.Errorf("%s %s: live markup %s", who, path, m)
		}
	case strings.HasPrefix(ct, "application/json"):
		if !json.Valid([]byte(r.body)) {
			t.Errorf("%s %s: invalid JSON", who, path)
		}
		for _, raw := range []string{"<", ">", "\u2028", "\u2029"} {
			if strings.Contains(r.body, raw) {
				t.Errorf("%s %s: JSON holds %q unescaped", who, path, raw)
			}
		}
	case strings.Contains(ct, "xml"):
		dec := xml.NewDecoder(strings.NewReader(r.body))
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("%s %s: ill-formed XML: %v", who, path, err)
				break
			}
			if el, ok := tok.(xml.StartElement); ok && (el.Name.Local == "script" || el.Name.Local == "img") {
				t.Errorf("%s %s: XML element <%s> from a payload", who, path, el.Name.Local)
			}
		}
	}
}

// TestSecurityXSS stores the payloads in every field users and imports
// control, then requests every page, feed and API answer that shows
// them, as each kind of visitor, and parses each answer for markup that
// would run.
func TestSecurityXSS(t *testing.T) {
	e := newSecEnv(t)
	h := e.plantHostile(t)
	// A registration with a hostile name is refused; a hostile e-mail
	// address is either refused or shown as text (the console's users).
	if r := e.do(t, actAnon, "POST", "/api/v1/auth/register", `{"username":"<script>xss7</script>","password":"correct horse battery"}`, map[string]string{"X-Forwarded-For": ""}); r.StatusCode != 400 {
		t.Errorf("registration as <script>: %d, want 400", r.StatusCode)
	}
	e.do(t, actAnon, "POST", "/api/v1/auth/register", `{"username":"mailxss","password":"correct horse battery","email":"\"><img src=x onerror=alert('xss7')>@x.cn"}`, nil)
	doc, up := url.PathEscape(h.docID), url.PathEscape(h.uploadDoc)
	q := url.QueryEscape
	reflected := []string{
		"/search?q=" + q(hostile("")), "/search?strict=1&q=" + q(hostile("")), "/search?q=" + q(`"安全生产`+hostile("")+`"`),
		"/search?q=xss7&category=" + q(hostile("")) + "&sort=" + q(hostile("")), "/search?q=" + q("国务院xss7办公厅"),
		"/api/v1/search?q=" + q(hostile("")), "/api/v1/search?strict=1&q=" + q("安全生产 "+hostile("")),
		"/category/" + url.PathEscape(hostile("")), "/login?next=" + q(hostile("/")), "/register?next=" + q(`javascript:alert('xss7')`),
		"/doc/" + url.PathEscape(hostile("missing")), "/" + url.PathEscape(hostile("nowhere")), "/qr.svg?path=" + q(hostile("/")),
		"/rank?period=" + q(hostile("")), "/complaints/received?id=" + q(hostile("")), "/me?notice=" + q(hostile("")),
	}
	pages := map[string][]string{
		actAnon: append([]string{"/", "/doc/" + doc, "/doc/" + up, "/doc/" + doc + "/complaint", "/search?q=xss7", "/search?q=" + q("安全生产检查"),
			"/category/" + url.PathEscape("公文"), "/rank?period=all", "/feed.xml", "/sitemap.xml", "/about", "/contact",
			"/api/v1/documents/" + doc, "/api/v1/documents/" + up, "/api/v1/search?q=xss7"}, reflected...),
		actReader: append([]string{"/", "/doc/" + doc, "/doc/" + up, "/me", "/me/favorites", "/me/downloads", "/me/uploads", "/me/complaints", "/me/ledger",
			fmt.Sprintf("/me/uploads/%d", h.uploadID), "/doc/" + doc + "/download", "/upload",
			"/api/v1/me/favorites", "/api/v1/me/downloads", "/api/v1/me/uploads", "/api/v1/me/complaints", "/api/v1/me/ledger",
			fmt.Sprintf("/api/v1/uploads/%d", h.uploadID)}, reflected...),
		actOther: {"/me/downloads", "/me/favorites", "/api/v1/me/downloads"},
		actMod: {"/admin", "/admin/uploads", "/admin/uploads?status=approved", fmt.Sprintf("/admin/uploads/%d", h.uploadID), "/admin/complaints",
			"/admin/complaints?status=all", fmt.Sprintf("/admin/complaints/%d", h.complaint), "/admin/documents", "/admin/documents?q=xss7",
			"/admin/documents/" + doc, "/admin/documents/" + up, "/api/v1/admin/uploads", "/api/v1/admin/complaints"},
		actAdmin: {"/admin/users", "/admin/users?q=mailxss", fmt.Sprintf("/admin/users/%d", e.users[actReader].ID), "/admin/audit", "/admin/settings",
			"/admin/categories", "/admin/sources", "/admin/stats"},
	}
	isReflected := map[string]bool{}
	for _, p := range reflected {
		isReflected[p] = true
	}
	checked := 0
	for actor, paths := range pages {
		for _, path := range paths {
			r := e.do(t, actor, "GET", path, "", nil)
			if r.StatusCode >= 500 {
				t.Errorf("%s %s: %d", actor, path, r.StatusCode)
			}
			if !isReflected[path] && r.StatusCode != 200 {
				t.Errorf("%s %s: %d, want 200 (a page that shows the hostile text)", actor, path, r.StatusCode)
			}
			checkInert(t, actor, path, r)
			checked++
		}
	}
	// The hostile text does reach the pages (as text): the checks above
	// looked at it.
	for _, c := range []struct{ actor, path, want string }{
		{actAnon, "/doc/" + doc, "&lt;script&gt;alert(&#39;xss7&#39;)&lt;/script&gt;"},
		{actMod, fmt.Sprintf("/admin/complaints/%d", h.complaint), "理由&lt;script&gt;"},
		{actMod, fmt.Sprintf("/admin/uploads/%d", h.uploadID), "题&lt;script&gt;"},
		{actReader, "/me/favorites", "标题&lt;script&gt;"},
		{actAnon, "/search?q=" + q(hostile("")), "&lt;/script&gt;&lt;script&gt;"},
	} {
		if r := e.do(t, c.actor, "GET", c.path, "", nil); !strings.Contains(r.body, c.want) {
			t.Errorf("%s %s: the hostile text is not shown escaped (want %q)", c.actor, c.path, c.want)
		}
	}
	// Downloads name the hostile files safely: one header line, quotes
	// and CR/LF gone from the ASCII name, the real name in filename*.
	for _, id := range []string{h.docID, h.uploadDoc} {
		r := e.do(t, actOther, "POST", "/api/v1/documents/"+url.PathEscape(id)+"/download", "", nil)
		cd := r.Header.Get("Content-Disposition")
		checkDisposition(t, id, cd)
		if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("download %q: nosniff missing", id)
		}
		if ct := r.Header.Get("Content-Type"); strings.HasPrefix(ct, "text/html") || strings.Contains(ct, "svg") || strings.Contains(ct, "xml") && !strings.Contains(ct, "openxmlformats") {
			t.Errorf("download %q: Content-Type %q could be rendered by the browser", id, ct)
		}
		checked++
	}
	t.Logf("%d answers checked for %d payloads", checked, len(xssPayloads))
}

// checkDisposition fails t unless cd is an attachment whose parameters a
// browser cannot misread.
func checkDisposition(t *testing.T, what, cd string) {
	t.Helper()
	if !strings.HasPrefix(cd, "attachment;") {
		t.Errorf("%s: Content-Disposition %q, want an attachment", what, cd)
	}
	if strings.ContainsAny(cd, "\r\n<>") {
		t.Errorf("%s: Content-Disposition %q holds CR, LF or markup", what, cd)
	}
	plain, rest, _ := strings.Cut(cd, "filename*=")
	if strings.Count(plain, `"`) > 2 {
		t.Errorf("%s: Content-Disposition %q: a quote inside the file name", what, cd)
	}
	if rest == "" || !strings.HasPrefix(rest, "UTF-8''") || strings.ContainsAny(rest, `"; `) {
		t.Errorf("%s: Content-Disposition %q: filename* is not RFC 5987", what, cd)
	}
	if strings.Contains(cd, "..") || strings.Contains(cd, "/") {
		t.Errorf("%s: Content-Disposition %q names a path", what, cd)
	}
}
