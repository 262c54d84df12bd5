// Command equivgen writes the evaluation sets of how writers type (issue
// 15) from the test corpus, with a fixed seed:
//
//	bench/relevance/docnum.tsv   a document's own 发文字号 typed with any brackets, 号 or not
//	bench/relevance/abbrev.tsv   an issuer's abbreviation plus a word of the title
//	bench/relevance/article.tsv  <law> 第N条, N in Arabic numerals (third column: the article's paragraph)
//	bench/relevance/fuzzy.tsv    a title without its issuer, with one word added, dropped or changed
//
// Run it from the repository root (a few seconds):
//
//	go run ./bench/equivgen [--corpus ../shared/corpus/docs.jsonl.gz] [--seed 15]
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wengao/wengao/bench/internal/corpus"
	"github.com/wengao/wengao/chinese"
)

func main() {
	fs := flag.NewFlagSet("equivgen", flag.ExitOnError)
	path := fs.String("corpus", corpus.Path(), "corpus file (env CORPUS)")
	out := fs.String("out", "bench/relevance", "output folder")
	seed := fs.Uint64("seed", 15, "random seed")
	n := fs.Int("n", 150, "queries per set (fewer when the corpus has fewer)")
	fs.Parse(os.Args[1:])
	if err := run(*path, *out, *seed, *n); err != nil {
		fmt.Fprintln(os.Stderr, "equivgen:", err)
		os.Exit(1)
	}
}

type row struct{ query, target, extra string }

func run(path, out string, seed uint64, n int) error {
	docs, err := corpus.Load(path)
	if err != nil {
		return err
	}
	g := &gen{docs: docs, titles: map[string]int{}}
	for _, d := range docs {
		g.titles[d.Title]++
	}
	sets := []struct {
		name, header string
		make         func(*rand.Rand, int) []row
	}{
		{"docnum", "# query\ttarget id\tthe 发文字号 as printed", g.docnums},
		{"abbrev", "# query\ttarget id\tthe title", g.abbrevs},
		{"article", "# query\ttarget id\tparagraph index of the article", g.articles},
		{"fuzzy", "# query\ttarget id\tthe title", g.fuzzy},
	}
	for i, s := range sets {
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		rows := s.make(rng, n)
		if err := write(filepath.Join(out, s.name+".tsv"), s.header, rows); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "%s: %d queries\n", s.name, len(rows))
	}
	return nil
}

func write(path, header string, rows []row) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, header)
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%s\t%s\n", r.query, r.target, r.extra)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

type gen struct {
	docs   []*corpus.Doc
	titles map[string]int // title → documents holding it
}

// pick returns up to n of the candidates, in a random order.
func pick[T any](rng *rand.Rand, cands []T, n int) []T {
	rng.Shuffle(len(cands), func(i, j int) { cands[i], cands[j] = cands[j], cands[i] })
	return cands[:min(n, len(cands))]
}

// A document's own 发文字号: a line of its first paragraphs that is one.
var reOwnNumber = regexp.MustCompile(`^[（(]?(\p{Han}{1,10})〔((?:19|20)\d\d)〕(\d{1,4})号[）)]?$`)

