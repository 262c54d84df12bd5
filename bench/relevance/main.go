// Command relevance measures search ranking on the evaluation sets of this
// folder (written by go run ./bench/gen from the test corpus):
//
//	known.tsv       words of a document's title, as a writer looking for it types them
//	known-trad.tsv  the same queries in traditional characters (must score the same)
//	body.tsv        distinctive words of one paragraph of a document
//	mixed.tsv       one or two words of a title plus one distinctive word of the text
//
// and the sets of how writers type (issue 15; go run ./bench/equivgen):
//
//	docnum.tsv      a document's own 发文字号 with any brackets, 号 or not
//	abbrev.tsv      an issuer's abbreviation plus a word of the title
//	article.tsv     <law> 第N条 with Arabic N (the hit must point at the article)
//	fuzzy.tsv       a title without its issuer, one word added, dropped or changed
//
// For each set it prints the share of queries whose target ranks first, in
// the top 3 and in the top 10, and the mean reciprocal rank (over the top
// 10). With -v it lists every query whose target is not first. Run it from
// the repository root on a data folder that holds the imported corpus:
//
//	go run ./bench/relevance --data DIR [--set known|known-trad|body|mixed|all] [-v]
//
// It always exits 0 when it could run: it is a measurement, not a test.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/sqlite"
)

// sets are the evaluation sets, in the order they are reported.
var sets = []string{"known", "known-trad", "body", "mixed", "docnum", "abbrev", "article", "fuzzy"}

func main() {
	fs := flag.NewFlagSet("relevance", flag.ExitOnError)
	data := fs.String("data", envOr("WENGAO_DATA", "./wengao-data"), "data folder holding the imported corpus (env WENGAO_DATA)")
	set := fs.String("set", "all", "known, known-trad, body, mixed, docnum, abbrev, article, fuzzy or all")
	dir := fs.String("dir", "bench/relevance", "folder of the .tsv sets")
	verbose := fs.Bool("v", false, "list the queries whose target is not first")
	fs.Parse(os.Args[1:])
	if err := run(os.Stdout, *data, *dir, *set, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, "relevance:", err)
		os.Exit(1)
	}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// item is one query of a set and what it found.
type item struct {
	query, target string
	// matches is the set's third column: the documents whose title holds
	// every word (known) or the paragraph index (body).
	extra []string

	rank      int    // 1-based rank of the target, 0 when not in the top 100
	anchor    string // the target hit's anchor, when on the first page
	first     string // title of the first hit
	firstID   string
	total     int
	tookMS    float64
	targetTtl string
}

// depth is how far a missed target is looked for, to tell "ranked low" from
// "not found".
const depth = 100

func run(w io.Writer, data, dir, which string, verbose bool) error {
	names := sets
	if which != "all" {
		names = []string{which}
	}
	if _, err := os.Stat(filepath.Join(data, sqlite.FileName)); err != nil {
		return fmt.Errorf("no database in %s: import the corpus first (wengao import --data %s ../shared/corpus/docs.jsonl.gz)", data, data)
	}
	db, err := sqlite.Open(data)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx := context.Background()
	n, err := db.CountDocuments(ctx)
	if err != nil {
		return err
	}
	results := map[string][]*item{}
	for _, name := range names {
		items, err := readSet(filepath.Join(dir, name+".tsv"))
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := evaluate(ctx, db, it); err != nil {
				return fmt.Errorf("%s: %q: %w", name, it.query, err)
			}
		}
		results[name] = items
	}

	fmt.Fprintf(w, "Relevance on %d documents (limit 10; MRR over the top 10).\n\n", n)
	fmt.Fprintln(w, "| set | queries | top 1 | top 3 | top 10 | MRR | not found¹ | mean ms |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, name := range names {
		items := results[name]
		row(w, name, items)
		// The parts that ranking decides: several documents match.
		switch name {
		case "known", "known-trad":
			row(w, name+": title shared²", filter(items, func(it *item) bool { return col(it, 0) > 1 }))
		case "body":
			row(w, name+": several match³", filter(items, func(it *item) bool { return col(it, 1) > 1 }))
		case "mixed":
			row(w, name+": several match³", filter(items, func(it *item) bool { return col(it, 0) > 1 }))
		}
	}
	if items := results["article"]; len(items) > 0 {
		right := 0
		for _, it := range items {
			if it.rank > 0 && it.anchor == articleAnchor(it) {
				right++
			}
		}
		fmt.Fprintf(w, "\narticle: the target hit points at the article (anchor) for %d of %d queries.\n", right, len(items))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "¹ target not among the first", depth, "hits. ² more than one title holds every word (the target is the shortest). ³ more than one document holds every word.")

	if k, t := results["known"], results["known-trad"]; len(k) > 0 && len(k) == len(t) {
		var diff []int
		for i := range k {
			if k[i].target == t[i].target && (k[i].rank != t[i].rank || k[i].total != t[i].total) {
				diff = append(diff, i)
			}
		}
		fmt.Fprintf(w, "\nTraditional vs simplified: %d of %d known-item queries rank or count differently.\n", len(diff), len(k))
		if verbose {
			for _, i := range diff {
				fmt.Fprintf(w, "  %s (rank %s, %d hits)  vs  %s (rank %s, %d hits)\n",
					k[i].query, rankText(k[i].rank), k[i].total, t[i].query, rankText(t[i].rank), t[i].total)
			}
		}
	}
	if verbose {
		for _, name := range names {
			fmt.Fprintf(w, "\n%s: targets not ranked first\n", name)
			for _, it := range results[name] {
				if it.rank == 1 {
					continue
				}
				first := "(no hits)"
				if it.firstID != "" {
					first = it.first + " (" + it.firstID + ")"
				}
				fmt.Fprintf(w, "  [%s] %s\n      target: %s (%s)\n      first:  %s; %d hits\n",
					rankText(it.rank), it.query, it.targetTtl, it.target, first, it.total)
			}
		}
	}
	return nil
}

