// Command neardup measures near-duplicate detection (package neardup) on
// the test corpus. Run it from the repository root:
//
//	go run ./bench/neardup [-corpus ../shared/corpus/docs.jsonl.gz] [-n 500] [-heldout 500] [-seed 1] [-threshold 0.8]
//	go run ./bench/neardup -sweep     # per shingle width and band split, to choose neardup.K, Rows, Bands
//
// Similarity is neardup's: about the share of characters two texts have in
// common, estimated from the signatures (neardup.Similarity) or computed
// from the texts (neardup.ExactSimilarity, "exact").
//
// It signs every document of the corpus (timed on one core and on all),
// files them all in a neardup.Index, and takes a deterministic sample of n
// documents of at least 200 runes. For each it makes three variants: one
// with 2 % of its characters edited (random substitutions, insertions and
// deletions of Han characters drawn from the corpus), one with 10 % edited
// and one with its paragraphs shuffled, and queries the index with each at
// the threshold, in two ways: deciding on the signature estimate alone, and
// confirming the borderline candidates (within neardup.BorderlineMargin of
// the threshold) on the texts. The original found is a true positive, not
// found a false negative. Any other document reported is checked with the
// exact similarity: below the threshold it is a false positive, at or
// above it a genuine near-duplicate already in the corpus (the same law in
// two versions, template regulations of two cities), counted apart. Then
// it takes another heldout documents out of the index and queries them:
// what they find is checked the same way, and what they should find is
// found by brute force. Finally every document is queried against all the
// others, against the near-duplicate pairs of the corpus found by brute
// force.
//
// It prints precision and recall per kind of query, signing throughput
// and lookup latency against the whole corpus. It is a measurement, not a
// test: it exits 0 whatever the figures. It takes about two minutes;
// -sweep about seven (most of it comparing the sample with the whole
// corpus exactly, for each width).
package main

import (
	"cmp"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/wengao/wengao/bench/internal/corpus"
	"github.com/wengao/wengao/neardup"
)

func main() {
	fs := flag.NewFlagSet("neardup", flag.ExitOnError)
	path := fs.String("corpus", corpus.Path(), "corpus (gzip JSON lines; env CORPUS)")
	n := fs.Int("n", 500, "documents to make variants of")
	heldout := fs.Int("heldout", 500, "documents taken out of the index and queried")
	seed := fs.Uint64("seed", 1, "random seed")
	threshold := fs.Float64("threshold", 0.8, "query threshold (similarity: share of characters in common), also the exact similarity of a genuine near-duplicate")
	sweep := fs.Bool("sweep", false, "print similarities per shingle width and LSH splits instead")
	examples := fs.Int("examples", 8, "corpus near-duplicate pairs and false positives to list")
	confirm := fs.Int("confirm", 8<<20, "bytes of text a query reads at most to confirm borderline candidates, the most similar first (as sqlite.FindNearDuplicates)")
	fs.Parse(os.Args[1:])
	docs, err := corpus.Load(*path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "neardup:", err)
		os.Exit(1)
	}
	b := &bench{
		w: os.Stdout, docs: docs, n: *n, heldout: *heldout, seed: *seed,
		threshold: *threshold, examples: *examples, confirm: *confirm,
	}
	b.prepare()
	if *sweep {
		b.sweep()
		return
	}
	b.run()
}

type bench struct {
	w         io.Writer
	docs      []*corpus.Doc
	paras     [][]string
	n         int
	heldout   int
	seed      uint64
	threshold float64
	examples  int
	confirm   int

	sample, held []int  // document indexes
	han          []rune // Han characters of the corpus, with their frequency

	mu       sync.Mutex
	shingles map[int][]uint64 // exact shingle sets of documents, by index
}

func (b *bench) printf(format string, args ...any) { fmt.Fprintf(b.w, format, args...) }

