package http_test

import (
	"context"
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/wengao/wengao"
)

// linkPattern finds the links of HTML pages, feeds and sitemaps.
var linkPattern = regexp.MustCompile(`(?:href|src|action)="([^"]+)"|<loc>([^<]+)</loc>`)

// crawlShape groups URLs whose pages are alike, to bound how many of
// each the crawl visits: "/doc/*" for document pages, "/doc/*/download"
// for their download links, "/search" for searches.
func crawlShape(p string) string {
	u, err := url.Parse(p)
	if err != nil {
		return p
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	switch {
	case len(segs) >= 2 && (segs[0] == "doc" || segs[0] == "category" || segs[0] == "sitemap"):
		segs[1] = "*"
		if segs[0] == "category" {
			segs = segs[:2]
		}
	case len(segs) >= 4 && segs[0] == "api" && segs[2] == "documents":
		segs[3] = "*"
	}
	return "/" + strings.Join(segs, "/")
}

// TestSecurityAnonymousCrawl starts the sample library with its preview
// rule and crawls, as a visitor who has not logged in, every route
// reachable from the home page, the feed, the sitemap and the API, plus
// searches (site and API, strict and approximate) for sentences from the
// hidden part of documents; no answer holds any piece of the text past
// the preview of any document.
func TestSecurityAnonymousCrawl(t *testing.T) {
	e := newSecEnv(t)
	ctx := context.Background()
	rule := e.srv.Settings.PreviewRule
	ids, err := e.db.DocumentIDs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// What may be shown of every document, and the pieces of each one's
	// hidden text found nowhere in that.
	var docs []*wengao.Document
	allowed := windowSet{}
	for _, id := range ids {
		doc, err := e.db.FindDocumentByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, doc)
		preview, _ := rule.Cut(doc.Body)
		windows(allowed, append(preview, doc.Title, doc.Source, doc.Category, doc.Author)...)
	}
	hidden := map[uint64]string{} // piece → its document
	probesOf := map[string][]string{}
	for _, doc := range docs {
		probes := hiddenProbes(doc, rule, allowed)
		probesOf[doc.ID] = probes
		for _, p := range probes {
			rollingWindows(p, func(h uint64, _ int) bool {
				hidden[h] = doc.ID
				return true
			})
		}
	}
	if len(hidden) < 1000 {
		t.Fatalf("only %d pieces of hidden text in the sample: the preview rule shows everything?", len(hidden))
	}
	// Searches for hidden sentences: phrases, the same words unquoted
	// (approximate results), strict.
	seeds := []string{"/", "/feed.xml", "/sitemap.xml", "/robots.txt", "/rank", "/rank?period=all", "/rank?period=7d", "/about", "/contact",
		"/category/", "/search", "/search?q=" + url.QueryEscape("通知"), "/api/v1/openapi.json", "/api/v1/search?limit=100", "/api/v1/search?limit=100&sort=date",
		"/api/v1/search?limit=100&sort=reads", "/healthz", "/login", "/register", "/upload"}
	// Under the race detector, a sample: every twelfth document page,
	// every 96th document searched for, fewer pages of each other kind.
	docEvery, searchEvery, perShape := 1, 8, 25
	if raceEnabled {
		docEvery, searchEvery, perShape = 12, 96, 4
	}
	searched := 0
	for i, doc := range docs {
		probes := probesOf[doc.ID]
		if len(probes) == 0 || i%searchEvery != 0 {
			continue
		}
		p := strings.NewReplacer(`"`, " ", "“", " ", "”", " ").Replace(probes[len(probes)/2])
		for _, q := range []string{`"` + p + `"`, p, doc.Title + " " + p} {
			qe := url.QueryEscape(q)
			seeds = append(seeds, "/search?q="+qe, "/search?strict=1&q="+qe, "/api/v1/search?q="+qe, "/api/v1/search?strict=1&q="+qe)
		}
		seeds = append(seeds, "/api/v1/documents/"+url.PathEscape(doc.ID))
		searched++
	}
	for i, id := range ids {
		if i%docEvery == 0 {
			seeds = append(seeds, "/doc/"+url.PathEscape(id))
		}
	}
	// Breadth first, every shape at most perShape times, but every
	// document page seeded.
	docPages := len(ids) / docEvery
	queue, seen, shapes := seeds, map[string]bool{}, map[string]int{}
	visited := 0
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		if seen[path] {
			continue
		}
		seen[path] = true
		shape := crawlShape(path)
		if shapes[shape] >= perShape && (shape != "/doc/*" || shapes[shape] >= docPages) {
			continue
		}
		shapes[shape]++
		r := e.do(t, actAnon, "GET", path, "", nil)
		visited++
		if r.StatusCode >= 500 {
			t.Errorf("%s: %d", path, r.StatusCode)
			continue
		}
		if loc := r.Header.Get("Location"); loc != "" {
			queue = append(queue, loc)
		}
		// The text of the answer, as a reader (or a program) would see
		// it: HTML text and attribute values unescaped; JSON strings
		// without the markup of snippets.
		var texts []string
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			var v any
			if err := json.Unmarshal([]byte(r.body), &v); err == nil {
				collectStrings(v, &texts)
			}
		} else {
			texts = []string{pageText(r.body), html.UnescapeString(r.body)}
		}
		// A search gives its query back (in the box, the title, the
		// suggestions): that is the visitor's own text, not the
		// document's.
		if u, err := url.Parse(path); err == nil && u.Query().Get("q") != "" {
			q := u.Query().Get("q")
			echoes := append([]string{q, strings.ReplaceAll(q, `"`, "")}, strings.Fields(strings.ReplaceAll(q, `"`, " "))...)
			for i := range texts {
				for _, echo := range echoes {
					texts[i] = strings.ReplaceAll(texts[i], echo, "\n")
				}
			}
		}
		for _, text := range texts {
			rollingWindows(text, func(h uint64, j int) bool {
				if id, ok := hidden[h]; ok {
					t.Errorf("%s shows hidden text of %s: %q", path, id, string([]rune(text)[j:j+probeRunes]))
					return false
				}
				return true
			})
		}
		for _, m := range linkPattern.FindAllStringSubmatch(r.body, -1) {
			link := html.UnescapeString(m[1] + m[2])
			if u, err := url.Parse(link); err == nil && u.Host != "" {
				if u.Host != "127.0.0.1:8080" && !strings.HasSuffix(u.Host, "localhost") && !strings.HasPrefix(u.Host, "localhost") {
					continue
				}
				link = u.RequestURI()
			}
			link, _, _ = strings.Cut(link, "#")
			if strings.HasPrefix(link, "/") && !strings.HasPrefix(link, "//") && !strings.HasPrefix(link, "/static/") && !seen[link] {
				queue = append(queue, link)
			}
		}
	}
	// The crawl reached every kind of page that shows text.
	for _, want := range []string{"/", "/doc/*", "/doc/*/complaint", "/doc/*/download", "/category/*", "/search", "/rank", "/feed.xml", "/sitemap.xml",
		"/api/v1/documents/*", "/api/v1/search", "/qr.svg", "/login"} {
		if shapes[want] == 0 {
			var got []string
			for s := range shapes {
				got = append(got, s)
			}
			sort.Strings(got)
			t.Errorf("the crawl never reached %s; it reached %v", want, got)
		}
	}
	t.Logf("%d answers crawled (%d documents, %d searched for hidden sentences), %d pieces of hidden text looked for", visited, len(ids), searched, len(hidden))
}

// collectStrings appends the strings in a decoded JSON value, without
// markup.
func collectStrings(v any, out *[]string) {
	switch v := v.(type) {
	case string:
		*out = append(*out, pageText(v))
	case []any:
		for _, x := range v {
			collectStrings(x, out)
		}
	case map[string]any:
		for _, x := range v {
			collectStrings(x, out)
		}
	}
}

// rollingWindows calls f with a hash of every piece of probeRunes
// characters of text and the piece's first rune, until f returns false:
// a polynomial hash rolled along the text, so that each character costs
// one step however long the pieces (the crawl reads megabytes of pages
// under the race detector).
func rollingWindows(text string, f func(h uint64, at int) bool) {
	const base = 1000003
	var pow uint64 = 1 // base^(probeRunes-1)
	for range probeRunes - 1 {
		pow *= base
	}
	var ring [probeRunes]rune
	var h uint64
	i := 0
	for _, r := range text {
		if i >= probeRunes {
			h -= uint64(ring[i%probeRunes]) * pow
		}
		h = h*base + uint64(r)
		ring[i%probeRunes] = r
		i++
		if i >= probeRunes && !f(h, i-probeRunes) {
			return
		}
	}
}