func rankText(r int) string {
	if r == 0 {
		return fmt.Sprintf(">%d", depth)
	}
	return strconv.Itoa(r)
}

// col returns the i-th extra column as a number, or 0.
func col(it *item, i int) int {
	if i >= len(it.extra) {
		return 0
	}
	n, _ := strconv.Atoi(it.extra[i])
	return n
}

func filter(items []*item, keep func(*item) bool) []*item {
	var out []*item
	for _, it := range items {
		if keep(it) {
			out = append(out, it)
		}
	}
	return out
}

func row(w io.Writer, name string, items []*item) {
	if len(items) == 0 {
		return
	}
	var top1, top3, top10, missing int
	var mrr, ms float64
	for _, it := range items {
		switch {
		case it.rank == 0:
			missing++
		case it.rank == 1:
			top1++
			fallthrough
		case it.rank <= 3:
			top3++
			fallthrough
		case it.rank <= 10:
			top10++
			mrr += 1 / float64(it.rank)
		}
		ms += it.tookMS
	}
	n := float64(len(items))
	pct := func(k int) string { return fmt.Sprintf("%.1f %%", 100*float64(k)/n) }
	fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %.3f | %s | %.1f |\n", name, len(items), pct(top1), pct(top3), pct(top10), mrr/n, pct(missing), ms/n)
}

// library is what evaluate reads of a store: searches, and the target's
// title when it is not first.
type library interface {
	wengao.SearchService
	FindDocumentByID(ctx context.Context, id string) (*wengao.Document, error)
}

// evaluate runs one query: the first page, then, when the target is not on
// it, the first depth hits to find its rank.
func evaluate(ctx context.Context, db library, it *item) error {
	start := time.Now()
	res, err := db.Search(ctx, wengao.SearchRequest{Query: it.query, Limit: 10})
	if err != nil {
		return err
	}
	it.tookMS = float64(time.Since(start).Microseconds()) / 1000
	it.total = res.Total
	if len(res.Hits) > 0 {
		it.first, it.firstID = res.Hits[0].Title, res.Hits[0].ID
	}
	// A query without exact matches is judged on its approximate hits.
	hits := res.Hits
	if len(hits) == 0 {
		hits = res.ApproximateHits
	}
	if len(res.Hits) == 0 && len(hits) > 0 {
		it.first, it.firstID = hits[0].Title+" (approximate)", hits[0].ID
	}
	for i, h := range hits {
		if h.ID == it.target {
			it.rank, it.anchor = i+1, h.Anchor
			break
		}
	}
	if it.rank == 1 {
		return nil
	}
	if doc, err := db.FindDocumentByID(ctx, it.target); err == nil {
		it.targetTtl = doc.Title
	} else {
		it.targetTtl = "(not in the library: " + wengao.ErrorMessage(err) + ")"
	}
	if it.rank == 0 && res.Total > len(res.Hits) {
		deep, err := db.Search(ctx, wengao.SearchRequest{Query: it.query, Limit: depth})
		if err != nil {
			return err
		}
		for i, h := range deep.Hits {
			if h.ID == it.target {
				it.rank = i + 1
				break
			}
		}
	}
	return nil
}

// readSet reads a set: query TAB target id [TAB extra...] per line; lines
// starting with # are comments.
func readSet(path string) ([]*item, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var items []*item
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if strings.TrimSpace(text) == "" || strings.HasPrefix(text, "#") {
			continue
		}
		cols := strings.Split(text, "\t")
		if len(cols) < 2 {
			return nil, fmt.Errorf("%s line %d: want query TAB target id", path, line)
		}
		items = append(items, &item{query: cols[0], target: cols[1], extra: cols[2:]})
	}
	return items, sc.Err()
}

// articleAnchor is the anchor an article.tsv query's hit must carry: that
// of the paragraph of its third column.
func articleAnchor(it *item) string {
	if len(it.extra) == 0 {
		return "(none)"
	}
	return wengao.ParagraphAnchor(col(it, 0))
}