// prepare splits the documents into their title and paragraphs and draws
// the samples.
func (b *bench) prepare() {
	b.paras = make([][]string, len(b.docs))
	var eligible []int
	for i, d := range b.docs {
		// What sqlite signs: the title, then the paragraphs.
		b.paras[i] = append([]string{d.Title}, d.Paragraphs()...)
		if utf8.RuneCountInString(d.Body) >= 200 {
			eligible = append(eligible, i)
		}
	}
	rng := rand.New(rand.NewPCG(b.seed, 1))
	rng.Shuffle(len(eligible), func(i, j int) { eligible[i], eligible[j] = eligible[j], eligible[i] })
	b.n = min(b.n, len(eligible))
	b.heldout = min(b.heldout, len(eligible)-b.n)
	b.sample = slices.Sorted(slices.Values(eligible[:b.n]))
	b.held = slices.Sorted(slices.Values(eligible[b.n : b.n+b.heldout]))
	// Every 50th Han character of the corpus: replacement characters with
	// the corpus's own frequencies.
	k := 0
	for _, d := range b.docs {
		for _, r := range d.Body {
			if corpus.IsHan(r) {
				if k%50 == 0 {
					b.han = append(b.han, r)
				}
				k++
			}
		}
	}
	b.shingles = map[int][]uint64{}
	b.printf("corpus: %d documents, %.1f MB of body text; sample %d documents of ≥ 200 runes, %d held out (seed %d)\n",
		len(b.docs), float64(b.bodyBytes())/1e6, b.n, b.heldout, b.seed)
}

func (b *bench) bodyBytes() int {
	n := 0
	for _, d := range b.docs {
		n += len(d.Body)
	}
	return n
}

// edit returns paragraphs with a share rate of their characters edited:
// each rune is, with probability rate, replaced by a random Han character,
// preceded by one, or deleted (one in three each).
func (b *bench) edit(rng *rand.Rand, paras []string, rate float64) []string {
	out := make([]string, len(paras))
	var sb strings.Builder
	for i, p := range paras {
		sb.Reset()
		for _, r := range p {
			if rng.Float64() >= rate {
				sb.WriteRune(r)
				continue
			}
			switch rng.IntN(3) {
			case 0: // substitution
				sb.WriteRune(b.han[rng.IntN(len(b.han))])
			case 1: // insertion
				sb.WriteRune(b.han[rng.IntN(len(b.han))])
				sb.WriteRune(r)
			case 2: // deletion
			}
		}
		out[i] = sb.String()
	}
	return out
}

