// Package copycheck checks a writer's draft against the published library
// (查重): it finds the passages of the draft that are copied, verbatim or
// lightly edited, from published documents, and adds the draft's 公文
// format findings (gongwen.Check). Phrases every 公文 uses are learnt from
// the library's own document frequencies and do not count as copying.
// docs/copycheck.md describes the method and its figures.
package copycheck

import (
	"cmp"
	"context"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
	"github.com/wengao/wengao/gongwen"
	"github.com/wengao/wengao/search"
)

// Tuning of the matching; docs/copycheck.md gives the figures behind each.
const (
	// stockShare: a shingle held by at least one document in stockShare
	// (and by minStockDF documents) is a stock phrase: it neither finds
	// candidates nor counts towards a passage's evidence.
	stockShare = 400
	minStockDF = 20
	// maxPostings: a shingle in more live documents than this finds no
	// candidates (it is stock whatever the table says).
	maxPostings = 4000
	// maxCandidates is the most documents aligned with the draft, those
	// sharing the most rare shingles with it.
	maxCandidates = 300
	// perRegion is how many documents are aligned with each stretch of
	// the draft (exact duplicates and versions of one text).
	perRegion = 2
	// maxSeedsPerShingle bounds the draft positions one shingle seeds
	// (a phrase the draft repeats).
	maxSeedsPerShingle = 16
	// maxGap is the most draft keys between two seeds of one passage:
	// one character changed breaks shingleLen shingles.
	maxGap = 2*shingleLen + 2
	// maxShift is how far a passage may drift between draft and source
	// from one seed to the next (characters inserted or dropped).
	maxShift = 4
	// minPassageKeys is the shortest passage reported, in keys.
	minPassageKeys = 10
	// minRareKeys is the fewest keys of a passage that rare shingles
	// must cover: a passage of stock phrases alone is not copying.
	minRareKeys = 7
	// minSimilarity is the lowest similarity reported.
	minSimilarity = 0.5
)

// Options configure a Checker.
type Options struct {
	// Maskers, when set, give the display masking rules: drafts copied
	// from the site in masked form match, and sources are shown masked.
	Maskers *search.Maskers
	// Background leaves building the index to Build, which a server runs
	// in the background at start-up: until it ends, checks are refused
	// with EUNAVAILABLE instead of building it in the request (minutes
	// at a million documents).
	Background bool
	// Path, when set, is the index file (in the data folder): Build
	// opens it instead of reading the whole library, and writes it when
	// it is missing, damaged or too stale. Without it the index is built
	// into a temporary file, removed once mapped.
	Path string
	// Logger, when set, is told when the index file is opened, found
	// invalid, built or compacted.
	Logger *slog.Logger
}

// Checker checks drafts against a store's published documents. It is
// safe for concurrent use; build its index with Build at start-up (a check
// before then builds it, or fails with EUNAVAILABLE while another call
// builds it).
type Checker struct {
	store Store
	opt   Options
	idx   index

	building sync.Mutex // held by the one call building or compacting the index
	syncing  sync.Mutex // held by the one call bringing it up to date
	log      *slog.Logger

	changedMu sync.Mutex
	changed   map[string]bool
}

// New returns a Checker of the store's documents.
func New(st Store, opt Options) *Checker {
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Checker{store: st, opt: opt, log: log}
}

// Watch subscribes the checker to the store's change notifications, so
// that documents edited in place are indexed again at the next check.
func (c *Checker) Watch(n wengao.ChangeNotifier) {
	n.OnChange(func(ch wengao.Change) {
		if ch.Kind != wengao.ChangeDocuments || len(ch.DocumentIDs) == 0 {
			return
		}
		c.changedMu.Lock()
		if c.changed == nil {
			c.changed = map[string]bool{}
		}
		for _, id := range ch.DocumentIDs {
			c.changed[id] = true
		}
		c.changedMu.Unlock()
	})
}