func (g *gen) docnums(rng *rand.Rand, n int) []row {
	own := map[string][]*corpus.Doc{}
	for _, d := range g.docs {
		for _, p := range d.Paragraphs()[:min(8, len(d.Paragraphs()))] {
			if m := reOwnNumber.FindStringSubmatch(strings.TrimSpace(p)); m != nil {
				own[m[1]+"〔"+m[2]+"〕"+m[3]+"号"] = append(own[m[1]+"〔"+m[2]+"〕"+m[3]+"号"], d)
				break
			}
		}
	}
	var keys []string
	for k, ds := range own {
		if len(ds) == 1 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	brackets := [][2]string{{"[", "]"}, {"(", ")"}, {"（", "）"}, {"【", "】"}, {"〔", "〕"}, {"［", "］"}}
	var rows []row
	for _, k := range pick(rng, keys, n) {
		m := reOwnNumber.FindStringSubmatch(k)
		b := brackets[rng.IntN(len(brackets))]
		q := m[1] + b[0] + m[2] + b[1] + m[3]
		if rng.IntN(4) > 0 {
			q += "号"
		}
		rows = append(rows, row{q, own[k][0].ID, k})
	}
	return rows
}

// issuerEnd returns where the issuer of a title ends (before 关于), or -1.
func issuerEnd(title string) int {
	i := strings.Index(title, "关于")
	if i <= 0 || utf8.RuneCountInString(title[:i]) > 30 {
		return -1
	}
	return i
}

func (g *gen) abbrevs(rng *rand.Rand, n int) []row {
	abbrs := chinese.BuiltinAbbreviations()
	slices.SortFunc(abbrs, func(a, b chinese.Abbreviation) int { return len(b.Full) - len(a.Full) })
	type cand struct {
		d            *corpus.Doc
		issuer, rest string
	}
	var cands []cand
	for _, d := range g.docs {
		i := issuerEnd(d.Title)
		if i < 0 || g.titles[d.Title] > 1 {
			continue
		}
		issuer := d.Title[:i]
		for _, a := range abbrs {
			if strings.Contains(issuer, a.Full) && utf8.RuneCountInString(a.Short) >= 2 {
				cands = append(cands, cand{d, strings.Replace(issuer, a.Full, a.Short, 1), d.Title[i+len("关于"):]})
				break
			}
		}
	}
	var rows []row
	for _, c := range pick(rng, cands, len(cands)) {
		word := g.topicWord(rng, c.d, c.rest, c.issuer)
		if word == "" {
			continue
		}
		rows = append(rows, row{c.issuer + " " + word, c.d.ID, c.d.Title})
		if len(rows) == n {
			break
		}
	}
	return rows
}

// reWordBreak splits a title into the words a writer would pick from it.
var reWordBreak = regexp.MustCompile(`[的和与及、，《》〈〉（）()“”]|关于|若干|问题|有关`)

// topicWord returns a word of rest (2 to 8 Han characters between the
// title's function words) that no other title of the issuer holds, or "".
func (g *gen) topicWord(rng *rand.Rand, d *corpus.Doc, rest, issuer string) string {
	var words []string
	for _, w := range reWordBreak.Split(rest, -1) {
		if n := utf8.RuneCountInString(w); n >= 2 && n <= 8 && corpus.AllHan(w) {
			words = append(words, w)
		}
	}
	issuerFull := strings.Split(d.Title, "关于")[0]
	for _, i := range rng.Perm(len(words)) {
		w := words[i]
		unique := true
		for _, o := range g.docs {
			if o != d && strings.Contains(o.Title, w) && strings.Contains(o.Title, issuerFull) {
				unique = false
				break
			}
		}
		if unique {
			return w
		}
	}
	return ""
}

var reArticleLine = regexp.MustCompile(`^第([零〇一二三四五六七八九十百千]{1,8})条[\s　]`)

func (g *gen) articles(rng *rand.Rand, n int) []row {
	var cands []*corpus.Doc
	for _, d := range g.docs {
		if g.titles[d.Title] == 1 && strings.HasPrefix(d.Title, "中华人民共和国") && !strings.Contains(d.Title, "关于") {
			cands = append(cands, d)
		}
	}
	var rows []row
	for _, d := range pick(rng, cands, len(cands)) {
		arts := map[int]int{} // number → paragraph
		for i, p := range d.Paragraphs() {
			if m := reArticleLine.FindStringSubmatch(p); m != nil {
				if k, ok := chinese.ParseChineseNumber(m[1]); ok {
					if _, dup := arts[k]; !dup {
						arts[k] = i
					}
				}
			}
		}
		if len(arts) < 5 {
			continue
		}
		nums := make([]int, 0, len(arts))
		for k := range arts {
			nums = append(nums, k)
		}
		slices.Sort(nums)
		k := nums[rng.IntN(len(nums))]
		name := strings.TrimPrefix(d.Title, "中华人民共和国")
		rows = append(rows, row{name + " 第" + strconv.Itoa(k) + "条", d.ID, strconv.Itoa(arts[k])})
		if len(rows) == n {
			break
		}
	}
	return rows
}

func (g *gen) fuzzy(rng *rand.Rand, n int) []row {
	type cand struct {
		d    *corpus.Doc
		rest string
	}
	restCount := map[string]int{}
	var cands []cand
	for _, d := range g.docs {
		i := issuerEnd(d.Title)
		if i < 0 {
			continue
		}
		rest := d.Title[i:]
		restCount[rest]++
		if utf8.RuneCountInString(rest) >= 8 {
			cands = append(cands, cand{d, rest})
		}
	}
	var rows []row
	for _, c := range pick(rng, cands, len(cands)) {
		if restCount[c.rest] > 1 {
			continue // the issuer told them apart
		}
		rows = append(rows, row{edit(rng, c.rest), c.d.ID, c.d.Title})
		if len(rows) == n {
			break
		}
	}
	return rows
}

// reParen is a parenthesised part of a title: （一）, （试行）, （第九批）.
var reParen = regexp.MustCompile(`（[^（）]{1,6}）`)

// edit changes one word of a title as a writer remembering it would.
func edit(rng *rand.Rand, s string) string {
	var edits []func(string) string
	if strings.Contains(s, "若干") {
		edits = append(edits, func(s string) string { return strings.Replace(s, "若干", "", 1) })
	}
	if reParen.MatchString(s) {
		edits = append(edits, func(s string) string { return reParen.ReplaceAllString(s, "") })
	}
	for _, p := range [][2]string{{"修改", "修正"}, {"修正", "修改"}, {"规定", "办法"}, {"意见", "通知"}, {"批复", "答复"}, {"决定", "决议"}} {
		if strings.Contains(s, p[0]) {
			edits = append(edits, func(s string) string { return strings.Replace(s, p[0], p[1], 1) })
		}
	}
	if strings.HasPrefix(s, "关于") && !strings.Contains(s, "进一步") {
		edits = append(edits, func(s string) string { return "关于进一步" + strings.TrimPrefix(s, "关于") })
	}
	if i := strings.LastIndex(s, "的"); i > 0 {
		edits = append(edits, func(s string) string { return s[:i] + "的有关" + s[i+len("的"):] })
	}
	if len(edits) == 0 {
		edits = append(edits, func(s string) string { return s + "的通知" })
	}
	return edits[rng.IntN(len(edits))](s)
}