func shuffle(rng *rand.Rand, paras []string) []string {
	out := slices.Clone(paras)
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// exact returns the shingle set of document i.
func (b *bench) exact(i int) []uint64 {
	b.mu.Lock()
	s, ok := b.shingles[i]
	b.mu.Unlock()
	if !ok {
		s = neardup.Shingles(nil, b.paras[i], neardup.K)
		b.mu.Lock()
		b.shingles[i] = s
		b.mu.Unlock()
	}
	return s
}

type variant struct {
	name string
	make func(rng *rand.Rand, paras []string) []string
}

func (b *bench) variants() []variant {
	return []variant{
		{"edit 2%", func(rng *rand.Rand, p []string) []string { return b.edit(rng, p, 0.02) }},
		{"edit 10%", func(rng *rand.Rand, p []string) []string { return b.edit(rng, p, 0.10) }},
		{"shuffled", shuffle},
	}
}

// exactSim is the exact similarity (neardup.FromJaccard of the exact
// Jaccard) of two shingle sets.
func exactSim(a, b []uint64) float64 { return neardup.FromJaccard(neardup.Jaccard(a, b)) }

// The two ways of deciding on a candidate: the signature estimate alone,
// and the estimate with borderline pairs (within neardup.BorderlineMargin of
// the threshold) confirmed on the texts.
const (
	estimate = iota
	confirmed
	modes
)

func (b *bench) modeName(mode int) string {
	if mode == estimate {
		return "signature estimate (what sqlite.SaveDocuments reports)"
	}
	return fmt.Sprintf("estimate, borderline candidates confirmed on the texts, up to %d MB of text a query (sqlite.FindNearDuplicates)", b.confirm>>20)
}

// tally counts the outcome of the queries of one kind in one mode.
type tally struct {
	queries    int
	found      int // the original was reported
	eligible   int // the exact similarity with the original is ≥ threshold
	eligFound  int // … and the original was reported
	overshoot  int // the original was reported although its exact similarity is < threshold
	fp         int // another document reported with exact similarity < threshold
	fpQueries  int // queries with at least one false positive
	dup        int // another document reported with exact similarity ≥ threshold
	truth      int // held-out: documents of the index with exact similarity ≥ threshold
	truthFound int // … that were reported
	candidates int // LSH candidates verified
	exacts     int // candidates confirmed on the texts
	exactSum   float64
	exactMin   float64
	lat        []time.Duration
}

func (t *tally) exact(j float64) {
	t.exactSum += j
	if t.queries == 1 || j < t.exactMin {
		t.exactMin = j
	}
}

// query looks s up in idx in the given mode and returns the documents
// reported, their exact similarity to the query text (by the shingle set
// qs), the candidates verified, the candidates confirmed on the texts and
// the time the lookup took (including the confirmations). exactOf returns
// the shingle set of a document of the index.
func (b *bench) query(idx *neardup.Index, s neardup.Signature, qs []uint64, mode int) (ids []int, candidates, exacts int, lat time.Duration) {
	t0 := time.Now()
	if mode == estimate {
		ms, c := idx.QueryStats(s, b.threshold)
		lat = time.Since(t0)
		for _, m := range ms {
			ids = append(ids, int(m.ID))
		}
		return ids, c, 0, lat
	}
	ms, c := idx.QueryStats(s, b.threshold-neardup.BorderlineMargin)
	budget := b.confirm
	for _, m := range ms { // most similar first
		var exact func() float64
		if budget > 0 {
			exact = func() float64 {
				exacts++
				for _, p := range b.paras[m.ID] {
					budget -= len(p)
				}
				// What a store does: shingle the stored text.
				return exactSim(qs, neardup.Shingles(nil, b.paras[m.ID], neardup.K))
			}
		}
		sim := neardup.Confirm(m.Similarity, b.threshold, exact)
		if sim >= b.threshold {
			ids = append(ids, int(m.ID))
		}
	}
	return ids, c, exacts, time.Since(t0)
}

func (b *bench) run() {
	// Signing throughput, on one core and on all.
	mb := float64(b.bodyBytes()) / 1e6
	sigs := make([]neardup.Signature, len(b.docs))
	t0 := time.Now()
	for i := range b.docs {
		sigs[i] = neardup.Sign(b.paras[i])
	}
	one := time.Since(t0)
	procs := runtime.GOMAXPROCS(0)
	t0 = time.Now()
	parallel(len(b.docs), func(i int) { sigs[i] = neardup.Sign(b.paras[i]) })
	all := time.Since(t0)
	b.printf("\nsigning (K=%d, %d hashes, %d bands × %d rows):\n", neardup.K, neardup.NumHashes, neardup.Bands, neardup.Rows)
	b.printf("  1 core:   %6.2f s  %7.0f docs/s  %6.1f MB/s\n", one.Seconds(), float64(len(b.docs))/one.Seconds(), mb/one.Seconds())
	b.printf("  %d cores:  %6.2f s  %7.0f docs/s  %6.1f MB/s\n", procs, all.Seconds(), float64(len(b.docs))/all.Seconds(), mb/all.Seconds())

	var idx neardup.Index
	t0 = time.Now()
	for i, s := range sigs {
		idx.Add(int64(i), s)
	}
	b.printf("  index of all %d documents built in %v\n", idx.Len(), time.Since(t0).Round(time.Millisecond))
	b.printf("  LSH: a pair at similarity s (Jaccard J = neardup.ToJaccard(s)) is a candidate with probability 1 − (1 − J^%d)^%d:\n   ", neardup.Rows, neardup.Bands)
	for _, s := range []float64{0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9} {
		j := neardup.ToJaccard(s)
		b.printf(" %.2f (J %.3f): %.4f;", s, j, lsh(j, neardup.Rows, neardup.Bands))
	}
	b.printf("\n")

	// Variants of the sample, queried against the whole corpus.
	var ovLat []time.Duration
	var ovShared, ovRunes int
	var fpExamples []string
	kinds := b.variants()
	var tallies [modes][]tally
	for m := range tallies {
		tallies[m] = make([]tally, len(kinds))
	}
	rng := rand.New(rand.NewPCG(b.seed, 2))
	for _, di := range b.sample {
		orig := b.exact(di)
		for ki, kind := range kinds {
			paras := kind.make(rng, b.paras[di])
			sig := neardup.Sign(paras)
			vs := neardup.Shingles(nil, paras, neardup.K)
			j := exactSim(vs, orig)
			for mode := range modes {
				t := &tallies[mode][ki]
				ids, cands, exacts, lat := b.query(&idx, sig, vs, mode)
				t.lat = append(t.lat, lat)
				t.queries++
				t.candidates += cands
				t.exacts += exacts
				t.exact(j)
				eligible := j >= b.threshold
				if eligible {
					t.eligible++
				}
				anyFP := false
				for _, id := range ids {
					if id == di {
						t.found++
						if eligible {
							t.eligFound++
						} else {
							t.overshoot++
						}
						continue
					}
					if jj := exactSim(vs, b.exact(id)); jj >= b.threshold {
						t.dup++
					} else {
						t.fp++
						anyFP = true
						if len(fpExamples) < b.examples {
							fpExamples = append(fpExamples, fmt.Sprintf("%s, %s of %s → %s: exact %.3f",
								b.modeName(mode), kind.name, b.docs[di].Title, b.docs[id].Title, jj))
						}
					}
				}
				if anyFP {
					t.fpQueries++
				}
			}
			if ki == 0 {
				o0 := time.Now()
				ps := neardup.Overlap(b.paras[di], paras, 10)
				ovLat = append(ovLat, time.Since(o0))
				for _, p := range ps {
					ovShared += p.Runes
				}
				ovRunes += wordRunes(b.paras[di])
			}
		}
	}

	// Held-out documents, queried against the corpus without them. The
	// documents they should find are found by brute force: every pair
	// whose estimated Jaccard is within 0.25 (over 5 standard deviations)
	// of the threshold's is checked on the texts.
	isHeld := map[int]bool{}
	for _, di := range b.held {
		idx.Remove(int64(di))
		isHeld[di] = true
	}
	truth := make([][]int, len(b.held))
	parallel(len(b.held), func(hi int) {
		di := b.held[hi]
		for dj := range b.docs {
			if !isHeld[dj] && b.maybeNear(sigs[di], sigs[dj]) && exactSim(b.exact(di), b.exact(dj)) >= b.threshold {
				truth[hi] = append(truth[hi], dj)
			}
		}
	})
	var held [modes]tally
	for hi, di := range b.held {
		for mode := range modes {
			t := &held[mode]
			ids, cands, exacts, lat := b.query(&idx, sigs[di], b.exact(di), mode)
			t.lat = append(t.lat, lat)
			t.queries++
			t.candidates += cands
			t.exacts += exacts
			t.truth += len(truth[hi])
			anyFP := false
			for _, id := range ids {
				if slices.Contains(truth[hi], id) {
					t.truthFound++
					t.dup++
					continue
				}
				t.fp++
				anyFP = true
				if len(fpExamples) < b.examples {
					fpExamples = append(fpExamples, fmt.Sprintf("%s, held-out %s → %s: exact %.3f",
						b.modeName(mode), b.docs[di].Title, b.docs[id].Title, exactSim(b.exact(di), b.exact(id))))
				}
			}
			if anyFP {
				t.fpQueries++
			}
		}
	}
	for _, di := range b.held {
		idx.Add(int64(di), sigs[di])
	}

	b.printf("\nqueries at threshold %.2f against the %d documents of the corpus (%d per kind; held-out: %d documents\n", b.threshold, idx.Len(), b.n, len(b.held))
	b.printf("taken out of the index and queried). Similarity = share of characters in common (neardup.Similarity);\n")
	b.printf("exact = computed from the texts (neardup.ExactSimilarity).\n")
	for mode := range modes {
		b.printf("\n  %s:\n", b.modeName(mode))
		b.printf("  %-9s %6s %6s %5s %5s %9s %9s %9s %7s %7s %6s %6s %7s\n",
			"kind", "found", "missed", "dup", "FP", "precision", "recall", "recall/el", "exact", "min", "cand", "exacts", "overshoot")
		for ki, kind := range kinds {
			t := tallies[mode][ki]
			b.printf("  %-9s %6d %6d %5d %5d %9s %9s %9s %7.3f %7.3f %6.1f %6.2f %7d\n",
				kind.name, t.found, t.queries-t.found, t.dup, t.fp,
				pct(t.found+t.dup, t.found+t.dup+t.fp), pct(t.found, t.queries),
				fmt.Sprintf("%d/%d", t.eligFound, t.eligible),
				t.exactSum/float64(t.queries), t.exactMin, float64(t.candidates)/float64(t.queries),
				float64(t.exacts)/float64(t.queries), t.overshoot)
		}
		h := held[mode]
		b.printf("  %-9s %6d %6d %5d %5d %9s %9s %9s %7s %7s %6.1f %6.2f\n",
			"held-out", h.truthFound, h.truth-h.truthFound, h.dup, h.fp,
			pct(h.dup, h.dup+h.fp), pct(h.truthFound, h.truth), "-", "-", "-",
			float64(h.candidates)/float64(h.queries), float64(h.exacts)/float64(h.queries))
		b.printf("  held-out: %d of %d queries reported a false positive\n", h.fpQueries, h.queries)
		for ki, kind := range kinds {
			b.printf("  lookup %-9s %s\n", kind.name+":", percentiles(tallies[mode][ki].lat))
		}
		b.printf("  lookup %-9s %s\n", "held-out:", percentiles(h.lat))
	}
	b.printf("\n  variants: found = original reported; dup = another document reported whose exact similarity is\n"+
		"  ≥ %.2f (a near-duplicate already in the corpus); FP = another document reported below %.2f;\n"+
		"  precision = (found + dup) / (found + dup + FP); recall = found / queries; recall/el = found among the\n"+
		"  variants whose exact similarity is ≥ %.2f; exact, min = exact similarity of variant and original;\n"+
		"  cand = LSH candidates verified per query; exacts = candidates confirmed on the texts per query;\n"+
		"  overshoot = original reported although its exact similarity is < %.2f.\n"+
		"  held-out: found, missed = documents of the corpus with exact similarity ≥ %.2f (brute force)\n"+
		"  reported or not; precision = dup / (dup + FP); recall = found / (found + missed).\n",
		b.threshold, b.threshold, b.threshold, b.threshold, b.threshold)
	for _, e := range fpExamples {
		b.printf("  FP: %s\n", e)
	}

	b.printf("\nOverlap(original, 2%% edited copy, minRunes 10): %s\n", percentiles(ovLat))
	b.printf("  %.1f%% of the originals' word runes lie in shared passages\n", 100*float64(ovShared)/float64(ovRunes))

	b.corpusDups(&idx, sigs)
}

// maybeNear reports whether two documents may have an exact similarity at
// or above the threshold: their estimated Jaccard is at least the
// threshold's minus 0.25, over 5 standard deviations of the estimate.
func (b *bench) maybeNear(x, y neardup.Signature) bool {
	return neardup.EstimateJaccard(x, y) >= neardup.ToJaccard(b.threshold)-0.25
}

func parallel(n int, fn func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int, 64)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}

