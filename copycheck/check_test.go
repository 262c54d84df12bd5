package copycheck

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wengao/wengao"
	"github.com/wengao/wengao/chinese"
)

// smallLibrary holds a few documents, and 40 that share stock phrases.
func smallLibrary(t *testing.T) (*Checker, *memStore) {
	st := newMemStore()
	st.put(1, "doc-river", "关于加强河湖管理的通知", "2023-05-01",
		"各县区人民政府：\n为切实加强全市河湖管理保护工作，建立健全河长制工作体系，经市政府同意，现就有关事项通知如下。\n各地要按照一河一策的要求，组织编制河湖管理保护方案，明确河湖管理范围和保护责任。")
	st.put(2, "doc-party", "关于党委理论学习的意见", "2022-03-01",
		"各级党委要把理论学习中心组学习作为重要政治任务，每季度集中研讨不少于一次，推动学习成果转化为工作实效。")
	for i := 0; i < 40; i++ {
		st.put(int64(10+i), fmt.Sprintf("doc-stock-%d", i), "工作总结", "2021-01-01",
			fmt.Sprintf("一年来，我们深入学习贯彻习近平新时代中国特色社会主义思想，高度重视安全生产工作，进一步加强组织领导，取得明显成效。第%d项工作编号%d。", i, i*7919))
	}
	c := New(st, Options{})
	return c, st
}

func check(t *testing.T, c *Checker, text string) *wengao.CopyReport {
	t.Helper()
	r, err := c.CheckDraft(context.Background(), text)
	if err != nil {
		t.Fatalf("CheckDraft: %v", err)
	}
	return r
}

func TestCheckFindsEditedPassages(t *testing.T) {
	c, _ := smallLibrary(t)
	tests := []struct {
		name, text string
	}{
		{"verbatim", "我们的意见是：各地要按照一河一策的要求，组织编制河湖管理保护方案，明确河湖管理范围和保护责任。"},
		{"punctuation and particles", "我们的意见是：各地要按照一河一策要求、组织编制了河湖的管理保护方案；明确河湖管理范围与保护责任"},
		{"traditional", "我們的意見是：各地要按照一河一策的要求，組織編制河湖管理保護方案，明確河湖管理範圍和保護責任。"},
		{"a character swapped", "我们的意见是：各地要按照一河一策的要求，组织编写河湖管理保护方案，明确河湖管理范围和保护责任。"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := check(t, c, tt.text)
			if got := len(r.Passages); got != 1 {
				t.Fatalf("passages = %d, want 1: %+v", got, r.Passages)
			}
			p := r.Passages[0]
			if p.DocumentID != "doc-river" {
				t.Errorf("document = %q, want doc-river", p.DocumentID)
			}
			if got := runeSlice(tt.text, p.Start, p.End); !strings.HasPrefix(got, "各地") {
				t.Errorf("passage = %q, want it to start at 各地", got)
			}
			if p.Similarity < 0.7 {
				t.Errorf("similarity = %.2f, want ≥ 0.7", p.Similarity)
			}
			if !strings.Contains(p.Source, "一河一策") {
				t.Errorf("source = %q, want the matched passage", p.Source)
			}
		})
	}
}

func TestCheckIgnoresStockPhrases(t *testing.T) {
	c, _ := smallLibrary(t)
	text := "今年以来，我局深入学习贯彻习近平新时代中国特色社会主义思想，高度重视安全生产工作，进一步加强组织领导，取得明显成效。下一步将持续推进老旧小区改造。"
	r := check(t, c, text)
	if got := len(r.Passages); got != 0 {
		t.Errorf("passages = %d, want 0 (stock phrases): %+v", got, r.Passages)
	}
	if r.Copied != 0 {
		t.Errorf("copied = %v, want 0", r.Copied)
	}
}

func TestCheckMaskedForm(t *testing.T) {
	st := newMemStore()
	st.put(1, "doc-party", "关于党委理论学习的意见", "2022-03-01",
		"各级党委要把理论学习中心组学习作为重要政治任务，每季度集中研讨不少于一次，推动学习成果转化为工作实效。")
	m := chinese.NewMasker([]wengao.MaskRule{{Word: "党委", Shown: "D委"}})
	c := New(st, Options{})
	text := "各级D委要把理论学习中心组学习作为重要政治任务，每季度集中研讨不少于一次。"
	dk := textKeys(text, m.Unmask)
	if err := c.ready(context.Background()); err != nil {
		t.Fatal(err)
	}
	ps, err := c.passages(context.Background(), dk, m)
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 {
		t.Fatalf("passages = %d, want 1", len(ps))
	}
	if got := runeSlice(text, ps[0].Start, ps[0].End); !strings.HasPrefix(got, "各级D委") {
		t.Errorf("passage = %q, want it from 各级D委", got)
	}
	if strings.Contains(ps[0].Source, "党委") {
		t.Errorf("source = %q, want the masked form", ps[0].Source)
	}
}

