package chinese

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// The expectations below are what OpenCC's tables (opencc/*.txt) say, read
// from the files: TSCharacters for single characters, TSPhrases and the
// variant phrase tables for phrases.
func TestToSimplified(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Characters (TSCharacters).
		{"國", "国"},
		{"個", "个"},
		{"發", "发"},
		{"臺", "台"},
		{"頭髮", "头发"},
		{"後", "后"},
		{"雲", "云"},
		{"嘆歎", "叹叹"},
		{"閒", "闲"},     // first of 闲 𫔮
		{"乾", "干"},     // first of 干 乾
		{"瞭", "瞭"},     // first of 瞭 了
		{"覆", "覆"},     // first of 覆 复
		{"蔿", "𫇭"},     // a target outside the BMP
		{"𪙏", "𫜯"},     // a source outside the BMP
		{"二噁英", "二𫫇英"}, // a phrase whose target leaves the BMP
		// Phrases (TSPhrases) take precedence over characters.
		{"乾隆", "乾隆"},
		{"乾隆皇帝", "乾隆皇帝"},
		{"乾淨", "干净"},
		{"乾乾淨淨", "干干净净"},
		{"瞭解", "了解"},
		{"據瞭解", "据了解"},
		{"明瞭", "明了"},
		{"瞭望", "瞭望"},
		{"一目瞭然", "一目了然"},
		{"回覆", "回复"},
		{"覆盆子", "覆盆子"},
		{"彷彿", "仿佛"},
		{"彷徨", "彷徨"},
		{"計畫", "计划"},
		{"沈默", "沉默"},
		{"於", "于"},
		{"樊於期", "樊於期"},
		{"扭轉乾坤", "扭转乾坤"},
		{"鍾馗", "锺馗"},
		{"龍鍾", "龙钟"}, // first of 龙钟 龙锺
		{"項鍊", "项链"}, // not 炼, the first candidate of 鍊
		{"鍊", "炼"},
		// Taiwan and Hong Kong variants, then TSCharacters.
		{"裡", "里"},
		{"裏", "里"},
		{"為", "为"},
		{"眾", "众"},
		{"啟", "启"},
		{"汙", "污"},
		{"痺", "痹"},
		{"衞", "卫"},
		{"枱", "台"},
		{"敍", "叙"},
		{"顎", "颚"}, // TSCharacters wins over the variant chain (腭)
		{"甲胄", "甲胄"},
		{"台州", "台州"},
		// Simplified characters that a variant table would change stay.
		{"什么", "什么"},
		{"抬头", "抬头"},
		{"显著", "显著"},
		{"顯著", "显著"},
		{"著作", "著作"},
		// A mixed sentence.
		{"中華人民共和國國務院辦公廳關於進一步加強政務公開工作的意見",
			"中华人民共和国国务院办公厅关于进一步加强政务公开工作的意见"},
		{"臺灣的頭髮，裡面乾淨；據瞭解，計畫已經實現。",
			"台湾的头发，里面干净；据了解，计划已经实现。"},
		// Text with nothing to convert.
		{"中华人民共和国国务院办公厅关于进一步加强政务公开工作的意见",
			"中华人民共和国国务院办公厅关于进一步加强政务公开工作的意见"},
		{"GB/T 9704-2012 ＡＢＣ 〔2019〕4号 ①②", "GB/T 9704-2012 ＡＢＣ 〔2019〕4号 ①②"},
		{"", ""},
		{"國\xff國", "国\xff国"}, // invalid UTF-8 is kept
	} {
		if got := ToSimplified(tc.in); got != tc.want {
			t.Errorf("ToSimplified(%q) = %q, want %q", tc.in, got, tc.want)
		}
		rs := []rune(tc.in)
		SimplifyRunes(rs)
		if want := []rune(tc.want); !slices.Equal(rs, want) {
			t.Errorf("SimplifyRunes(%q) = %q, want %q", tc.in, string(rs), tc.want)
		}
	}
}

