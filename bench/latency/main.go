// Command latency measures search latency on a list of queries (one per
// line, bench/queries.txt by default): every query once to warm the caches,
// then the whole list --runs times, one query at a time. It prints the
// 50th, 95th and 99th percentile and the maximum, the queries per second,
// and the slowest queries (by their median time over the passes). Run it from the repository root on a data folder
// that holds the imported corpus:
//
//	go run ./bench/latency --data DIR [--queries bench/queries.txt] [--runs 5] [--http] [--no-cache]
//
// In process it calls (*sqlite.DB).Search. With --http it also serves the
// API in process on 127.0.0.1 and measures GET /api/v1/search?q=… with one
// keep-alive client; with --url it measures a server already running there
// instead (and opens no data folder).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/blob"
	wengaohttp "github.com/wengao/wengao/http"
	"github.com/wengao/wengao/search"
	"github.com/wengao/wengao/sqlite"
)

func main() {
	fs := flag.NewFlagSet("latency", flag.ExitOnError)
	data := fs.String("data", envOr("WENGAO_DATA", "./wengao-data"), "data folder holding the imported corpus (env WENGAO_DATA)")
	queries := fs.String("queries", "bench/queries.txt", "file of queries, one per line")
	runs := fs.Int("runs", 5, "timed passes over the list")
	limit := fs.Int("limit", 10, "hits per query")
	withHTTP := fs.Bool("http", false, "also measure the HTTP API, served in process")
	base := fs.String("url", "", "measure only the HTTP API of the server at this URL (e.g. http://127.0.0.1:8080)")
	slowest := fs.Int("slowest", 10, "slowest queries to list")
	noCache := fs.Bool("no-cache", false, "rank every search anew: no rankings cached between passes (not with --url)")
	fs.Parse(os.Args[1:])
	if err := run(os.Stdout, options{*data, *queries, *runs, *limit, *withHTTP, *base, *slowest, *noCache}); err != nil {
		fmt.Fprintln(os.Stderr, "latency:", err)
		os.Exit(1)
	}
}

type options struct {
	data, queries string
	runs, limit   int
	http          bool
	url           string
	slowest       int
	noCache       bool
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// searchFunc runs one query and returns its total number of hits.
type searchFunc func(ctx context.Context, q string) (int, error)

func run(w io.Writer, o options) error {
	qs, err := readQueries(o.queries)
	if err != nil {
		return err
	}
	if len(qs) == 0 {
		return fmt.Errorf("%s holds no query", o.queries)
	}
	ctx := context.Background()
	fmt.Fprintf(w, "Latency: %d queries from %s, 1 warm-up pass then %d timed passes, sequential, limit %d; GOMAXPROCS %d.\n",
		len(qs), o.queries, o.runs, o.limit, runtime.GOMAXPROCS(0))

	if o.url != "" {
		fmt.Fprintf(w, "\nServer at %s, GET /api/v1/search (keep-alive, one connection):\n\n", o.url)
		return measure(ctx, w, qs, o, httpSearch(o.url, o.limit))
	}

	if _, err := os.Stat(filepath.Join(o.data, sqlite.FileName)); err != nil {
		return fmt.Errorf("no database in %s: import the corpus first", o.data)
	}
	db, err := sqlite.Open(o.data)
	if err != nil {
		return err
	}
	defer db.Close()
	if o.noCache {
		l := search.DefaultLimits
		l.NoCache = true
		db.SetSearchLimits(l)
		fmt.Fprintln(w, "\nRankings are not cached: every search is ranked anew.")
	}
	n, err := db.CountDocuments(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nIn process, (*sqlite.DB).Search on %d documents:\n\n", n)
	err = measure(ctx, w, qs, o, func(ctx context.Context, q string) (int, error) {
		res, err := db.Search(ctx, wengao.SearchRequest{Query: q, Limit: o.limit})
		if err != nil {
			return 0, err
		}
		return res.Total, nil
	})
	if err != nil || !o.http {
		return err
	}

	// The search API needs only Documents and Search, but a server takes
	// every required service: the rest come from the same database, with
	// a file store in a temporary folder.
	tmp, err := os.MkdirTemp("", "wengao-latency-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	files, err := blob.NewLocal(tmp)
	if err != nil {
		return err
	}
	srv, err := wengaohttp.NewServer(wengaohttp.Services{
		Documents: db, Search: db, Browse: db,
		Users: db, Sessions: db, Ledger: db, Favorites: db,
		Uploads: db, Files: files,
		Complaints: db, DocAdmin: db, UserAdmin: db, Audit: db, SettingsStore: unsavedSettings{db},
		Masks: db, Abbreviations: db,
	})
	if err != nil {
		return err
	}
	srv.Addr = "127.0.0.1:0"
	srv.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv.Settings.SearchPerMinute = 0 // measured, not limited
	if err := srv.Open(); err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Close(sctx)
	}()
	fmt.Fprintf(w, "\nHTTP, in-process server at %s, GET /api/v1/search (keep-alive, one connection):\n\n", srv.URL())
	return measure(ctx, w, qs, o, httpSearch(srv.URL(), o.limit))
}

// httpSearch returns a searchFunc that asks the API at base.
func httpSearch(base string, limit int) searchFunc {
	client := &http.Client{Timeout: time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: 2, DisableCompression: true}}
	base = strings.TrimRight(base, "/")
	return func(ctx context.Context, q string) (int, error) {
		u := fmt.Sprintf("%s/api/v1/search?q=%s&limit=%d", base, url.QueryEscape(q), limit)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return 0, err
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return 0, err
		}
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("GET %s: %s: %s", u, resp.Status, strings.TrimSpace(string(body)))
		}
		var res struct {
			Total *int `json:"total"`
		}
		if err := json.Unmarshal(body, &res); err != nil || res.Total == nil {
			return 0, errors.New("GET " + u + ": response is not a search result")
		}
		return *res.Total, nil
	}
}