// wordRunes counts the letters and digits of paras.
func wordRunes(paras []string) int {
	n := 0
	for _, p := range paras {
		for _, r := range p {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				n++
			}
		}
	}
	return n
}

// corpusDups queries every document against the others and reports the
// near-duplicate pairs of the corpus, against those found by brute force.
func (b *bench) corpusDups(idx *neardup.Index, sigs []neardup.Signature) {
	type pair struct{ a, b int }
	exact := map[pair]float64{}
	var mu sync.Mutex
	// Brute force: every pair whose estimate is anywhere near.
	t0 := time.Now()
	parallel(len(sigs), func(i int) {
		for j := i + 1; j < len(sigs); j++ {
			if !sigs[i].Empty() && b.maybeNear(sigs[i], sigs[j]) {
				if e := exactSim(b.exact(i), b.exact(j)); e >= b.threshold-neardup.BorderlineMargin {
					mu.Lock()
					exact[pair{i, j}] = e
					mu.Unlock()
				}
			}
		}
	})
	truth := 0
	for _, e := range exact {
		if e >= b.threshold {
			truth++
		}
	}
	b.printf("\ncorpus self-join (every document queried against all the others):\n")
	b.printf("  brute force (%v): %d pairs with exact similarity ≥ %.2f", time.Since(t0).Round(time.Second), truth, b.threshold)
	// How similar they are, with examples from each range.
	var truthPairs []pair
	for p, e := range exact {
		if e >= b.threshold {
			truthPairs = append(truthPairs, p)
		}
	}
	slices.SortFunc(truthPairs, func(x, y pair) int {
		if c := cmp.Compare(exact[x], exact[y]); c != 0 {
			return c
		}
		return cmp.Compare(x.a*len(sigs)+x.b, y.a*len(sigs)+y.b)
	})
	edges := []float64{b.threshold, 0.85, 0.9, 0.95, 1, 1.01}
	var examples []string
	for i := 0; i+1 < len(edges); i++ {
		lo, hi := edges[i], edges[i+1]
		var in []pair
		for _, p := range truthPairs {
			if e := exact[p]; e >= lo && e < hi {
				in = append(in, p)
			}
		}
		if i+2 == len(edges) {
			b.printf("; = 1: %d\n", len(in))
		} else {
			b.printf("; %.2f–%.2f: %d", lo, hi, len(in))
		}
		for k := 0; k < min(2, len(in)); k++ {
			p := in[k*len(in)/2]
			examples = append(examples, fmt.Sprintf("    e.g. %.3f: %s | %s\n", exact[p], b.docs[p.a].Title, b.docs[p.b].Title))
		}
	}
	short := 0
	for _, p := range truthPairs {
		if min(utf8.RuneCountInString(b.docs[p.a].Body), utf8.RuneCountInString(b.docs[p.b].Body)) < 200 {
			short++
		}
	}
	b.printf("  %d of them with a document of under 200 characters (most are the adoption record alone)\n", short)
	for _, e := range examples {
		b.printf("%s", e)
	}
	for mode := range modes {
		var lat []time.Duration
		var found, fp []pair
		for i, s := range sigs {
			ids, _, _, l := b.query(idx, s, b.exact(i), mode)
			lat = append(lat, l)
			for _, j := range ids {
				if j <= i {
					continue
				}
				p := pair{i, j}
				e, ok := exact[p]
				if !ok {
					e = exactSim(b.exact(i), b.exact(j))
				}
				if e >= b.threshold {
					found = append(found, p)
				} else {
					fp = append(fp, p)
					exact[p] = e
				}
			}
		}
		b.printf("  %s: %s\n", b.modeName(mode), percentiles(lat))
		b.printf("    %d pairs reported: %d with exact similarity ≥ %.2f (recall %s), %d below (precision %s)\n",
			len(found)+len(fp), len(found), b.threshold, pct(len(found), truth), len(fp), pct(len(found), len(found)+len(fp)))
		slices.SortFunc(fp, func(x, y pair) int { return cmp.Compare(exact[y], exact[x]) })
		for _, p := range fp[:min(len(fp), b.examples)] {
			b.printf("    FP  %.3f (est %.3f): %s | %s\n", exact[p], neardup.Similarity(sigs[p.a], sigs[p.b]), b.docs[p.a].Title, b.docs[p.b].Title)
		}
		if mode == estimate {
			slices.SortFunc(found, func(x, y pair) int { return cmp.Compare(exact[x], exact[y]) })
			for _, p := range found[:min(len(found), b.examples)] {
				b.printf("    dup %.3f (est %.3f): %s | %s\n", exact[p], neardup.Similarity(sigs[p.a], sigs[p.b]), b.docs[p.a].Title, b.docs[p.b].Title)
			}
		}
	}
}

