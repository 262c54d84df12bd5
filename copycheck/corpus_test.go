package copycheck

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"math/rand"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/wengao/wengao/search"
	"github.com/wengao/wengao/sharedtest"
)

// memStore is a Store over documents in memory.
type memStore struct {
	mu    sync.Mutex
	cat   search.Catalog
	texts map[int64]search.Text
}

func newMemStore() *memStore { return &memStore{texts: map[int64]search.Text{}} }

func (m *memStore) put(row int64, id, title, date, body string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cat.Lock()
	m.cat.Put(row, search.Meta{ID: id, Title: title, Date: date, Size: utf8.RuneCountInString(body)})
	m.cat.Version++
	m.cat.Unlock()
	m.texts[row] = search.Text{Row: row, ID: id, Title: title, Date: date, Body: body}
}

func (m *memStore) drop(row int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cat.Lock()
	m.cat.Drop(row)
	m.cat.Version++
	m.cat.Unlock()
	delete(m.texts, row)
}

func (m *memStore) Catalog(context.Context) (*search.Catalog, error) { return &m.cat, nil }

func (m *memStore) Texts(_ context.Context, rows []int64) ([]search.Text, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []search.Text
	for _, r := range rows {
		if t, ok := m.texts[r]; ok {
			out = append(out, t)
		}
	}
	return out, nil
}

type corpusDoc struct {
	ID, Title, Date, Body string
}

var (
	corpusOnce sync.Once
	corpusDocs []corpusDoc
	corpusErr  error
)

// readCorpus reads the shared corpus (skipping the test without it).
func readCorpus(tb testing.TB) []corpusDoc {
	path, ok := sharedtest.Find("corpus/docs.jsonl.gz")
	if !ok {
		sharedtest.Missing(tb, "no corpus")
	}
	corpusOnce.Do(func() {
		f, err := os.Open(path)
		if err != nil {
			corpusErr = err
			return
		}
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			corpusErr = err
			return
		}
		sc := bufio.NewScanner(zr)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			var d corpusDoc
			if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
				corpusErr = err
				return
			}
			corpusDocs = append(corpusDocs, d)
		}
		corpusErr = sc.Err()
	})
	if corpusErr != nil {
		tb.Fatal(corpusErr)
	}
	return corpusDocs
}

// sentences splits a paragraph after each 。！？；.
func sentences(p string) []string {
	var out []string
	start := 0
	for i, r := range p {
		if strings.ContainsRune("。！？；", r) {
			end := i + utf8.RuneLen(r)
			out = append(out, p[start:end])
			start = end
		}
	}
	if start < len(p) {
		out = append(out, p[start:])
	}
	return out
}

// keyString is the keys of s as a string.
func keyString(s string) string { return string(textKeys(s, nil).keys) }

// windowSet holds the hashes of every run of freshWindow keys of the
// library, to tell fresh sentences (sharing none) from those the library
// happens to hold.
const freshWindow = 8

func windowHashes(keys []rune, fn func(uint64)) {
	for i := 0; i+freshWindow <= len(keys); i++ {
		h := uint64(14695981039346656037)
		for _, r := range keys[i : i+freshWindow] {
			h ^= uint64(r)
			h *= 1099511628211
		}
		fn(h)
	}
}

type truth struct {
	start, end int // runes in the draft
	doc        string
	keys       string // the keys of the original passage
}

// edit changes a passage lightly: punctuation changed, a character swapped
// every ~25, a 的 inserted or dropped.
func edit(rng *rand.Rand, s string) string {
	rs := []rune(s)
	var out []rune
	for i, r := range rs {
		switch {
		case r == '，' && rng.Intn(2) == 0:
			r = '、'
		case r == '的' && rng.Intn(2) == 0:
			continue
		case i > 0 && i%25 == 12 && r >= 0x4E00 && r <= 0x9FFF:
			r = []rune("甲乙丙丁戊己庚辛壬癸")[rng.Intn(10)]
		}
		out = append(out, r)
		if i%30 == 17 && r >= 0x4E00 && r <= 0x9FFF {
			out = append(out, '的')
		}
	}
	return string(out)
}