// stat is what one query took over the timed passes.
type stat struct {
	query string
	times []time.Duration
	total int
}

// median returns the median time of the query, robust to a pass slowed
// down by other work on the machine.
func (s *stat) median() time.Duration {
	t := slices.Clone(s.times)
	slices.Sort(t)
	return t[len(t)/2]
}

func measure(ctx context.Context, w io.Writer, qs []string, o options, search searchFunc) error {
	stats := make([]*stat, len(qs))
	for i, q := range qs {
		total, err := search(ctx, q) // warm-up
		if err != nil {
			return fmt.Errorf("%q: %w", q, err)
		}
		stats[i] = &stat{query: q, total: total}
	}
	var all []time.Duration
	start := time.Now()
	for r := 0; r < o.runs; r++ {
		for i, q := range qs {
			t := time.Now()
			if _, err := search(ctx, q); err != nil {
				return fmt.Errorf("%q: %w", q, err)
			}
			d := time.Since(t)
			stats[i].times = append(stats[i].times, d)
			all = append(all, d)
		}
	}
	elapsed := time.Since(start)
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	fmt.Fprintln(w, "| queries | p50 ms | p95 ms | p99 ms | max ms | mean ms | queries/s |")
	fmt.Fprintln(w, "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	var sum time.Duration
	for _, d := range all {
		sum += d
	}
	fmt.Fprintf(w, "| %d | %.2f | %.2f | %.2f | %.2f | %.2f | %.0f |\n", len(all),
		ms(percentile(all, 50)), ms(percentile(all, 95)), ms(percentile(all, 99)), ms(all[len(all)-1]),
		ms(sum)/float64(len(all)), float64(len(all))/elapsed.Seconds())

	sort.SliceStable(stats, func(i, j int) bool { return stats[i].median() > stats[j].median() })
	k := min(o.slowest, len(stats))
	fmt.Fprintf(w, "\nSlowest %d queries (median of %d passes):\n\n", k, o.runs)
	fmt.Fprintln(w, "| query | median ms | min ms | max ms | hits |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: |")
	for _, s := range stats[:k] {
		fmt.Fprintf(w, "| `%s` | %.2f | %.2f | %.2f | %d |\n", s.query, ms(s.median()), ms(slices.Min(s.times)), ms(slices.Max(s.times)), s.total)
	}
	return nil
}

// percentile returns the p-th percentile of sorted durations (nearest
// rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	i := int(p/100*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// readQueries reads one query per line, skipping blank lines and lines
// starting with #.
func readQueries(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var qs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		q := strings.TrimSpace(sc.Text())
		if q == "" || strings.HasPrefix(q, "#") {
			continue
		}
		qs = append(qs, q)
	}
	return qs, sc.Err()
}

// unsavedSettings reports no saved settings, so that the server measures
// with its own Settings (no search limit) whatever the library saved.
type unsavedSettings struct{ wengao.SettingsService }

func (unsavedSettings) LoadSettings(context.Context) (wengao.Settings, int64, error) {
	return wengao.Settings{}, 0, nil
}