func pct(a, b int) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
}

func percentiles(ds []time.Duration) string {
	if len(ds) == 0 {
		return "-"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	q := func(f float64) time.Duration { return s[min(len(s)-1, int(f*float64(len(s))))] }
	var sum time.Duration
	for _, d := range s {
		sum += d
	}
	return fmt.Sprintf("p50 %v  p95 %v  p99 %v  max %v  mean %v",
		q(0.50).Round(100*time.Nanosecond), q(0.95).Round(100*time.Nanosecond), q(0.99).Round(100*time.Nanosecond),
		s[len(s)-1].Round(100*time.Nanosecond), (sum / time.Duration(len(s))).Round(100*time.Nanosecond))
}

// charSim converts the Jaccard similarity j of width-k shingle sets into
// the share of characters in common, as neardup.FromJaccard does for
// neardup.K: p = (2j/(1+j))^(1/k).
func charSim(j float64, k int) float64 {
	if j <= 0 {
		return 0
	}
	return math.Pow(2*j/(1+j), 1/float64(k))
}

// jaccardAt is the inverse of charSim.
func jaccardAt(p float64, k int) float64 {
	q := math.Pow(p, float64(k))
	return q / (2 - q)
}

// pEstAbove returns the probability that the signature estimate of a pair
// of exact Jaccard j reaches the threshold: the estimate is the share of
// equal values of neardup.NumHashes, which is about Binomial(NumHashes, j).
func pEstAbove(j float64, k int, threshold float64) float64 {
	n := neardup.NumHashes
	p := 0.0
	for m := 0; m <= n; m++ {
		if charSim(float64(m)/float64(n), k) >= threshold {
			p += binom(n, m, j)
		}
	}
	return p
}

func binom(n, m int, p float64) float64 {
	if p <= 0 {
		if m == 0 {
			return 1
		}
		return 0
	}
	if p >= 1 {
		if m == n {
			return 1
		}
		return 0
	}
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x + 1)); return v }
	return math.Exp(lg(n) - lg(m) - lg(n-m) + float64(m)*math.Log(p) + float64(n-m)*math.Log(1-p))
}

