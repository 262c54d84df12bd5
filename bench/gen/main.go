// Command gen writes the benchmark query files from the test corpus:
//
//	bench/queries.txt                  queries for the latency benchmark
//	bench/relevance/known.tsv          known-item queries (words of a title)
//	bench/relevance/known-trad.tsv     the same in traditional characters
//	bench/relevance/body.tsv           words of one paragraph of a document
//	bench/relevance/mixed.tsv          words of a title plus one word of the text
//
// Run it from the repository root:
//
//	go run ./bench/gen [--corpus ../shared/corpus/docs.jsonl.gz] [--seed 1]
//
// The corpus path defaults to the environment variable CORPUS, else
// ../shared/corpus/docs.jsonl.gz. Output depends only on the corpus and the
// seed. It takes about three minutes and 2.5 GB of memory: without a
// dictionary, the words are found by the statistics of every Han n-gram of
// the corpus (see package bench/internal/corpus).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/longbridgeapp/opencc"
	"github.com/wengao/wengao/bench/internal/corpus"
)

func main() {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	path := fs.String("corpus", corpus.Path(), "corpus file (env CORPUS)")
	out := fs.String("out", "bench", "output folder (the bench folder of the repository)")
	seed := fs.Uint64("seed", 1, "random seed")
	nKnown := fs.Int("known", 320, "known-item queries")
	nBody := fs.Int("body", 240, "body queries")
	nMixed := fs.Int("mixed", 200, "mixed queries (title and body words)")
	fs.Parse(os.Args[1:])
	if err := run(*path, *out, *seed, *nKnown, *nBody, *nMixed); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// gen holds the corpus and what is derived from it.
type gen struct {
	docs  []*corpus.Doc
	st    *corpus.Stats
	vocab corpus.Vocab           // every word found, for segmentation
	plain map[string]corpus.Word // the words fit to be typed as search words
	s2t   *opencc.OpenCC

	places      map[string]string // full place name → short name
	placeNames  []string          // the keys of places, longest first
	titleCount  map[string]int
	docsByTitle map[string]int
}

func run(path, out string, seed uint64, nKnown, nBody, nMixed int) error {
	start := time.Now()
	logf := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "[%5.1fs] %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
	}
	docs, err := corpus.Load(path)
	if err != nil {
		return err
	}
	logf("loaded %d documents from %s", len(docs), path)
	g := &gen{docs: docs, st: corpus.NewStats(docs), plain: map[string]corpus.Word{}}
	logf("counted n-grams")
	words := g.st.Words(corpus.DefaultWordOptions)
	g.vocab = corpus.NewVocab(words)
	for _, w := range words {
		if corpus.Plain(w) {
			g.plain[w.Text] = w
		}
	}
	logf("found %d words, %d plain", len(words), len(g.plain))
	if g.s2t, err = opencc.New("s2t"); err != nil {
		return err
	}
	g.indexTitles()

	known := g.knownItems(rand.New(rand.NewPCG(seed, 1)), nKnown)
	logf("%d known-item queries", len(known))
	body := g.bodyItems(rand.New(rand.NewPCG(seed, 2)), nBody)
	logf("%d body queries", len(body))
	mixed := g.mixedItems(rand.New(rand.NewPCG(seed, 4)), nMixed)
	logf("%d mixed queries", len(mixed))
	queries := g.queries(rand.New(rand.NewPCG(seed, 3)))
	logf("%d latency queries", len(queries))

	rel := filepath.Join(out, "relevance")
	if err := os.MkdirAll(rel, 0o755); err != nil {
		return err
	}
	var lines, trad []string
	for _, k := range known {
		lines = append(lines, fmt.Sprintf("%s\t%s\t%d", k.query, k.target, k.titleMatches))
		trad = append(trad, fmt.Sprintf("%s\t%s\t%d", g.trad(k.query), k.target, k.titleMatches))
	}
	head := "# query\ttarget id\tdocuments whose title holds every word (see bench/README.md)"
	if err := writeLines(filepath.Join(rel, "known.tsv"), head, lines); err != nil {
		return err
	}
	if err := writeLines(filepath.Join(rel, "known-trad.tsv"), head, trad); err != nil {
		return err
	}
	lines = nil
	for _, b := range body {
		lines = append(lines, fmt.Sprintf("%s\t%s\t%d\t%d", b.query, b.target, b.paragraph, b.matches))
	}
	head = "# query\ttarget id\tparagraph index\tdocuments holding every word (see bench/README.md)"
	if err := writeLines(filepath.Join(rel, "body.tsv"), head, lines); err != nil {
		return err
	}
	lines = nil
	for _, m := range mixed {
		lines = append(lines, fmt.Sprintf("%s\t%s\t%d", m.query, m.target, m.matches))
	}
	head = "# query\ttarget id\tdocuments holding every word (see bench/README.md)"
	if err := writeLines(filepath.Join(rel, "mixed.tsv"), head, lines); err != nil {
		return err
	}
	if err := writeLines(filepath.Join(out, "queries.txt"), "", queries); err != nil {
		return err
	}
	logf("wrote %s and %s", filepath.Join(out, "queries.txt"), rel)
	return nil
}

// trad converts simplified text to traditional characters.
func (g *gen) trad(s string) string {
	t, err := g.s2t.Convert(s)
	if err != nil {
		return s
	}
	return t
}

func writeLines(path, head string, lines []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if head != "" {
		fmt.Fprintln(w, head)
	}
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// df returns the number of documents holding s: exact for up to five Han
// characters, else the smallest count of its words (an upper bound).
func (g *gen) df(s string) int {
	rs := []rune(s)
	if len(rs) <= corpus.MaxWord+1 && corpus.AllHan(s) {
		return g.st.DF(s)
	}
	best := len(g.docs)
	for _, run := range corpus.HanRuns(s) {
		for _, w := range g.vocab.Segment(run) {
			if len([]rune(w)) >= 2 {
				best = min(best, g.st.DF(w))
			}
		}
	}
	return best
}

// segment splits text into words: Han runs by the vocabulary, other runs of
// letters and digits whole.
func (g *gen) segment(s string) []string {
	var out []string
	for _, run := range corpus.HanRuns(s) {
		out = append(out, g.vocab.Segment(run)...)
	}
	return out
}

// pick returns k distinct random elements of list, in their list order.
func pick[T any](rng *rand.Rand, list []T, k int) []T {
	if k > len(list) {
		k = len(list)
	}
	idx := rng.Perm(len(list))[:k]
	slices.Sort(idx)
	out := make([]T, k)
	for i, j := range idx {
		out[i] = list[j]
	}
	return out
}

func runeLen(s string) int { return len([]rune(s)) }

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