// Build makes the index ready. A server calls it once at start-up. With
// Options.Path it opens the index file and brings it up to date with the
// library (documents added, changed or removed since it was written);
// when the file is missing, damaged or too stale (the library grew past
// the size its frequency table was made for) it indexes the whole library
// into a new file, the old one, if any, answering checks meanwhile.
// Without a path it indexes the library.
func (c *Checker) Build(ctx context.Context) error {
	c.building.Lock()
	defer c.building.Unlock()
	if c.opt.Path != "" {
		ok, err := c.open(ctx)
		if err != nil {
			return err
		}
		if ok {
			return c.refresh(ctx)
		}
	}
	return c.build(ctx)
}

// build indexes the whole library into a new file and installs it. The
// caller holds c.building.
func (c *Checker) build(ctx context.Context) error {
	start := time.Now()
	b, err := buildFile(ctx, c.store, c.opt.Path, c.log)
	if err != nil && c.opt.Path != "" && errors.Is(err, fs.ErrPermission) {
		// A data folder this process may not write (wengao check run by
		// another user): the index is built for this process only.
		c.log.Warn("copy check index file cannot be written: building a temporary one", "path", c.opt.Path, "err", err)
		b, err = buildFile(ctx, c.store, "", c.log)
	}
	if err != nil {
		return err
	}
	if err := c.idx.install(b.file, b.version, b.gen, b.edits); err != nil {
		b.file.close()
		return err
	}
	c.log.Info("copy check index built", "path", c.opt.Path, "documents", b.file.h.Docs, "bytes", b.file.h.Size, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// open opens and installs the index file, reporting whether it is fit
// for use as it is. A damaged file is reported (and then rebuilt), not
// returned as an error; a stale one is installed, to answer checks until
// its replacement is built. The caller holds c.building.
func (c *Checker) open(ctx context.Context) (bool, error) {
	start := time.Now()
	f, err := openIndexFile(c.opt.Path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		c.log.Warn("copy check index file unusable: rebuilding it", "path", c.opt.Path, "err", err)
		return false, nil
	}
	if err := c.idx.install(f, -1, -1, -1); err != nil {
		f.close()
		c.log.Warn("copy check index file unusable: rebuilding it", "path", c.opt.Path, "err", err)
		return false, nil
	}
	c.log.Info("copy check index file opened", "path", c.opt.Path, "documents", f.h.Docs, "bytes", f.h.Size, "took", time.Since(start).Round(time.Millisecond))
	cat, err := c.store.Catalog(ctx) // waits for the store to load it
	if err != nil {
		return false, err
	}
	cat.RLock()
	n := cat.Len()
	cat.RUnlock()
	if want := dfBits(max(n, int(f.h.Docs))); uint32(want) != f.h.DFBits {
		c.log.Info("copy check index file too stale: rebuilding it, checks use it meanwhile", "path", c.opt.Path, "documents", f.h.Docs, "library", n)
		return false, nil
	}
	// The large sections are checked while the index answers checks: a
	// damaged table cannot crash a check nor give a wrong passage (see
	// file.go), and this reads gigabytes at a million documents.
	if err := f.verify(secDF, secOffsets, secEntries); err != nil {
		c.idx.unload()
		c.log.Warn("copy check index file damaged: rebuilding it", "path", c.opt.Path, "err", err)
		return false, nil
	}
	c.log.Info("copy check index file verified", "took", time.Since(start).Round(time.Millisecond))
	return true, nil
}

// refresh brings the index up to date with the library and compacts it
// when it has grown stale.
func (c *Checker) refresh(ctx context.Context) error {
	c.changedMu.Lock()
	changed := c.changed
	c.changed = nil
	c.changedMu.Unlock()
	c.syncing.Lock()
	defer c.syncing.Unlock()
	if err := c.idx.sync(ctx, c.store, changed); err != nil {
		c.changedMu.Lock()
		for id := range changed {
			if c.changed == nil {
				c.changed = map[string]bool{}
			}
			c.changed[id] = true
		}
		c.changedMu.Unlock()
		return err
	}
	c.idx.mu.RLock()
	stale := c.idx.stale()
	c.idx.mu.RUnlock()
	if stale {
		if c.opt.Background {
			go c.compact(context.WithoutCancel(ctx))
		} else {
			c.compact(ctx)
		}
	}
	return nil
}

// compact rewrites the index file with what was added since (unless a
// build or compaction is running). Checks go on meanwhile.
func (c *Checker) compact(ctx context.Context) {
	if !c.building.TryLock() {
		return
	}
	defer c.building.Unlock()
	c.idx.mu.RLock()
	stale := c.idx.stale()
	c.idx.mu.RUnlock()
	if !stale {
		return
	}
	start := time.Now()
	f, snap, err := c.idx.compactFile(ctx, c.opt.Path)
	if err != nil {
		c.log.Error("compact the copy check index", "err", err)
		return
	}
	c.idx.swap(f, snap)
	c.log.Info("copy check index compacted", "path", c.opt.Path, "documents", f.h.Docs, "bytes", f.h.Size, "took", time.Since(start).Round(time.Millisecond))
}

// Stats returns the size of the passage index.
func (c *Checker) Stats() Stats {
	c.idx.mu.RLock()
	defer c.idx.mu.RUnlock()
	return c.idx.stats()
}

// Ready reports whether the index is built (see wengao.CopyChecker).
func (c *Checker) Ready() bool {
	c.idx.mu.RLock()
	defer c.idx.mu.RUnlock()
	return c.idx.built
}

// ready builds the index if no one has, or reports EUNAVAILABLE while
// someone is (or, in the Background mode, until Build has), then brings it
// up to date.
func (c *Checker) ready(ctx context.Context) error {
	c.idx.mu.RLock()
	built := c.idx.built
	c.idx.mu.RUnlock()
	if !built {
		if c.opt.Background || !c.building.TryLock() {
			return wengao.Errorf(wengao.EUNAVAILABLE, msgIndexBuilding)
		}
		err := func() error {
			defer c.building.Unlock()
			c.idx.mu.RLock()
			built := c.idx.built
			c.idx.mu.RUnlock()
			if built {
				return nil
			}
			if c.opt.Path != "" {
				if ok, err := c.open(ctx); err != nil || ok {
					return err
				}
			}
			return c.build(ctx)
		}()
		if err != nil {
			return err
		}
	}
	return c.refresh(ctx)
}

// CheckDraft checks a draft (see wengao.CopyChecker).
func (c *Checker) CheckDraft(ctx context.Context, text string) (*wengao.CopyReport, error) {
	if err := ValidateDraft(text); err != nil {
		return nil, err
	}
	if err := c.ready(ctx); err != nil {
		return nil, err
	}
	masker, err := c.masker(ctx)
	if err != nil {
		return nil, err
	}
	var unmask func([]rune, []int32) ([]rune, []int32)
	if masker != nil {
		unmask = masker.Unmask
	}
	dk := textKeys(text, unmask)
	found, err := c.passages(ctx, dk, masker)
	if err != nil {
		return nil, err
	}
	return report(text, found), nil
}

func (c *Checker) masker(ctx context.Context) (*chinese.Masker, error) {
	if c.opt.Maskers == nil {
		return nil, nil
	}
	m, _, err := c.opt.Maskers.Masker(ctx)
	return m, err
}

// candidate is a document sharing rare shingles with the draft.
type candidate struct {
	slot uint32
	row  int64
	hits int // rare shingles of its best cluster
}

// passages finds the copied passages of the draft's keys.
func (c *Checker) passages(ctx context.Context, dk keyText, masker *chinese.Masker) ([]wengao.CopiedPassage, error) {
	hs := shingles(dk.keys, nil)
	if len(hs) == 0 {
		return nil, nil
	}
	x := &c.idx
	rare := make([]bool, len(hs))
	at := map[uint32][]int32{} // slot → draft positions of the rare shingles it holds
	x.mu.RLock()
	stock := stockDF(x.docs)
	for i, h := range hs {
		if x.dfOf(h) >= stock {
			continue
		}
		rare[i] = true
		x.postings(h, maxPostings, func(s uint32) {
			at[s] = append(at[s], int32(i))
		})
	}
	// A document's hits fall in clusters, one per passage it may share
	// with the draft. Clusters with the most hits are aligned first, and
	// each stretch of the draft gets at most perRegion documents, so
	// that documents long and close to the draft's subject do not crowd
	// out the sources of short passages elsewhere.
	type cluster struct {
		slot   uint32
		lo, hi int32
		hits   int
	}
	var clusters []cluster
	for s, pos := range at {
		start := 0
		for k := 1; k <= len(pos); k++ {
			if k == len(pos) || pos[k]-pos[k-1] > maxGap+shingleLen {
				clusters = append(clusters, cluster{s, pos[start], pos[k-1], k - start})
				start = k
			}
		}
	}
	slotRow := func(s uint32) int64 { return x.slotRow[s] }
	slices.SortFunc(clusters, func(a, b cluster) int {
		if a.hits != b.hits {
			return b.hits - a.hits
		}
		if a.lo != b.lo {
			return cmp.Compare(a.lo, b.lo)
		}
		return cmp.Compare(a.slot, b.slot)
	})
	taken := make([]uint8, len(hs))
	chosen := map[uint32]bool{}
	var cands []candidate
	for _, cl := range clusters {
		if len(cands) >= maxCandidates {
			break
		}
		if chosen[cl.slot] {
			continue
		}
		need := false
		for i := cl.lo; i <= cl.hi; i++ {
			if taken[i] < perRegion {
				need = true
			}
		}
		if !need {
			continue
		}
		for i := cl.lo; i <= cl.hi; i++ {
			taken[i]++
		}
		chosen[cl.slot] = true
		cands = append(cands, candidate{slot: cl.slot, row: slotRow(cl.slot), hits: cl.hits})
	}
	x.mu.RUnlock()
	if len(cands) > maxCandidates {
		cands = cands[:maxCandidates]
	}
	if len(cands) == 0 {
		return nil, nil
	}
	rows := make([]int64, len(cands))
	for i, cd := range cands {
		rows[i] = cd.row
	}
	texts, err := c.store.Texts(ctx, rows)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(texts, func(a, b search.Text) int { return cmp.Compare(a.Row, b.Row) })

	seeds := make(map[uint32][]int32, len(hs))
	for i, h := range hs {
		if l := seeds[h]; len(l) < maxSeedsPerShingle {
			seeds[h] = append(l, int32(i))
		}
	}
	// Align on every core: the texts are independent.
	workers := min(runtime.GOMAXPROCS(0), len(texts))
	parts := make([][]match, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var scratch alignScratch
			for ti := w; ti < len(texts); ti += workers {
				parts[w] = scratch.align(parts[w], ti, &texts[ti], seeds, rare, dk.keys)
			}
		}(w)
	}
	wg.Wait()
	var found []match
	for _, p := range parts {
		found = append(found, p...)
	}
	slices.SortStableFunc(found, func(a, b match) int {
		if a.text != b.text {
			return a.text - b.text
		}
		return cmp.Compare(a.i0, b.i0)
	})
	return choose(found, texts, dk, masker), nil
}

// match is a passage of the draft found in one text, in keys.
type match struct {
	text        int   // index into the texts
	i0, i1      int32 // draft keys [i0, i1)
	j0, j1      int32 // source keys [j0, j1)
	covered     int   // draft keys covered by shared shingles
	rareCovered int   // … by rare ones
	sourcePos   []int32
	similarity  float64
}

// seed is a shingle shared by draft position i and source position j.
type seed struct{ i, j int32 }

// chain is a passage being grown from seeds.
type chain struct {
	i0, i1, j0, j1     int32 // first and last seed
	coverEnd, rareEnd  int32
	covered, rareCover int
}

type alignScratch struct {
	seeds  []seed
	hs     []uint32
	chains []chain
}

// align finds the passages the draft shares with one text: seeds (shared
// shingles) chained along a diagonal, with gaps for changed characters
// and small shifts for inserted or dropped ones. Each sentence moved
// within a paragraph makes a chain of its own.
func (a *alignScratch) align(out []match, ti int, t *search.Text, at map[uint32][]int32, rare []bool, draft []rune) []match {
	sk := textKeys(t.Body, nil)
	a.hs = shingles(sk.keys, a.hs)
	a.seeds = a.seeds[:0]
	for j, h := range a.hs {
		for _, i := range at[h] {
			a.seeds = append(a.seeds, seed{i, int32(j)})
		}
	}
	if len(a.seeds) == 0 {
		return out
	}
	slices.SortFunc(a.seeds, func(x, y seed) int {
		if x.i != y.i {
			return cmp.Compare(x.i, y.i)
		}
		return cmp.Compare(x.j, y.j)
	})
	a.chains = a.chains[:0]
	done := func(c *chain) {
		i1, j1 := c.i1+shingleLen, c.j1+shingleLen
		// Extend both ends over keys that still agree, stepping over
		// one changed key when the two after it agree.
		i0, j0 := c.i0, c.j0
		for {
			if i0 > 0 && j0 > 0 && draft[i0-1] == sk.keys[j0-1] {
				i0, j0 = i0-1, j0-1
				c.covered++
			} else if i0 > 2 && j0 > 2 && draft[i0-2] == sk.keys[j0-2] && draft[i0-3] == sk.keys[j0-3] {
				i0, j0 = i0-1, j0-1
			} else {
				break
			}
		}
		for {
			if int(i1) < len(draft) && int(j1) < len(sk.keys) && draft[i1] == sk.keys[j1] {
				i1, j1 = i1+1, j1+1
				c.covered++
			} else if int(i1)+2 < len(draft) && int(j1)+2 < len(sk.keys) && draft[i1+1] == sk.keys[j1+1] && draft[i1+2] == sk.keys[j1+2] {
				i1, j1 = i1+1, j1+1
			} else {
				break
			}
		}
		c.i0, c.j0 = i0, j0
		dl, sl := int(i1-c.i0), int(j1-c.j0)
		if dl < minPassageKeys || c.rareCover < minRareKeys {
			return
		}
		sim := float64(c.covered) / float64(max(dl, sl))
		if sim < minSimilarity {
			return
		}
		out = append(out, match{text: ti, i0: c.i0, i1: i1, j0: c.j0, j1: j1,
			covered: c.covered, rareCovered: c.rareCover, sourcePos: sk.pos, similarity: sim})
	}
	active := a.chains
	for _, s := range a.seeds {
		best, bestShift := -1, int32(maxShift+1)
		keep := active[:0]
		for k := range active {
			c := active[k]
			if s.i-c.i1 > maxGap {
				done(&c)
				continue
			}
			keep = append(keep, c)
		}
		active = keep
		for k := range active {
			c := &active[k]
			if s.i <= c.i1 || s.j <= c.j1 || s.j-c.j1 > maxGap+maxShift {
				continue
			}
			shift := (s.j - s.i) - (c.j1 - c.i1)
			if shift < 0 {
				shift = -shift
			}
			if shift < bestShift {
				best, bestShift = k, shift
			}
		}
		end := s.i + shingleLen
		if best < 0 {
			if !rare[s.i] {
				continue // stock phrases extend passages, never start one
			}
			c := chain{i0: s.i, i1: s.i, j0: s.j, j1: s.j, coverEnd: end, covered: shingleLen}
			if rare[s.i] {
				c.rareEnd, c.rareCover = end, shingleLen
			}
			active = append(active, c)
			continue
		}
		c := &active[best]
		c.i1, c.j1 = s.i, s.j
		c.covered += int(end - max(s.i, c.coverEnd))
		c.coverEnd = end
		if rare[s.i] {
			c.rareCover += int(end - max(s.i, c.rareEnd))
			c.rareEnd = end
		}
	}
	for k := range active {
		done(&active[k])
	}
	a.chains = active[:0]
	return out
}

// choose picks, among the passages found in every text, those that
// explain the draft: the strongest evidence first, each draft key given
// to one passage; a passage mostly inside stronger ones is dropped.
func choose(found []match, texts []search.Text, dk keyText, masker *chinese.Masker) []wengao.CopiedPassage {
	slices.SortStableFunc(found, func(a, b match) int {
		if a.covered != b.covered {
			return b.covered - a.covered
		}
		if a.similarity != b.similarity {
			return cmp.Compare(b.similarity, a.similarity)
		}
		return cmp.Compare(texts[a.text].Date, texts[b.text].Date) // the first published
	})
	claimed := make([]bool, len(dk.keys))
	var out []wengao.CopiedPassage
	for _, m := range found {
		free := 0
		for i := m.i0; i < m.i1; i++ {
			if !claimed[i] {
				free++
			}
		}
		if free < minPassageKeys || free*2 < int(m.i1-m.i0) {
			continue
		}
		for i := m.i0; i < m.i1; i++ {
			claimed[i] = true
		}
		t := &texts[m.text]
		p := wengao.CopiedPassage{
			Start: int(dk.pos[m.i0]), End: int(dk.pos[m.i1-1]) + 1,
			DocumentID: t.ID, Title: masker.Display(t.Title), Date: t.Date,
			SourceStart: int(m.sourcePos[m.j0]), SourceEnd: int(m.sourcePos[m.j1-1]) + 1,
			Similarity: float64(int(m.similarity*1000+0.5)) / 1000,
		}
		p.Source = masker.Display(runeSlice(t.Body, p.SourceStart, p.SourceEnd))
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b wengao.CopiedPassage) int {
		if la, lb := a.End-a.Start, b.End-b.Start; la != lb {
			return lb - la
		}
		return a.Start - b.Start
	})
	return out
}