func TestCheckFollowsLibrary(t *testing.T) {
	c, st := smallLibrary(t)
	text := "转发如下：各级党委要把理论学习中心组学习作为重要政治任务，每季度集中研讨不少于一次。"
	if got := len(check(t, c, text).Passages); got != 1 {
		t.Fatalf("before: passages = %d, want 1", got)
	}
	st.drop(2)
	if got := len(check(t, c, text).Passages); got != 0 {
		t.Errorf("after the source is deleted: passages = %d, want 0", got)
	}
	st.put(3, "doc-new", "新发布", "2024-01-01", "各级党委要把理论学习中心组学习作为重要政治任务，每季度集中研讨不少于一次。")
	r := check(t, c, text)
	if len(r.Passages) != 1 {
		t.Fatalf("after another is published: passages = %d, want 1", len(r.Passages))
	}
	if got := r.Passages[0].DocumentID; got != "doc-new" {
		t.Errorf("document = %q, want doc-new", got)
	}
}

func TestCheckReportShape(t *testing.T) {
	c, _ := smallLibrary(t)
	text := "关于河湖管理的报告\n各地要按照一河一策的要求，组织编制河湖管理保护方案，明确河湖管理范围和保护责任。\n\n我们将认真落实。"
	r := check(t, c, text)
	if got, want := r.Chars, len([]rune(strings.ReplaceAll(text, "\n", ""))); got != want {
		t.Errorf("chars = %d, want %d", got, want)
	}
	if got := len(r.Paragraphs); got != 3 {
		t.Fatalf("paragraphs = %d, want 3 (blank lines left out)", got)
	}
	if got := r.Paragraphs[1].Line; got != 2 {
		t.Errorf("second paragraph line = %d, want 2", got)
	}
	if got := r.Paragraphs[1].Copied; got < 0.9 {
		t.Errorf("second paragraph copied = %v, want ≥ 0.9", got)
	}
	if got := r.Paragraphs[2].Copied; got != 0 {
		t.Errorf("third paragraph copied = %v, want 0", got)
	}
	if r.Copied <= 0 || r.Copied >= 1 {
		t.Errorf("copied = %v, want between 0 and 1", r.Copied)
	}
}

func TestValidateDraft(t *testing.T) {
	tests := []struct {
		name, text, code string
	}{
		{"empty", " \n\t", wengao.EINVALID},
		{"binary", "PK\x03\x04\x00\x00abc", wengao.EINVALID},
		{"invalid utf-8", "文稿\xff\xfe", wengao.EINVALID},
		{"too long", strings.Repeat("字", wengao.MaxDraftChars+1), wengao.ETOOLARGE},
		{"too many bytes", strings.Repeat("a", wengao.MaxDraftBytes+1), wengao.ETOOLARGE},
		{"fine", "<script>alert(1)</script>文稿", ""},
	}
	for _, tt := range tests {
		err := ValidateDraft(tt.text)
		if got := wengao.ErrorCode(err); err != nil && got != tt.code || err == nil && tt.code != "" {
			t.Errorf("%s: error %v, want code %q", tt.name, err, tt.code)
		}
	}
	c, _ := smallLibrary(t)
	if _, err := c.CheckDraft(context.Background(), "\x00\x01"); !errors.Is(err, &wengao.Error{Code: wengao.EINVALID}) && wengao.ErrorCode(err) != wengao.EINVALID {
		t.Errorf("CheckDraft(binary) = %v, want EINVALID", err)
	}
}

