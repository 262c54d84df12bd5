package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"io/fs"
	"math"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/metrics"
)

// Metrics are the server's instruments and the registry GET /metrics
// shows. With no Metrics, the server records nothing and /metrics is not
// found.
type Metrics struct {
	Registry *metrics.Registry
	// Token, when set, must come as "Authorization: Bearer TOKEN" to read
	// /metrics. When empty, /metrics is open to whoever reaches the
	// listener: put it behind the reverse proxy's access rules, or set a
	// token.
	Token string

	requests *metrics.CounterVec
	duration *metrics.HistogramVec
}

// NewMetrics registers the HTTP request metrics in reg:
// wengao_http_requests_total{route,method,code} and
// wengao_http_request_duration_seconds{route}. The route is the pattern
// the request matched, such as "GET /doc/{id}", or "other" when it
// matched none, so that paths typed by visitors never become labels.
func NewMetrics(reg *metrics.Registry) *Metrics {
	return &Metrics{
		Registry: reg,
		requests: reg.NewCounterVec("wengao_http_requests_total", "HTTP requests answered, by route pattern, method and status code.", "route", "method", "code"),
		duration: reg.NewHistogramVec("wengao_http_request_duration_seconds", "Time to answer HTTP requests, by route pattern.", metrics.DurationBuckets, "route"),
	}
}

// measure counts each request and times it, by the route the router
// matched. It must see the *http.Request the router sees: the router
// sets Pattern on that request value.
func (s *Core) measure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m := s.Metrics
		if m == nil {
			next.ServeHTTP(w, r)
			return
		}
		// The system's monotonic clock, not s.now: this measures a
		// duration, which a test's clock must not distort.
		start := time.Now()
		sw, ok := w.(*statusWriter)
		if !ok {
			sw = &statusWriter{ResponseWriter: w}
			w = sw
		}
		next.ServeHTTP(w, r)
		route := r.Pattern
		if route == "" {
			route = "other"
		}
		m.requests.With(route, methodLabel(r.Method), statusLabel(sw.status)).Inc()
		m.duration.With(route).Observe(time.Since(start).Seconds())
	})
}

// methodLabel returns the method, or "other" for methods that no route
// serves, so that clients cannot invent label values.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return method
	}
	return "other"
}

// statusCodeLabels are the status codes 100–599 as strings, made once so
// that labelling a request allocates nothing.
var statusCodeLabels = func() []string {
	l := make([]string, 600)
	for i := 100; i < len(l); i++ {
		l[i] = strconv.Itoa(i)
	}
	return l
}()

// statusLabel returns the status as a label value; 0, a response with no
// header written, is 200.
func statusLabel(status int) string {
	if status == 0 {
		return "200"
	}
	if status < 100 || status >= len(statusCodeLabels) {
		return "other"
	}
	return statusCodeLabels[status]
}

// msgMetricsToken answers a scrape without the right token; it is read by
// operators and their scrapers, not by the site's readers.
const msgMetricsToken = "读取 /metrics 需要正确的令牌（Authorization: Bearer TOKEN）。"

// HandleMetrics writes the registry in the Prometheus text format,
// checking the bearer token when one is set.
func (s *Core) HandleMetrics(w http.ResponseWriter, r *http.Request) {
	m := s.Metrics
	if m == nil {
		s.NotFound(w, r)
		return
	}
	if m.Token != "" {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(m.Token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			s.JSONError(w, r, wengao.Errorf(wengao.EUNAUTHORIZED, msgMetricsToken))
			return
		}
	}
	m.Registry.Handler().ServeHTTP(w, r)
}

// InstrumentSearch returns svc counting and timing its searches in reg:
// wengao_searches_total and wengao_search_duration_seconds (searches that
// fail are counted and timed too). It registers the two metrics, so it is
// called once per registry.
func InstrumentSearch(svc wengao.SearchService, reg *metrics.Registry) wengao.SearchService {
	return &instrumentedSearch{
		svc:      svc,
		searches: reg.NewCounter("wengao_searches_total", "Searches run, from the site, the API and category pages."),
		duration: reg.NewHistogram("wengao_search_duration_seconds", "Time to run a search, with its facets and snippets.", metrics.DurationBuckets),
	}
}

