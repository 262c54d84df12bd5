package copycheck

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wengao/wengao/sqlite"
)

// TestScaleLibrary measures the index file against a library in a data
// folder ($COPYCHECK_SCALE_DATA, e.g. bench/scale's 1,000,000 documents;
// skipped without it): the time to open it (or build it, when missing),
// the resident memory, and the latency of 20 drafts of 5,000 characters
// made from $COPYCHECK_SCALE_DOCS (the JSON lines the library was
// imported from; the shared corpus without it), cold (the index file
// dropped from the page cache) and warm. docs/copycheck.md reports the figures.
func TestScaleLibrary(t *testing.T) {
	data, docsPath := os.Getenv("COPYCHECK_SCALE_DATA"), os.Getenv("COPYCHECK_SCALE_DOCS")
	if data == "" {
		t.Skip("COPYCHECK_SCALE_DATA not set")
	}
	ctx := context.Background()
	lib := readCorpus(t) // the library is the shared corpus itself
	if docsPath != "" {
		f, err := os.Open(docsPath)
		if err != nil {
			t.Fatal(err)
		}
		lib = nil
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() && len(lib) < 20_000 {
			var d corpusDoc
			if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
				t.Fatal(err)
			}
			lib = append(lib, d)
		}
		f.Close()
	}
	rng := rand.New(rand.NewSource(17))
	// Fresh text: documents of the corpus with each line's characters
	// reversed, which share no shingle with any library made from it.
	var fresh []corpusDoc
	for _, d := range readCorpus(t)[:500] {
		lines := strings.Split(d.Body, "\n")
		for i, l := range lines {
			r := []rune(l)
			slices.Reverse(r)
			lines[i] = string(r)
		}
		fresh = append(fresh, corpusDoc{ID: d.ID, Title: d.Title, Date: d.Date, Body: strings.Join(lines, "\n")})
	}
	drafts, _, _ := buildDrafts(rng, 20, lib, fresh, nil)
	lib = nil

	t0 := time.Now()
	db, err := sqlite.Open(data)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	st := db.SearchStore()
	if _, err := st.Catalog(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("store opened in %v; rss %s MB", time.Since(t0).Round(time.Millisecond), rssMB())
	path := filepath.Join(data, FileName)
	dropCache(t, path)
	c := New(st, Options{Maskers: db.Maskers(), Path: path})
	t1 := time.Now()
	if err := c.Build(ctx); err != nil {
		t.Fatal(err)
	}
	s := c.Stats()
	t.Logf("index ready in %v (open, verify, sync): %d documents, %d entries, file %d MB, heap %d MB; rss %s MB",
		time.Since(t1).Round(time.Millisecond), s.Documents, s.Entries, s.Mapped>>20, s.Heap>>20, rssMB())
	for _, pass := range []string{"cold", "warm"} {
		if pass == "cold" {
			dropCache(t, path)
		}
		var took []time.Duration
		copied := 0.0
		cpu0 := cpuTime()
		for _, d := range drafts {
			t0 := time.Now()
			r, err := c.CheckDraft(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			took = append(took, time.Since(t0))
			copied += r.Copied
		}
		slices.Sort(took)
		t.Logf("%s: %d drafts of %d characters on average: p50 %v, p95 %v, max %v, CPU %v a draft; copied %.2f on average; rss %s MB",
			pass, len(drafts), avgChars(drafts), took[len(took)/2].Round(time.Millisecond), took[len(took)*95/100].Round(time.Millisecond),
			took[len(took)-1].Round(time.Millisecond), ((cpuTime() - cpu0) / time.Duration(len(drafts))).Round(time.Millisecond),
			copied/float64(len(drafts)), rssMB())
	}
}

func avgChars(ds []string) int {
	n := 0
	for _, d := range ds {
		n += len([]rune(d))
	}
	return n / max(1, len(ds))
}

// rssMB returns the process's resident memory, and the part of it that
// maps files (the index file's pages touched, the program).
func rssMB() string {
	b, _ := os.ReadFile("/proc/self/status")
	kb := map[string]int{}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 {
			n, _ := strconv.Atoi(f[1])
			kb[strings.TrimSuffix(f[0], ":")] = n
		}
	}
	return fmt.Sprintf("%d (files %d)", kb["VmRSS"]>>10, kb["RssFile"]>>10)
}
