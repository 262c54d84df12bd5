package http_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/wengao/wengao"
	wengaohttp "github.com/wengao/wengao/http"
	"github.com/wengao/wengao/http/web"
	"github.com/wengao/wengao/sqlite"
	"github.com/wengao/wengao/sqlite/sqlitetest"
)

// The sample library with three accounts (reader, 审核员 the moderator,
// 管理员 the admin) is built once per test binary and copied for each
// test: importing it and hashing passwords is the slow part of a test,
// the more so under the race detector.
var (
	accountsOnce sync.Once
	accountsDB   []byte
	accountsErr  error
)

// buildSample makes the template database and returns its file.
func buildSample() ([]byte, error) {
	return sqlitetest.BuildSampleFile(func(db *sqlite.DB) error {
		for _, u := range []wengao.NewUser{
			{Username: "reader", Password: "correct horse"},
			{Username: "审核员", Password: "moderate well", Role: wengao.RoleModerator},
			{Username: "管理员", Password: "administer well", Role: wengao.RoleAdmin},
		} {
			if _, err := db.CreateUser(context.Background(), u); err != nil {
				return err
			}
		}
		return nil
	})
}

// sampleServer serves a copy of the sample library with accounts, and
// returns the session cookie of the reader.
func sampleServer(t *testing.T) (*wengaohttp.Server, *sqlite.DB, *http.Cookie) {
	t.Helper()
	accountsOnce.Do(func() { accountsDB, accountsErr = buildSample() })
	if accountsErr != nil {
		t.Fatal(accountsErr)
	}
	db := sqlitetest.OpenCopy(t, accountsDB)
	ctx := context.Background()
	svc := wengaohttp.AllServices(t, db)
	svc.Reads = db
	srv := wengaohttp.MustNewServer(t, svc)
	srv.Logger = discardLogger
	// Tests search and download far more than a visitor may; those of
	// the limits set their own.
	srv.Settings.SearchPerMinute = 0
	srv.Settings.DownloadsPerMinute = 0
	u, err := db.FindUserByName(ctx, "reader")
	if err != nil {
		t.Fatal(err)
	}
	sess, err := db.CreateSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return srv, db, &http.Cookie{Name: web.SessionCookie, Value: sess.Token}
}

// serve runs one request through the server in process.
func serve(srv http.Handler, path string, cookie *http.Cookie) (int, string) {
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("User-Agent", browserUA)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, req)
	return w.Code, w.Body.String()
}

var tagPattern = regexp.MustCompile(`<[^>]*>`)

// pageText returns the text of an HTML page without its markup.
func pageText(body string) string {
	return html.UnescapeString(tagPattern.ReplaceAllString(body, ""))
}

// hiddenProbes returns pieces of the text of doc past its preview, each
// 12 characters long and found nowhere in what may be shown: the previews,
// titles and other fields of all documents (allowed).
func hiddenProbes(doc *wengao.Document, rule wengao.PreviewRule, allowed windowSet) []string {
	shown, _ := rule.Cut(doc.Body)
	var hidden []string
	for i := len(shown) - 1; i < len(doc.Body); i++ {
		p := strings.TrimSpace(doc.Body[i])
		if i == len(shown)-1 && i >= 0 {
			p = strings.TrimPrefix(p, shown[i])
		}
		if i >= 0 {
			hidden = append(hidden, p)
		}
	}
	if len(shown) == 0 {
		hidden = doc.Body
	}
	var probes []string
	for _, p := range hidden {
		rs := []rune(strings.TrimSpace(p))
		for j := 0; j+probeRunes <= len(rs); j += probeRunes {
			w := string(rs[j : j+probeRunes])
			if !allowed.has(w) {
				probes = append(probes, w)
			}
		}
	}
	return probes
}

// probeRunes is the length of the pieces of hidden text looked for.
const probeRunes = 12

// windowSet holds pieces of probeRunes characters by their hash: cheap
// to build for every page of the library.
type windowSet map[uint64]bool

func (w windowSet) has(s string) bool {
	rs := []rune(s)
	return w[hashRunes(rs)]
}

// hashRunes is FNV-1a over the runes.
func hashRunes(rs []rune) uint64 {
	h := uint64(14695981039346656037)
	for _, r := range rs {
		h ^= uint64(r)
		h *= 1099511628211
	}
	return h
}

// windows returns every piece of probeRunes characters of the texts.
func windows(set windowSet, texts ...string) windowSet {
	if set == nil {
		set = windowSet{}
	}
	var rs []rune
	for _, text := range texts {
		rs = append(rs[:0], []rune(text)...)
		for j := 0; j+probeRunes <= len(rs); j++ {
			set[hashRunes(rs[j:j+probeRunes])] = true
		}
	}
	return set
}

