package copycheck

import (
	"bufio"
	"context"
	"encoding/json"
	"math/rand"
	"os"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// BenchmarkCheckDraftScale checks 5,000-character drafts against the first
// $COPYCHECK_SCALE_N documents (default 100,000) of the JSON-lines file
// $COPYCHECK_SCALE_DOCS (bench/scalegen's output); skipped without it. It
// reports the index's build time and size, and the p95 and CPU of a check.
func BenchmarkCheckDraftScale(b *testing.B) {
	path := os.Getenv("COPYCHECK_SCALE_DOCS")
	if path == "" {
		b.Skip("COPYCHECK_SCALE_DOCS not set")
	}
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("COPYCHECK_SCALE_N")); err == nil && v > 0 {
		n = v
	}
	setup := scaleSetup(b, path, n)
	c, drafts := setup.c, setup.drafts
	took := make([]time.Duration, 0, b.N)
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := c.CheckDraft(context.Background(), drafts[i%len(drafts)]); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(t0))
	}
	b.StopTimer()
	stats := c.Stats()
	b.ReportMetric(setup.build.Seconds(), "build-s")
	b.ReportMetric(float64(stats.Bytes)/(1<<20), "index-MB")
	b.ReportMetric(float64(setup.heap)/(1<<20), "heap-MB")
	b.ReportMetric(float64(stats.Documents), "docs")
	b.ReportMetric(float64(stats.Entries), "entries")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}

// scaleBench is the setup of BenchmarkCheckDraftScale, made once per
// process (the benchmark function runs more than once).
type scaleBench struct {
	c      *Checker
	drafts []string
	build  time.Duration
	heap   int64
}

var (
	scaleOnce  sync.Once
	scaleState scaleBench
)

func scaleSetup(b *testing.B, path string, n int) *scaleBench {
	scaleOnce.Do(func() {
		f, err := os.Open(path)
		if err != nil {
			panic(err)
		}
		defer f.Close()
		st := newMemStore()
		var lib []corpusDoc
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() && len(lib) < n {
			var d corpusDoc
			if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
				panic(err)
			}
			st.put(int64(len(lib)+1), d.ID, d.Title, d.Date, d.Body)
			if len(lib) < 20_000 { // drafts copy from these
				lib = append(lib, d)
			} else {
				lib = append(lib, corpusDoc{})
			}
		}
		rng := rand.New(rand.NewSource(17))
		held := readCorpus(b)
		drafts, _, _ := buildDrafts(rng, 20, lib[:min(len(lib), 20_000)], held[:500], nil)
		var ms0, ms1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms0)
		c := New(st, Options{})
		t0 := time.Now()
		if err := c.Build(context.Background()); err != nil {
			panic(err)
		}
		build := time.Since(t0)
		runtime.GC()
		runtime.ReadMemStats(&ms1)
		scaleState = scaleBench{c: c, drafts: drafts, build: build, heap: int64(ms1.HeapAlloc) - int64(ms0.HeapAlloc)}
	})
	return &scaleState
}