// lsh is the probability that a pair of Jaccard j shares a band key.
func lsh(j float64, rows, bands int) float64 {
	return 1 - math.Pow(1-math.Pow(j, float64(rows)), float64(bands))
}

// sweep prints, for several shingle widths, the share of characters in
// common (from the exact Jaccard) of the variants with their originals and
// of unrelated documents, and the LSH band splits that fit each width, to
// choose neardup.K, neardup.Rows and neardup.Bands.
func (b *bench) sweep() {
	kinds := b.variants()
	// The same variants for every width.
	rng := rand.New(rand.NewPCG(b.seed, 2))
	vars := make([][][]string, len(kinds))
	for _, di := range b.sample {
		for ki, kind := range kinds {
			vars[ki] = append(vars[ki], kind.make(rng, b.paras[di]))
		}
	}
	// Random pairs of documents of the same category: the hard background.
	byCat := map[string][]int{}
	for _, di := range append(slices.Clone(b.sample), b.held...) {
		c := b.docs[di].Category
		byCat[c] = append(byCat[c], di)
	}
	var pairs [][2]int
	for _, di := range b.sample {
		c := byCat[b.docs[di].Category]
		if len(c) < 2 {
			continue
		}
		for range 4 {
			dj := c[rng.IntN(len(c))]
			if dj != di {
				pairs = append(pairs, [2]int{di, dj})
			}
		}
	}
	// Uniform random pairs of the corpus: the LSH candidates a query meets.
	var uniform [][2]int
	for len(uniform) < 20000 {
		i, j := rng.IntN(len(b.docs)), rng.IntN(len(b.docs))
		if i != j {
			uniform = append(uniform, [2]int{i, j})
		}
	}
	t := b.threshold
	b.printf("\nsimilarity = share of characters in common, from the exact Jaccard J of width-k shingle sets:\n")
	b.printf("p = (2J/(1+J))^(1/k); threshold %.2f ⇔ J ≥ J_t. Columns: mean / 5th percentile / share ≥ %.2f exact / share ≥ %.2f\n", t, t, t)
	b.printf("estimated (with the noise of a %d-value signature, Binomial). Background: %d random same-category pairs\n", neardup.NumHashes, len(pairs))
	b.printf("(mean / p99 / share ≥ %.2f exact / estimated) and %d uniform random pairs (mean J).\n", t, len(uniform))
	b.printf("%3s %6s", "k", "J_t")
	for _, kind := range kinds {
		b.printf(" | %-31s", kind.name)
	}
	b.printf(" | %-31s | %s\n", "same-category background", "uniform")
	type width struct {
		k              int
		jt             float64
		edit10p5       float64 // exact J, 5th percentile of 10 %-edited copies
		bgJ, uniJ      []float64
		bgP99, bgMeanJ float64
		recallEst      [3]float64
		bgEst          float64
		variantJ       [3][]float64
		nearPairs      int
		near90         int
		nearDocs       int
	}
	var widths []*width
	for _, k := range []int{2, 3, 4, 5} {
		w := &width{k: k, jt: jaccardAt(t, k)}
		widths = append(widths, w)
		cache := make([][]uint64, len(b.docs))
		var once = make([]sync.Once, len(b.docs))
		sh := func(di int) []uint64 {
			once[di].Do(func() { cache[di] = neardup.Shingles(nil, b.paras[di], k) })
			return cache[di]
		}
		b.printf("%3d %6.3f", k, w.jt)
		for ki := range kinds {
			js := make([]float64, len(b.sample))
			parallel(len(b.sample), func(si int) {
				js[si] = neardup.Jaccard(neardup.Shingles(nil, vars[ki][si], k), sh(b.sample[si]))
			})
			w.variantJ[ki] = js
			ps := make([]float64, len(js))
			est := 0.0
			for i, j := range js {
				ps[i] = charSim(j, k)
				est += pEstAbove(j, k, t)
			}
			w.recallEst[ki] = est / float64(len(js))
			b.printf(" | %s / %-6s", stats(ps, t), pct(int(math.Round(est)), len(js)))
			if ki == 1 {
				s := slices.Sorted(slices.Values(js))
				w.edit10p5 = s[len(s)*5/100]
			}
		}
		w.bgJ = make([]float64, len(pairs))
		parallel(len(pairs), func(i int) { w.bgJ[i] = neardup.Jaccard(sh(pairs[i][0]), sh(pairs[i][1])) })
		ps := make([]float64, len(w.bgJ))
		est := 0.0
		for i, j := range w.bgJ {
			ps[i] = charSim(j, k)
			est += pEstAbove(j, k, t)
		}
		w.bgEst = est / float64(len(ps))
		slices.Sort(ps)
		s := slices.Sorted(slices.Values(w.bgJ))
		w.bgP99, w.bgMeanJ = s[len(s)*99/100], mean(s)
		b.printf(" | %.3f / %.3f / %-6s / %-7s", mean(ps), ps[len(ps)*99/100], share(ps, t), fmt.Sprintf("%.2f%%", 100*w.bgEst))
		w.uniJ = make([]float64, len(uniform))
		parallel(len(uniform), func(i int) { w.uniJ[i] = neardup.Jaccard(sh(uniform[i][0]), sh(uniform[i][1])) })
		b.printf(" | %.4f\n", mean(w.uniJ))
		// The sample against the whole corpus, exactly (pairs whose sizes
		// alone keep them below J_t skipped).
		near := make([][]float64, len(b.sample))
		parallel(len(b.sample), func(si int) {
			a := sh(b.sample[si])
			for dj := range b.docs {
				if dj == b.sample[si] {
					continue
				}
				c := sh(dj)
				lo, hi := float64(min(len(a), len(c))), float64(max(len(a), len(c)))
				if lo < w.jt*hi {
					continue
				}
				if j := neardup.Jaccard(a, c); j >= w.jt {
					near[si] = append(near[si], charSim(j, k))
				}
			}
		})
		w.nearPairs, w.nearDocs = 0, 0
		for _, n := range near {
			w.nearPairs += len(n)
			if len(n) > 0 {
				w.nearDocs++
			}
			for _, x := range n {
				if x >= 0.9 {
					w.near90++
				}
			}
		}
	}
	b.printf("\nthe %d sampled documents against all %d of the corpus, exactly: pairs ≥ %.2f (≥ 0.90), sampled documents with one or more\n", len(b.sample), len(b.docs), t)
	for _, w := range widths {
		b.printf("%3d  %5d pairs (%4d ≥ 0.90)  %3d documents (%s)\n", w.k, w.nearPairs, w.near90, w.nearDocs, pct(w.nearDocs, len(b.sample)))
	}

	b.printf("\nLSH splits of %d values (rows × bands): P(J) = 1 − (1 − J^rows)^bands that a pair becomes a candidate;\n", neardup.NumHashes)
	b.printf("bands is the fewest that give P(J_t) ≥ 99%% (else all that fit). cand/query = expected candidates of a query\n")
	b.printf("against all %d documents (from the uniform pairs); same-cat = share of same-category pairs that are candidates.\n", len(b.docs))
	b.printf("%3s %8s %9s %12s %10s %10s %10s\n", "k", "split", "P(J_t)", "P(10% p5)", "P(bg p99)", "same-cat", "cand/query")
	for _, w := range widths {
		for rows := 1; rows <= 8; rows++ {
			bands := neardup.NumHashes / rows
			for nb := 1; nb <= bands; nb++ {
				if lsh(w.jt, rows, nb) >= 0.99 {
					bands = nb
					break
				}
			}
			avg := func(js []float64) float64 {
				s := 0.0
				for _, j := range js {
					s += lsh(j, rows, bands)
				}
				return s / float64(len(js))
			}
			b.printf("%3d %8s %8.2f%% %11.4f%% %9.1f%% %9.2f%% %10.1f\n", w.k, fmt.Sprintf("%d×%d", rows, bands),
				100*lsh(w.jt, rows, bands), 100*lsh(w.edit10p5, rows, bands), 100*lsh(w.bgP99, rows, bands),
				100*avg(w.bgJ), avg(w.uniJ)*float64(len(b.docs)))
		}
	}
}

func mean(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}

func share(xs []float64, t float64) string {
	n := 0
	for _, x := range xs {
		if x >= t {
			n++
		}
	}
	return pct(n, len(xs))
}

func stats(js []float64, t float64) string {
	s := slices.Clone(js)
	slices.Sort(s)
	return fmt.Sprintf("%.3f / %.3f / %-6s", mean(s), s[len(s)*5/100], share(s, t))
}