// Already simplified text is returned as is, without allocating.
func TestToSimplifiedNoAlloc(t *testing.T) {
	s := strings.Repeat(sampleSimplified, 4)
	ToSimplified(s)
	if n := testing.AllocsPerRun(10, func() { ToSimplified(s) }); n != 0 {
		t.Errorf("ToSimplified of simplified text: %v allocations", n)
	}
	if got := ToSimplified(s); got != s {
		t.Errorf("simplified text changed: %q", firstDiff(got, s))
	}
}

// Every character of the simplified sample goes through the table without
// a change; few of them begin a phrase.
func TestSimplifiedCommonCharacters(t *testing.T) {
	tab := t2sTable()
	var starts []rune
	for _, r := range sampleSimplified {
		v := tab.lookup(r)
		to := r
		switch {
		case v&startsPhrase != 0:
			starts = append(starts, r)
			to = tab.starts[v&^startsPhrase].to
		case v != 0:
			to = tab.to[v]
		}
		if to != r {
			t.Errorf("%q converts to %q", r, to)
		}
	}
	t.Logf("%d of %d runes may start a phrase: %s", len(starts), utf8.RuneCountInString(sampleSimplified), string(starts))
}

// The fast table must agree with the plain-map model it is compiled from,
// whose phrases have not been pruned.
func TestSimplifyMatchesModel(t *testing.T) {
	m := buildT2SModel()
	tab := t2sTable()
	check := func(rs []rune) {
		t.Helper()
		want := slices.Clone(rs)
		m.convert(want)
		got := slices.Clone(rs)
		tab.simplify(got)
		if !slices.Equal(got, want) {
			t.Fatalf("simplify(%q) = %q, model says %q", string(rs), string(got), string(want))
		}
	}
	// Every phrase source on its own, between characters, and glued to its
	// neighbours so that phrases overlap.
	var srcs []string
	for src := range m.phrases {
		srcs = append(srcs, src)
	}
	slices.Sort(srcs)
	for i, src := range srcs {
		check([]rune(src))
		check([]rune("國" + src + "了"))
		if i > 0 {
			check([]rune(srcs[i-1] + src))
			check([]rune(src + srcs[i-1]))
		}
	}
	// Random runs drawn from the characters of the phrases and tables.
	alphabet := []rune("的是國了乾坤隆淨瞭解望覆盆子鍊項鍾龍彷彿吃口一家著顯胄甲台州巖七星於樊期沈默裡面為")
	for r := range m.chars {
		if len(alphabet) > 400 {
			break
		}
		alphabet = append(alphabet, r)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	rs := make([]rune, 0, 64)
	for range 20000 {
		rs = rs[:0]
		for range rnd.IntN(12) + 1 {
			rs = append(rs, alphabet[rnd.IntN(len(alphabet))])
		}
		check(rs)
	}
}

// Converting the converted text again changes nothing, at least where no
// phrase can match in it (a phrase target may start a new phrase with what
// follows it, as OpenCC's would).
func TestSimplifyIdempotentCharacters(t *testing.T) {
	m := buildT2SModel()
	for a, b := range m.chars {
		if c, ok := m.chars[b]; ok {
			t.Errorf("%q → %q → %q", a, b, c)
		}
	}
}

func TestT2SStats(t *testing.T) {
	tab := t2sTable()
	s := tab.stats
	t.Logf("%+v", s)
	if s.chars < 4000 {
		t.Errorf("%d characters in the table, want at least 4000", s.chars)
	}
	if s.phrases < 100 {
		t.Errorf("%d phrases in the table, want at least 100", s.phrases)
	}
	if s.droppedLength != 0 {
		t.Errorf("%d phrases dropped for their length, want 0", s.droppedLength)
	}
	var starts []rune
	for r := rune(0); r <= utf8.MaxRune; r++ {
		if tab.lookup(r)&startsPhrase != 0 {
			starts = append(starts, r)
		}
	}
	slices.Sort(starts)
	t.Logf("phrase starts: %s", string(starts))
}

// BenchmarkT2SInit measures building the table from the model, and
// reports how much memory one table keeps (retained-KB).
func BenchmarkT2SInit(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		runtime.KeepAlive(buildT2S(buildT2SModel()))
	}
	b.StopTimer()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	tab := buildT2S(buildT2SModel())
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/1024, "retained-KB")
	runtime.KeepAlive(tab)
}

