package http

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/http/web"
	"github.com/wengao/wengao/metrics"
	"github.com/wengao/wengao/sqlite"
)

// newMetricsEnv returns a server over a small library with every metric
// wired as wengao serve wires them.
func newMetricsEnv(t testing.TB) (*Server, *httptest.Server, *metrics.Registry) {
	t.Helper()
	db, err := sqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	reg := metrics.NewRegistry()
	reg.RegisterRuntime()
	docs := web.InstrumentImports(db, reg)
	_, err = docs.SaveDocuments(context.Background(), []*wengao.Document{
		{ID: "gov-1", Title: "关于加强安全生产工作的意见", Date: "2024-01-02", Category: "公文/通知", Body: []string{"一、总体要求", "加强安全生产监管。"}},
		{ID: "gov-2", Title: "关于做好安全生产检查的通知", Date: "2023-05-06", Category: "公文/通知", Body: []string{"各单位要做好安全生产检查。"}},
		{ID: "gov-3", Title: "关于做好安全生产检查的通知", Date: "2023-05-06", Category: "公文/通知", Body: []string{"各单位要做好安全生产检查。"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	svc := AllServices(t, db)
	svc.Reads = db
	svc.Search = web.InstrumentSearch(db, reg)
	srv := MustNewServer(t, svc)
	srv.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv.Metrics = web.NewMetrics(reg)
	web.RegisterLibraryMetrics(reg, db, web.FileSizes(db.Path, db.Path+"-wal"))
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return srv, ts, reg
}

// sample is one line of an exposition.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

// exposition is a parsed scrape.
type exposition struct {
	types   map[string]string // family name → type
	help    map[string]string
	samples []sample
}

// parseExposition parses the text format strictly enough to catch
// mistakes: HELP and TYPE before a family's samples, quoted and escaped
// label values, numeric values.
func parseExposition(t testing.TB, text string) *exposition {
	t.Helper()
	e := &exposition{types: map[string]string{}, help: map[string]string{}}
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# HELP "):
			name, help, _ := strings.Cut(line[len("# HELP "):], " ")
			e.help[name] = help
			continue
		case strings.HasPrefix(line, "# TYPE "):
			name, typ, _ := strings.Cut(line[len("# TYPE "):], " ")
			if _, ok := e.help[name]; !ok {
				t.Fatalf("line %d: TYPE before HELP: %s", n, line)
			}
			e.types[name] = typ
			continue
		case line == "" || strings.HasPrefix(line, "#"):
			t.Fatalf("line %d: unexpected %q", n, line)
		}
		s := sample{labels: map[string]string{}}
		i := strings.IndexAny(line, "{ ")
		if i < 0 {
			t.Fatalf("line %d: no value: %q", n, line)
		}
		s.name, line = line[:i], line[i:]
		if line[0] == '{' {
			line = line[1:]
			for line[0] != '}' {
				name, rest, ok := strings.Cut(line, `="`)
				if !ok {
					t.Fatalf("line %d: bad label in %q", n, line)
				}
				var v strings.Builder
				j := 0
				for ; rest[j] != '"'; j++ {
					if rest[j] == '\\' {
						j++
						switch rest[j] {
						case 'n':
							v.WriteByte('\n')
						case '\\', '"':
							v.WriteByte(rest[j])
						default:
							t.Fatalf("line %d: bad escape \\%c", n, rest[j])
						}
						continue
					}
					v.WriteByte(rest[j])
				}
				s.labels[name] = v.String()
				line = strings.TrimPrefix(rest[j+1:], ",")
			}
			line = line[1:]
		}
		v, err := strconv.ParseFloat(strings.TrimPrefix(line, " "), 64)
		if err != nil {
			t.Fatalf("line %d: value: %v", n, err)
		}
		s.value = v
		family := s.name
		for _, suffix := range []string{"_bucket", "_sum", "_count"} {
			if base, ok := strings.CutSuffix(s.name, suffix); ok && e.types[base] == "histogram" {
				family = base
			}
		}
		if _, ok := e.types[family]; !ok {
			t.Fatalf("line %d: sample of %s before its TYPE", n, s.name)
		}
		e.samples = append(e.samples, s)
	}
	return e
}

// find returns the samples called name having all the given labels
// (name=value pairs).
func (e *exposition) find(name string, labels ...string) []sample {
	var out []sample
	for _, s := range e.samples {
		ok := s.name == name
		for i := 0; ok && i < len(labels); i += 2 {
			ok = s.labels[labels[i]] == labels[i+1]
		}
		if ok {
			out = append(out, s)
		}
	}
	return out
}

// value returns the one sample's value, failing unless exactly one matches.
func (e *exposition) value(t testing.TB, name string, labels ...string) float64 {
	t.Helper()
	s := e.find(name, labels...)
	if len(s) != 1 {
		t.Fatalf("%d samples of %s%v, want 1", len(s), name, labels)
	}
	return s[0].value
}

// checkHistograms checks every histogram series: buckets cumulative in
// increasing le, the +Inf bucket equal to _count.
func checkHistograms(t testing.TB, e *exposition) {
	t.Helper()
	for name, typ := range e.types {
		if typ != "histogram" {
			continue
		}
		type bucket struct{ le, n float64 }
		series := map[string][]bucket{}
		key := func(s sample) string {
			var parts []string
			for k, v := range s.labels {
				if k != "le" {
					parts = append(parts, k+"="+v)
				}
			}
			sort.Strings(parts)
			return strings.Join(parts, ",")
		}
		for _, s := range e.find(name + "_bucket") {
			le, err := strconv.ParseFloat(s.labels["le"], 64)
			if err != nil {
				t.Fatalf("%s: le %q", name, s.labels["le"])
			}
			series[key(s)] = append(series[key(s)], bucket{le, s.value})
		}
		for _, s := range e.find(name + "_count") {
			b := series[key(s)]
			if len(b) == 0 {
				t.Fatalf("%s{%s}: no +Inf bucket last (want not len(b) == 0)", name, key(s))
			}
			if !math.IsInf(b[len(b)-1].le, 1) {
				t.Fatalf("%s{%s}: no +Inf bucket last (want math.IsInf(b[len(b)-1].le, 1))", name, key(s))
			}
			for i := 1; i < len(b); i++ {
				if b[i].le <= b[i-1].le {
					t.Errorf("%s{%s}: bucket le=%v holds %v after le=%v holding %v (want not b[i].le <= b[i-1].le)", name, key(s), b[i].le, b[i].n, b[i-1].le, b[i-1].n)
				}
				if b[i].n < b[i-1].n {
					t.Errorf("%s{%s}: bucket le=%v holds %v after le=%v holding %v (want not b[i].n < b[i-1].n)", name, key(s), b[i].le, b[i].n, b[i-1].le, b[i-1].n)
				}
			}
			if b[len(b)-1].n != s.value {
				t.Errorf("%s{%s}: +Inf bucket %v, count %v", name, key(s), b[len(b)-1].n, s.value)
			}
			delete(series, key(s))
		}
		if len(series) > 0 {
			t.Errorf("%s: series without _count: %v", name, series)
		}
	}
}

func scrape(t testing.TB, ts *httptest.Server, token string) *exposition {
	t.Helper()
	req, _ := http.NewRequest("GET", ts.URL+"/metrics", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /metrics: %d %s", resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != metrics.ContentType {
		t.Errorf("Content-Type %q", ct)
	}
	return parseExposition(t, string(body))
}

func get(t testing.TB, ts *httptest.Server, method, path string) int {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func TestMetrics(t *testing.T) {
	_, ts, reg := newMetricsEnv(t)
	weird := reg.NewCounterVec("test_escaped_total", "Label values that need escaping.", "value")
	weird.With("引号\"反斜杠\\换行\n").Inc()

	for _, c := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/", 200},
		{"GET", "/doc/gov-1", 200},
		{"GET", "/doc/gov-2", 200},
		{"GET", "/doc/no-such-doc", 404},
		{"GET", "/search?q=" + url.QueryEscape("安全生产"), 200},
		{"GET", "/api/v1/search?q=" + url.QueryEscape("检查"), 200},
		{"GET", "/no/such/page", 404},
		{"BREW", "/doc/gov-1", 404},
	} {
		if got := get(t, ts, c.method, c.path); got != c.status {
			t.Fatalf("%s %s: %d, want %d", c.method, c.path, got, c.status)
		}
	}
	e := scrape(t, ts, "")

	for name, typ := range map[string]string{
		"wengao_http_requests_total": "counter", "wengao_http_request_duration_seconds": "histogram",
		"wengao_searches_total": "counter", "wengao_search_duration_seconds": "histogram",
		"wengao_documents": "gauge", "wengao_database_bytes": "gauge", "wengao_import_documents_total": "counter",
		"go_goroutines": "gauge", "go_memstats_heap_alloc_bytes": "gauge", "go_gc_cycles_total": "counter",
		"process_start_time_seconds": "gauge",
	} {
		if e.types[name] != typ {
			t.Errorf("%s: type %q, want %s", name, e.types[name], typ)
		}
	}

	if n := e.value(t, "wengao_http_requests_total", "route", "GET /doc/{id}", "method", "GET", "code", "200"); n != 2 {
		t.Errorf("GET /doc/{id} 200: %v, want 2", n)
	}
	if n := e.value(t, "wengao_http_requests_total", "route", "GET /doc/{id}", "code", "404"); n != 1 {
		t.Errorf("GET /doc/{id} 404: %v, want 1", n)
	}
	if n := e.value(t, "wengao_http_requests_total", "route", "/", "method", "GET", "code", "404"); n != 1 {
		t.Errorf("catch-all 404: %v, want 1", n)
	}
	if n := e.value(t, "wengao_http_requests_total", "route", "/", "method", "other", "code", "404"); n != 1 {
		t.Errorf("method BREW: %v, want 1 as other", n)
	}
	if n := e.value(t, "wengao_http_request_duration_seconds_count", "route", "GET /doc/{id}"); n != 3 {
		t.Errorf("duration count of GET /doc/{id}: %v, want 3", n)
	}
	// Routes are patterns, never the paths requested.
	for _, s := range e.find("wengao_http_requests_total") {
		route := s.labels["route"]
		if strings.Contains(route, "gov-") {
			t.Errorf("route label is a path: %q (want not strings.Contains(route, \"gov-\"))", route)
		}
		if strings.Contains(route, "no-such") {
			t.Errorf("route label is a path: %q (want not strings.Contains(route, \"no-such\"))", route)
		}
		if strings.Contains(route, "such/page") {
			t.Errorf("route label is a path: %q (want not strings.Contains(route, \"such/page\"))", route)
		}
		if strings.Contains(route, "?") {
			t.Errorf("route label is a path: %q (want not strings.Contains(route, \"?\"))", route)
		}
		if route != "other" && route != "/" && !strings.HasPrefix(route, "GET /") {
			t.Errorf("unexpected route %q", route)
		}
	}
	if n := e.value(t, "wengao_searches_total"); n != 2 {
		t.Errorf("searches: %v, want 2", n)
	}
	if n := e.value(t, "wengao_search_duration_seconds_count"); n != 2 {
		t.Errorf("timed searches: %v, want 2", n)
	}
	if n := e.value(t, "wengao_documents"); n != 2 {
		t.Errorf("documents: %v, want 2", n)
	}
	if n := e.value(t, "wengao_database_bytes"); n < 4096 {
		t.Errorf("database bytes: %v", n)
	}
	for outcome, want := range map[string]float64{"imported": 2, "duplicate": 1, "updated": 0, "unchanged": 0} {
		if n := e.value(t, "wengao_import_documents_total", "outcome", outcome); n != want {
			t.Errorf("imports %s: %v, want %v", outcome, n, want)
		}
	}
	if n := e.value(t, "test_escaped_total", "value", "引号\"反斜杠\\换行\n"); n != 1 {
		t.Errorf("escaped label: %v", n)
	}
	checkHistograms(t, e)

	// The scrape itself is counted by the next one.
	e = scrape(t, ts, "")
	if n := e.value(t, "wengao_http_requests_total", "route", "GET /metrics"); n != 1 {
		t.Errorf("GET /metrics: %v, want 1", n)
	}
}

func TestMetricsToken(t *testing.T) {
	srv, ts, _ := newMetricsEnv(t)
	srv.Metrics.Token = "s3cret-token"
	for _, auth := range []string{"", "Bearer wrong", "Basic s3cret-token", "Bearer s3cret-token-longer"} {
		req, _ := http.NewRequest("GET", ts.URL+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.StatusCode; got != http.StatusUnauthorized {
			t.Errorf("Authorization %q: resp.StatusCode = %v, want %v", auth, got, http.StatusUnauthorized)
		}
		if resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("Authorization %q: %d %q (want not resp.Header.Get(\"WWW-Authenticate\") == \"\")", auth, resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	}
	scrape(t, ts, "s3cret-token")
}

func TestMetricsOff(t *testing.T) {
	srv := MustNewServer(t, AllServices(t, openDB(t)))
	srv.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if w.Code != http.StatusNotFound {
		t.Errorf("/metrics without Metrics: %d", w.Code)
	}
}

// TestMetricsConcurrent serves and scrapes at once; run it with -race.
func TestMetricsConcurrent(t *testing.T) {
	srv, _, _ := newMetricsEnv(t)
	const workers, each = 4, 50
	paths := []string{"/healthz", "/doc/gov-1", "/api/v1/documents/gov-2", "/no/such"}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, httptest.NewRequest("GET", paths[(w+i)%len(paths)], nil))
				if i%10 == 0 {
					rec := httptest.NewRecorder()
					srv.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
					checkHistograms(t, parseExposition(t, rec.Body.String()))
				}
			}
		}()
	}
	wg.Wait()
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	e := parseExposition(t, rec.Body.String())
	var total, timed float64
	for _, s := range e.find("wengao_http_requests_total") {
		total += s.value
	}
	for _, s := range e.find("wengao_http_request_duration_seconds_count") {
		timed += s.value
	}
	// Every request but the last scrape, which is counted after it writes.
	want := float64(workers*each + workers*each/10)
	if got := total; got != want {
		t.Errorf("counted: total = %v, want %v", got, want)
	}
	if got := timed; got != want {
		t.Errorf("counted: timed = %v, want %v", got, want)
	}
	checkHistograms(t, e)
}

// openDB returns an empty library in a temporary folder.
func openDB(tb testing.TB) *sqlite.DB {
	tb.Helper()
	db, err := sqlite.Open(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// countingDocs is a DocumentService whose count needs no query, for
// benchmarks of the middleware alone.
type countingDocs struct{ wengao.DocumentService }

func (countingDocs) CountDocuments(context.Context) (int, error) { return 3, nil }

// BenchmarkServerMetrics times GET /healthz through the whole server,
// without and with metrics.
func BenchmarkServerMetrics(b *testing.B) {
	db := openDB(b)
	for _, on := range []bool{false, true} {
		b.Run(fmt.Sprintf("metrics=%v", on), func(b *testing.B) {
			svc := AllServices(b, db)
			svc.Documents = countingDocs{db}
			srv := MustNewServer(b, svc)
			srv.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
			if on {
				srv.Metrics = web.NewMetrics(metrics.NewRegistry())
			}
			req := httptest.NewRequest("GET", "/healthz", nil)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatal(w.Code)
				}
			}
		})
	}
}