func TestWriteReports(t *testing.T) {
	c, _ := smallLibrary(t)
	text := "<b>标题</b>\n各地要按照一河一策的要求，组织编制河湖管理保护方案，明确河湖管理范围和保护责任。"
	r := check(t, c, text)
	var h bytes.Buffer
	if err := WriteHTML(&h, "<i>报告</i>", text, r); err != nil {
		t.Fatal(err)
	}
	page := h.String()
	if strings.Contains(page, "<b>标题") || strings.Contains(page, "<i>报告") {
		t.Errorf("HTML report holds unescaped draft or title")
	}
	if !strings.Contains(page, "<mark>") {
		t.Errorf("HTML report marks no passage")
	}
	var d bytes.Buffer
	if err := WriteDocx(&d, "", text, r); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(d.Bytes(), []byte("PK")) {
		t.Errorf("docx report is not a zip file")
	}
	var tx bytes.Buffer
	if err := WriteText(&tx, text, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(tx.String(), "doc-river") {
		t.Errorf("text report does not name the source:\n%s", tx.String())
	}
}

func TestWinnowGuarantee(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	hs := make([]uint32, 500)
	for i := range hs {
		hs[i] = rng.Uint32()
	}
	sel := map[uint32]bool{}
	for _, h := range winnow(hs, nil) {
		sel[h] = true
	}
	for start := 0; start+winnowWindow <= len(hs); start++ {
		ok := false
		for _, h := range hs[start : start+winnowWindow] {
			ok = ok || sel[h]
		}
		if !ok {
			t.Fatalf("window at %d has no selected shingle", start)
		}
	}
	if got, max := len(sel), len(hs)*2/(winnowWindow+1)+len(hs)/20; got > max {
		t.Errorf("selected %d of %d shingles, want ≤ %d", got, len(hs), max)
	}
}

// BenchmarkCheckDraft checks 5,000-character drafts (about a third copied)
// against the whole corpus; it reports the index's size, the p95 of a
// check and its CPU time.
func BenchmarkCheckDraft(b *testing.B) {
	rng := rand.New(rand.NewSource(17))
	c, _, lib, held := corpusLibrary(b, rng, 0, false)
	drafts, _, _ := buildDrafts(rng, 20, lib, held, nil)
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
	st := c.Stats()
	b.ReportMetric(float64(st.Bytes)/(1<<20), "index-MB")
	b.ReportMetric(float64(st.Documents), "docs")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
}

// TestCheckConcurrentWithPublishing checks drafts from several goroutines
// while documents are published (run with -race).
func TestCheckConcurrentWithPublishing(t *testing.T) {
	c, st := smallLibrary(t)
	text := "各地要按照一河一策的要求，组织编制河湖管理保护方案，明确河湖管理范围和保护责任。"
	check(t, c, text)
	done := make(chan error)
	for g := 0; g < 4; g++ {
		go func() {
			var err error
			for i := 0; i < 20 && err == nil; i++ {
				var r *wengao.CopyReport
				r, err = c.CheckDraft(context.Background(), text)
				if err == nil && len(r.Passages) != 1 {
					err = fmt.Errorf("passages = %d, want 1", len(r.Passages))
				}
			}
			done <- err
		}()
	}
	for i := 0; i < 50; i++ {
		st.put(int64(100+i), fmt.Sprintf("doc-new-%d", i), "新文件", "2024-01-01", fmt.Sprintf("第%d号文件：推进老旧小区改造第%d批项目按期完工。", i, i*31))
	}
	for g := 0; g < 4; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// FuzzCheckDraft checks any text against a small library: no panic, and
// every passage and paragraph lies inside the draft.
func FuzzCheckDraft(f *testing.F) {
	f.Add("各地要按照一河一策的要求，组织编制河湖管理保护方案，明确河湖管理范围和保护责任。")
	f.Add("各級D委要把理論學習\n\n<b>x</b>\r\n")
	f.Add("\x00\xff")
	st := newMemStore()
	st.put(1, "doc-river", "关于加强河湖管理的通知", "2023-05-01",
		"为切实加强全市河湖管理保护工作，建立健全河长制工作体系。\n各地要按照一河一策的要求，组织编制河湖管理保护方案，明确河湖管理范围和保护责任。")
	c := New(st, Options{})
	f.Fuzz(func(t *testing.T, text string) {
		r, err := c.CheckDraft(context.Background(), text)
		if err != nil {
			if code := wengao.ErrorCode(err); code != wengao.EINVALID && code != wengao.ETOOLARGE {
				t.Fatalf("error %v, want EINVALID or ETOOLARGE", err)
			}
			return
		}
		n := len([]rune(text))
		for _, p := range r.Passages {
			if p.Start < 0 || p.End > n || p.Start >= p.End {
				t.Fatalf("passage %d-%d outside the draft of %d characters", p.Start, p.End, n)
			}
		}
		for _, p := range r.Paragraphs {
			if p.Start < 0 || p.End > n || p.Start > p.End {
				t.Fatalf("paragraph %d-%d outside the draft of %d characters", p.Start, p.End, n)
			}
		}
		if r.Copied < 0 || r.Copied > 1 {
			t.Fatalf("copied = %v, want within [0, 1]", r.Copied)
		}
	})
}

// TestCheckBackgroundWaitsForBuild checks that in the Background mode a
// check before Build is refused with EUNAVAILABLE instead of building the
// index in the request, and that it works once Build has run.
func TestCheckBackgroundWaitsForBuild(t *testing.T) {
	_, st := smallLibrary(t)
	c := New(st, Options{Background: true})
	text := "各地要按照一河一策的要求，组织编制河湖管理保护方案，明确河湖管理范围和保护责任。"
	if c.Ready() {
		t.Errorf("Ready before Build = true, want false")
	}
	_, err := c.CheckDraft(context.Background(), text)
	if got := wengao.ErrorCode(err); got != wengao.EUNAVAILABLE {
		t.Fatalf("check before Build: code %q (%v), want %q", got, err, wengao.EUNAVAILABLE)
	}
	if c.Ready() {
		t.Errorf("Ready after a refused check = true, want false (the check must not build)")
	}
	if err := c.Build(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !c.Ready() {
		t.Errorf("Ready after Build = false, want true")
	}
	if got := len(check(t, c, text).Passages); got != 1 {
		t.Errorf("passages after Build = %d, want 1", got)
	}
}
