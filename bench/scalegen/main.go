// Command scalegen writes a large library for scale benchmarks: N documents
// made from the test corpus by recombining runs of paragraphs of several
// documents under a varied title, so that term statistics (common words,
// templated clauses, paragraph lengths, title shapes) stay those of real
// 公文 while the library grows far past the corpus.
//
//	go run ./bench/scalegen -n 1000000 -o /tmp/scale/docs.jsonl.gz
//	wengao import --data /tmp/scale/data /tmp/scale/docs.jsonl.gz
//
// Output depends only on the corpus, N and the seed: document i is made by
// its own random stream, so any prefix of a larger run equals a smaller run.
// A name ending in .gz is compressed (fastest level); "-" writes to standard
// output. Never commit the output: at N = 1,000,000 it is about 15 GB of
// text.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/wengao/wengao/bench/internal/corpus"
)

func main() {
	fs := flag.NewFlagSet("scalegen", flag.ExitOnError)
	path := fs.String("corpus", corpus.Path(), "corpus file (env CORPUS)")
	n := fs.Int("n", 100000, "documents to write")
	out := fs.String("o", "-", "output file (.jsonl or .jsonl.gz), or - for standard output")
	seed := fs.Uint64("seed", 1, "random seed")
	quiet := fs.Bool("quiet", false, "no progress on standard error")
	fs.Parse(os.Args[1:])
	if err := run(*path, *out, *n, *seed, *quiet); err != nil {
		fmt.Fprintln(os.Stderr, "scalegen:", err)
		os.Exit(1)
	}
}