type instrumentedSearch struct {
	svc      wengao.SearchService
	searches *metrics.Counter
	duration *metrics.Histogram
}

func (s *instrumentedSearch) Search(ctx context.Context, req wengao.SearchRequest) (*wengao.SearchResult, error) {
	start := time.Now() // a duration: the monotonic clock, see measure
	res, err := s.svc.Search(ctx, req)
	s.duration.Observe(time.Since(start).Seconds())
	s.searches.Inc()
	return res, err
}

// InstrumentImports returns svc counting, in reg, what SaveDocuments did
// with each document: wengao_import_documents_total{outcome}, outcome
// being imported, updated, unchanged or duplicate. Only saves through the
// returned service are counted: imports run by another process (wengao
// import) are not, and show in wengao_documents instead.
func InstrumentImports(svc wengao.DocumentService, reg *metrics.Registry) wengao.DocumentService {
	vec := reg.NewCounterVec("wengao_import_documents_total", "Documents saved by imports in this process, by outcome (imports run by wengao import in another process are not counted; see wengao_documents).", "outcome")
	d := &instrumentedImports{DocumentService: svc}
	for _, o := range []wengao.ImportOutcome{wengao.Imported, wengao.Updated, wengao.Unchanged, wengao.Duplicate} {
		d.outcomes[o] = vec.With(o.String())
	}
	return d
}

type instrumentedImports struct {
	wengao.DocumentService
	outcomes [wengao.Duplicate + 1]*metrics.Counter
}

func (d *instrumentedImports) SaveDocuments(ctx context.Context, docs []*wengao.Document) ([]wengao.ImportResult, error) {
	results, err := d.DocumentService.SaveDocuments(ctx, docs)
	for _, r := range results {
		if r.Outcome >= 0 && int(r.Outcome) < len(d.outcomes) {
			d.outcomes[r.Outcome].Inc()
		}
	}
	return results, err
}

// libraryCacheTTL is how long a scrape reuses the document count.
const libraryCacheTTL = 5 * time.Second

// RegisterLibraryMetrics registers, in reg, wengao_documents (the number
// of documents held, counted at most every few seconds) and, when
// databaseBytes is not nil, wengao_database_bytes (its result at each
// scrape). Being read from the database, the document count includes
// imports run by other processes.
func RegisterLibraryMetrics(reg *metrics.Registry, docs wengao.DocumentService, databaseBytes func() (int64, error)) {
	count := &cachedFigure{ttl: libraryCacheTTL, load: func(ctx context.Context) (float64, error) {
		n, err := docs.CountDocuments(ctx)
		return float64(n), err
	}}
	reg.NewGaugeFunc("wengao_documents", "Documents in the library (counted at most every 5s).", count.value)
	if databaseBytes != nil {
		reg.NewGaugeFunc("wengao_database_bytes", "Size of the database files in the data folder.", func() float64 {
			n, err := databaseBytes()
			if err != nil {
				return math.NaN()
			}
			return float64(n)
		})
	}
}

// cachedFigure is a figure costly to find out, reloaded when older than
// ttl. When loading fails it keeps the last value, NaN when there is none.
type cachedFigure struct {
	ttl  time.Duration
	load func(context.Context) (float64, error)

	mu sync.Mutex
	at time.Time
	v  float64
}

func (c *cachedFigure) value() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.at.IsZero() || time.Since(c.at) >= c.ttl {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		v, err := c.load(ctx)
		cancel()
		switch {
		case err == nil:
			c.v = v
		case c.at.IsZero():
			c.v = math.NaN()
		}
		c.at = time.Now() // for time.Since above: the monotonic clock
	}
	return c.v
}

// FileSizes returns a function that sums the sizes of the files at paths,
// for wengao_database_bytes: a SQLite database is its file plus its
// write-ahead log. Files that do not exist count as empty.
func FileSizes(paths ...string) func() (int64, error) {
	return func() (int64, error) {
		var total int64
		for _, p := range paths {
			fi, err := os.Stat(p)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			} else if err != nil {
				return 0, err
			}
			total += fi.Size()
		}
		return total, nil
	}
}
