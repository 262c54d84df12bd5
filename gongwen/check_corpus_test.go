package gongwen

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wengao/wengao/convert"
	"github.com/wengao/wengao/sharedtest"
)

// checkSample is how many corpus documents TestCheckCorpus checks, drawn
// with a fixed seed.
const (
	checkSample = 500
	checkSeed   = 17
)

// checkCeilings is the highest share of well-formed corpus documents that
// a rule may flag, in percent. The corpus holds published official texts,
// so what the rules flag there is mostly a false positive; a few are real
// slips of the published text (a half-width comma, an unclosed quote).
var checkCeilings = map[string]float64{
	RuleHeadingJump:       2,
	RuleHeadingOrder:      2,
	RuleHeadingNumber:     3,
	RuleHeadingPunct:      3,
	RuleHeadingMixed:      2,
	RuleDocNumBracket:     1,
	RuleDocNumYear:        1,
	RuleDocNumSerial:      1,
	RuleDateChinese:       1,
	RuleDateInvalid:       1,
	RuleDateZero:          1,
	RulePunctPair:         5,
	RulePunctHalfWidth:    5,
	RuleTitlePunct:        1,
	RuleAttachmentMissing: 2,
	RuleAttachmentNumber:  1,
}

// TestCheckCorpus runs Check over real documents of the corpus, which are
// well-formed official texts, and reports for each rule the share of
// documents it flags; each share must stay under its ceiling.
// CHECK_VERBOSE=1 logs every finding, to look at them by hand.
func TestCheckCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus test skipped in short mode")
	}
	// Under the race detector only the first 1000 documents are read (see
	// TestCorpus): the sample is drawn from them.
	n := 1 << 30
	if raceEnabled {
		n = 1000
	}
	docs, _ := readCorpus(t, n, false)
	rng := rand.New(rand.NewPCG(checkSeed, checkSeed))
	rng.Shuffle(len(docs), func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
	docs = docs[:min(checkSample, len(docs))]
	verbose := os.Getenv("CHECK_VERBOSE") != ""

	flagged := map[string]int{}
	findings := map[string]int{}
	clean := 0
	for _, d := range docs {
		paras := strings.Split(d.Body, "\n")
		fs := Check(d.Title, paras)
		if len(fs) == 0 {
			clean++
		}
		seen := map[string]bool{}
		for _, f := range fs {
			findings[f.Rule]++
			if !seen[f.Rule] {
				seen[f.Rule] = true
				flagged[f.Rule]++
			}
			if verbose {
				t.Logf("%s %s line %d %s: %s [%s] | %s", d.ID, d.Title, f.Line, f.Rule, f.Message, f.Expected, lineText(paras, f.Line))
			}
		}
	}
	t.Logf("%d documents (seed %d), %d without findings (%.1f%%)", len(docs), checkSeed, clean, 100*float64(clean)/float64(len(docs)))
	for _, rule := range CheckRules {
		pct := 100 * float64(flagged[rule]) / float64(len(docs))
		t.Logf("%-20s %3d documents (%4.1f%%), %4d findings", rule, flagged[rule], pct, findings[rule])
		if pct > checkCeilings[rule] {
			t.Errorf("%s flags %.1f%% of the corpus documents, above the ceiling %.0f%%", rule, pct, checkCeilings[rule])
		}
	}
}

// TestCheckFiles runs Check over the real .doc, .docx and .pdf files of
// the corpus, converted by the convert package, and logs what it finds;
// the rules whose findings there are known false positives must not fire.
func TestCheckFiles(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus files skipped in short mode")
	}
	dir := sharedtest.Path(t, "corpus/files")
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no files in %s: %v", dir, err)
	}
	slices.Sort(files)
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res, err := convert.Convert(context.Background(), name, bytes.NewReader(data), convert.Limits{})
			if err != nil {
				t.Skipf("not converted here: %v", err)
			}
			fs := Check(res.Title, res.Paragraphs)
			for _, f := range fs {
				t.Logf("line %d %s: %s [%s] | %s", f.Line, f.Rule, f.Message, f.Expected, lineText(res.Paragraphs, f.Line))
			}
			t.Logf("%d paragraphs, %d findings", len(res.Paragraphs), len(fs))
			checkFindingsValid(t, res.Paragraphs, fs)
		})
	}
}

// lineText returns the start of paragraph line (1-based), or "".
func lineText(ps []string, line int) string {
	if line < 1 || line > len(ps) {
		return ""
	}
	return truncateRunes(ps[line-1], 50)
}