// runeSlice returns the runes [start, end) of s.
func runeSlice(s string, start, end int) string {
	i, b0 := 0, len(s)
	for off := range s {
		if i == start {
			b0 = off
		}
		if i == end {
			return s[b0:off]
		}
		i++
	}
	if start >= i {
		return ""
	}
	return s[b0:]
}

// report assembles the report of a draft from its passages.
func report(text string, ps []wengao.CopiedPassage) *wengao.CopyReport {
	runes := []rune(text)
	in := make([]bool, len(runes))
	for _, p := range ps {
		for i := p.Start; i < p.End && i < len(runes); i++ {
			in[i] = true
		}
	}
	counts := func(lo, hi int) (chars, copied int) {
		for i := lo; i < hi; i++ {
			if unicode.IsSpace(runes[i]) {
				continue
			}
			chars++
			if in[i] {
				copied++
			}
		}
		return chars, copied
	}
	r := &wengao.CopyReport{Passages: ps, Findings: []wengao.FormatFinding{}, Paragraphs: []wengao.ParagraphCopy{}}
	if r.Passages == nil {
		r.Passages = []wengao.CopiedPassage{}
	}
	chars, copied := counts(0, len(runes))
	r.Chars = chars
	if chars > 0 {
		r.Copied = ratio(copied, chars)
	}
	lines := strings.Split(text, "\n")
	start := 0
	for n, line := range lines {
		end := start + utf8.RuneCountInString(line)
		if strings.TrimSpace(line) != "" {
			pc := wengao.ParagraphCopy{Line: n + 1, Start: start, End: end, Passages: []int{}}
			lc, lcop := counts(start, end)
			if lc > 0 {
				pc.Copied = ratio(lcop, lc)
			}
			for k, p := range ps {
				if p.Start < end && p.End > start {
					pc.Passages = append(pc.Passages, k)
				}
			}
			r.Paragraphs = append(r.Paragraphs, pc)
		}
		start = end + 1
	}
	for _, f := range gongwen.Check("", lines) {
		r.Findings = append(r.Findings, wengao.FormatFinding{Line: f.Line, Rule: f.Rule, Message: f.Message, Expected: f.Expected})
	}
	return r
}

// ratio is a/b rounded to four places.
func ratio(a, b int) float64 {
	return float64(int(float64(a)/float64(b)*10000+0.5)) / 10000
}