func FuzzSimplifyRunes(f *testing.F) {
	f.Add("中華人民共和國國務院辦公廳關於")
	f.Add("乾隆年間，據瞭解，頭髮乾淨")
	f.Add("蕭乾淨")
	f.Add("一口吃個甲胄台州")
	f.Add("abc\xff國")
	f.Add(sampleSimplified)
	m := buildT2SModel()
	tab := t2sTable()
	f.Fuzz(func(t *testing.T, s string) {
		rs := []rune(s)
		n := len(rs)
		want := slices.Clone(rs)
		m.convert(want)
		SimplifyRunes(rs)
		if len(rs) != n {
			t.Fatalf("rune count %d → %d", n, len(rs))
		}
		if !slices.Equal(rs, want) {
			t.Fatalf("SimplifyRunes(%q) = %q, model says %q", s, string(rs), string(want))
		}
		got := ToSimplified(s)
		if utf8.ValidString(s) && got != string(rs) {
			t.Fatalf("ToSimplified(%q) = %q, SimplifyRunes gives %q", s, got, string(rs))
		}
		if utf8.RuneCountInString(got) != n {
			t.Fatalf("ToSimplified changed the rune count of %q", s)
		}
		// Idempotence holds where no phrase can start in the output.
		for _, r := range rs {
			if tab.lookup(r)&startsPhrase != 0 {
				return
			}
		}
		again := slices.Clone(rs)
		SimplifyRunes(again)
		if !slices.Equal(again, rs) {
			t.Fatalf("not idempotent: %q → %q → %q", s, string(rs), string(again))
		}
	})
}

func BenchmarkToSimplified(b *testing.B) {
	simplified := strings.Repeat(sampleSimplified, 20)
	traditional := strings.Repeat(sampleTraditional, 20)
	ToSimplified("")
	for _, bc := range []struct{ name, s string }{
		{"simplified", simplified},
		{"traditional", traditional},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.s)))
			b.ReportAllocs()
			for b.Loop() {
				ToSimplified(bc.s)
			}
		})
	}
	b.Run("runes/simplified", func(b *testing.B) {
		rs := []rune(simplified)
		b.SetBytes(int64(len(simplified)))
		for b.Loop() {
			SimplifyRunes(rs)
		}
	})
}

func firstDiff(a, b string) string {
	ra, rb := []rune(a), []rune(b)
	for i := range min(len(ra), len(rb)) {
		if ra[i] != rb[i] {
			return string(ra[max(0, i-5):min(len(ra), i+5)])
		}
	}
	return ""
}

// sampleSimplified is a paragraph of a 政府工作报告 in simplified Chinese.
const sampleSimplified = `过去一年，我们坚持稳中求进工作总基调，完整、准确、全面贯彻新发展理念，加快构建新发展格局，着力推动高质量发展，` +
	`全面深化改革开放，加大宏观调控力度，扎实推进供给侧结构性改革，经济社会发展主要目标任务圆满完成。` +
	`国内生产总值增长百分之五左右，城镇新增就业一千二百万人以上，居民消费价格涨幅保持在合理区间，粮食产量创历史新高。` +
	`各级政府要坚持依法行政，自觉接受人大及其常委会的监督，主动接受人民政协的民主监督，为实现第二个百年奋斗目标作出新的更大贡献。`

// sampleTraditional is the same paragraph in traditional Chinese.
const sampleTraditional = `過去一年，我們堅持穩中求進工作總基調，完整、準確、全面貫徹新發展理念，加快構建新發展格局，著力推動高質量發展，` +
	`全面深化改革開放，加大宏觀調控力度，紮實推進供給側結構性改革，經濟社會發展主要目標任務圓滿完成。` +
	`國內生產總值增長百分之五左右，城鎮新增就業一千二百萬人以上，居民消費價格漲幅保持在合理區間，糧食產量創歷史新高。` +
	`各級政府要堅持依法行政，自覺接受人大及其常委會的監督，主動接受人民政協的民主監督，為實現第二個百年奋鬥目標作出新的更大貢獻。`