func run(path, out string, n int, seed uint64, quiet bool) error {
	docs, err := corpus.Load(path)
	if err != nil {
		return err
	}
	g := newGenerator(docs, seed)

	var w io.Writer = os.Stdout
	var closers []io.Closer
	if out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		closers = append(closers, f)
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	w = bw
	var zw *gzip.Writer
	if strings.HasSuffix(out, ".gz") {
		zw, _ = gzip.NewWriterLevel(bw, gzip.BestSpeed)
		w = zw
	}

	// Workers make documents in blocks; the writer takes blocks in order.
	const block = 256
	workers := runtime.GOMAXPROCS(0)
	type result struct {
		lines [][]byte
		done  chan struct{}
	}
	jobs := make(chan *result, workers*2)
	go func() {
		defer close(jobs)
		for start := 0; start < n; start += block {
			r := &result{done: make(chan struct{})}
			jobs <- r
			go func(start int) {
				end := min(start+block, n)
				for i := start; i < end; i++ {
					b, _ := json.Marshal(g.make(i))
					r.lines = append(r.lines, b)
				}
				close(r.done)
			}(start)
		}
	}()
	began := time.Now()
	var written, bytes int64
	for r := range jobs {
		<-r.done
		for _, l := range r.lines {
			w.Write(l)
			w.Write([]byte{'\n'})
			bytes += int64(len(l)) + 1
		}
		written += int64(len(r.lines))
		if !quiet && written%(block*200) == 0 {
			el := time.Since(began).Seconds()
			fmt.Fprintf(os.Stderr, "\r%d/%d documents, %.0f MB, %.1f MB/s", written, n, float64(bytes)/1e6, float64(bytes)/1e6/el)
		}
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	for _, c := range closers {
		if err := c.Close(); err != nil {
			return err
		}
	}
	if !quiet {
		fmt.Fprintf(os.Stderr, "\r%d documents, %.1f MB of JSON lines in %s\n", written, float64(bytes)/1e6, time.Since(began).Round(time.Second))
	}
	return nil
}

// generator holds the corpus, split for recombination.
type generator struct {
	seed   uint64
	docs   []*corpus.Doc
	paras  [][]string // each document's non-empty paragraphs
	places []string   // place names that open titles (北京市, 浙江省 …)
}

// placePrefix finds a title's opening place name.
var placePrefix = regexp.MustCompile(`^(\p{Han}{2,7}?(?:自治区|自治州|自治县|特别行政区|省|市|县|区|盟))`)

var yearRe = regexp.MustCompile(`(19|20)\d\d`)

func newGenerator(docs []*corpus.Doc, seed uint64) *generator {
	g := &generator{seed: seed, docs: docs}
	seen := map[string]bool{}
	for _, d := range docs {
		var ps []string
		for _, p := range d.Paragraphs() {
			if strings.TrimSpace(p) != "" {
				ps = append(ps, p)
			}
		}
		g.paras = append(g.paras, ps)
		if m := placePrefix.FindString(d.Title); m != "" && !seen[m] {
			seen[m] = true
			g.places = append(g.places, m)
		}
	}
	return g
}

// Suffixes a writer's office adds to a title, and the forms in which a
// document reissues another.
var suffixes = []string{"实施办法", "实施细则", "（试行）", "（修订）", "的通知", "工作方案", "若干规定", "的意见", "管理办法", "实施方案", "的报告", "的决定"}

// make builds document i: a base document gives the title (varied), the
// category, the source and about its length; runs of paragraphs of the base
// and of two to four other documents make the body, so that two documents
// of one base share well under the near-duplicate threshold.
func (g *generator) make(i int) *corpus.Doc {
	r := rand.New(rand.NewPCG(g.seed, uint64(i)))
	base := r.IntN(len(g.docs))
	for len(g.paras[base]) == 0 {
		base = r.IntN(len(g.docs))
	}
	b := g.docs[base]
	want := len(g.paras[base])
	if want > 400 {
		want = 400
	}

	var body []string
	// The base's opening run keeps the document's own shape (主送, 一、…).
	body = appendRun(body, g.paras[base], 0, max(1, want*(2+r.IntN(4))/10))
	for others := 2 + r.IntN(3); others > 0 && len(body) < want; others-- {
		o := g.paras[r.IntN(len(g.docs))]
		if len(o) == 0 {
			continue
		}
		start := r.IntN(len(o))
		body = appendRun(body, o, start, max(1, (want-len(body))/others))
	}
	for tries := 0; len(body) < want && tries < 8; tries++ {
		ps := g.paras[r.IntN(len(g.docs))]
		if len(ps) > 0 {
			body = appendRun(body, ps, r.IntN(len(ps)), want-len(body))
		}
	}

	return &corpus.Doc{
		ID:       "scale-" + strconv.Itoa(i),
		Title:    g.title(r, b.Title),
		Date:     date(r, b.Date),
		Source:   b.Source,
		Category: b.Category,
		Body:     strings.Join(body, "\n"),
	}
}

// appendRun appends up to n paragraphs of ps from start.
func appendRun(body, ps []string, start, n int) []string {
	end := min(start+n, len(ps))
	return append(body, ps[start:end]...)
}

// title varies a corpus title: another place, another year, a regulation
// reissued under another form (条例 → 实施细则 …); a change in most titles, so that titles repeat about as often as
// in a real library (templated local regulations share whole titles).
func (g *generator) title(r *rand.Rand, t string) string {
	if m := placePrefix.FindString(t); m != "" && len(g.places) > 0 && r.IntN(10) < 7 {
		t = g.places[r.IntN(len(g.places))] + t[len(m):]
	}
	if yearRe.MatchString(t) && r.IntN(2) == 0 {
		y := strconv.Itoa(1995 + r.IntN(32))
		t = yearRe.ReplaceAllLiteralString(t, y)
	}
	if strings.HasSuffix(t, "条例") && r.IntN(4) == 0 {
		t = strings.TrimSuffix(t, "条例") + suffixes[r.IntN(len(suffixes))]
	}
	return t
}

// date keeps a real date's shape and moves it by up to five years.
func date(r *rand.Rand, d string) string {
	if d == "" && r.IntN(3) == 0 {
		return ""
	}
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		t = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(26*365))
	} else {
		t = t.AddDate(0, 0, r.IntN(3650)-1825)
	}
	if t.Year() > 2026 {
		t = t.AddDate(-5, 0, 0)
	}
	return t.Format("2006-01-02")
}