// buildDrafts makes n drafts of about 5,000 characters: passages of
// indexed documents (verbatim, lightly edited, or two sentences swapped)
// between paragraphs of fresh sentences from held-out documents that share
// no run of freshWindow keys with the library.
func buildDrafts(rng *rand.Rand, n int, lib, held []corpusDoc, libWindows []uint64) ([]string, [][]truth, []int) {
	isLib := func(s string) bool {
		found := false
		windowHashes([]rune(keyString(s)), func(h uint64) {
			if !found {
				_, found = slices.BinarySearch(libWindows, h)
			}
		})
		return found
	}
	var drafts []string
	var truths [][]truth
	var fresh []int
	for d := 0; d < n; d++ {
		var b strings.Builder
		var ts []truth
		freshChars := 0
		runes := 0
		write := func(s string) {
			b.WriteString(s)
			runes += utf8.RuneCountInString(s)
		}
		for runes < 5000 {
			if rng.Intn(3) == 0 { // a copied passage
				doc := lib[rng.Intn(len(lib))]
				paras := strings.Split(doc.Body, "\n")
				p := paras[rng.Intn(len(paras))]
				ss := sentences(p)
				if len(ss) == 0 {
					continue
				}
				k := rng.Intn(len(ss))
				passage := ss[k]
				if k+1 < len(ss) && rng.Intn(2) == 0 {
					passage += ss[k+1]
				}
				if n := utf8.RuneCountInString(passage); n < 20 || n > 300 || len([]rune(keyString(passage))) < 18 {
					continue
				}
				var parts []string
				switch rng.Intn(3) {
				case 0:
					parts = []string{passage}
				case 1:
					parts = []string{edit(rng, passage)}
				default:
					if k+1 < len(ss) && utf8.RuneCountInString(ss[k+1]) >= 20 && utf8.RuneCountInString(ss[k]) >= 20 {
						parts = []string{ss[k+1], ss[k]} // reordered
					} else {
						parts = []string{passage}
					}
				}
				for _, part := range parts {
					orig := part
					ts = append(ts, truth{start: runes, end: runes + utf8.RuneCountInString(part), doc: doc.ID, keys: keyString(orig)})
					write(part)
				}
				if rng.Intn(2) == 0 {
					write("\n")
				}
				continue
			}
			doc := held[rng.Intn(len(held))]
			paras := strings.Split(doc.Body, "\n")
			ss := sentences(paras[rng.Intn(len(paras))])
			wrote := false
			for _, s := range ss {
				if utf8.RuneCountInString(s) < 8 || isLib(s) {
					continue
				}
				write(s)
				freshChars += utf8.RuneCountInString(strings.TrimSpace(s))
				wrote = true
			}
			if wrote {
				write("\n")
			}
		}
		drafts = append(drafts, b.String())
		truths = append(truths, ts)
		fresh = append(fresh, freshChars)
	}
	return drafts, truths, fresh
}

// corpusLibrary indexes the corpus less a held-out tenth (with holdOut;
// else all of it, the tenth returned all the same).
func corpusLibrary(tb testing.TB, rng *rand.Rand, limit int, holdOut bool) (*Checker, *memStore, []corpusDoc, []corpusDoc) {
	docs := slices.Clone(readCorpus(tb))
	rng.Shuffle(len(docs), func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
	nHeld := len(docs) / 10
	held, lib := docs[:nHeld], docs[nHeld:]
	if !holdOut {
		lib = docs
	}
	if limit > 0 && len(lib) > limit {
		lib = lib[:limit]
	}
	st := newMemStore()
	for i, d := range lib {
		st.put(int64(i+1), d.ID, d.Title, d.Date, d.Body)
	}
	c := New(st, Options{})
	if err := c.Build(context.Background()); err != nil {
		tb.Fatal(err)
	}
	return c, st, lib, held
}

func TestCorpusAccuracy(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("a check of quality: minutes of indexing under the race detector")
	}
	rng := rand.New(rand.NewSource(17))
	c, _, lib, held := corpusLibrary(t, rng, 0, true)
	var libWindows []uint64
	for _, d := range lib {
		windowHashes(textKeys(d.Body, nil).keys, func(h uint64) { libWindows = append(libWindows, h) })
	}
	slices.Sort(libWindows)
	libWindows = slices.Compact(libWindows)
	drafts, truths, freshChars := buildDrafts(rng, 30, lib, held, libWindows)
	var reported, correct, inserted, found, freshTotal, freshCopied int
	var insertedDistinct, foundDistinct, freshInFalse int
	for d, text := range drafts {
		r, err := c.CheckDraft(context.Background(), text)
		if err != nil {
			t.Fatal(err)
		}
		ts := truths[d]
		inTruth := make([]bool, utf8.RuneCountInString(text))
		for _, tr := range ts {
			for i := tr.start; i < tr.end; i++ {
				inTruth[i] = true
			}
		}
		for _, p := range r.Passages {
			reported++
			over := 0
			for i := p.Start; i < p.End; i++ {
				if inTruth[i] {
					over++
				}
			}
			if over*2 >= p.End-p.Start {
				correct++
			} else {
				t.Logf("draft %d: false passage %d-%d %q from %s", d, p.Start, p.End, runeSlice(text, p.Start, p.End), p.DocumentID)
			}
		}
		inPassage := make([]bool, len(inTruth))
		for _, p := range r.Passages {
			for i := p.Start; i < p.End; i++ {
				inPassage[i] = true
			}
		}
		for _, tr := range ts {
			inserted++
			cov, n := 0, 0
			for i, rn := range []rune(text)[tr.start:tr.end] {
				if rn == ' ' || rn == '\n' {
					continue
				}
				n++
				if inPassage[tr.start+i] {
					cov++
				}
			}
			ok := cov*4 >= n*3 && sourceFound(r.Passages, tr)
			distinct := c.distinctive(tr.keys)
			if distinct {
				insertedDistinct++
			}
			if ok {
				found++
				if distinct {
					foundDistinct++
				}
			} else if distinct {
				t.Logf("draft %d: missed %d-%d %q (%s, covered %d/%d)", d, tr.start, tr.end, runeSlice(text, tr.start, tr.end), tr.doc, cov, n)
			}
		}
		// Fresh characters reported as copied.
		runes := []rune(text)
		for i, rn := range runes {
			if !inTruth[i] && rn != '\n' && inPassage[i] {
				freshCopied++
			}
		}
		for _, p := range r.Passages {
			over := 0
			for i := p.Start; i < p.End; i++ {
				if inTruth[i] {
					over++
				}
			}
			if over*2 < p.End-p.Start {
				freshInFalse += p.End - p.Start - over
			}
		}
		freshTotal += freshChars[d]
	}
	precision := float64(correct) / float64(max(reported, 1))
	recallAll := float64(found) / float64(max(inserted, 1))
	recall := float64(foundDistinct) / float64(max(insertedDistinct, 1))
	freshShare := float64(freshCopied) / float64(max(freshTotal, 1))
	t.Logf("%d drafts, %d documents: %d passages inserted (%d distinctive), %d reported; precision %.3f, recall %.3f of distinctive passages (%.3f of all); fresh text %.4f copied (%d of %d characters, %d in false passages)",
		len(drafts), len(lib), inserted, insertedDistinct, reported, precision, recall, recallAll, freshShare, freshCopied, freshTotal, freshInFalse)
	if precision < 0.95 {
		t.Errorf("precision = %.3f, want ≥ 0.95", precision)
	}
	if recall < 0.95 {
		t.Errorf("recall = %.3f, want ≥ 0.95", recall)
	}
	if freshShare > 0.02 {
		t.Errorf("fresh text copied = %.4f, want ≤ 0.02", freshShare)
	}
}

