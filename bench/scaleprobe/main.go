// Command scaleprobe helps bench/scale.sh measure a library of any size.
//
//	scaleprobe queries -corpus FILE [-n 50] [-sample 5000]
//
// prints one- and two-word queries made of the n most common words of the
// library (its two-character index terms by number of documents, counted
// over the first -sample documents): each word alone, and each word with
// the next one.
//
//	scaleprobe pages -corpus FILE -url URL [-articles 50]
//
// measures, against a freshly started `wengao serve` at URL, the first
// (uncached) view of the home page, the rankings, the sitemap and the
// pages of the five largest categories, then of -articles articles picked
// evenly over the file, and prints a Markdown table.
package main

import (
	"bufio"
	"cmp"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/wengao/wengao/chinese"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: scaleprobe queries|pages [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet("scaleprobe "+os.Args[1], flag.ExitOnError)
	corpus := fs.String("corpus", "", "the JSON Lines file imported (.jsonl or .jsonl.gz)")
	n := fs.Int("n", 50, "common words")
	sample := fs.Int("sample", 5000, "documents read to count words")
	base := fs.String("url", "", "server to measure")
	articles := fs.Int("articles", 50, "articles viewed once each")
	fs.Parse(os.Args[2:])
	var err error
	switch os.Args[1] {
	case "queries":
		err = commonQueries(os.Stdout, *corpus, *n, *sample)
	case "pages":
		err = pages(os.Stdout, *corpus, strings.TrimRight(*base, "/"), *articles)
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "scaleprobe:", err)
		os.Exit(1)
	}
}

type record struct {
	ID       string          `json:"id"`
	Title    string          `json:"title"`
	Category string          `json:"category"`
	Body     json.RawMessage `json:"body"`
}

// eachRecord calls fn with each record of the file, in order, until fn
// returns false.
func eachRecord(path string, fn func(i int, r *record) bool) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReaderSize(f, 1<<20)
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return err
		}
		defer zr.Close()
		r = zr
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for i := 0; sc.Scan(); {
		var rec record
		if json.Unmarshal(sc.Bytes(), &rec) != nil {
			continue
		}
		if !fn(i, &rec) {
			return nil
		}
		i++
	}
	return sc.Err()
}

func commonQueries(w io.Writer, path string, n, sample int) error {
	df := map[string]int{}
	err := eachRecord(path, func(i int, r *record) bool {
		var body string
		if json.Unmarshal(r.Body, &body) != nil {
			var paras []string
			json.Unmarshal(r.Body, &paras)
			body = strings.Join(paras, "\n")
		}
		seen := map[string]bool{}
		for _, t := range strings.Fields(chinese.IndexTokens(r.Title + "\n" + body)) {
			if utf8.RuneCountInString(t) == 2 && !seen[t] && isHan(t) {
				seen[t] = true
				df[t]++
			}
		}
		return i+1 < sample
	})
	if err != nil {
		return err
	}
	words := make([]string, 0, len(df))
	for t := range df {
		words = append(words, t)
	}
	slices.SortFunc(words, func(a, b string) int {
		if c := cmp.Compare(df[b], df[a]); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	words = words[:min(n, len(words))]
	for _, t := range words {
		fmt.Fprintln(w, t)
	}
	for i, t := range words {
		fmt.Fprintln(w, t+" "+words[(i+1)%len(words)])
	}
	return nil
}

func isHan(s string) bool {
	for _, r := range s {
		if r < 0x3400 {
			return false
		}
	}
	return true
}

func pages(w io.Writer, path, base string, articles int) error {
	if base == "" {
		return fmt.Errorf("-url is required")
	}
	// The ids of the articles, evenly over the file, and the categories.
	var ids []string
	cats := map[string]int{}
	total := 0
	if err := eachRecord(path, func(i int, r *record) bool {
		total++
		if top, _, _ := strings.Cut(strings.Trim(r.Category, "/"), "/"); top != "" {
			cats[top]++
		}
		return true
	}); err != nil {
		return err
	}
	step := max(1, total/max(articles, 1))
	if err := eachRecord(path, func(i int, r *record) bool {
		if i%step == step/2 && len(ids) < articles && r.ID != "" {
			ids = append(ids, r.ID)
		}
		return len(ids) < articles
	}); err != nil {
		return err
	}
	var top []string
	for c := range cats {
		top = append(top, c)
	}
	slices.SortFunc(top, func(a, b string) int { return cmp.Compare(cats[b], cats[a]) })
	top = top[:min(5, len(top))]

	client := &http.Client{Timeout: 5 * time.Minute}
	get := func(p string) (time.Duration, error) {
		t := time.Now()
		resp, err := client.Get(base + p)
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		d := time.Since(t)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: %s", p, resp.Status)
		}
		return d, err
	}
	fmt.Fprintln(w, "| page | first view ms | second view ms |")
	fmt.Fprintln(w, "| --- | ---: | ---: |")
	listPages := []string{"/", "/rank", "/sitemap.xml"}
	for _, c := range top {
		listPages = append(listPages, "/category/"+url.PathEscape(c))
	}
	for _, p := range listPages {
		first, err := get(p)
		if err != nil {
			return err
		}
		second, err := get(p)
		if err != nil {
			return err
		}
		label, _ := url.PathUnescape(p)
		fmt.Fprintf(w, "| `%s` | %.1f | %.1f |\n", label, ms(first), ms(second))
	}
	var views []time.Duration
	for _, id := range ids {
		d, err := get("/doc/" + url.PathEscape(id))
		if err != nil {
			return err
		}
		views = append(views, d)
	}
	if len(views) > 0 {
		slices.Sort(views)
		fmt.Fprintf(w, "| first view of %d articles (p50 / p95 / max) | %.1f / %.1f / %.1f | |\n",
			len(views), ms(views[len(views)/2]), ms(views[min(len(views)-1, len(views)*95/100)]), ms(views[len(views)-1]))
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