// TestNoTextPastPreview checks, for every document of the sample library,
// that an anonymous visitor gets no text past the preview on any route
// that shows text, and that a logged-in reader gets all of it.
func TestNoTextPastPreview(t *testing.T) {
	srv, db, cookie := sampleServer(t)
	rule := srv.Settings.PreviewRule
	ids, err := db.DocumentIDs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) < 300 {
		t.Fatalf("sample has %d documents", len(ids))
	}
	// The feed and the lists: nothing of any document's hidden part.
	lists := windowSet{}
	for _, path := range []string{"/feed.xml", "/", "/search", "/category/法律法规", "/api/v1/search?limit=100"} {
		code, body := serve(srv, path, nil)
		if code != 200 {
			t.Fatalf("%s: %d", path, code)
		}
		windows(lists, pageText(body))
	}
	windows(lists, listSnippets(t, srv, "/api/v1/search?limit=100&sort=date"))
	// What may be shown of all documents: a page shows other documents'
	// titles, and a list their previews.
	var docs []*wengao.Document
	allowed := windowSet{}
	for _, id := range ids {
		doc, err := db.FindDocumentByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, doc)
		preview, _ := rule.Cut(doc.Body)
		windows(allowed, append(preview, doc.Title, doc.Source, doc.Category)...)
	}
	probed := 0
	for _, doc := range docs {
		id := doc.ID
		probes := hiddenProbes(doc, rule, allowed)
		if len(probes) == 0 {
			continue // short enough to be shown whole
		}
		probed++
		_, page := serve(srv, "/doc/"+url.PathEscape(id), nil)
		var api struct {
			Body      []string
			Truncated bool
		}
		_, raw := serve(srv, "/api/v1/documents/"+url.PathEscape(id), nil)
		if err := json.Unmarshal([]byte(raw), &api); err != nil {
			t.Fatal(err)
		}
		if !api.Truncated {
			t.Errorf("%s: API document not marked truncated", id)
		}
		routes := map[string]windowSet{"page": windows(nil, pageText(page)), "api": windows(nil, api.Body...), "lists": lists}
		// A search for hidden words finds the document, with a snippet
		// from the preview alone.
		routes["search"] = windows(nil, snippetOf(t, srv, id, probes[len(probes)/2], nil))
		for _, p := range probes {
			for route, shown := range routes {
				if shown.has(p) {
					t.Errorf("%s: %s shows hidden text %q", id, route, p)
				}
			}
		}
		// A logged-in reader reads everything.
		_, full := serve(srv, "/doc/"+url.PathEscape(id), cookie)
		fullText := windows(nil, pageText(full))
		for _, p := range probes {
			if !fullText.has(p) {
				t.Errorf("%s: logged-in page lacks %q", id, p)
				break
			}
		}
		_, raw = serve(srv, "/api/v1/documents/"+url.PathEscape(id), cookie)
		api.Body, api.Truncated = nil, true
		if err := json.Unmarshal([]byte(raw), &api); err != nil {
			t.Fatal(err)
		}
		if api.Truncated {
			t.Errorf("%s: logged-in API document has %d of %d paragraphs (want not api.Truncated)", id, len(api.Body), len(doc.Body))
		}
		if got := len(api.Body); got != len(doc.Body) {
			t.Errorf("%s: len(api.Body) = %v, want %v", id, got, len(doc.Body))
		}
		if !strings.Contains(snippetOf(t, srv, id, probes[len(probes)/2], cookie), "<mark>") {
			t.Errorf("%s: logged-in snippet marks none of the words searched", id)
		}
	}
	if probed < len(ids)/2 {
		t.Fatalf("only %d of %d documents have text past the preview", probed, len(ids))
	}
	t.Logf("%d documents checked on every route", probed)
}

// snippetOf searches for the phrase and returns the snippet of document
// id among the hits, as text.
func snippetOf(t *testing.T, srv http.Handler, id, phrase string, cookie *http.Cookie) string {
	t.Helper()
	q := `"` + strings.NewReplacer(`"`, " ", "“", " ", "”", " ").Replace(phrase) + `"`
	_, raw := serve(srv, "/api/v1/search?limit=100&q="+url.QueryEscape(q), cookie)
	var res wengao.SearchResult
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	for _, h := range res.Hits {
		if h.ID == id {
			if cookie != nil {
				return h.Snippet
			}
			return pageText(h.Snippet)
		}
	}
	t.Errorf("search %q: %s not found among %d hits", q, id, res.Total)
	return ""
}

// listSnippets returns the text of the snippets of a search listing.
func listSnippets(t *testing.T, srv http.Handler, path string) string {
	t.Helper()
	_, raw := serve(srv, path, nil)
	var res wengao.SearchResult
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, h := range res.Hits {
		b.WriteString(pageText(h.Snippet) + "\n")
	}
	return b.String()
}
