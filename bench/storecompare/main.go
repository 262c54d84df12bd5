// Command storecompare imports one corpus into SQLite and into PostgreSQL
// and measures both alike: import time and documents per second, then
// search latency over a query list (every query once to warm the caches,
// then --runs passes, rankings not cached, so that each search is ranked
// anew), in process. It prints a Markdown table for docs/benchmarks.md.
//
//	go run ./bench/storecompare --pg postgres://… [--corpus ../shared/corpus/docs.jsonl.gz] [--queries bench/queries.txt] [--runs 3] [--sqlite DIR] [--only sqlite|postgres]
//
// A store that holds documents already is not imported into: its
// searches alone are measured. SQLite's library goes into a temporary
// folder, removed at the end, unless --sqlite names one.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/importer"
	"github.com/wengao/wengao/postgres"
	"github.com/wengao/wengao/search"
	"github.com/wengao/wengao/sqlite"
)

// store is what the comparison uses of each.
type store interface {
	wengao.DocumentService
	wengao.SearchService
	SetSearchLimits(search.Limits)
	Close() error
}

func main() {
	pg := flag.String("pg", "", "address of an empty PostgreSQL database (postgres://…)")
	corpus := flag.String("corpus", "../shared/corpus/docs.jsonl.gz", "JSON Lines corpus (.jsonl or .jsonl.gz)")
	queries := flag.String("queries", "bench/queries.txt", "file of queries, one per line")
	runs := flag.Int("runs", 3, "timed passes over the list")
	keep := flag.String("sqlite", "", "SQLite data folder to import into and keep (default: a temporary one)")
	only := flag.String("only", "", `measure one store alone: "sqlite" or "postgres"`)
	flag.Parse()
	if err := run(os.Stdout, *pg, *corpus, *queries, *runs, *keep, *only); err != nil {
		fmt.Fprintln(os.Stderr, "storecompare:", err)
		os.Exit(1)
	}
}

func run(w io.Writer, pgURL, corpus, queries string, runs int, keep, only string) error {
	if pgURL == "" && only != "sqlite" {
		return fmt.Errorf("--pg is required")
	}
	qs, err := readLines(queries)
	if err != nil {
		return err
	}
	ctx := context.Background()
	type named struct {
		name string
		db   store
	}
	var stores []named
	var lite *sqlite.DB
	if only != "postgres" {
		dir := keep
		if dir == "" {
			tmp, err := os.MkdirTemp("", "storecompare-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			dir = tmp
		}
		var err error
		if lite, err = sqlite.Open(dir); err != nil {
			return err
		}
		stores = append(stores, named{"SQLite", lite})
	}
	if only != "sqlite" {
		pgdb, err := postgres.Open(ctx, pgURL)
		if err != nil {
			return err
		}
		stores = append(stores, named{"PostgreSQL", pgdb})
	}
	fmt.Fprintf(w, "| store | documents | import s | documents/s | search p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|---|---|\n")
	for _, s := range stores {
		defer s.db.Close()
		if n, err := s.db.CountDocuments(ctx); err != nil {
			return err
		} else if n > 0 {
			// Imported before: search alone is measured.
			if err := measureSearch(w, ctx, s.name, s.db, n, 0, qs, runs); err != nil {
				return err
			}
			continue
		}
		start := time.Now()
		// As wengao import does SQLite's: bulk settings, then merged.
		if s.name == "SQLite" {
			if err := lite.SetBulkLoad(ctx, true); err != nil {
				return err
			}
		}
		sum, err := (&importer.Importer{Service: s.db}).Run(ctx, []string{corpus})
		if err != nil {
			return fmt.Errorf("%s: import: %w", s.name, err)
		}
		if s.name == "SQLite" {
			if err := lite.SetBulkLoad(ctx, false); err != nil {
				return err
			}
			if err := lite.Optimize(ctx); err != nil {
				return err
			}
		}
		took := time.Since(start)
		n, err := s.db.CountDocuments(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s: imported %d (%+v) in %s\n", s.name, n, sum.Imported, took)
		if err := measureSearch(w, ctx, s.name, s.db, n, took, qs, runs); err != nil {
			return err
		}
	}
	return nil
}

// measureSearch measures db's searches, rankings not cached, and prints
// its row of the table (the import's columns empty when took is 0).
func measureSearch(w io.Writer, ctx context.Context, name string, db store, n int, took time.Duration, qs []string, runs int) error {
	l := search.DefaultLimits
	l.NoCache = true
	db.SetSearchLimits(l)
	times, err := measure(ctx, db, qs, runs)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	imp := "| – | –"
	if took > 0 {
		imp = fmt.Sprintf("| %.1f | %.0f", took.Seconds(), float64(n)/took.Seconds())
	}
	fmt.Fprintf(w, "| %s | %d %s | %.2f | %.2f | %.2f | %.2f |\n", name, n, imp,
		ms(pct(times, 50)), ms(pct(times, 95)), ms(pct(times, 99)), ms(times[len(times)-1]))
	return nil
}

// measure runs every query once, then runs passes of the list, and
// returns the sorted times of the passes.
func measure(ctx context.Context, db wengao.SearchService, qs []string, runs int) ([]time.Duration, error) {
	search := func(q string) error {
		_, err := db.Search(ctx, wengao.SearchRequest{Query: q, Limit: 10})
		return err
	}
	for _, q := range qs {
		if err := search(q); err != nil {
			return nil, fmt.Errorf("%q: %w", q, err)
		}
	}
	var all []time.Duration
	for range runs {
		for _, q := range qs {
			start := time.Now()
			if err := search(q); err != nil {
				return nil, fmt.Errorf("%q: %w", q, err)
			}
			all = append(all, time.Since(start))
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	return all, nil
}

// pct returns the p-th percentile of sorted durations (nearest rank).
func pct(sorted []time.Duration, p float64) time.Duration {
	i := int(p/100*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out, sc.Err()
}