// sourceFound reports whether a passage overlapping the truth's span
// names its source, or a document with the same words.
func sourceFound(ps []wengaoPassage, tr truth) bool {
	for _, p := range ps {
		if p.Start >= tr.end || p.End <= tr.start {
			continue
		}
		if p.DocumentID == tr.doc {
			return true
		}
		src := keyString(p.Source)
		tk := []rune(tr.keys)
		for i := 0; i+10 <= len(tk); i += 5 {
			if strings.Contains(src, string(tk[i:i+10])) {
				return true
			}
		}
	}
	return false
}

// distinctive reports whether a passage (its keys) is more than stock
// phrases by the library's own statistics: rare shingles (held by fewer
// documents than the stock threshold) cover at least minRareKeys of its
// keys. Passages made of phrases found in many documents are not meant to
// be reported.
func (c *Checker) distinctive(keys string) bool {
	x := &c.idx
	x.mu.RLock()
	defer x.mu.RUnlock()
	stock := stockDF(x.docs)
	hs := shingles([]rune(keys), nil)
	covered, end := 0, 0
	for i, h := range hs {
		if x.dfOf(h) < stock {
			covered += i + shingleLen - max(i, end)
			end = i + shingleLen
		}
	}
	return covered >= minRareKeys
}

// TestStockPhrasesLearnt checks that phrases every 公文 uses are stock by
// the corpus's own frequencies, and logs the figures of docs/copycheck.md.
func TestStockPhrasesLearnt(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("indexes the corpus")
	}
	rng := rand.New(rand.NewSource(17))
	c, _, lib, _ := corpusLibrary(t, rng, 0, true)
	x := &c.idx
	stock := stockDF(x.docs)
	t.Logf("%d documents; stock from %d documents; %d distinct-shingle slots in the table", len(lib), stock, len(x.df))
	for _, tt := range []struct {
		phrase string
		stock  bool
	}{
		{"深入学习贯彻习近平新时代中国特色社会主义思想", true},
		{"以习近平同志为核心的党中央", true},
		{"进一步加强", true},
		{"取得明显成效", true},
		{"组织编制河湖管理保护方案", false},
		{"取用地下水的单位不得擅自停止使用", false},
	} {
		hs := shingles(textKeys(tt.phrase, nil).keys, nil)
		var dfs []uint32
		rare := 0
		for _, h := range hs {
			df := x.dfOf(h)
			dfs = append(dfs, df)
			if df < stock {
				rare++
			}
		}
		t.Logf("%s: shingle document frequencies %v", tt.phrase, dfs)
		if got := rare == 0; got != tt.stock {
			t.Errorf("%s: stock = %v, want %v (frequencies %v, threshold %d)", tt.phrase, got, tt.stock, dfs, stock)
		}
	}
}
